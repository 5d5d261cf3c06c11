// Parameter updates shared by the RBM trainers: momentum with L2 weight decay (Hinton 2010,
// "A practical guide to training restricted Boltzmann machines", §9–10), the sparsity target
// (§11; Lee, Ekanadham & Ng 2008) and learning-rate schedules.
//
//   velocity ← μ · velocity + η (g − λ W)       (λ on the weights only, never the biases)
//   θ ← θ + velocity
import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'

import { checkNonNegativeNumber, checkPositiveInteger, checkPositiveNumber } from '../internal/numeric'
import type { Rbm, RbmGradient } from '../rbm'

/**
 * A learning-rate schedule over the optimisation steps t = 0, 1, …, T − 1 (T = total steps):
 *
 * - `constant`: η_t = initial
 * - `linear`: η_t = initial + (final − initial) · t / max(T − 1, 1)
 * - `exponential`: η_t = initial · decayPerEpoch^epoch (epoch 0-based)
 * - `inverse`: η_t = initial / (1 + t / decaySteps) (the 1/t schedule of Robbins–Monro; Tieleman 2008 decays linearly)
 *
 * @example
 * ```ts
 * const schedule: RbmLearningRateSchedule = { kind: 'linear', initial: 0.1, final: 0.001 }
 * ```
 */
export type RbmLearningRateSchedule =
  | { readonly kind: 'constant'; readonly initial: number }
  | { readonly kind: 'linear'; readonly initial: number; readonly final: number }
  | { readonly kind: 'exponential'; readonly initial: number; readonly decayPerEpoch: number }
  | { readonly kind: 'inverse'; readonly initial: number; readonly decaySteps: number }

/**
 * Where a step sits in training, as a schedule sees it.
 *
 * @example
 * ```ts
 * const at: TrainingPosition = { step: 0, epoch: 0, totalSteps: 600 }
 * ```
 */
export interface TrainingPosition {
  /** 0-based optimisation step. */
  readonly step: number
  /** 0-based epoch. */
  readonly epoch: number
  /** Steps in the whole run T. */
  readonly totalSteps: number
}

/** A learning rate: a constant, a {@link RbmLearningRateSchedule} or a function of the position. */
export type RbmLearningRate = number | RbmLearningRateSchedule | ((at: TrainingPosition) => number)

/**
 * Checks a learning-rate setting once, before training.
 *
 * @param op - the calling function's name (for the error)
 * @param rate - the setting
 * @returns nothing
 * @throws InvalidArgumentError for a non-positive rate, an unknown kind or bad schedule numbers
 * @example
 * ```ts
 * checkLearningRate('trainRbm', { kind: 'exponential', initial: 0.1, decayPerEpoch: 0.9 })
 * ```
 */
export function checkLearningRate(op: string, rate: RbmLearningRate): void {
  if (typeof rate === 'function') return
  if (typeof rate === 'number') {
    checkPositiveNumber(op, 'learningRate', rate)
    return
  }
  if (typeof rate !== 'object' || rate === null) {
    throw new InvalidArgumentError(
      op,
      'learningRate',
      `must be a number, a schedule or a function, got ${String(rate)}`,
    )
  }
  checkPositiveNumber(op, 'learningRate.initial', rate.initial)
  switch (rate.kind) {
    case 'constant':
      return
    case 'linear':
      checkPositiveNumber(op, 'learningRate.final', rate.final)
      return
    case 'exponential':
      if (!(rate.decayPerEpoch > 0 && rate.decayPerEpoch <= 1)) {
        throw new InvalidArgumentError(
          op,
          'learningRate.decayPerEpoch',
          `must be in (0, 1], got ${rate.decayPerEpoch}`,
        )
      }
      return
    case 'inverse':
      checkPositiveNumber(op, 'learningRate.decaySteps', rate.decaySteps)
      return
    default:
      throw new InvalidArgumentError(
        op,
        'learningRate.kind',
        `must be 'constant', 'linear', 'exponential' or 'inverse', got ${String((rate as { kind: unknown }).kind)}`,
      )
  }
}

/**
 * The learning rate η_t of a step (formulas at {@link RbmLearningRateSchedule}).
 *
 * @param rate - a constant, a schedule or a function
 * @param at - the step, epoch and total steps
 * @returns η_t > 0
 * @throws InvalidArgumentError when a function returns a non-positive or non-finite rate
 * @example
 * ```ts
 * learningRateAt({ kind: 'linear', initial: 0.1, final: 0.01 }, { step: 99, epoch: 9, totalSteps: 100 }) // 0.01
 * ```
 */
export function learningRateAt(rate: RbmLearningRate, at: TrainingPosition): number {
  let eta: number
  if (typeof rate === 'number') eta = rate
  else if (typeof rate === 'function') eta = rate(at)
  else {
    switch (rate.kind) {
      case 'constant':
        eta = rate.initial
        break
      case 'linear':
        eta = rate.initial + ((rate.final - rate.initial) * at.step) / Math.max(at.totalSteps - 1, 1)
        break
      case 'exponential':
        eta = rate.initial * rate.decayPerEpoch ** at.epoch
        break
      case 'inverse':
        eta = rate.initial / (1 + at.step / rate.decaySteps)
        break
    }
  }
  if (!(Number.isFinite(eta) && eta > 0)) {
    throw new InvalidArgumentError(
      'learningRateAt',
      'learningRate',
      `must give a finite rate > 0, got ${eta} at step ${at.step}`,
    )
  }
  return eta
}

/**
 * Momentum μ: a constant, or Hinton's recipe of μ = initial for the first `switchEpoch` epochs
 * and `final` after (0.5 then 0.9, switching after 5 epochs, in the practical guide §9).
 *
 * @example
 * ```ts
 * const momentum: RbmMomentum = { initial: 0.5, final: 0.9, switchEpoch: 5 }
 * ```
 */
export type RbmMomentum =
  number | { readonly initial: number; readonly final: number; readonly switchEpoch: number }

/**
 * Checks a momentum setting: each μ in [0, 1), switchEpoch a non-negative integer.
 *
 * @param op - the calling function's name
 * @param momentum - the setting
 * @returns nothing
 * @throws InvalidArgumentError for μ outside [0, 1) or a bad switchEpoch
 * @example
 * ```ts
 * checkMomentum('trainRbm', 0.9)
 * ```
 */
export function checkMomentum(op: string, momentum: RbmMomentum): void {
  const one = (name: string, m: number): void => {
    if (!(typeof m === 'number' && m >= 0 && m < 1)) {
      throw new InvalidArgumentError(op, name, `must be a number in [0, 1), got ${m}`)
    }
  }
  if (typeof momentum === 'number') return one('momentum', momentum)
  if (typeof momentum !== 'object' || momentum === null) {
    throw new InvalidArgumentError(
      op,
      'momentum',
      `must be a number or { initial, final, switchEpoch }, got ${String(momentum)}`,
    )
  }
  one('momentum.initial', momentum.initial)
  one('momentum.final', momentum.final)
  if (!(Number.isInteger(momentum.switchEpoch) && momentum.switchEpoch >= 0)) {
    throw new InvalidArgumentError(
      op,
      'momentum.switchEpoch',
      `must be a non-negative integer, got ${momentum.switchEpoch}`,
    )
  }
}

/**
 * The momentum μ of an epoch (0-based).
 *
 * @param momentum - a constant or `{ initial, final, switchEpoch }`
 * @param epoch - 0-based epoch
 * @returns μ
 * @example
 * ```ts
 * momentumAt({ initial: 0.5, final: 0.9, switchEpoch: 5 }, 5) // 0.9
 * ```
 */
export function momentumAt(momentum: RbmMomentum, epoch: number): number {
  if (typeof momentum === 'number') return momentum
  return epoch < momentum.switchEpoch ? momentum.initial : momentum.final
}

/** Parameter arrays by name: an RBM's (weights, visibleBias, hiddenBias) or a Gaussian RBM's. */
export type ParameterArrays = Readonly<Record<string, Float64Array>>

/**
 * One momentum step on named parameter arrays (internal, shared by the trainers):
 * velocity_k ← μ velocity_k + η (g_k − λ θ_k) for k in `decayed`, without the λ term otherwise;
 * θ_k ← θ_k + velocity_k. Names missing from `gradient` are left unchanged.
 */
export function momentumUpdate<TParams extends ParameterArrays>(
  params: TParams,
  gradient: Partial<Record<keyof TParams, Float64Array>>,
  velocity: Partial<Record<keyof TParams, Float64Array>>,
  options: {
    readonly learningRate: number
    readonly momentum: number
    readonly weightDecay: number
    readonly decayed: readonly (keyof TParams)[]
  },
): { params: TParams; velocity: Record<keyof TParams, Float64Array> } {
  const { learningRate: eta, momentum: mu, weightDecay: lambda } = options
  const nextParams: Record<string, Float64Array> = {}
  const nextVelocity: Record<string, Float64Array> = {}
  for (const name of Object.keys(params) as (keyof TParams & string)[]) {
    const theta = params[name]
    const g = gradient[name]
    if (g === undefined) {
      nextParams[name] = theta
      nextVelocity[name] = velocity[name] ?? new Float64Array(theta.length)
      continue
    }
    const previous = velocity[name]
    const decay = options.decayed.includes(name) ? lambda : 0
    const v = new Float64Array(theta.length)
    const out = new Float64Array(theta.length)
    for (let k = 0; k < theta.length; k++) {
      v[k] = (previous === undefined ? 0 : mu * previous[k]) + eta * (g[k] - decay * theta[k])
      out[k] = theta[k] + v[k]
    }
    nextParams[name] = out
    nextVelocity[name] = v
  }
  return { params: nextParams as TParams, velocity: nextVelocity as Record<keyof TParams, Float64Array> }
}

/**
 * Options of {@link rbmMomentumStep}.
 *
 * @example
 * ```ts
 * const options: RbmMomentumStepOptions = { learningRate: 0.05, momentum: 0.9, weightDecay: 2e-4 }
 * ```
 */
export interface RbmMomentumStepOptions {
  /** Step size η > 0. */
  readonly learningRate: number
  /** Momentum μ ∈ [0, 1) (default 0). */
  readonly momentum?: number
  /** L2 weight decay λ ≥ 0 on W only (default 0). */
  readonly weightDecay?: number
}

/**
 * One step of gradient ascent with momentum and weight decay (Hinton 2010, §9–10):
 *
 *   Δ_W ← μ Δ_W + η (g_W − λ W),  Δ_b ← μ Δ_b + η g_b,  Δ_c ← μ Δ_c + η g_c,  θ ← θ + Δ
 *
 * With μ = 0 and g = 0 the weights shrink by exactly (1 − ηλ); with a constant g and λ = 0
 * the t-th step moves θ by η g (1 + μ + … + μ^(t−1)).
 *
 * @param rbm - the RBM (not modified)
 * @param gradient - an ascent direction (e.g. a CD estimate), shapes of the RBM
 * @param velocity - the previous step's Δ, or undefined on the first step (taken as 0)
 * @param options - {@link RbmMomentumStepOptions}
 * @returns the new `rbm` and `velocity` (the Δ just applied)
 * @throws InvalidArgumentError for bad η, μ, λ or shapes
 * @example
 * ```ts
 * let velocity: RbmGradient | undefined
 * const step = rbmMomentumStep(rbm, gradient, velocity, { learningRate: 0.1, momentum: 0.5 })
 * rbm = step.rbm; velocity = step.velocity
 * ```
 */
export function rbmMomentumStep(
  rbm: Rbm,
  gradient: RbmGradient,
  velocity: RbmGradient | undefined,
  options: RbmMomentumStepOptions,
): { readonly rbm: Rbm; readonly velocity: RbmGradient } {
  const op = 'rbmMomentumStep'
  checkOptions(op, options)
  checkPositiveNumber(op, 'learningRate', options.learningRate)
  const momentum = options.momentum ?? 0
  checkMomentum(op, momentum)
  const weightDecay = options.weightDecay ?? 0
  checkNonNegativeNumber(op, 'weightDecay', weightDecay)
  const lengths = {
    weights: rbm.numVisible * rbm.numHidden,
    visibleBias: rbm.numVisible,
    hiddenBias: rbm.numHidden,
  }
  for (const [name, length] of Object.entries(lengths) as [keyof RbmGradient, number][]) {
    if (rbm[name].length !== length) {
      throw new InvalidArgumentError(op, `rbm.${name}`, `must have length ${length}, got ${rbm[name].length}`)
    }
    if (gradient[name].length !== length) {
      throw new InvalidArgumentError(
        op,
        `gradient.${name}`,
        `must have length ${length}, got ${gradient[name].length}`,
      )
    }
    if (velocity !== undefined && velocity[name].length !== length) {
      throw new InvalidArgumentError(
        op,
        `velocity.${name}`,
        `must have length ${length}, got ${velocity[name].length}`,
      )
    }
  }
  const step = momentumUpdate(
    { weights: rbm.weights, visibleBias: rbm.visibleBias, hiddenBias: rbm.hiddenBias },
    gradient,
    velocity ?? {},
    { learningRate: options.learningRate, momentum, weightDecay, decayed: ['weights'] },
  )
  return {
    rbm: { numVisible: rbm.numVisible, numHidden: rbm.numHidden, ...step.params },
    velocity: step.velocity,
  }
}

/**
 * Sparsity target of {@link trainRbm} (Hinton 2010, §11).
 *
 * @example
 * ```ts
 * const sparsity: RbmSparsity = { target: 0.05, cost: 0.1, decay: 0.95 }
 * ```
 */
export interface RbmSparsity {
  /** Target activation probability p ∈ (0, 1) of each hidden unit. */
  readonly target: number
  /** Penalty weight κ ≥ 0; the guide sets it so the penalty's gradient is a small fraction of the likelihood's. */
  readonly cost: number
  /** Decay ρ ∈ [0, 1) of the running activity q ← ρ q + (1 − ρ) q_batch (default 0.9). */
  readonly decay?: number
}

/**
 * Checks a sparsity setting.
 *
 * @param op - the caller's name
 * @param sparsity - the setting
 * @returns nothing
 * @throws InvalidArgumentError when target ∉ (0, 1), cost < 0 or decay ∉ [0, 1)
 * @example
 * ```ts
 * checkSparsity('trainRbm', { target: 0.1, cost: 0.05 })
 * ```
 */
export function checkSparsity(op: string, sparsity: RbmSparsity): void {
  checkOptions(op, sparsity)
  if (!(sparsity.target > 0 && sparsity.target < 1)) {
    throw new InvalidArgumentError(op, 'sparsity.target', `must be in (0, 1), got ${sparsity.target}`)
  }
  checkNonNegativeNumber(op, 'sparsity.cost', sparsity.cost)
  const decay = sparsity.decay ?? 0.9
  if (!(decay >= 0 && decay < 1)) {
    throw new InvalidArgumentError(op, 'sparsity.decay', `must be in [0, 1), got ${decay}`)
  }
}

/**
 * The sparsity penalty's ascent direction (Hinton 2010, §11.1). With q_j the running mean
 * activation of hidden unit j and p the target, the penalty κ · CE(p, q_j) has derivative
 * κ (q_j − p) with respect to unit j's total input, so
 *
 *   g_c_j = −κ (q_j − p),   g_W_ij = −κ (q_j − p) · v̄_i,   g_b = 0,
 *
 * where v̄_i is the batch mean of visible unit i (the input that feeds W_ij).
 *
 * @param activity - q [H], running hidden activity
 * @param visibleMean - v̄ [V], batch mean of the visible data
 * @param sparsity - target p and cost κ
 * @returns an {@link RbmGradient} to add to the likelihood gradient
 * @throws InvalidArgumentError for a bad sparsity setting or non-finite activity
 * @example
 * ```ts
 * const penalty = rbmSparsityGradient(activity, visibleMean, { target: 0.05, cost: 0.1 })
 * ```
 */
export function rbmSparsityGradient(
  activity: ArrayLike<number>,
  visibleMean: ArrayLike<number>,
  sparsity: RbmSparsity,
): RbmGradient {
  const op = 'rbmSparsityGradient'
  checkSparsity(op, sparsity)
  checkPositiveInteger(op, 'activity.length', activity.length)
  checkPositiveInteger(op, 'visibleMean.length', visibleMean.length)
  const H = activity.length
  const V = visibleMean.length
  const weights = new Float64Array(V * H)
  const hiddenBias = new Float64Array(H)
  for (let j = 0; j < H; j++) {
    if (!(activity[j] >= 0 && activity[j] <= 1)) {
      throw new InvalidArgumentError(
        op,
        'activity',
        `must hold values in [0, 1], got ${activity[j]} at index ${j}`,
      )
    }
    hiddenBias[j] = -sparsity.cost * (activity[j] - sparsity.target)
  }
  for (let i = 0; i < V; i++) {
    const x = visibleMean[i]
    if (x === 0) continue
    for (let j = 0; j < H; j++) weights[i * H + j] = hiddenBias[j] * x
  }
  return { weights, visibleBias: new Float64Array(V), hiddenBias }
}
