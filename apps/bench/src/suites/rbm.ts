import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { fold, key, uniformFloats } from '../../../../packages/core-tensor/src/random/index.ts'
import {
  baseRateVisibleBiases,
  decodeRbmCheckpoint,
  initRbm,
  rbmAis,
  rbmContrastiveDivergence,
  rbmGradientStep,
  rbmPersistentContrastiveDivergence,
  type Rbm,
} from '../../../../packages/boltzmann/src/index.ts'

// RBM training throughput, 784×500, batch 100, one CD-1 or PCD-1 step (100 persistent chains)
// per iteration, throughput in images/s. Data: 1000 MNIST-like binary images with 13 % of the
// pixels on (stochastic draws at p = 0.13, the MNIST average; the cost of every candidate but
// the sparse one is the same for any 0/1 data). Candidates:
//   gen rbm.ts        the package's float64 loops (rbmContrastiveDivergence + rbmGradientStep):
//                     data-side products skip zero pixels, W h is dense
//   gen cpu backend   the same step as float32 tensor ops on core-tensor's cpu backend
//                     (matmul, sigmoid, bernoulli), dense throughout
//   gen sparse f32    float32 loops that skip every zero of a binary operand: v W sums the rows of
//                     the on pixels, W h the columns of the on hidden units, and the outer
//                     products vᵀp add p to the rows of the on pixels only
//   sklearn           scikit-learn's BernoulliRBM.partial_fit (PCD-1 with batch-size chains, as
//                     sklearn implements it), when python3 has sklearn; a pipe round trip per step
// plus AIS on the 784×500 RBM: 100 runs × 145 temperatures, 1 % of the 14,501-point schedule's
// work (the full run's time is about 100× this), throughput in run-steps/s. The RBM is the shipped
// weights/rbm-500-mnist.safetensors when present (a trained RBM flips fewer units per step),
// else a fresh one.

const V = 784
const H = 500
const B = 100
const learningRate = 0.01

function binaryImages(count: number): Float64Array {
  const u = uniformFloats(key(11), count * V, 'float64')
  return u.map((x) => (x < 0.13 ? 1 : 0))
}

interface LoopState {
  rbm: Rbm
  data: Float64Array
  step: number
  chains: Float64Array
}

function batchOf(s: { data: Float64Array; step: number }): Float64Array {
  const count = s.data.length / (B * V)
  const k = s.step % count
  return s.data.subarray(k * B * V, (k + 1) * B * V)
}

function loopsCandidate(method: 'cd' | 'pcd'): Candidate {
  return {
    library: 'gen rbm.ts',
    setup: (): LoopState => {
      const data = binaryImages(1000)
      return {
        rbm: initRbm({ numVisible: V, numHidden: H }, { key: key(0) }),
        data,
        step: 0,
        chains: data.slice(0, B * V),
      }
    },
    run: (state) => {
      const s = state as LoopState
      const batch = batchOf(s)
      const sampling = { key: fold(key(5), s.step++) }
      let gradient
      if (method === 'cd') {
        gradient = rbmContrastiveDivergence(s.rbm, batch, sampling).gradient
      } else {
        const estimate = rbmPersistentContrastiveDivergence(s.rbm, batch, s.chains, sampling)
        gradient = estimate.gradient
        s.chains = estimate.negative
      }
      s.rbm = rbmGradientStep(s.rbm, gradient, { learningRate })
    },
  }
}

function tensorCandidate(method: 'cd' | 'pcd'): Candidate {
  interface State {
    w: T.Tensor
    b: T.Tensor
    c: T.Tensor
    batches: T.Tensor[]
    chains: T.Tensor
    step: number
  }
  return {
    library: 'gen cpu backend',
    setup: (): State => {
      const data = Float32Array.from(binaryImages(1000))
      const batches = Array.from({ length: 10 }, (_, k) =>
        T.fromArray(data.subarray(k * B * V, (k + 1) * B * V), { shape: [B, V] }),
      )
      return {
        w: T.fromArray(Float32Array.from(initRbm({ numVisible: V, numHidden: H }, { key: key(0) }).weights), {
          shape: [V, H],
        }),
        b: T.zeros([V]),
        c: T.zeros([H]),
        batches,
        chains: T.fromArray(data.subarray(0, B * V), { shape: [B, V] }),
        step: 0,
      }
    },
    run: (state) => {
      const s = state as State
      const k = fold(key(5), s.step)
      const v0 = s.batches[s.step++ % s.batches.length]
      const next = T.tidy(() => {
        const hiddenProbs = (v: T.Tensor): T.Tensor => T.sigmoid(T.add(T.matmul(v, s.w), s.c))
        const p0 = hiddenProbs(v0)
        const start = method === 'cd' ? v0 : s.chains
        const pStart = method === 'cd' ? p0 : hiddenProbs(start)
        // bernoulli gives a bool mask; where turns it into 0/1 float32
        const sample = (kk: T.Key, p: T.Tensor): T.Tensor =>
          T.where(T.bernoulli(kk, p), T.onesLike(p), T.zerosLike(p))
        const h = sample(fold(k, 0), pStart)
        const v1 = sample(fold(k, 1), T.sigmoid(T.add(T.matmul(h, T.transpose(s.w)), s.b)))
        const p1 = hiddenProbs(v1)
        const scale = learningRate / B
        const dw = T.sub(T.matmul(T.transpose(v0), p0), T.matmul(T.transpose(v1), p1))
        const w = T.add(s.w, T.mul(dw, scale))
        const b = T.add(s.b, T.mul(T.sub(T.sum(v0, { axis: 0 }), T.sum(v1, { axis: 0 })), scale))
        const c = T.add(s.c, T.mul(T.sub(T.sum(p0, { axis: 0 }), T.sum(p1, { axis: 0 })), scale))
        w.dataSync()
        return { w, b, c, chains: v1 }
      })
      T.dispose([s.w, s.b, s.c])
      if (method === 'pcd') T.dispose(s.chains)
      else T.dispose(next.chains)
      Object.assign(s, method === 'pcd' ? next : { w: next.w, b: next.b, c: next.c })
    },
    teardown: (state) => {
      const s = state as State
      T.dispose([s.w, s.b, s.c, s.chains, ...s.batches])
    },
  }
}

/** CD-1/PCD-1 with float32 parameters and loops that skip the zeros of binary operands. */
function sparseCandidate(method: 'cd' | 'pcd'): Candidate {
  interface State {
    w: Float32Array // [V, H]
    b: Float32Array
    c: Float32Array
    data: Float64Array
    chains: Uint8Array // [B, V]
    step: number
  }
  const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
  // p[r, :] = σ(c + Σ_{i on} W[i, :]) for each binary row; also lists the on pixels
  const hiddenProbs = (s: State, v: ArrayLike<number>, p: Float32Array, on: Int32Array[]): void => {
    for (let r = 0; r < B; r++) {
      const row = p.subarray(r * H, (r + 1) * H)
      row.set(s.c)
      let n = 0
      for (let i = 0; i < V; i++) {
        if (v[r * V + i] === 0) continue
        on[r][n++] = i
        const base = i * H
        for (let j = 0; j < H; j++) row[j] += s.w[base + j]
      }
      on[r][V] = n
      for (let j = 0; j < H; j++) row[j] = sigmoid(row[j])
    }
  }
  const p0 = new Float32Array(B * H)
  const p1 = new Float32Array(B * H)
  const pStart = new Float32Array(B * H)
  const on0 = Array.from({ length: B }, () => new Int32Array(V + 1))
  const on1 = Array.from({ length: B }, () => new Int32Array(V + 1))
  const onStart = Array.from({ length: B }, () => new Int32Array(V + 1))
  const hOn = new Int32Array(H)
  const field = new Float32Array(V)
  const v1 = new Uint8Array(B * V)
  const dw = new Float32Array(V * H)
  const db = new Float32Array(V)
  const dc = new Float32Array(H)
  return {
    library: 'gen sparse f32',
    setup: (): State => {
      const data = binaryImages(1000)
      return {
        w: Float32Array.from(initRbm({ numVisible: V, numHidden: H }, { key: key(0) }).weights),
        b: new Float32Array(V),
        c: new Float32Array(H),
        data,
        chains: Uint8Array.from(data.subarray(0, B * V)),
        step: 0,
      }
    },
    run: (state) => {
      const s = state as State
      const k = fold(key(5), s.step)
      const v0 = batchOf(s)
      s.step++
      hiddenProbs(s, v0, p0, on0)
      const start = method === 'cd' ? v0 : s.chains
      if (method === 'pcd') hiddenProbs(s, start, pStart, onStart)
      const ps = method === 'cd' ? p0 : pStart
      const uh = uniformFloats(fold(k, 0), B * H)
      const uv = uniformFloats(fold(k, 1), B * V)
      for (let r = 0; r < B; r++) {
        // h ~ p(h | v), then field = b + W h over the on hidden units
        let nh = 0
        for (let j = 0; j < H; j++) if (uh[r * H + j] < ps[r * H + j]) hOn[nh++] = j
        field.set(s.b)
        for (let i = 0; i < V; i++) {
          const base = i * H
          let a = 0
          for (let n = 0; n < nh; n++) a += s.w[base + hOn[n]]
          field[i] += a
        }
        for (let i = 0; i < V; i++) v1[r * V + i] = uv[r * V + i] < sigmoid(field[i]) ? 1 : 0
      }
      hiddenProbs(s, v1, p1, on1)
      // ΔW = (v0ᵀ p0 − v1ᵀ p1) / B over the on pixels only
      dw.fill(0)
      db.fill(0)
      dc.fill(0)
      const accumulate = (p: Float32Array, on: Int32Array[], sign: number): void => {
        for (let r = 0; r < B; r++) {
          const row = p.subarray(r * H, (r + 1) * H)
          const list = on[r]
          for (let n = 0; n < list[V]; n++) {
            const i = list[n]
            db[i] += sign
            const base = i * H
            for (let j = 0; j < H; j++) dw[base + j] += sign * row[j]
          }
          for (let j = 0; j < H; j++) dc[j] += sign * row[j]
        }
      }
      accumulate(p0, on0, 1)
      accumulate(p1, on1, -1)
      const scale = learningRate / B
      for (let n = 0; n < V * H; n++) s.w[n] += scale * dw[n]
      for (let i = 0; i < V; i++) s.b[i] += scale * db[i]
      for (let j = 0; j < H; j++) s.c[j] += scale * dc[j]
      if (method === 'pcd') s.chains.set(v1)
    },
  }
}

const SKLEARN_SOURCE = String.raw`# scikit-learn BernoulliRBM partial_fit on the bench's batches: reads a step count per line,
# runs that many partial_fit calls (each one PCD-1 step on a batch of 100), answers "ok".
import sys
import numpy as np
from sklearn.neural_network import BernoulliRBM
data = np.load(sys.argv[1])
rbm = BernoulliRBM(n_components=500, learning_rate=0.01, batch_size=100, random_state=0)
rbm.partial_fit(data[:100])
step = 0
for line in sys.stdin:
    for _ in range(int(line)):
        k = step % (len(data) // 100)
        rbm.partial_fit(data[k * 100:(k + 1) * 100])
        step += 1
    sys.stdout.write("ok\n")
    sys.stdout.flush()
`

function sklearnCandidate(): Candidate | { library: string; unavailable: string } {
  const library = 'sklearn BernoulliRBM'
  // Debian's python3-sklearn lives in the system python, which a pyenv shim may hide
  const python = ['python3', '/usr/bin/python3'].find(
    (exe) => spawnSync(exe, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' }).status === 0,
  )
  if (python === undefined) return { library, unavailable: 'python3 with sklearn is not installed' }
  interface State {
    dir: string
    child: ChildProcessWithoutNullStreams
    waiting: (() => void) | undefined
  }
  return {
    library,
    setup: async (): Promise<State> => {
      const dir = mkdtempSync(join(tmpdir(), 'gen-bench-rbm-'))
      // the same 1000 images as the other candidates, as a float64 .npy file
      const images = binaryImages(1000)
      const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (1000, ${V}), }`
      const padded = header.padEnd(118, ' ') + '\n'
      const npy = new Uint8Array(10 + padded.length + images.byteLength)
      npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 255, padded.length >> 8])
      npy.set(new TextEncoder().encode(padded), 10)
      npy.set(new Uint8Array(images.buffer), 10 + padded.length)
      writeFileSync(join(dir, 'data.npy'), npy)
      writeFileSync(join(dir, 'rbm.py'), SKLEARN_SOURCE)
      const child = spawn(python, [join(dir, 'rbm.py'), join(dir, 'data.npy')])
      const state: State = { dir, child, waiting: undefined }
      child.stdout.on('data', () => {
        const done = state.waiting
        state.waiting = undefined
        done?.()
      })
      await new Promise<void>((resolve) => {
        state.waiting = resolve
        child.stdin.write('1\n')
      })
      return state
    },
    run: (state) =>
      new Promise<void>((resolve) => {
        const s = state as State
        s.waiting = resolve
        s.child.stdin.write('1\n')
      }),
    teardown: (state) => {
      const s = state as State
      s.child.kill()
      rmSync(s.dir, { recursive: true, force: true })
    },
  }
}

function aisCandidate(): Candidate {
  const shipped = join(
    import.meta.dirname,
    '../../../../packages/boltzmann/weights/rbm-500-mnist.safetensors',
  )
  return {
    library: existsSync(shipped) ? 'gen rbmAis (shipped RBM)' : 'gen rbmAis (fresh RBM)',
    setup: () => {
      const rbm = existsSync(shipped)
        ? decodeRbmCheckpoint(new Uint8Array(readFileSync(shipped))).rbm
        : initRbm({ numVisible: V, numHidden: H }, { key: key(0) })
      return { rbm, baseVisibleBias: baseRateVisibleBiases(binaryImages(1000), V) }
    },
    run: (state) => {
      const s = state as { rbm: Rbm; baseVisibleBias: Float64Array }
      rbmAis(s.rbm, {
        key: key(1),
        numRuns: 100,
        schedule: { numTemperatures: 145 },
        baseVisibleBias: s.baseVisibleBias,
      })
    },
  }
}

/**
 * The RBM suites: CD-1 and PCD-1 training steps (784×500, batch 100) and AIS.
 *
 * @example
 * ```ts
 * allSuites().push(...rbmSuites())
 * ```
 */
export function rbmSuites(): Suite[] {
  const sklearn = sklearnCandidate()
  return [
    {
      group: 'rbm',
      name: 'rbm CD-1 step 784x500 b100',
      work: { amount: B, unit: 'image' },
      baseline: 'gen rbm.ts',
      candidates: [sparseCandidate('cd'), tensorCandidate('cd'), loopsCandidate('cd')],
    },
    {
      group: 'rbm',
      name: 'rbm PCD-1 step 784x500 b100 (100 chains)',
      work: { amount: B, unit: 'image' },
      baseline: 'unavailable' in sklearn ? 'gen rbm.ts' : sklearn.library,
      candidates: [sparseCandidate('pcd'), tensorCandidate('pcd'), loopsCandidate('pcd'), sklearn],
    },
    {
      group: 'rbm',
      name: 'rbm AIS 784x500 100 runs x 145 temperatures (1% of 14,501)',
      work: { amount: 100 * 144, unit: 'run-step' },
      candidates: [aisCandidate()],
    },
  ]
}
