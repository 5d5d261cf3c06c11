/**
 * DDIM (Song, Meng & Ermon 2021): the non-Markovian reverse process with a free noise level
 * eta, over any increasing subsequence of timesteps.
 */
import { checkOptions, clamp, InvalidArgumentError, tidy, type Tensor } from '@gen/core-tensor'
import { checkFloatTensor, checkFunction, checkNumber, checkSameShape } from '../schedule/check'
import { checkSchedule, type NoiseSchedule } from '../schedule/noise-schedule'
import {
  callModel,
  combine,
  emit,
  resolveTimesteps,
  startState,
  stepNoise,
  type TimestepChoice,
} from './internal'
import type { NoisePredictor, SamplerStart } from './types'

/**
 * The DDIM noise level of one step from alphaBar to alphaBarPrev (Song, Meng & Ermon 2021,
 * eq. 16): sigma = eta sqrt((1 - alphaBarPrev) / (1 - alphaBar)) sqrt(1 - alphaBar / alphaBarPrev).
 * With eta = 1 and consecutive timesteps, sigma^2 is the DDPM posterior variance beta-tilde_t.
 *
 * @param alphaBar - alpha-bar of the step's start, in (0, 1)
 * @param alphaBarPrev - alpha-bar it steps to, in [alphaBar, 1]
 * @param eta - noise level, >= 0 (0: deterministic DDIM, 1: DDPM-like)
 * @returns sigma
 * @throws InvalidArgumentError for values outside those ranges
 * @example
 * ```ts
 * ddimSigma(schedule.alphaBars[t], schedule.alphaBarPrev[t], 1) ** 2 // = schedule.posteriorVariance[t]
 * ```
 */
export function ddimSigma(alphaBar: number, alphaBarPrev: number, eta: number): number {
  return checkedSigma('ddimSigma', alphaBar, alphaBarPrev, eta)
}

function checkedSigma(op: string, alphaBar: number, alphaBarPrev: number, eta: number): number {
  checkNumber(op, 'alphaBar', alphaBar, { lo: 0, hi: 1, openLow: true, openHigh: true })
  checkNumber(op, 'alphaBarPrev', alphaBarPrev, { lo: alphaBar, hi: 1 })
  checkNumber(op, 'eta', eta, { lo: 0 })
  return eta * Math.sqrt(((1 - alphaBarPrev) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrev))
}

/** Options of {@link ddimStep}. */
export interface DdimStepOptions {
  /** alpha-bar of the current timestep. */
  readonly alphaBar: number
  /** alpha-bar of the timestep stepped to (1 for the final step to data). */
  readonly alphaBarPrev: number
  /** Noise level eta >= 0. Default 0. */
  readonly eta?: number
  /** Standard normal noise `[B, ...]`, needed when sigma > 0. */
  readonly noise?: Tensor
  /** Clip the x_0 prediction to [-clipX0, clipX0], then re-derive eps from it. */
  readonly clipX0?: number
}

/** What {@link ddimStep} returns. */
export interface DdimStepResult {
  /** x at the previous timestep, `[B, ...]`. */
  readonly x: Tensor
  /** The x_0 prediction, `[B, ...]`. */
  readonly x0Prediction: Tensor
  /** The step's sigma. */
  readonly sigma: number
}

/**
 * One DDIM update (Song, Meng & Ermon 2021, eq. 12), with a = alphaBar and a' = alphaBarPrev:
 * x_0-hat = (x - sqrt(1 - a) eps) / sqrt(a);
 * x' = sqrt(a') x_0-hat + sqrt(1 - a' - sigma^2) eps + sigma z, sigma from {@link ddimSigma}.
 * With a' = 1 the result is x_0-hat itself.
 *
 * Shapes: x, eps, noise `[B, ...]`; results `[B, ...]`.
 *
 * @param x - the current state x_t
 * @param eps - the noise prediction at x_t
 * @param options - alphaBar, alphaBarPrev, eta, noise, clipX0
 * @returns the new state, the x_0 prediction and sigma
 * @throws InvalidArgumentError for alpha-bars outside (0, 1) / [alphaBar, 1], eta < 0, or missing noise when sigma > 0
 * @throws ShapeError when eps or noise do not have x's shape
 * @example
 * ```ts
 * const { x: previous } = ddimStep(x, eps, { alphaBar: schedule.alphaBars[t], alphaBarPrev: schedule.alphaBarPrev[t] })
 * ```
 */
export function ddimStep(x: Tensor, eps: Tensor, options: DdimStepOptions): DdimStepResult {
  const op = 'ddimStep'
  checkFloatTensor(op, 'x', x)
  checkFloatTensor(op, 'eps', eps)
  checkSameShape(op, ['x', 'eps'], x, eps)
  checkOptions(op, options)
  const eta = options.eta ?? 0
  const sigma = checkedSigma(op, options.alphaBar, options.alphaBarPrev, eta)
  if (sigma > 0) {
    if (options.noise === undefined) {
      throw new InvalidArgumentError(
        op,
        'noise',
        `must be given when sigma > 0 (eta = ${eta}), got undefined`,
      )
    }
    checkFloatTensor(op, 'noise', options.noise)
    checkSameShape(op, ['x', 'noise'], x, options.noise)
  }
  if (options.clipX0 !== undefined) checkNumber(op, 'clipX0', options.clipX0, { lo: 0, openLow: true })
  return tidy(() => ddimUpdate(x, eps, { ...options, sigma }))
}

/** The update itself, for checked inputs. */
function ddimUpdate(
  x: Tensor,
  eps: Tensor,
  options: DdimStepOptions & { readonly sigma: number },
): DdimStepResult {
  const { alphaBar: a, alphaBarPrev: aPrev, sigma } = options
  const rootA = Math.sqrt(a)
  const rootOneMinusA = Math.sqrt(1 - a)
  let x0 = combine([
    [1 / rootA, x],
    [-rootOneMinusA / rootA, eps],
  ])
  let direction = eps
  if (options.clipX0 !== undefined) {
    const clipped = clamp(x0, -options.clipX0, options.clipX0)
    x0.dispose()
    x0 = clipped
    // eps consistent with the clipped x_0 (as in the DDIM code)
    direction = combine([
      [1 / rootOneMinusA, x],
      [-rootA / rootOneMinusA, x0],
    ])
  }
  // 1 - a' - sigma^2 can round below 0 at a' = 1
  const directionScale = Math.sqrt(Math.max(0, 1 - aPrev - sigma * sigma))
  const terms: [number, Tensor][] = [
    [Math.sqrt(aPrev), x0],
    [directionScale, direction],
  ]
  if (sigma > 0 && options.noise !== undefined) terms.push([sigma, options.noise])
  const next = combine(terms)
  if (direction !== eps) direction.dispose()
  return { x: next, x0Prediction: x0, sigma }
}

/** Options of {@link ddimSample}. */
export interface DdimSampleOptions extends SamplerStart, TimestepChoice {
  /** The noise schedule the model was trained with. */
  readonly schedule: NoiseSchedule
  /** Noise level eta >= 0: 0 is deterministic DDIM, 1 on all steps is DDPM with posterior variance. Default 0. */
  readonly eta?: number
  /** Clip the x_0 prediction to [-clipX0, clipX0]. Default: no clipping. */
  readonly clipX0?: number
}

/**
 * DDIM sampling (Song, Meng & Ermon 2021, eq. 12) over an increasing timestep subsequence
 * tau_1 < ... < tau_S of 0..T-1: from x at tau_S (the start noise) it steps tau_i -> tau_{i-1}
 * with a = alphaBars[tau_i], a' = alphaBars[tau_{i-1}], and the last step lands on a' = 1,
 * i.e. returns the x_0 prediction at tau_1. eta = 0 is deterministic (the probability-flow
 * ODE's Euler step in sigma = sqrt((1 - a)/a), Song, Meng & Ermon 2021, eq. 14).
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]`; result `[B, ...]`.
 *
 * @param model - eps_theta(x_t, t)
 * @param options - schedule, key, shape or initialNoise, timesteps or numSteps (default all T), eta, clipX0, onStep
 * @returns samples, `[B, ...]`
 * @throws InvalidArgumentError for timesteps and numSteps both given, non-increasing timesteps, numSteps > T, eta < 0, a bad key or shape
 * @throws ShapeError when the model's output does not have the input's shape
 * @example
 * ```ts
 * const x = ddimSample(model, { schedule, key: key(0), shape: [64, 2], numSteps: 50 })
 * ```
 */
export function ddimSample(model: NoisePredictor, options: DdimSampleOptions): Tensor {
  const op = 'ddimSample'
  checkFunction(op, 'model', model)
  checkOptions(op, options)
  const { schedule } = options
  checkSchedule(op, schedule)
  const eta = options.eta ?? 0
  checkNumber(op, 'eta', eta, { lo: 0 })
  if (options.clipX0 !== undefined) checkNumber(op, 'clipX0', options.clipX0, { lo: 0, openLow: true })
  const timesteps = resolveTimesteps(op, schedule, options)
  const start = startState(op, options)
  let x = start.x
  const numSteps = timesteps.length
  for (let i = numSteps - 1; i >= 0; i--) {
    const step = numSteps - 1 - i
    const t = timesteps[i]
    const alphaBar = schedule.alphaBars[t]
    const alphaBarPrev = i > 0 ? schedule.alphaBars[timesteps[i - 1]] : 1
    const sigma = ddimSigma(alphaBar, alphaBarPrev, eta)
    const current = x
    const next = tidy(() => {
      const eps = callModel(op, model, current, t)
      const noise = sigma > 0 ? stepNoise(start.stepKey, step, current) : undefined
      const result = ddimUpdate(current, eps, {
        alphaBar,
        alphaBarPrev,
        sigma,
        noise,
        clipX0: options.clipX0,
      })
      emit(start.onStep, { step, numSteps, t, x: result.x, x0Prediction: result.x0Prediction })
      return result.x
    })
    if (current !== start.x || options.initialNoise === undefined) current.dispose()
    x = next
  }
  return x
}
