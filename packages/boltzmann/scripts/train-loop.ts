// Minibatch training loop for Bernoulli RBMs used by the scripts and the MNIST tests:
// shuffled minibatches (a keyed permutation per epoch), CD-k or PCD gradients, and plain SGD
// with optional classical momentum, θ ← θ + v, v ← μ v + η g. The gradients come from
// scripts/sparse-gradient.ts (engine 'sparse', the default: bit-identical to src/rbm.ts on 0/1
// data and about twice as fast) or from src/rbm.ts itself (engine 'rbm').
import { fold, permutation, type Key } from '@gen/core-tensor'
import {
  createRbm,
  rbmContrastiveDivergence,
  rbmPersistentContrastiveDivergence,
  type Rbm,
} from '../src/index'
import { sparseGradient } from './sparse-gradient'

export interface TrainRbmOptions {
  readonly method: 'cd' | 'pcd'
  readonly epochs: number
  readonly batchSize: number
  readonly learningRate: number
  /** Classical momentum μ (default 0). */
  readonly momentum?: number
  /** Gibbs steps per gradient (default 1). */
  readonly numSteps?: number
  /** PCD persistent chains (default = batchSize). */
  readonly numChains?: number
  readonly key: Key
  /** 'sparse' (default) or 'rbm' (src/rbm.ts's functions); both give the same numbers on 0/1 data. */
  readonly engine?: 'sparse' | 'rbm'
  readonly onEpoch?: (info: { epoch: number; rbm: Rbm; seconds: number; imagesPerSecond: number }) => void
}

/** Copies rows `order[start..start+count)` of `data` ([rows, width]) into `out` ([count, width]). */
function gather(
  data: Float64Array,
  rows: { order: Int32Array; start: number; width: number },
  out: Float64Array,
): void {
  const { order, start, width } = rows
  const count = out.length / width
  for (let r = 0; r < count; r++) {
    out.set(data.subarray(order[start + r] * width, (order[start + r] + 1) * width), r * width)
  }
}

export function trainRbm(
  initial: Rbm,
  data: Float64Array,
  options: TrainRbmOptions,
): { readonly rbm: Rbm; readonly chains: Float64Array | undefined; readonly seconds: number } {
  const { numVisible: V, numHidden: H } = initial
  const rows = data.length / V
  const { batchSize, learningRate, epochs } = options
  const momentum = options.momentum ?? 0
  const numSteps = options.numSteps ?? 1
  const [orderKey, gibbsKey, chainKey] = [fold(options.key, 0), fold(options.key, 1), fold(options.key, 2)]
  const weights = Float64Array.from(initial.weights)
  const visibleBias = Float64Array.from(initial.visibleBias)
  const hiddenBias = Float64Array.from(initial.hiddenBias)
  const velocity = { w: new Float64Array(V * H), b: new Float64Array(V), c: new Float64Array(H) }
  const rbm: Rbm = { numVisible: V, numHidden: H, weights, visibleBias, hiddenBias }
  let chains: Float64Array | undefined
  if (options.method === 'pcd') {
    // persistent chains start at randomly chosen training images
    const numChains = options.numChains ?? batchSize
    chains = new Float64Array(numChains * V)
    gather(data, { order: permutation(chainKey, rows), start: 0, width: V }, chains)
  }
  const batch = new Float64Array(batchSize * V)
  const stepsPerEpoch = Math.floor(rows / batchSize)
  const started = Date.now()
  let step = 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStart = Date.now()
    const order = permutation(fold(orderKey, epoch), rows)
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      gather(data, { order, start: s * batchSize, width: V }, batch)
      const sampling = { key: fold(gibbsKey, step), numSteps }
      let g
      if (options.engine !== 'rbm') {
        const estimate = sparseGradient(rbm, batch, { chains, ...sampling })
        g = estimate.gradient
        if (chains !== undefined) chains = estimate.negative
      } else if (chains === undefined) {
        g = rbmContrastiveDivergence(rbm, batch, sampling).gradient
      } else {
        const estimate = rbmPersistentContrastiveDivergence(rbm, batch, chains, sampling)
        g = estimate.gradient
        chains = estimate.negative
      }
      const update = (param: Float64Array, vel: Float64Array, grad: Float64Array): void => {
        for (let k = 0; k < param.length; k++) {
          vel[k] = momentum * vel[k] + learningRate * grad[k]
          param[k] += vel[k]
        }
      }
      update(weights, velocity.w, g.weights)
      update(visibleBias, velocity.b, g.visibleBias)
      update(hiddenBias, velocity.c, g.hiddenBias)
    }
    const seconds = (Date.now() - epochStart) / 1000
    options.onEpoch?.({ epoch, rbm, seconds, imagesPerSecond: (stepsPerEpoch * batchSize) / seconds })
  }
  return { rbm: createRbm(rbm), chains, seconds: (Date.now() - started) / 1000 }
}
