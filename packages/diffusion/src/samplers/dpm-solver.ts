/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++: fast solver for guided sampling of
 * diffusion probabilistic models", Algorithm 2): a multistep second-order solver of the
 * probability-flow ODE in its data-prediction form, for few-step sampling.
 */
import { checkOptions, tidy, type Tensor } from '@gen/core-tensor'
import { checkFunction } from '../schedule/check'
import { checkSchedule, type NoiseSchedule } from '../schedule/noise-schedule'
import { callModel, combine, emit, resolveTimesteps, startState, type TimestepChoice } from './internal'
import type { NoisePredictor, SamplerStart } from './types'

/** Options of {@link dpmSolverSample}. */
export interface DpmSolverOptions extends SamplerStart, TimestepChoice {
  /** The noise schedule the model was trained with. */
  readonly schedule: NoiseSchedule
}

/**
 * DPM-Solver++(2M) sampling. With alpha_t = sqrt(alphaBar_t), sigma_t = sqrt(1 - alphaBar_t),
 * lambda_t = log(alpha_t / sigma_t) and the data prediction x_0-hat_i = (x - sigma eps) / alpha
 * at each visited timestep, each step tau_i -> tau_{i-1} with h = lambda' - lambda is
 *
 *   x' = (sigma' / sigma) x - alpha' (e^{-h} - 1) D,
 *
 * with D = x_0-hat_i on the first step and, after it, D = (1 + 1/(2r)) x_0-hat_i - (1/(2r))
 * x_0-hat_{i+1}, r = h_prev / h (Lu et al. 2022, Algorithm 2). The last step lands on
 * alphaBar = 1 (sigma' = 0, h = infinity), where the first-order update gives x_0-hat itself,
 * as in DDIM. One model call per timestep.
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]`; result `[B, ...]`.
 *
 * @param model - eps_theta(x_t, t)
 * @param options - schedule, key, shape or initialNoise, timesteps or numSteps, onStep
 * @returns samples, `[B, ...]`
 * @throws InvalidArgumentError for timesteps and numSteps both given, non-increasing timesteps, numSteps > T, a bad key or shape
 * @example
 * ```ts
 * const x = dpmSolverSample(model, { schedule, key: key(0), shape: [64, 2], numSteps: 10 })
 * ```
 */
export function dpmSolverSample(model: NoisePredictor, options: DpmSolverOptions): Tensor {
  const op = 'dpmSolverSample'
  checkFunction(op, 'model', model)
  checkOptions(op, options)
  const { schedule } = options
  checkSchedule(op, schedule)
  const timesteps = resolveTimesteps(op, schedule, options)
  const start = startState(op, options)
  let x = start.x
  let previousX0: Tensor | undefined
  let previousH = 0
  const numSteps = timesteps.length
  for (let i = numSteps - 1; i >= 0; i--) {
    const step = numSteps - 1 - i
    const t = timesteps[i]
    const alpha = schedule.sqrtAlphaBars[t]
    const sigma = schedule.sqrtOneMinusAlphaBars[t]
    const current = x
    const history = previousX0
    const h = i > 0 ? (schedule.logSnr[timesteps[i - 1]] - schedule.logSnr[t]) / 2 : Infinity
    const { updated, x0 } = tidy(() => {
      const eps = callModel(op, model, current, t)
      const prediction = combine([
        [1 / alpha, current],
        [-sigma / alpha, eps],
      ])
      let result: Tensor
      if (i === 0) {
        // sigma' = 0: the first-order update is the x_0 prediction itself
        result = combine([[1, prediction]])
      } else {
        const tNext = timesteps[i - 1]
        const alphaNext = schedule.sqrtAlphaBars[tNext]
        const sigmaNext = schedule.sqrtOneMinusAlphaBars[tNext]
        const decay = -alphaNext * Math.expm1(-h)
        if (history === undefined) {
          result = combine([
            [sigmaNext / sigma, current],
            [decay, prediction],
          ])
        } else {
          const r = previousH / h
          result = combine([
            [sigmaNext / sigma, current],
            [decay * (1 + 1 / (2 * r)), prediction],
            [-decay / (2 * r), history],
          ])
        }
      }
      emit(start.onStep, { step, numSteps, t, x: result, x0Prediction: prediction })
      return { updated: result, x0: prediction }
    })
    previousH = h
    history?.dispose()
    previousX0 = x0
    if (current !== start.x || options.initialNoise === undefined) current.dispose()
    x = updated
  }
  previousX0?.dispose()
  return x
}
