import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { setCpuThreads } from '../../../../packages/core-tensor/src/node.ts'
import { fold, key } from '../../../../packages/core-tensor/src/random/index.ts'
import {
  baseRateVisibleBiases,
  decodeRbmCheckpoint,
  initRbm,
  rbmAis,
  trainRbm,
  type Rbm,
} from '../../../../packages/boltzmann/src/index.ts'
import { binarizedMnist } from '../../../../packages/boltzmann/scripts/mnist-protocol.ts'

// RBM training throughput, 784×500, batch 100, CD-1 or PCD-1 (100 persistent chains), images/s.
// Data: the first 1000 stochastically binarised MNIST training images (the package's protocol,
// scripts/mnist-protocol.ts), the same for every candidate, sklearn included. Candidates:
//   gen trainRbm        the package's trainRbm, one epoch of the 1000 images (10 steps) per
//                       iteration on the cpu backend: products with a binary operand (v W, h Wᵀ,
//                       vᵀ p) as sparse row gathers in the package's WebAssembly SIMD kernel,
//                       others on core-tensor's float32 WebAssembly SIMD matmul; Philox uniforms
//                       in WebAssembly; float64 sigmoids, draws and update
//   gen trainRbm 2 thr  the same with setCpuThreads(2): each product's rows split over 2 threads
//   gen cpu backend     the same step written as float32 tensor ops (matmul, sigmoid,
//                       bernoulli), dense throughout: what the tensor API alone gives
//   sklearn             scikit-learn's BernoulliRBM.partial_fit (PCD-1 with batch-size persistent
//                       chains, as sklearn implements it; float64 OpenBLAS, which threads over
//                       the cores), when python3 has sklearn; 10 partial_fit calls per iteration,
//                       one pipe round trip. It is the reference of both suites: CD-1 and
//                       sklearn's PCD-1 cost the same five products per batch.
// plus AIS on the 784×500 RBM: 100 runs × 145 temperatures, 1 % of the 14,501-point schedule's
// work (the full run's time is about 100× this), throughput in run-steps/s. The RBM is the shipped
// weights/rbm-500-mnist.safetensors when present, else a fresh one.

const V = 784
const H = 500
const B = 100
const N = 1000
const learningRate = 0.01

let mnist: Float64Array | undefined
async function images(): Promise<Float64Array> {
  mnist ??= (await binarizedMnist(N)).train.values.slice(0, N * V)
  return mnist
}

interface TrainState {
  rbm: Rbm
  data: Float64Array
  step: number
}

function trainCandidate(method: 'cd' | 'pcd', threads: number): Candidate {
  return {
    library: threads === 1 ? 'gen trainRbm' : `gen trainRbm ${threads} threads`,
    setup: async (): Promise<TrainState> => {
      await setCpuThreads(threads)
      return { rbm: initRbm({ numVisible: V, numHidden: H }, { key: key(0) }), data: await images(), step: 0 }
    },
    run: (state) => {
      const s = state as TrainState
      s.rbm = trainRbm(s.rbm, s.data, {
        key: fold(key(5), s.step++),
        numEpochs: 1,
        batchSize: B,
        method,
        numChains: B,
        learningRate,
        monitorSize: 0,
      }).rbm
    },
    teardown: () => setCpuThreads(1),
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
  const oneStep = (s: State): void => {
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
  }
  return {
    library: 'gen cpu backend',
    setup: async (): Promise<State> => {
      const data = Float32Array.from(await images())
      const batches = Array.from({ length: N / B }, (_, k) =>
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
      // one epoch of the 1000 images, as the other candidates
      for (let t = 0; t < N / B; t++) oneStep(state as State)
    },
    teardown: (state) => {
      const s = state as State
      T.dispose([s.w, s.b, s.c, s.chains, ...s.batches])
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
      const data = await images()
      const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${N}, ${V}), }`
      const padded = header.padEnd(118, ' ') + '\n'
      const npy = new Uint8Array(10 + padded.length + data.byteLength)
      npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 255, padded.length >> 8])
      npy.set(new TextEncoder().encode(padded), 10)
      npy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + padded.length)
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
        s.child.stdin.write(`${N / B}\n`)
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
    setup: async () => {
      const rbm = existsSync(shipped)
        ? decodeRbmCheckpoint(new Uint8Array(readFileSync(shipped))).rbm
        : initRbm({ numVisible: V, numHidden: H }, { key: key(0) })
      return { rbm, baseVisibleBias: baseRateVisibleBiases(await images(), V) }
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
  const baseline = 'unavailable' in sklearn ? 'gen cpu backend' : sklearn.library
  const training = (method: 'cd' | 'pcd'): (Candidate | { library: string; unavailable: string })[] => [
    trainCandidate(method, 1),
    trainCandidate(method, 2),
    tensorCandidate(method),
    sklearn,
  ]
  return [
    {
      group: 'rbm',
      name: 'rbm CD-1 epoch of 1000 MNIST images 784x500 b100',
      work: { amount: N, unit: 'image' },
      baseline,
      candidates: training('cd'),
    },
    {
      group: 'rbm',
      name: 'rbm PCD-1 epoch of 1000 MNIST images 784x500 b100 (100 chains)',
      work: { amount: N, unit: 'image' },
      baseline,
      candidates: training('pcd'),
    },
    {
      group: 'rbm',
      name: 'rbm AIS 784x500 100 runs x 145 temperatures (1% of 14,501)',
      work: { amount: 100 * 144, unit: 'run-step' },
      candidates: [aisCandidate()],
    },
  ]
}
