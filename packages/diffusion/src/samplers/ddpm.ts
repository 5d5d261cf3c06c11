/**
 * DDPM ancestral sampling (Ho et al. 2020, Algorithm 2).
 */
import { checkOptions, clamp, InvalidArgumentError, tidy, type Tensor } from '@gen/core-tensor'
import { checkFunction, checkNumber } from '../schedule/check'
import { checkSchedule, type NoiseSchedule } from '../schedule/noise-schedule'
import { callModel, combine, emit, startState, stepNoise } from './internal'
import type { NoisePredictor, SamplerStart } from './types'

/**
 * The reverse-step variance of DDPM: `'posterior'` is beta-tilde_t = beta_t (1 - alphaBar_{t-1}) /
 * (1 - alphaBar_t), optimal for deterministic data; `'beta'` is beta_t, optimal for
 * x_0 ~ N(0, I) (Ho et al. 2020, Sec. 3.2: both gave similar samples).
 */
export type DdpmVariance = 'posterior' | 'beta'

/** Options of {@link ddpmSample}. */
export interface DdpmSampleOptions extends SamplerStart {
  /** The noise schedule the model was trained with. */
  readonly schedule: NoiseSchedule
  /** Reverse-step variance. Default `'posterior'`. */
  readonly variance?: DdpmVariance
  /** Clip the x_0 prediction to [-clipX0, clipX0] (images in [-1, 1] use 1). Default: no clipping. */
  readonly clipX0?: number
}

/**
 * Ancestral sampling of a DDPM (Ho et al. 2020, Algorithm 2), over every timestep
 * t = T-1, ..., 0: x_0-hat = (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t) (clipped if
 * asked), then x_{t-1} = coefX0_t x_0-hat + coefXt_t x_t + sigma_t z with sigma_t^2 from
 * `variance`, and no noise at t = 0 (the result is the posterior mean there, which equals
 * x_0-hat). Without clipping this is Ho et al.'s
 * x_{t-1} = (x_t - beta_t / sqrt(1 - alphaBar_t) eps) / sqrt(alpha_t) + sigma_t z.
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]`; the model gets `[B, ...]` and t `[B]`; result `[B, ...]`.
 *
 * @param model - eps_theta(x_t, t)
 * @param options - schedule, key, shape or initialNoise, variance, clipX0, onStep
 * @returns samples x_0, `[B, ...]`
 * @throws InvalidArgumentError for a bad schedule, key, shape, variance or clipX0
 * @throws ShapeError when the model's output does not have the input's shape
 * @example
 * ```ts
 * const schedule = cosineSchedule({ numTimesteps: 1000 })
 * const x = ddpmSample(model, { schedule, key: key(0), shape: [64, 2] })
 * ```
 */
export function ddpmSample(model: NoisePredictor, options: DdpmSampleOptions): Tensor {
  const op = 'ddpmSample'
  checkFunction(op, 'model', model)
  checkOptions(op, options)
  const { schedule } = options
  checkSchedule(op, schedule)
  const variance = options.variance ?? 'posterior'
  if (variance !== 'posterior' && variance !== 'beta') {
    throw new InvalidArgumentError(
      op,
      'variance',
      `must be 'posterior' or 'beta', got ${JSON.stringify(variance)}`,
    )
  }
  if (options.clipX0 !== undefined) checkNumber(op, 'clipX0', options.clipX0, { lo: 0, openLow: true })
  const start = startState(op, options)
  let x = start.x
  const T = schedule.numTimesteps
  for (let t = T - 1; t >= 0; t--) {
    const step = T - 1 - t
    const current = x
    // one scope per step frees the model's intermediates, the noise and the x_0 prediction
    const next = tidy(() => {
      const eps = callModel(op, model, current, t)
      const a = schedule.sqrtAlphaBars[t]
      const s = schedule.sqrtOneMinusAlphaBars[t]
      let x0 = combine([
        [1 / a, current],
        [-s / a, eps],
      ])
      if (options.clipX0 !== undefined) x0 = clamp(x0, -options.clipX0, options.clipX0)
      const terms: [number, Tensor][] = [
        [schedule.posteriorMeanCoefX0[t], x0],
        [schedule.posteriorMeanCoefXt[t], current],
      ]
      if (t > 0) {
        const sigma = Math.sqrt(variance === 'posterior' ? schedule.posteriorVariance[t] : schedule.betas[t])
        terms.push([sigma, stepNoise(start.stepKey, step, current)])
      }
      const updated = combine(terms)
      emit(start.onStep, { step, numSteps: T, t, x: updated, x0Prediction: x0 })
      return updated
    })
    if (current !== start.x || options.initialNoise === undefined) current.dispose()
    x = next
  }
  return x
}
