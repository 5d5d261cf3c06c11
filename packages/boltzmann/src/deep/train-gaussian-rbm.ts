// A training loop for Gaussian–Bernoulli RBMs: keyed shuffled mini-batches, CD-k or PCD,
// momentum, weight decay and a learning-rate schedule (Hinton 2010, §13.2: standardise the data,
// keep σ = 1 or learn ln σ with a smaller rate; Cho, Ilin & Raiko 2011 learn it).
import { checkOptions, fold, InvalidArgumentError, permutation, type Key } from '@gen/core-tensor'

import { checkPositiveInteger } from '../internal/numeric'
import {
  checkGaussianRbm,
  gaussianRbmContrastiveDivergence,
  gaussianRbmHiddenProbabilities,
  gaussianRbmVisibleMean,
  type GaussianRbm,
  type GaussianRbmGradient,
} from './gaussian-rbm'
import { bernoulliDraw } from './internal'
import {
  checkLearningRate,
  checkMomentum,
  learningRateAt,
  momentumAt,
  momentumUpdate,
  type RbmLearningRate,
  type RbmMomentum,
} from './update'

/**
 * Options of {@link trainGaussianRbm}.
 *
 * @example
 * ```ts
 * const options: TrainGaussianRbmOptions = { key: key(0), numEpochs: 20, learningRate: 0.01, learnSigma: true }
 * ```
 */
export interface TrainGaussianRbmOptions {
  /** Key: epoch e's order is permutation(fold(fold(key, 0), e), N); step t's chain uses fold(fold(key, 1), t). */
  readonly key: Key
  /** Epochs ≥ 1. */
  readonly numEpochs: number
  /** Rows per batch (default min(100, N)). */
  readonly batchSize?: number
  /** 'cd' (default) or 'pcd'. */
  readonly method?: 'cd' | 'pcd'
  /** Gibbs steps k (default 1). */
  readonly numSteps?: number
  /** PCD chains (default batchSize), started at the first rows of the data. */
  readonly numChains?: number
  /** η (default 0.01; Gaussian visibles need smaller rates than binary ones). */
  readonly learningRate?: RbmLearningRate
  /** μ (default 0). */
  readonly momentum?: RbmMomentum
  /** L2 weight decay λ on W (default 0). */
  readonly weightDecay?: number
  /** Learn s = ln σ as well (default false: σ stays fixed). */
  readonly learnSigma?: boolean
  /** Rate factor of ln σ relative to η (default 0.1). */
  readonly sigmaRateFactor?: number
  /** Called after each epoch with the mean squared reconstruction error of the first min(N, 1000) rows. */
  readonly onEpoch?: (progress: {
    readonly epoch: number
    readonly step: number
    readonly learningRate: number
    readonly reconstructionError: number
  }) => void
}

/**
 * Trains a Gaussian–Bernoulli RBM by CD-k or PCD with momentum:
 * Δ ← μ Δ + η (g − λ W), θ ← θ + Δ, where ln σ (when learned) moves with rate η · sigmaRateFactor.
 *
 * @param rbm - the initial model (not modified)
 * @param data - v [N, V], real (standardised data suit σ = 1)
 * @param options - {@link TrainGaussianRbmOptions}
 * @returns the trained `rbm` and per-epoch `reconstructionErrors`
 * @throws InvalidArgumentError for bad data or options
 * @example
 * ```ts
 * const init = initGaussianRbm({ numVisible: 2, numHidden: 8 }, { key: key(0), initScale: 0.1 })
 * const { rbm } = trainGaussianRbm(init, points, { key: key(1), numEpochs: 50, learningRate: 0.01, learnSigma: true })
 * ```
 */
export function trainGaussianRbm(
  rbm: GaussianRbm,
  data: ArrayLike<number>,
  options: TrainGaussianRbmOptions,
): { readonly rbm: GaussianRbm; readonly reconstructionErrors: readonly number[] } {
  const op = 'trainGaussianRbm'
  checkOptions(op, options)
  checkGaussianRbm(op, rbm)
  const V = rbm.numVisible
  if (data.length === 0 || data.length % V !== 0) {
    throw new InvalidArgumentError(
      op,
      'data',
      `must be a non-empty row-major [N, ${V}] array, got length ${data.length}`,
    )
  }
  for (let q = 0; q < data.length; q++) {
    if (!Number.isFinite(data[q])) {
      throw new InvalidArgumentError(op, 'data', `must hold finite numbers, got ${data[q]} at index ${q}`)
    }
  }
  const N = data.length / V
  checkPositiveInteger(op, 'numEpochs', options.numEpochs)
  const batchSize = options.batchSize ?? Math.min(100, N)
  checkPositiveInteger(op, 'batchSize', batchSize, N)
  const method = options.method ?? 'cd'
  if (method !== 'cd' && method !== 'pcd') {
    throw new InvalidArgumentError(op, 'method', `must be 'cd' or 'pcd', got ${String(method)}`)
  }
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  const numChains = options.numChains ?? batchSize
  checkPositiveInteger(op, 'numChains', numChains, N)
  const learningRate = options.learningRate ?? 0.01
  checkLearningRate(op, learningRate)
  const momentum = options.momentum ?? 0
  checkMomentum(op, momentum)
  const weightDecay = options.weightDecay ?? 0
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new InvalidArgumentError(op, 'weightDecay', `must be a finite number >= 0, got ${weightDecay}`)
  }
  const sigmaRateFactor = options.sigmaRateFactor ?? 0.1
  if (!(Number.isFinite(sigmaRateFactor) && sigmaRateFactor > 0)) {
    throw new InvalidArgumentError(
      op,
      'sigmaRateFactor',
      `must be a finite number > 0, got ${sigmaRateFactor}`,
    )
  }

  const batchesPerEpoch = Math.max(1, Math.floor(N / batchSize))
  const totalSteps = options.numEpochs * batchesPerEpoch
  let chains: Float64Array | undefined =
    method === 'pcd' ? Float64Array.from({ length: numChains * V }, (_, q) => data[q]) : undefined
  let current = rbm
  let velocity: Partial<Record<keyof GaussianRbmGradient, Float64Array>> = {}
  const errors: number[] = []
  const batch = new Float64Array(batchSize * V)
  const monitorRows = Math.min(N, 1000)
  let step = 0
  for (let epoch = 0; epoch < options.numEpochs; epoch++) {
    const order = permutation(fold(fold(options.key, 0), epoch), N)
    const mu = momentumAt(momentum, epoch)
    let eta = 0
    for (let b = 0; b < batchesPerEpoch; b++) {
      for (let r = 0; r < batchSize; r++) {
        const row = order[b * batchSize + r]
        for (let i = 0; i < V; i++) batch[r * V + i] = data[row * V + i]
      }
      const estimate = gaussianRbmContrastiveDivergence(current, batch, {
        key: fold(fold(options.key, 1), step),
        numSteps,
        ...(chains === undefined ? {} : { chains }),
      })
      if (chains !== undefined) chains = estimate.negative
      eta = learningRateAt(learningRate, { step, epoch, totalSteps })
      const g = estimate.gradient
      const gradient = {
        weights: g.weights,
        visibleBias: g.visibleBias,
        hiddenBias: g.hiddenBias,
        ...(options.learnSigma === true ? { logSigma: g.logSigma.map((x) => sigmaRateFactor * x) } : {}),
      }
      const next = momentumUpdate(
        {
          weights: current.weights,
          visibleBias: current.visibleBias,
          hiddenBias: current.hiddenBias,
          logSigma: current.logSigma,
        },
        gradient,
        velocity,
        { learningRate: eta, momentum: mu, weightDecay, decayed: ['weights'] },
      )
      current = { numVisible: V, numHidden: rbm.numHidden, ...next.params }
      velocity = next.velocity
      step++
    }
    const view = Float64Array.from({ length: monitorRows * V }, (_, q) => data[q])
    const h = bernoulliDraw(gaussianRbmHiddenProbabilities(current, view), fold(fold(options.key, 2), epoch))
    const reconstruction = gaussianRbmVisibleMean(current, h)
    let error = 0
    for (let q = 0; q < view.length; q++) error += (view[q] - reconstruction[q]) ** 2
    errors.push(error / monitorRows)
    options.onEpoch?.({ epoch: epoch + 1, step, learningRate: eta, reconstructionError: error / monitorRows })
  }
  return { rbm: current, reconstructionErrors: errors }
}
