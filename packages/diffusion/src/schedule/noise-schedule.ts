/**
 * Discrete noise schedules of the variance-preserving diffusion (Ho et al. 2020) and every
 * quantity derived from them, in float64.
 *
 * Index convention, used by the whole package: timesteps are `t = 0, 1, ..., T - 1`;
 * `betas[t]` is the variance added by step t, `alphas[t] = 1 - betas[t]`, and
 * `alphaBars[t] = prod_{s <= t} alphas[s]`, so `x_t = sqrt(alphaBars[t]) x_0 +
 * sqrt(1 - alphaBars[t]) eps` is the sample after t + 1 noising steps. Ho et al. number the
 * same steps 1..T: their `alpha-bar_t` is our `alphaBars[t - 1]`. `alphaBarPrev[t]` is
 * `alphaBars[t - 1]`, with `alphaBarPrev[0] = 1` (clean data), which is where every sampler
 * lands on its last step.
 */
import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import { checkInteger, checkNumber, describe } from './check'

/** Which family built a schedule. */
export type NoiseScheduleKind = 'linear' | 'cosine' | 'sigmoid' | 'custom'

/**
 * A discrete noise schedule with all derived quantities, each a Float64Array of length
 * `numTimesteps` indexed by t = 0..T-1 (see the module comment for the convention).
 */
export interface NoiseSchedule {
  /** The family that built it. */
  readonly kind: NoiseScheduleKind
  /** T, the number of noising steps. */
  readonly numTimesteps: number
  /** beta_t in (0, 1): the variance step t adds. */
  readonly betas: Float64Array
  /** alpha_t = 1 - beta_t. */
  readonly alphas: Float64Array
  /** alphaBar_t = prod_{s <= t} alpha_s. */
  readonly alphaBars: Float64Array
  /** alphaBar_{t-1}, with 1 at t = 0. */
  readonly alphaBarPrev: Float64Array
  /** 1 - alphaBar_t, computed as -expm1(sum log1p(-beta_s)) so that it keeps full precision near t = 0. */
  readonly oneMinusAlphaBars: Float64Array
  /** sqrt(alphaBar_t): the signal scale of x_t. */
  readonly sqrtAlphaBars: Float64Array
  /** sqrt(1 - alphaBar_t): the noise scale of x_t. */
  readonly sqrtOneMinusAlphaBars: Float64Array
  /**
   * Variance of the forward posterior q(x_{t-1} | x_t, x_0) (Ho et al. 2020, eq. 7):
   * beta-tilde_t = beta_t (1 - alphaBar_{t-1}) / (1 - alphaBar_t); 0 at t = 0.
   */
  readonly posteriorVariance: Float64Array
  /**
   * log of posteriorVariance, clipped at the first step: entry 0 is log(posteriorVariance[1])
   * instead of log 0 (as in the DDPM and improved-diffusion code). For T = 1 it is log(beta_0).
   */
  readonly posteriorLogVarianceClipped: Float64Array
  /** Coefficient of x_0 in the posterior mean: beta_t sqrt(alphaBar_{t-1}) / (1 - alphaBar_t). */
  readonly posteriorMeanCoefX0: Float64Array
  /** Coefficient of x_t in the posterior mean: (1 - alphaBar_{t-1}) sqrt(alpha_t) / (1 - alphaBar_t). */
  readonly posteriorMeanCoefXt: Float64Array
  /** Signal-to-noise ratio alphaBar_t / (1 - alphaBar_t) (Kingma et al. 2021). */
  readonly snr: Float64Array
  /** log SNR = log(alphaBar_t) - log(1 - alphaBar_t): the lambda of DPM-Solver is half of it. */
  readonly logSnr: Float64Array
}

const BETA_CLIP = 0.999

/**
 * Builds a schedule from its betas: the user schedule, and the end point of every named one.
 *
 * Formulas (Ho et al. 2020, eqs. 4 and 6-7): alphaBar_t = prod_{s<=t}(1 - beta_s);
 * posterior mean = coefX0 x_0 + coefXt x_t with coefX0 = beta_t sqrt(alphaBar_{t-1}) /
 * (1 - alphaBar_t), coefXt = (1 - alphaBar_{t-1}) sqrt(alpha_t) / (1 - alphaBar_t); posterior
 * variance beta_t (1 - alphaBar_{t-1}) / (1 - alphaBar_t).
 *
 * Shapes: `betas` of length T >= 1; every field of the result has length T.
 *
 * @param betas - beta_0..beta_{T-1}, each in (0, 1)
 * @returns the schedule with kind `'custom'`
 * @throws InvalidArgumentError when betas is empty, not an array of numbers, or holds a value outside (0, 1)
 * @example
 * ```ts
 * const schedule = scheduleFromBetas([0.1, 0.2, 0.3])
 * schedule.alphaBars // Float64Array [0.9, 0.72, 0.504]
 * ```
 */
export function scheduleFromBetas(betas: ArrayLike<number>): NoiseSchedule {
  return buildSchedule('scheduleFromBetas', 'custom', betas)
}

function buildSchedule(op: string, kind: NoiseScheduleKind, input: ArrayLike<number>): NoiseSchedule {
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new InvalidArgumentError(op, 'betas', `must be an array of numbers, got ${describe(input)}`)
  }
  const count = input.length
  if (count < 1) {
    throw new InvalidArgumentError(op, 'betas', `must hold at least one step (T >= 1), got T = ${count}`)
  }
  for (let t = 0; t < count; t++) {
    const b = input[t]
    if (!(typeof b === 'number' && b > 0 && b < 1)) {
      throw new InvalidArgumentError(op, 'betas', `must lie in (0, 1), got ${String(b)} at t = ${t}`)
    }
  }
  const betas = Float64Array.from(input)
  const alphas = new Float64Array(count)
  const alphaBars = new Float64Array(count)
  const alphaBarPrev = new Float64Array(count)
  const oneMinusAlphaBars = new Float64Array(count)
  const sqrtAlphaBars = new Float64Array(count)
  const sqrtOneMinusAlphaBars = new Float64Array(count)
  const posteriorVariance = new Float64Array(count)
  const posteriorLogVarianceClipped = new Float64Array(count)
  const posteriorMeanCoefX0 = new Float64Array(count)
  const posteriorMeanCoefXt = new Float64Array(count)
  const snr = new Float64Array(count)
  const logSnr = new Float64Array(count)
  let product = 1
  let logProduct = 0
  for (let t = 0; t < count; t++) {
    const beta = betas[t]
    alphas[t] = 1 - beta
    alphaBarPrev[t] = product
    const oneMinusPrev = t === 0 ? 0 : oneMinusAlphaBars[t - 1]
    product *= 1 - beta
    logProduct += Math.log1p(-beta)
    alphaBars[t] = product
    oneMinusAlphaBars[t] = -Math.expm1(logProduct)
    sqrtAlphaBars[t] = Math.sqrt(product)
    sqrtOneMinusAlphaBars[t] = Math.sqrt(oneMinusAlphaBars[t])
    posteriorVariance[t] = (beta * oneMinusPrev) / oneMinusAlphaBars[t]
    // at t = 0, beta_0 / (1 - alphaBar_0) = 1 exactly: the posterior is the point mass at x_0
    posteriorMeanCoefX0[t] = t === 0 ? 1 : (beta * Math.sqrt(alphaBarPrev[t])) / oneMinusAlphaBars[t]
    posteriorMeanCoefXt[t] = (oneMinusPrev * Math.sqrt(alphas[t])) / oneMinusAlphaBars[t]
    snr[t] = product / oneMinusAlphaBars[t]
    logSnr[t] = logProduct - Math.log(oneMinusAlphaBars[t])
  }
  for (let t = 1; t < count; t++) posteriorLogVarianceClipped[t] = Math.log(posteriorVariance[t])
  posteriorLogVarianceClipped[0] = count > 1 ? posteriorLogVarianceClipped[1] : Math.log(betas[0])
  return {
    kind,
    numTimesteps: count,
    betas,
    alphas,
    alphaBars,
    alphaBarPrev,
    oneMinusAlphaBars,
    sqrtAlphaBars,
    sqrtOneMinusAlphaBars,
    posteriorVariance,
    posteriorLogVarianceClipped,
    posteriorMeanCoefX0,
    posteriorMeanCoefXt,
    snr,
    logSnr,
  }
}

/** Options of {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /** T, the number of steps (>= 1). */
  readonly numTimesteps: number
  /** beta_0. Default 0.1 / T (1e-4 at T = 1000, Ho et al. 2020). */
  readonly betaStart?: number
  /** beta_{T-1}. Default 20 / T (0.02 at T = 1000); needs T >= 21 unless given. */
  readonly betaEnd?: number
}

/**
 * The linear schedule of Ho et al. (2020): beta_t = betaStart + (betaEnd - betaStart) t / (T - 1).
 * The defaults are DDPM's 1e-4 and 0.02 at T = 1000, scaled by 1000 / T as in Nichol &
 * Dhariwal (2021, improved-diffusion), so alphaBar_{T-1} stays near exp(-10) whatever T is.
 *
 * @param options - numTimesteps, betaStart, betaEnd
 * @returns the schedule (kind `'linear'`), each field of length T
 * @throws InvalidArgumentError for T < 1, or betas outside (0, 1) (e.g. the default betaEnd for T <= 20)
 * @example
 * ```ts
 * const schedule = linearSchedule({ numTimesteps: 1000 })
 * schedule.betas[999] // 0.02
 * ```
 */
export function linearSchedule(options: LinearScheduleOptions): NoiseSchedule {
  const op = 'linearSchedule'
  checkOptions(op, options)
  const { numTimesteps } = options
  checkInteger(op, 'numTimesteps', numTimesteps)
  const betaStart = options.betaStart ?? 0.1 / numTimesteps
  const betaEnd = options.betaEnd ?? 20 / numTimesteps
  checkNumber(op, 'betaStart', betaStart, { lo: 0, hi: 1, openLow: true, openHigh: true })
  checkNumber(op, 'betaEnd', betaEnd, { lo: 0, hi: 1, openLow: true, openHigh: true })
  const betas = new Float64Array(numTimesteps)
  for (let t = 0; t < numTimesteps; t++) {
    betas[t] = numTimesteps === 1 ? betaStart : betaStart + ((betaEnd - betaStart) * t) / (numTimesteps - 1)
  }
  return buildSchedule(op, 'linear', betas)
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** T, the number of steps (>= 1). */
  readonly numTimesteps: number
  /** Offset s that keeps beta_0 from vanishing. Default 0.008 (Nichol & Dhariwal 2021). */
  readonly offset?: number
  /** Upper clip of each beta. Default 0.999 (Nichol & Dhariwal 2021). */
  readonly maxBeta?: number
}

/**
 * The cosine schedule of Nichol & Dhariwal (2021, eq. 17): with
 * f(u) = cos(((u + s) / (1 + s)) pi / 2)^2 and the continuous alpha-bar(u) = f(u) / f(0),
 * beta_t = min(1 - alpha-bar((t + 1) / T) / alpha-bar(t / T), maxBeta). The clip matters at
 * the last step, where alpha-bar(1) = 0 would give beta = 1; alphaBars are then the product
 * of the clipped betas, so alphaBars[T-1] > 0.
 *
 * @param options - numTimesteps, offset (s, default 0.008), maxBeta (default 0.999)
 * @returns the schedule (kind `'cosine'`)
 * @throws InvalidArgumentError for T < 1, offset <= 0 or maxBeta outside (0, 1)
 * @example
 * ```ts
 * const schedule = cosineSchedule({ numTimesteps: 1000 })
 * schedule.betas[999] // 0.999 (clipped)
 * ```
 */
export function cosineSchedule(options: CosineScheduleOptions): NoiseSchedule {
  const op = 'cosineSchedule'
  checkOptions(op, options)
  const { numTimesteps } = options
  checkInteger(op, 'numTimesteps', numTimesteps)
  const offset = options.offset ?? 0.008
  const maxBeta = options.maxBeta ?? BETA_CLIP
  checkNumber(op, 'offset', offset, { lo: 0, openLow: true })
  checkNumber(op, 'maxBeta', maxBeta, { lo: 0, hi: 1, openLow: true, openHigh: true })
  const f = (u: number): number => Math.cos(((u + offset) / (1 + offset)) * (Math.PI / 2)) ** 2
  return buildSchedule(
    op,
    'cosine',
    betasFromAlphaBar(numTimesteps, (u) => f(u) / f(0), maxBeta),
  )
}

/** Options of {@link sigmoidSchedule}. */
export interface SigmoidScheduleOptions {
  /** T, the number of steps (>= 1). */
  readonly numTimesteps: number
  /** Left end of the sigmoid's input range. Default -3. */
  readonly start?: number
  /** Right end of the sigmoid's input range. Default 3. */
  readonly end?: number
  /** Temperature tau (> 0): larger is closer to linear in alpha-bar. Default 1. */
  readonly tau?: number
  /** Upper clip of each beta. Default 0.999. */
  readonly maxBeta?: number
}

/**
 * The sigmoid schedule of Jabri, Fleet & Chen (2023, "Scalable adaptive computation",
 * Alg. 1) and Chen (2023, "On the importance of noise scheduling"): with
 * g(u) = sigmoid((u (end - start) + start) / tau), the continuous
 * alpha-bar(u) = (g(1) - g(u)) / (g(1) - g(0)), discretised like the cosine schedule:
 * beta_t = min(1 - alpha-bar((t + 1) / T) / alpha-bar(t / T), maxBeta).
 *
 * @param options - numTimesteps, start (-3), end (3), tau (1), maxBeta (0.999)
 * @returns the schedule (kind `'sigmoid'`)
 * @throws InvalidArgumentError for T < 1, start >= end, tau <= 0 or maxBeta outside (0, 1)
 * @example
 * ```ts
 * const schedule = sigmoidSchedule({ numTimesteps: 1000, tau: 0.7 })
 * ```
 */
export function sigmoidSchedule(options: SigmoidScheduleOptions): NoiseSchedule {
  const op = 'sigmoidSchedule'
  checkOptions(op, options)
  const { numTimesteps } = options
  checkInteger(op, 'numTimesteps', numTimesteps)
  const start = options.start ?? -3
  const end = options.end ?? 3
  const tau = options.tau ?? 1
  const maxBeta = options.maxBeta ?? BETA_CLIP
  checkNumber(op, 'start', start)
  checkNumber(op, 'end', end, { lo: start, openLow: true })
  checkNumber(op, 'tau', tau, { lo: 0, openLow: true })
  checkNumber(op, 'maxBeta', maxBeta, { lo: 0, hi: 1, openLow: true, openHigh: true })
  const g = (u: number): number => 1 / (1 + Math.exp(-(u * (end - start) + start) / tau))
  const g0 = g(0)
  const g1 = g(1)
  return buildSchedule(
    op,
    'sigmoid',
    betasFromAlphaBar(numTimesteps, (u) => (g1 - g(u)) / (g1 - g0), maxBeta),
  )
}

/** beta_t = min(1 - abar((t+1)/T) / abar(t/T), maxBeta) for a continuous abar on [0, 1]. */
function betasFromAlphaBar(
  numTimesteps: number,
  alphaBar: (u: number) => number,
  maxBeta: number,
): Float64Array {
  const betas = new Float64Array(numTimesteps)
  for (let t = 0; t < numTimesteps; t++) {
    const ratio = alphaBar((t + 1) / numTimesteps) / alphaBar(t / numTimesteps)
    // ratio can reach 0 (or a denormal) at the last step, and 1 - ratio can round to 0 for a
    // tiny first step; keep beta inside (0, maxBeta]
    betas[t] = Math.min(Math.max(1 - ratio, Number.EPSILON), maxBeta)
  }
  return betas
}

/**
 * Throws unless `schedule` is a {@link NoiseSchedule} (from one of the builders).
 *
 * @internal
 */
export function checkSchedule(op: string, schedule: unknown): asserts schedule is NoiseSchedule {
  const s = schedule as NoiseSchedule
  if (
    typeof schedule !== 'object' ||
    schedule === null ||
    !Number.isSafeInteger(s.numTimesteps) ||
    !(s.alphaBars instanceof Float64Array) ||
    s.alphaBars.length !== s.numTimesteps
  ) {
    throw new InvalidArgumentError(
      op,
      'schedule',
      `must be a NoiseSchedule from linearSchedule, cosineSchedule, sigmoidSchedule or scheduleFromBetas, got ${describe(schedule)}`,
    )
  }
}
