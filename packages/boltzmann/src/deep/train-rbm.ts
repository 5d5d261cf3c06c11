// A training loop for Bernoulli RBMs following Hinton (2010), "A practical guide to training
// restricted Boltzmann machines": mini-batches in a keyed shuffled order, a CD-k, PCD
// (Tieleman 2008) or parallel-tempering (Desjardins et al. 2010) gradient, momentum, L2 weight
// decay, a sparsity target and a learning-rate schedule, with per-epoch monitoring.
import {
  checkOptions,
  fold,
  InvalidArgumentError,
  permutation,
  uniformFloats,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'

import { checkPositiveInteger, softplus } from '../internal/numeric'
import { productBackend } from '../internal/products'
import { gradientEstimateInternal, rbmPseudoLikelihood, type Rbm, type RbmGradient } from '../rbm'
import {
  bernoulliDraw,
  checkRbmShape,
  checkRows,
  hiddenProbabilitiesAt,
  visibleProbabilitiesAt,
} from './internal'
import {
  initTemperingChains,
  linearInverseTemperatures,
  rbmParallelTemperingGradient,
  temperingSwapRates,
  type TemperingState,
} from './parallel-tempering'
import {
  checkLearningRate,
  checkMomentum,
  checkSparsity,
  learningRateAt,
  momentumAt,
  rbmSparsityGradient,
  type RbmLearningRate,
  type RbmMomentum,
  type RbmSparsity,
} from './update'

/**
 * The negative phase of {@link trainRbm}.
 *
 * @example
 * ```ts
 * const method: RbmTrainingMethod = 'pcd'
 * ```
 */
export type RbmTrainingMethod = 'cd' | 'pcd' | 'pt'

/**
 * Numbers reported after each epoch by {@link trainRbm}.
 *
 * @example
 * ```ts
 * onEpoch: (p: RbmEpochProgress) => console.log(p.epoch, p.reconstructionError, p.pseudoLikelihood)
 * ```
 */
export interface RbmEpochProgress {
  /** 1-based epoch just finished. */
  readonly epoch: number
  /** Epochs in the run. */
  readonly numEpochs: number
  /** Optimisation steps so far. */
  readonly step: number
  /** η of the epoch's last step. */
  readonly learningRate: number
  /** μ of the epoch. */
  readonly momentum: number
  /**
   * Mean squared reconstruction error over the monitor rows, (1/N) Σ_n Σ_i (v_ni − p(v_i | h_n))²
   * with h_n ~ p(h | v_n) (one sampled hidden state; Hinton 2010 §5). Not a likelihood.
   */
  readonly reconstructionError: number
  /**
   * Mean pseudo-log-likelihood Σ_i ln p(v_i | v_−i) of the monitor rows (binarised when the data
   * are probabilities). Summed over every i when V ≤ 64; for larger V (the full sum costs
   * O(V²H) per row) it is the unbiased estimate V · ln p(v_i | v_−i) with one keyed random i per
   * row, as scikit-learn's BernoulliRBM.score_samples does.
   */
  readonly pseudoLikelihood: number
  /** Mean p(h_j = 1 | v) over the monitor rows and hidden units. */
  readonly meanHiddenActivity: number
  /** PT only: swap acceptance per neighbour pair, cumulative; empty otherwise. */
  readonly swapAcceptance: readonly number[]
  /** Wall-clock seconds of the epoch's training steps (monitoring excluded). */
  readonly seconds: number
}

/**
 * Options of {@link trainRbm}.
 *
 * @example
 * ```ts
 * const options: TrainRbmOptions = {
 *   key: key(0), numEpochs: 10, batchSize: 100, method: 'pcd', learningRate: 0.01,
 *   momentum: { initial: 0.5, final: 0.9, switchEpoch: 5 }, weightDecay: 2e-4,
 * }
 * ```
 */
export interface TrainRbmOptions {
  /** Key of everything random: epoch e's order is permutation(fold(fold(key, 0), e), N); step t's chain uses fold(fold(key, 1), t). */
  readonly key: Key
  /** Epochs ≥ 1 (passes over the data). */
  readonly numEpochs: number
  /** Rows per batch (default min(100, N)); the N mod batchSize rows left over after the last full batch sit out that epoch (the next shuffle differs). */
  readonly batchSize?: number
  /** Negative phase (default 'cd'). */
  readonly method?: RbmTrainingMethod
  /** Gibbs steps k per gradient (CD-k, PCD-k, or PT rounds) (default 1). */
  readonly numSteps?: number
  /** Persistent chains (PCD) or PT systems (PT) (default batchSize). */
  readonly numChains?: number
  /** PT inverse temperatures, starting at 1 (default {@link linearInverseTemperatures}(10)). */
  readonly inverseTemperatures?: ArrayLike<number>
  /** η: a constant, a schedule or a function of the step (default 0.1). */
  readonly learningRate?: RbmLearningRate
  /** μ (default 0). */
  readonly momentum?: RbmMomentum
  /** L2 weight decay λ on W (default 0). */
  readonly weightDecay?: number
  /** Sparsity target (default none). */
  readonly sparsity?: RbmSparsity
  /** Rows (the first ones of the data) used for the epoch report (default min(N, 1000)); 0 turns monitoring off. */
  readonly monitorSize?: number
  /**
   * Backend of the CD and PCD products vW, hWᵀ and vᵀp (default core-tensor's `cpu`, float32
   * WebAssembly SIMD matmul; `reference` computes them in float64). PT and the monitor run
   * float64 loops.
   */
  readonly backend?: BackendV1
  /** Called after each epoch with its report and the RBM as it stands (not copied: copy it to keep it). */
  readonly onEpoch?: (progress: RbmEpochProgress, rbm: Rbm) => void
}

/**
 * Result of {@link trainRbm}.
 *
 * @example
 * ```ts
 * const { rbm, history } = trainRbm(init, data, options)
 * ```
 */
export interface TrainRbmResult {
  /** The trained RBM. */
  readonly rbm: Rbm
  /** One report per epoch (empty reports' numbers are 0 when monitorSize is 0). */
  readonly history: readonly RbmEpochProgress[]
  /** PCD chains [C, V] (PCD), or the β = 1 replicas (PT); empty for CD. */
  readonly chains: Float64Array
  /** The last momentum velocity. */
  readonly velocity: RbmGradient | undefined
}

/**
 * Trains a Bernoulli RBM by stochastic gradient ascent on the log-likelihood (Hinton 2002;
 * Hinton 2010, "A practical guide"). Each step takes the next batch of a keyed shuffle, estimates
 * the gradient by CD-k, PCD-k or parallel tempering, adds the sparsity penalty's gradient when
 * asked, and applies {@link rbmMomentumStep} with η from the schedule:
 *
 *   Δ ← μ Δ + η (g − λ W),  θ ← θ + Δ.
 *
 * The sparsity penalty keeps a running mean q ← ρ q + (1 − ρ) mean_b p(h | v_b) of the data
 * phase's hidden probabilities (q starts at the first batch's mean), see {@link rbmSparsityGradient}.
 * PCD chains start from Bernoulli draws of the data's pixel means. The CD and PCD products (vW, hWᵀ,
 * vᵀp) run on `options.backend` (core-tensor's cpu matmul by default); the run updates its own
 * copy of the parameters in place, which `onEpoch` receives as its second argument.
 *
 * @param rbm - the initial RBM (not modified)
 * @param data - training rows [N, V] in [0, 1] (binary for a likelihood; probabilities are allowed)
 * @param options - {@link TrainRbmOptions}
 * @returns {@link TrainRbmResult}
 * @throws InvalidArgumentError for bad data or options
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const init = initRbm({ numVisible: 784, numHidden: 100 }, { key: key(0) })
 * const { rbm } = trainRbm(init, binaryImages, {
 *   key: key(1), numEpochs: 5, method: 'pcd', learningRate: { kind: 'linear', initial: 0.05, final: 0.005 },
 *   onEpoch: (p) => console.log(`epoch ${p.epoch}: recon ${p.reconstructionError.toFixed(2)}`),
 * })
 * ```
 */
export function trainRbm(rbm: Rbm, data: ArrayLike<number>, options: TrainRbmOptions): TrainRbmResult {
  const op = 'trainRbm'
  checkOptions(op, options)
  checkRbmShape(op, rbm)
  const V = rbm.numVisible
  const N = checkRows(op, 'data', data, { width: V })
  checkPositiveInteger(op, 'numEpochs', options.numEpochs)
  const batchSize = options.batchSize ?? Math.min(100, N)
  checkPositiveInteger(op, 'batchSize', batchSize, N)
  const method = options.method ?? 'cd'
  if (method !== 'cd' && method !== 'pcd' && method !== 'pt') {
    throw new InvalidArgumentError(op, 'method', `must be 'cd', 'pcd' or 'pt', got ${String(method)}`)
  }
  const numSteps = options.numSteps ?? 1
  checkPositiveInteger(op, 'numSteps', numSteps)
  const numChains = options.numChains ?? batchSize
  checkPositiveInteger(op, 'numChains', numChains)
  const learningRate = options.learningRate ?? 0.1
  checkLearningRate(op, learningRate)
  const momentum = options.momentum ?? 0
  checkMomentum(op, momentum)
  const weightDecay = options.weightDecay ?? 0
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new InvalidArgumentError(op, 'weightDecay', `must be a finite number >= 0, got ${weightDecay}`)
  }
  if (options.sparsity !== undefined) checkSparsity(op, options.sparsity)
  const monitorSize = options.monitorSize ?? Math.min(N, 1000)
  if (!(Number.isInteger(monitorSize) && monitorSize >= 0 && monitorSize <= N)) {
    throw new InvalidArgumentError(op, 'monitorSize', `must be an integer in [0, ${N}], got ${monitorSize}`)
  }

  const backend = productBackend(options.backend)
  const batchesPerEpoch = Math.max(1, Math.floor(N / batchSize))
  const totalSteps = options.numEpochs * batchesPerEpoch
  const orderKey = fold(options.key, 0)
  const stepKey = fold(options.key, 1)

  let chains: Float64Array = new Float64Array(0)
  let tempering: TemperingState | undefined
  if (method === 'pcd' || method === 'pt') {
    const mean = new Float64Array(V)
    for (let n = 0; n < N; n++) for (let i = 0; i < V; i++) mean[i] += data[n * V + i] / N
    const start = new Float64Array(numChains * V)
    for (let c = 0; c < numChains; c++) start.set(mean, c * V)
    if (method === 'pcd') chains = bernoulliDraw(start, fold(options.key, 3))
    else {
      tempering = initTemperingChains(rbm, {
        key: fold(options.key, 3),
        numChains,
        inverseTemperatures: options.inverseTemperatures ?? linearInverseTemperatures(10),
        start,
      })
    }
  }

  // the run's own copy, updated in place (one step allocates nothing of size V·H but the gradient)
  const current: Rbm = {
    numVisible: V,
    numHidden: rbm.numHidden,
    weights: Float64Array.from(rbm.weights),
    visibleBias: Float64Array.from(rbm.visibleBias),
    hiddenBias: Float64Array.from(rbm.hiddenBias),
  }
  let velocity: RbmGradient | undefined
  let activity: Float64Array | undefined
  const history: RbmEpochProgress[] = []
  const batch = new Float64Array(batchSize * V)
  // the CD/PCD gradient's weights land here each step (consumed by the update before the next)
  const weightsInto = new Float64Array(V * rbm.numHidden)
  let step = 0
  for (let epoch = 0; epoch < options.numEpochs; epoch++) {
    const started = performance.now()
    const order = permutation(fold(orderKey, epoch), N)
    const mu = momentumAt(momentum, epoch)
    let eta = 0
    for (let b = 0; b < batchesPerEpoch; b++) {
      for (let r = 0; r < batchSize; r++) {
        const row = order[b * batchSize + r]
        for (let i = 0; i < V; i++) batch[r * V + i] = data[row * V + i]
      }
      const k = fold(stepKey, step)
      let gradient: RbmGradient
      if (method === 'cd') {
        gradient = gradientEstimateInternal(current, batch, undefined, {
          key: k,
          numSteps,
          backend,
          weightsInto,
        }).gradient
      } else if (method === 'pcd') {
        const estimate = gradientEstimateInternal(current, batch, chains, {
          key: k,
          numSteps,
          backend,
          weightsInto,
        })
        gradient = estimate.gradient
        chains = estimate.negative
      } else {
        const estimate = rbmParallelTemperingGradient(current, batch, tempering!, {
          key: k,
          numSteps,
        })
        gradient = estimate.gradient
        tempering = estimate.state
      }
      if (options.sparsity !== undefined) {
        activity = updateActivity(current, batch, activity, options.sparsity.decay ?? 0.9)
        const visibleMean = new Float64Array(V)
        for (let r = 0; r < batchSize; r++)
          for (let i = 0; i < V; i++) visibleMean[i] += batch[r * V + i] / batchSize
        const penalty = rbmSparsityGradient(activity, visibleMean, options.sparsity)
        for (let q = 0; q < gradient.weights.length; q++) gradient.weights[q] += penalty.weights[q]
        for (let j = 0; j < gradient.hiddenBias.length; j++) gradient.hiddenBias[j] += penalty.hiddenBias[j]
      }
      eta = learningRateAt(learningRate, { step, epoch, totalSteps })
      velocity ??= {
        weights: new Float64Array(current.weights.length),
        visibleBias: new Float64Array(V),
        hiddenBias: new Float64Array(current.numHidden),
      }
      momentumStepInPlace(current, gradient, velocity, { learningRate: eta, momentum: mu, weightDecay })
      step++
    }
    const seconds = (performance.now() - started) / 1000
    const monitor =
      monitorSize > 0
        ? monitorRbm(current, data, monitorSize, fold(fold(options.key, 2), epoch))
        : { reconstructionError: 0, pseudoLikelihood: 0, meanHiddenActivity: 0 }
    const progress: RbmEpochProgress = {
      epoch: epoch + 1,
      numEpochs: options.numEpochs,
      step,
      learningRate: eta,
      momentum: mu,
      ...monitor,
      swapAcceptance: tempering === undefined ? [] : Array.from(temperingSwapRates(tempering)),
      seconds,
    }
    history.push(progress)
    options.onEpoch?.(progress, current)
  }
  if (tempering !== undefined) chains = tempering.visible.slice(0, tempering.numChains * V)
  return { rbm: current, history, chains, velocity }
}

/**
 * {@link rbmMomentumStep}'s update, Δ ← μ Δ + η (g − λ W), θ ← θ + Δ (λ on W only), in place.
 * The first step's Δ starts at 0, as rbmMomentumStep's without a velocity.
 */
function momentumStepInPlace(
  rbm: Rbm,
  gradient: RbmGradient,
  velocity: RbmGradient,
  options: { readonly learningRate: number; readonly momentum: number; readonly weightDecay: number },
): void {
  const { learningRate: eta, momentum: mu, weightDecay: lambda } = options
  momentumArrayInPlace(rbm.weights, gradient.weights, velocity.weights, { eta, mu, decay: lambda })
  momentumArrayInPlace(rbm.visibleBias, gradient.visibleBias, velocity.visibleBias, { eta, mu, decay: 0 })
  momentumArrayInPlace(rbm.hiddenBias, gradient.hiddenBias, velocity.hiddenBias, { eta, mu, decay: 0 })
}

/** v ← μ v + η (g − λ θ), θ ← θ + v on one array (a monomorphic loop over Float64Arrays). */
function momentumArrayInPlace(
  theta: Float64Array,
  g: Float64Array,
  v: Float64Array,
  step: { readonly eta: number; readonly mu: number; readonly decay: number },
): void {
  const { eta, mu, decay } = step
  const n = theta.length
  for (let k = 0; k < n; k++) {
    const d = mu * v[k] + eta * (g[k] - decay * theta[k])
    v[k] = d
    theta[k] += d
  }
}

/** q ← ρ q + (1 − ρ) mean_b σ(v_b W + c); the first call returns the batch mean. */
function updateActivity(
  rbm: Rbm,
  batch: Float64Array,
  previous: Float64Array | undefined,
  decay: number,
): Float64Array {
  const H = rbm.numHidden
  const rows = batch.length / rbm.numVisible
  const p = hiddenProbabilitiesAt(rbm, batch, rows)
  const mean = new Float64Array(H)
  for (let r = 0; r < rows; r++) for (let j = 0; j < H; j++) mean[j] += p[r * H + j] / rows
  if (previous === undefined) return mean
  return previous.map((q, j) => decay * q + (1 - decay) * mean[j])
}

/** Reconstruction error, pseudo-likelihood and mean hidden activity of the first `rows` data rows. */
function monitorRbm(
  rbm: Rbm,
  data: ArrayLike<number>,
  rows: number,
  k: Key,
): { reconstructionError: number; pseudoLikelihood: number; meanHiddenActivity: number } {
  const V = rbm.numVisible
  const H = rbm.numHidden
  const view = Float64Array.from({ length: rows * V }, (_, q) => data[q])
  const p = hiddenProbabilitiesAt(rbm, view, rows)
  const h = bernoulliDraw(p, fold(k, 0))
  const reconstruction = visibleProbabilitiesAt(rbm, h, rows)
  let error = 0
  for (let q = 0; q < rows * V; q++) error += (view[q] - reconstruction[q]) ** 2
  let binary = true
  for (let q = 0; q < view.length && binary; q++) binary = view[q] === 0 || view[q] === 1
  const bits = binary ? view : bernoulliDraw(view, fold(k, 1))
  const pl = V <= 64 ? rbmPseudoLikelihood(rbm, bits) : sampledPseudoLikelihood(rbm, bits, fold(k, 2))
  let activity = 0
  for (let q = 0; q < rows * H; q++) activity += p[q]
  return {
    reconstructionError: error / rows,
    pseudoLikelihood: pl.reduce((a, b) => a + b, 0) / rows,
    meanHiddenActivity: activity / (rows * H),
  }
}

/** V · ln p(v_i | v_−i) = −V softplus(F(v) − F(v̄⁽ⁱ⁾)) for one uniform random i per row (O(VH) per row). */
function sampledPseudoLikelihood(rbm: Rbm, bits: Float64Array, k: Key): Float64Array {
  const { numVisible: V, numHidden: H, weights } = rbm
  const rows = bits.length / V
  const u = uniformFloats(k, rows, 'float64')
  const out = new Float64Array(rows)
  const field = new Float64Array(H)
  for (let r = 0; r < rows; r++) {
    const i = Math.min(V - 1, Math.floor(u[r] * V))
    field.set(rbm.hiddenBias)
    let linear = 0
    for (let a = 0; a < V; a++) {
      if (bits[r * V + a] === 0) continue
      linear += rbm.visibleBias[a]
      for (let j = 0; j < H; j++) field[j] += weights[a * H + j]
    }
    const sign = bits[r * V + i] === 1 ? -1 : 1
    let f = -linear
    let flipped = -(linear + sign * rbm.visibleBias[i])
    for (let j = 0; j < H; j++) {
      f -= softplus(field[j])
      flipped -= softplus(field[j] + sign * weights[i * H + j])
    }
    out[r] = -V * softplus(f - flipped)
  }
  return out
}
