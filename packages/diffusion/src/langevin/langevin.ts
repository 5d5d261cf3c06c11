/**
 * Langevin Monte Carlo on a differentiable log-density: the unadjusted Langevin algorithm
 * (ULA) and its Metropolis-adjusted version (MALA, Roberts & Tweedie 1996). Many chains run
 * side by side as the rows of one tensor; the gradient comes from core-tensor's autodiff.
 */
import {
  checkKey,
  checkOptions,
  fold,
  fromArray,
  grad,
  InvalidArgumentError,
  ShapeError,
  sum,
  Tensor,
  tidy,
  uniformFloats,
  type Key,
} from '@gen/core-tensor'
import { checkFloatTensor, checkFunction, checkInteger, checkNumber, describe } from '../schedule/check'
import { combine, stepNoise } from '../samplers/internal'

/**
 * An unnormalised log-density log pi(x) of chains `x` `[B, D]`, returning `[B]` (one value
 * per chain), built from core-tensor ops so that it can be differentiated.
 */
export type LogDensity = (x: Tensor) => Tensor

/** What a Langevin sampler passes to its callback after every step. */
export interface LangevinStep {
  /** 0-based step number. */
  readonly step: number
  /** The chains after this step, `[B, D]`; freed after the callback returns (read it inside). */
  readonly x: Tensor
  /** MALA only: the fraction of chains that accepted at this step. */
  readonly accepted?: number
}

/** Options of {@link ulaSample} and {@link malaSample}. */
export interface LangevinOptions {
  /** The target's log-density. */
  readonly logDensity: LogDensity
  /** Starting states of the chains, `[B, D]` (float32). */
  readonly initial: Tensor
  /** Step size h > 0. */
  readonly stepSize: number
  /** Number of steps (>= 1). */
  readonly numSteps: number
  /** The random key (noise, and MALA's accept draws). */
  readonly key: Key
  /** Called after every step. */
  readonly onStep?: (info: LangevinStep) => void
}

/** What {@link ulaSample} and {@link malaSample} return. */
export interface LangevinResult {
  /** The chains' final states, `[B, D]`. */
  readonly samples: Tensor
  /** Fraction of accepted proposals over all chains and steps (1 for ULA). */
  readonly acceptanceRate: number
}

/**
 * The gradient of log pi at every chain: grad of sum_b log pi(x_b) with respect to x, which
 * is row b's own gradient because the chains do not interact.
 *
 * @param logDensity - log pi, `[B, D]` -> `[B]`
 * @param x - chains `[B, D]`
 * @returns grad log pi(x), `[B, D]`
 * @throws ShapeError when logDensity does not return `[B]`
 * @example
 * ```ts
 * const g = gradLogDensity(standardNormalTarget(2).logDensity, x) // = -x
 * ```
 */
export function gradLogDensity(logDensity: LogDensity, x: Tensor): Tensor {
  const op = 'gradLogDensity'
  checkFunction(op, 'logDensity', logDensity)
  checkFloatTensor(op, 'x', x, 2)
  return gradientOf(op, logDensity, x)
}

function gradientOf(op: string, logDensity: LogDensity, x: Tensor): Tensor {
  return grad((point: Tensor) => sum(checkedLogDensity(op, logDensity, point)))(x)
}

function checkedLogDensity(op: string, logDensity: LogDensity, x: Tensor): Tensor {
  const value = logDensity(x)
  if (!(value instanceof Tensor) || value.rank !== 1 || value.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      op,
      `logDensity must return one value per chain [${x.shape[0]}], got ${describe(value)}`,
      value instanceof Tensor ? [x.shape, value.shape] : [x.shape],
    )
  }
  return value
}

function checkLangevin(op: string, options: LangevinOptions): void {
  checkOptions(op, options)
  checkFunction(op, 'logDensity', options.logDensity)
  checkFloatTensor(op, 'initial', options.initial, 2)
  if (options.initial.rank !== 2) {
    throw new InvalidArgumentError(
      op,
      'initial',
      `must be chains [B, D], got [${options.initial.shape.join(', ')}]`,
    )
  }
  checkNumber(op, 'stepSize', options.stepSize, { lo: 0, openLow: true })
  checkInteger(op, 'numSteps', options.numSteps)
  checkKey(op, options.key, 'key')
  if (options.onStep !== undefined) checkFunction(op, 'onStep', options.onStep)
}

/**
 * The unadjusted Langevin algorithm (Roberts & Tweedie 1996, eq. 1.3 without the
 * correction; Parisi 1981): x' = x + h grad log pi(x) + sqrt(2h) xi, xi ~ N(0, I). It does not
 * leave pi invariant: on N(0, 1) its stationary law is N(0, 1 / (1 - h/2)), a bias of order h
 * that MALA removes.
 *
 * Shapes: initial `[B, D]` (B independent chains); samples `[B, D]`.
 *
 * @param options - logDensity, initial, stepSize h, numSteps, key, onStep
 * @returns the final states, and acceptanceRate 1
 * @throws InvalidArgumentError for h <= 0, numSteps < 1, a bad key or initial
 * @throws ShapeError when logDensity does not return `[B]`
 * @example
 * ```ts
 * const { samples } = ulaSample({ logDensity: bananaTarget().logDensity, initial, stepSize: 0.05, numSteps: 2000, key: key(0) })
 * ```
 */
export function ulaSample(options: LangevinOptions): LangevinResult {
  const op = 'ulaSample'
  checkLangevin(op, options)
  const { logDensity, stepSize: h } = options
  let x = options.initial
  for (let step = 0; step < options.numSteps; step++) {
    const current = x
    x = tidy(() => {
      const gradient = gradientOf(op, logDensity, current)
      const next = combine([
        [1, current],
        [h, gradient],
        [Math.sqrt(2 * h), stepNoise(options.key, step, current)],
      ])
      options.onStep?.({ step, x: next })
      return next
    })
    if (current !== options.initial) current.dispose()
  }
  return { samples: x, acceptanceRate: 1 }
}

/**
 * The Metropolis-adjusted Langevin algorithm (Roberts & Tweedie 1996, Sec. 1.4.2; Besag
 * 1994): propose y = x + h grad log pi(x) + sqrt(2h) xi, accept with probability
 * min(1, pi(y) q(x | y) / (pi(x) q(y | x))), q(b | a) = N(b; a + h grad log pi(a), 2h I). The
 * chain leaves pi invariant for every h; the acceptance rate falls as h grows (about 0.574 is
 * optimal in high dimension, Roberts & Rosenthal 1998).
 *
 * Shapes: initial `[B, D]` (B independent chains); samples `[B, D]`.
 *
 * @param options - logDensity, initial, stepSize h, numSteps, key, onStep (gets the per-step acceptance)
 * @returns the final states and the acceptance rate over all chains and steps
 * @throws InvalidArgumentError for h <= 0, numSteps < 1, a bad key or initial
 * @throws ShapeError when logDensity does not return `[B]`
 * @example
 * ```ts
 * const { samples, acceptanceRate } = malaSample({ logDensity, initial, stepSize: 0.5, numSteps: 500, key: key(1) })
 * ```
 */
export function malaSample(options: LangevinOptions): LangevinResult {
  const op = 'malaSample'
  checkLangevin(op, options)
  const { logDensity, stepSize: h } = options
  const [B, D] = options.initial.shape
  let x = options.initial
  let accepted = 0
  // log pi(x) and its gradient at the current states, carried over from the last step
  let state = tidy(() => valueAndGradient(op, logDensity, x))
  for (let step = 0; step < options.numSteps; step++) {
    const current = x
    const currentState = state
    const { next, nextState, count } = tidy(() => {
      const noise = stepNoise(fold(options.key, 0), step, current)
      const proposal = combine([
        [1, current],
        [h, currentState.gradient],
        [Math.sqrt(2 * h), noise],
      ])
      const proposed = valueAndGradient(op, logDensity, proposal)
      // log q(x | y) - log q(y | x) with q(b | a) = N(b; a + h g(a), 2h)
      const xs = current.dataSync()
      const ys = proposal.dataSync()
      const gx = currentState.gradient.dataSync()
      const gy = proposed.gradient.dataSync()
      const lx = currentState.logValue
      const ly = proposed.logValue
      const u = uniformFloats(fold(fold(options.key, 1), step), B, 'float64')
      const merged = new Float64Array(B * D)
      const mergedGradient = new Float64Array(B * D)
      const mergedLog = new Float64Array(B)
      let taken = 0
      for (let b = 0; b < B; b++) {
        let forward = 0
        let backward = 0
        for (let j = 0; j < D; j++) {
          const i = b * D + j
          forward += (ys[i] - xs[i] - h * gx[i]) ** 2
          backward += (xs[i] - ys[i] - h * gy[i]) ** 2
        }
        const logRatio = ly[b] - lx[b] + (forward - backward) / (4 * h)
        const accept = Math.log(u[b]) < logRatio
        if (accept) taken += 1
        for (let j = 0; j < D; j++) {
          const i = b * D + j
          merged[i] = accept ? ys[i] : xs[i]
          mergedGradient[i] = accept ? gy[i] : gx[i]
        }
        mergedLog[b] = accept ? ly[b] : lx[b]
      }
      const nextX = fromArray(merged, { shape: current.shape, backend: current.backend })
      options.onStep?.({ step, x: nextX, accepted: taken / B })
      return {
        next: nextX,
        nextState: {
          logValue: mergedLog,
          gradient: fromArray(mergedGradient, { shape: current.shape, backend: current.backend }),
        },
        count: taken,
      }
    })
    accepted += count
    currentState.gradient.dispose()
    if (current !== options.initial) current.dispose()
    x = next
    state = nextState
  }
  state.gradient.dispose()
  return { samples: x, acceptanceRate: accepted / (B * options.numSteps) }
}

interface DensityState {
  /** log pi per chain, float64 on the host. */
  readonly logValue: Float64Array
  /** grad log pi, `[B, D]`. */
  readonly gradient: Tensor
}

function valueAndGradient(op: string, logDensity: LogDensity, x: Tensor): DensityState {
  const values = checkedLogDensity(op, logDensity, x).dataSync()
  for (let b = 0; b < values.length; b++) {
    if (Number.isNaN(values[b]) || values[b] === Infinity) {
      throw new InvalidArgumentError(
        op,
        'logDensity',
        `must be finite or -Infinity, got ${values[b]} for chain ${b}`,
      )
    }
  }
  return { logValue: Float64Array.from(values), gradient: gradientOf(op, logDensity, x) }
}
