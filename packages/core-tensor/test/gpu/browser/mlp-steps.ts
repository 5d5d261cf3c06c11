/**
 * Short training runs shared by the browser page and the Node test, so that the page's gpu
 * modes and Node's cpu backend run the very same steps on the same MNIST digits: an MLP
 * (784-32-10, ReLU) and a small CNN (conv 1→4 5×5, ReLU, 2×2 max-pool, linear 576→10), softmax
 * cross-entropy, Adam lr 1e-3. The loss is read back twice; nothing else leaves the device.
 */
import { valueAndGrad } from '../../../src/autodiff/grad'
import type { BackendV1 } from '../../../src/backend/spec'
import { dispose, memoryStats, tidy } from '../../../src/memory'
import { conv2dInit, conv2dLayer } from '../../../src/nn/conv-layers'
import { linear, linearInit } from '../../../src/nn/layers'
import { crossEntropyWithLogits } from '../../../src/nn/losses'
import { fromArray } from '../../../src/ops/creation'
import { maxPool2d } from '../../../src/ops/pool'
import { reshape } from '../../../src/ops/views'
import { relu } from '../../../src/ops/unary'
import { adam } from '../../../src/optim/adam'
import { applyUpdates } from '../../../src/optim/optimizer'
import { key, split } from '../../../src/random/key'
import type { Tensor } from '../../../src/tensor'

/** Digits per batch, batches, steps. */
export const MLP_RUN = { batch: 32, batches: 3, steps: 50 } as const

/** The digits: `batch·batches` images of 784 pixels in [0, 1] and their labels. */
export interface MlpData {
  readonly x: ArrayLike<number>
  readonly y: ArrayLike<number>
}

/** What a run gives back (plain arrays, so that it crosses page.evaluate). */
export interface MlpResult {
  readonly first: number
  readonly last: number
  readonly weights: number[][]
  /** Live tensors and bytes on the backend after each step. */
  readonly memory: [number, number][]
  readonly ms: number
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }

/** Which network: the MLP or the small CNN. */
export type NetKind = 'mlp' | 'cnn'

/**
 * `MLP_RUN.steps` Adam steps of the `kind` network on `backend`, cycling over the batches,
 * from key(0)'s weights.
 */
export async function trainMlp(backend: BackendV1, data: MlpData, kind: NetKind = 'mlp'): Promise<MlpResult> {
  const start = performance.now()
  const { batch, batches, steps } = MLP_RUN
  const [k1, k2] = split(key(0))
  // the same initial values on every backend: drawn on the default (cpu) backend, copied
  const l1 =
    kind === 'mlp'
      ? linearInit(k1, 784, 32)
      : conv2dInit(k1, { inChannels: 1, outChannels: 4, kernelSize: 5 })
  const l2 = linearInit(k2, kind === 'mlp' ? 32 : 4 * 12 * 12, 10)
  const on = (t: Tensor) => fromArray(t.dataSync(), { shape: t.shape, backend })
  let params: Params = { w1: on(l1.weight), b1: on(l1.bias!), w2: on(l2.weight), b2: on(l2.bias!) }
  dispose([l1, l2])
  const xs: Tensor[] = []
  const ys: Tensor[] = []
  for (let b = 0; b < batches; b++) {
    const x = Float32Array.from({ length: batch * 784 }, (_, i) => data.x[b * batch * 784 + i])
    const y = Int32Array.from({ length: batch }, (_, i) => data.y[b * batch + i])
    xs.push(fromArray(x, { shape: kind === 'mlp' ? [batch, 784] : [batch, 1, 28, 28], backend }))
    ys.push(fromArray(y, { shape: [batch], dtype: 'int32', backend }))
  }
  const features = (p: Params, x: Tensor): Tensor =>
    kind === 'mlp'
      ? relu(linear({ weight: p.w1, bias: p.b1 }, x))
      : reshape(maxPool2d(relu(conv2dLayer({ weight: p.w1, bias: p.b1 }, x)), { kernelSize: 2 }), [
          x.shape[0],
          4 * 12 * 12,
        ])
  const loss = (p: Params, x: Tensor, y: Tensor) =>
    crossEntropyWithLogits(linear({ weight: p.w2, bias: p.b2 }, features(p, x)), y)
  const optimizer = adam({ learningRate: 1e-3 })
  let state = optimizer.init(params)
  const memory: [number, number][] = []
  let first = NaN
  let last = NaN
  for (let step = 0; step < steps; step++) {
    const next = tidy(() => {
      const { value, grads } = valueAndGrad(loss)(params, xs[step % batches], ys[step % batches])
      const { updates, state: s } = optimizer.update(grads, state, params)
      return { params: applyUpdates(params, updates) as Params, state: s, value }
    })
    dispose([params, state])
    params = next.params
    state = next.state
    if (step === 0) first = (await next.value.data())[0]
    if (step === steps - 1) last = (await next.value.data())[0]
    next.value.dispose()
    const m = memoryStats(backend)
    memory.push([m.tensors, m.bytes])
  }
  const weights = await Promise.all(
    [params.w1, params.b1, params.w2, params.b2].map(async (t) => Array.from(await t.data())),
  )
  dispose([params, state, xs, ys])
  return { first, last, weights, memory, ms: performance.now() - start }
}
