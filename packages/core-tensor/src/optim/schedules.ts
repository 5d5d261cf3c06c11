import { InvalidArgumentError } from '../errors'

/**
 * A learning-rate schedule: a pure function from the step (updates made so far, from 0) to
 * the rate. Schedules hold no state, so a run restarted at step s continues exactly.
 *
 * @example
 * ```ts
 * const schedule: Schedule = cosineSchedule({ initial: 1e-3, decaySteps: 1000 })
 * schedule(0) // 1e-3
 * ```
 */
export type Schedule = (step: number) => number

function checkNumber(
  op: string,
  argument: string,
  value: unknown,
  { min, integer = false }: { readonly min: number; readonly integer?: boolean },
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a finite ${integer ? 'integer' : 'number'} >= ${min}, got ${String(value)}`,
    )
  }
}

function checkStep(op: string, step: unknown): asserts step is number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new InvalidArgumentError(op, 'step', `must be an integer >= 0, got ${String(step)}`)
  }
}

/**
 * The same rate at every step.
 *
 * @param value - the rate, >= 0
 * @returns `step → value`
 * @throws InvalidArgumentError when value is negative or not finite
 * @example
 * ```ts
 * constantSchedule(0.1)(1000) // 0.1
 * ```
 */
export function constantSchedule(value: number): Schedule {
  checkNumber('constantSchedule', 'value', value, { min: 0 })
  return (step) => {
    checkStep('constantSchedule', step)
    return value
  }
}

/** Options of {@link stepSchedule}. */
export interface StepScheduleOptions {
  /** Rate at step 0. */
  readonly initial: number
  /** Steps between two decays, an integer >= 1. */
  readonly stepSize: number
  /** Factor applied at each decay, >= 0. Default 0.1. */
  readonly gamma?: number
}

/**
 * Step decay (PyTorch's `StepLR`): `η(s) = η₀ · γ^⌊s / stepSize⌋`.
 *
 * @param options - initial rate, step size, γ
 * @returns the schedule
 * @throws InvalidArgumentError for a negative rate or γ, or a step size below 1
 * @example
 * ```ts
 * const s = stepSchedule({ initial: 1, stepSize: 10, gamma: 0.5 })
 * s(9) // 1
 * s(10) // 0.5
 * ```
 */
export function stepSchedule(options: StepScheduleOptions): Schedule {
  const op = 'stepSchedule'
  const { initial, stepSize, gamma = 0.1 } = options
  checkNumber(op, 'initial', initial, { min: 0 })
  checkNumber(op, 'stepSize', stepSize, { min: 1, integer: true })
  checkNumber(op, 'gamma', gamma, { min: 0 })
  return (step) => {
    checkStep(op, step)
    return initial * gamma ** Math.floor(step / stepSize)
  }
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** Rate at step 0. */
  readonly initial: number
  /** Steps over which the rate decays, an integer >= 1; it stays at the floor afterwards. */
  readonly decaySteps: number
  /** Floor as a fraction α of the initial rate, in [0, 1]. Default 0. */
  readonly alpha?: number
}

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts", eq. 5, one cycle):
 *
 * ```
 * η(s) = η₀ · ((1 − α) · ½(1 + cos(π · min(s, S) / S)) + α)
 * ```
 *
 * @param options - initial rate η₀, decay steps S, floor fraction α
 * @returns the schedule
 * @throws InvalidArgumentError for a negative rate, S below 1 or α outside [0, 1]
 * @example
 * ```ts
 * const s = cosineSchedule({ initial: 1, decaySteps: 100 })
 * s(50) // 0.5
 * s(100) // 0
 * ```
 */
export function cosineSchedule(options: CosineScheduleOptions): Schedule {
  const op = 'cosineSchedule'
  const { initial, decaySteps, alpha = 0 } = options
  checkNumber(op, 'initial', initial, { min: 0 })
  checkNumber(op, 'decaySteps', decaySteps, { min: 1, integer: true })
  checkNumber(op, 'alpha', alpha, { min: 0 })
  if (alpha > 1) throw new InvalidArgumentError(op, 'alpha', `must be in [0, 1], got ${alpha}`)
  return (step) => {
    checkStep(op, step)
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps))
    return initial * ((1 - alpha) * cosine + alpha)
  }
}

/** Options of {@link warmupCosineSchedule}. */
export interface WarmupCosineScheduleOptions {
  /** Rate at step 0, where the warmup starts. Default 0. */
  readonly initial?: number
  /** Rate reached at the end of the warmup. */
  readonly peak: number
  /** Length W of the linear warmup, an integer >= 0. */
  readonly warmupSteps: number
  /** Total length T (warmup included) after which the rate stays at `end`; T > W. */
  readonly totalSteps: number
  /** Rate at step T and after. Default 0. */
  readonly end?: number
}

/**
 * Linear warmup then cosine decay (Goyal et al. 2017, "Accurate, Large Minibatch SGD", for
 * the warmup; Loshchilov & Hutter 2017 for the decay), as optax's
 * `warmup_cosine_decay_schedule`:
 *
 * ```
 * η(s) = η_init + (η_peak − η_init) · s / W                          for s < W
 * η(s) = η_end + (η_peak − η_end) · ½(1 + cos(π · min(s − W, T − W) / (T − W)))   for s ≥ W
 * ```
 *
 * @param options - initial, peak and end rates, warmup steps W, total steps T
 * @returns the schedule
 * @throws InvalidArgumentError for negative rates, W < 0 or T ≤ W
 * @example
 * ```ts
 * const s = warmupCosineSchedule({ peak: 1, warmupSteps: 10, totalSteps: 110 })
 * s(5) // 0.5
 * s(60) // 0.5
 * ```
 */
export function warmupCosineSchedule(options: WarmupCosineScheduleOptions): Schedule {
  const op = 'warmupCosineSchedule'
  const { initial = 0, peak, warmupSteps, totalSteps, end = 0 } = options
  checkNumber(op, 'initial', initial, { min: 0 })
  checkNumber(op, 'peak', peak, { min: 0 })
  checkNumber(op, 'end', end, { min: 0 })
  checkNumber(op, 'warmupSteps', warmupSteps, { min: 0, integer: true })
  checkNumber(op, 'totalSteps', totalSteps, { min: 1, integer: true })
  if (totalSteps <= warmupSteps) {
    throw new InvalidArgumentError(
      op,
      'totalSteps',
      `must be > warmupSteps (${warmupSteps}), got ${totalSteps}`,
    )
  }
  const decaySteps = totalSteps - warmupSteps
  return (step) => {
    checkStep(op, step)
    if (step < warmupSteps) return initial + ((peak - initial) * step) / warmupSteps
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step - warmupSteps, decaySteps)) / decaySteps))
    return end + (peak - end) * cosine
  }
}
