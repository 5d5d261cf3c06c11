/**
 * A small MLP and a small CNN trained 50 Adam steps on MNIST on each gpu mode end where the
 * same runs on the cpu backend end (float32 tolerance), with the loss read back only twice and
 * device memory flat across the steps.
 */
import { loadMnist } from '@gen/datasets/node'
import { describe, expect, it } from 'vitest'
import { valueAndGrad } from '../../src/autodiff/grad'
import { cpu } from '../../src/backend/cpu'
import type { BackendV1 } from '../../src/backend/spec'
import { BackendUnavailableError } from '../../src/errors'
import { createGpuBackend, type GpuBackend, type GpuMode } from '../../src/gpu/index'
import { dispose, memoryStats, tidy } from '../../src/memory'
import { conv2dInit, conv2dLayer } from '../../src/nn/conv-layers'
import { linear, linearInit } from '../../src/nn/layers'
import { crossEntropyWithLogits } from '../../src/nn/losses'
import { fromArray } from '../../src/ops/creation'
import { maxPool2d } from '../../src/ops/pool'
import { relu } from '../../src/ops/unary'
import { reshape } from '../../src/ops/views'
import { adam } from '../../src/optim/adam'
import { applyUpdates } from '../../src/optim/optimizer'
import { key, split } from '../../src/random/key'
import type { Tensor } from '../../src/tensor'

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }

/** A model: initial parameters (drawn on cpu) and the batch loss. */
interface Model {
  name: string
  /** Digits per batch (the CNN's is small: llvmpipe runs its scatter-add sort on 2 CPU cores). */
  batch: number
  init(): Params
  loss(p: Params, x: Tensor, y: Tensor): Tensor
}

const mlp: Model = {
  name: 'MLP 784-32-10',
  batch: 64,
  init() {
    const [k1, k2] = split(key(0))
    const l1 = linearInit(k1, 784, 32)
    const l2 = linearInit(k2, 32, 10)
    return { w1: l1.weight, b1: l1.bias!, w2: l2.weight, b2: l2.bias! }
  },
  loss: (p, x, y) =>
    crossEntropyWithLogits(
      linear({ weight: p.w2, bias: p.b2 }, relu(linear({ weight: p.w1, bias: p.b1 }, x))),
      y,
    ),
}

const cnn: Model = {
  name: 'CNN conv5x5(4)-relu-maxpool2-linear(10)',
  batch: 16,
  init() {
    const [k1, k2] = split(key(1))
    const c = conv2dInit(k1, { inChannels: 1, outChannels: 4, kernelSize: 5 })
    const l = linearInit(k2, 4 * 12 * 12, 10)
    return { w1: c.weight, b1: c.bias!, w2: l.weight, b2: l.bias! }
  },
  loss(p, x, y) {
    const n = x.shape[0]
    const h = maxPool2d(relu(conv2dLayer({ weight: p.w1, bias: p.b1 }, reshape(x, [n, 1, 28, 28]))), {
      kernelSize: 2,
    })
    return crossEntropyWithLogits(linear({ weight: p.w2, bias: p.b2 }, reshape(h, [n, 4 * 12 * 12])), y)
  },
}

const STEPS = 50
const BATCHES = 10
const required = process.env.GEN_GPU_REQUIRED === '1'

/** The first BATCHES·64 training digits, pixels scaled to [0, 1]. */
async function mnistBatches() {
  const { train } = await loadMnist()
  const n = 64 * BATCHES
  const x = new Float32Array(n * 784)
  for (let i = 0; i < n * 784; i++) x[i] = train.images[i] / 255
  return { x, y: Int32Array.from(train.labels.subarray(0, n)) }
}

interface Run {
  first: number
  last: number
  weights: Float32Array[]
  /** Live tensors and bytes on the backend after each step. */
  memory: [number, number][]
  ms: number
}

/** 50 steps with Adam (lr 1e-3), cycling over the batches, all on `backend`. */
async function train(
  model: Model,
  backend: BackendV1,
  data: { x: Float32Array; y: Int32Array },
): Promise<Run> {
  const start = performance.now()
  // the same initial values on every backend: drawn on cpu, copied
  const init = model.init()
  const on = (t: Tensor) => fromArray(t.dataSync(), { shape: t.shape, backend })
  let params: Params = { w1: on(init.w1), b1: on(init.b1), w2: on(init.w2), b2: on(init.b2) }
  dispose(init)
  const xs: Tensor[] = []
  const ys: Tensor[] = []
  const BATCH = model.batch
  for (let b = 0; b < BATCHES; b++) {
    xs.push(
      fromArray(data.x.subarray(b * BATCH * 784, (b + 1) * BATCH * 784), { shape: [BATCH, 784], backend }),
    )
    ys.push(
      fromArray(data.y.subarray(b * BATCH, (b + 1) * BATCH), { shape: [BATCH], dtype: 'int32', backend }),
    )
  }
  const optimizer = adam({ learningRate: 1e-3 })
  let state = optimizer.init(params)
  const lossOf = (p: Params, x: Tensor, y: Tensor) => model.loss(p, x, y)
  const memory: [number, number][] = []
  let first = NaN
  let last = NaN
  for (let step = 0; step < STEPS; step++) {
    const next = tidy(() => {
      const { value, grads } = valueAndGrad(lossOf)(params, xs[step % BATCHES], ys[step % BATCHES])
      const { updates, state: s } = optimizer.update(grads, state, params)
      return { params: applyUpdates(params, updates) as Params, state: s, value }
    })
    dispose([params, state])
    params = next.params
    state = next.state
    // the loss is read back twice in the run; the other steps never leave the device
    if (step === 0) first = (await next.value.data())[0]
    if (step === STEPS - 1) last = (await next.value.data())[0]
    next.value.dispose()
    const m = memoryStats(backend)
    memory.push([m.tensors, m.bytes])
  }
  const weights = await Promise.all(
    [params.w1, params.b1, params.w2, params.b2].map(async (t) => Float32Array.from(await t.data())),
  )
  dispose([params, state, xs, ys])
  return { first, last, weights, memory, ms: performance.now() - start }
}

describe('MNIST models, 50 Adam steps: gpu modes against cpu', () => {
  const data = mnistBatches()
  const backends = new Map<GpuMode, Promise<GpuBackend | string>>()
  const backendFor = (mode: GpuMode): Promise<GpuBackend | string> => {
    if (!backends.has(mode)) {
      backends.set(
        mode,
        createGpuBackend({ mode }).catch((error: unknown) => {
          if (error instanceof BackendUnavailableError) return error.reason
          throw error
        }),
      )
    }
    return backends.get(mode)!
  }

  for (const model of [mlp, cnn]) {
    const reference = data.then((d) => train(model, cpu, d))
    for (const mode of ['webasm', 'webgpu'] as GpuMode[]) {
      it(
        `${model.name} on gpu:${mode} ends within float32 tolerance of cpu, memory flat`,
        { timeout: 300_000 },
        async ({ skip }) => {
          const backend = await backendFor(mode)
          if (typeof backend === 'string') {
            if (required) throw new Error(`gpu:${mode} must be available (GEN_GPU_REQUIRED=1): ${backend}`)
            skip(`gpu:${mode} unavailable: ${backend}`)
            return
          }
          const before = memoryStats(backend)
          const want = await reference
          const got = await train(model, backend, await data)
          let worst = 0
          got.weights.forEach((w, k) =>
            w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.weights[k][i])))),
          )
          console.log(
            `${model.name} gpu:${mode} 50 steps: loss ${got.first.toFixed(4)} -> ${got.last.toFixed(4)} (cpu ${want.first.toFixed(4)} -> ${want.last.toFixed(4)}); |Δ last loss| ${Math.abs(got.last - want.last).toExponential(2)}, max |Δ weight| ${worst.toExponential(2)}; ${got.ms.toFixed(0)} ms (cpu ${want.ms.toFixed(0)} ms)`,
          )
          // it learned: ln 10 = 2.30 at the start
          expect(want.last).toBeLessThan(0.75 * want.first)
          expect(Math.abs(got.first - want.first)).toBeLessThan(1e-5 * want.first)
          expect(Math.abs(got.last - want.last)).toBeLessThan(1e-3 * want.last)
          expect(worst).toBeLessThan(1e-4)
          // every step leaves the same live tensors and bytes as the first
          expect(new Set(got.memory.map(([t, b]) => `${t}/${b}`)).size).toBe(1)
          const after = memoryStats(backend)
          expect([after.tensors, after.bytes, after.buffers]).toEqual([
            before.tensors,
            before.bytes,
            before.buffers,
          ])
        },
      )
    }
  }
})
