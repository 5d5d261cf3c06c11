/**
 * Trained denoisers as the model functions the samplers take (`NoisePredictor`,
 * `VelocityField`, `ScoreFunction` of ../samplers/types.ts): each binds config, params and
 * labels, converts an x₀ or v output to ε (Salimans & Ho 2022), and frees the network's
 * intermediate tensors after every call.
 */
import { div, fromArray, full, InvalidArgumentError, reshape, type Tensor, tidy } from '@gen/core-tensor'
import {
  type DenoiserConfig,
  type DenoiserParams,
  applyDenoiser,
  validateDenoiserConfig,
} from '../nets/denoiser'
import type { NoisePredictor, ScoreFunction, VelocityField } from '../samplers/types'
import { epsFromV, epsFromX0, type NoiseSchedule } from '../schedule/index'
import { checkInteger, checkObject, checkTensor } from '../nets/check'
import { noiseLevelTime, type Prediction } from './objectives'

/** Labels of a conditional model's samples: one class for all, or int32 `[B]`. */
export type SampleLabels = number | Tensor

function labelsFor(
  op: string,
  config: DenoiserConfig,
  labels: SampleLabels | undefined,
  x: Tensor,
): Tensor | undefined {
  if (labels === undefined) return undefined
  if (config.numClasses === undefined) {
    throw new InvalidArgumentError(op, 'labels', 'must be absent for an unconditional model, got labels')
  }
  if (typeof labels === 'number') {
    checkInteger(op, 'labels', labels, 0)
    if (labels > config.numClasses) {
      throw new InvalidArgumentError(
        op,
        'labels',
        `must be at most numClasses = ${config.numClasses} (the null label), got ${labels}`,
      )
    }
    return full([x.shape[0]], labels, { dtype: 'int32', backend: x.backend })
  }
  checkTensor(op, 'labels', labels, 'int32')
  return labels
}

/**
 * A trained diffusion denoiser as a noise predictor ε_θ(x_t, t) for the DDPM, DDIM,
 * probability-flow and DPM-Solver samplers. An x₀- or v-predicting net is converted:
 * ε = (x_t − √ᾱ_t x̂₀)/√(1 − ᾱ_t), or ε = √(1 − ᾱ_t) x_t + √ᾱ_t v̂.
 *
 * @param config - the architecture
 * @param params - trained parameters (or their EMA)
 * @param options - prediction (default 'epsilon'), schedule (required for 'x0' and 'v'),
 *   labels (a class for every sample, or int32 `[B]`; numClasses = unconditional)
 * @returns `(x, t) => ε̂`, `[B, ...]`
 * @throws InvalidArgumentError for x0/v without a schedule, or labels for an unconditional net
 * @example
 * ```ts
 * const model = noisePredictor(config, result.ema ?? result.params)
 * const x = ddimSample(model, { schedule, key: key(0), shape: [1000, 2], numSteps: 50 })
 * ```
 */
export function noisePredictor(
  config: DenoiserConfig,
  params: DenoiserParams,
  options: {
    readonly prediction?: Prediction
    readonly schedule?: NoiseSchedule
    readonly labels?: SampleLabels
  } = {},
): NoisePredictor {
  const op = 'noisePredictor'
  validateDenoiserConfig(config)
  checkObject(op, 'options', options)
  const prediction = options.prediction ?? 'epsilon'
  const { schedule } = options
  if (prediction !== 'epsilon' && schedule === undefined) {
    throw new InvalidArgumentError(
      op,
      'options.schedule',
      `must be given to convert a '${prediction}' prediction to ε, got undefined`,
    )
  }
  return (x, t) =>
    tidy(() => {
      const out = applyDenoiser(config, params, x, { t, labels: labelsFor(op, config, options.labels, x) })
      if (prediction === 'epsilon') return out
      const steps = Int32Array.from(t.dataSync())
      return prediction === 'x0' ? epsFromX0(schedule!, x, steps, out) : epsFromV(schedule!, x, steps, out)
    })
}

/**
 * A flow-matching denoiser as the velocity field v_θ(x, t) of `flowSample` (t = 0 noise, t = 1
 * data, the package's convention).
 *
 * @param config - the architecture (timeScale 1000 suits t ∈ [0, 1])
 * @param params - trained parameters
 * @param options - labels
 * @returns `(x, t) => v̂`, `[B, ...]`
 * @throws InvalidArgumentError for labels given to an unconditional net
 * @example
 * ```ts
 * const x = flowSample(velocityField(config, params), { key: key(0), shape: [1000, 2], numSteps: 50 })
 * ```
 */
export function velocityField(
  config: DenoiserConfig,
  params: DenoiserParams,
  options: { readonly labels?: SampleLabels } = {},
): VelocityField {
  validateDenoiserConfig(config)
  return (x, t) =>
    tidy(() =>
      applyDenoiser(config, params, x, { t, labels: labelsFor('velocityField', config, options.labels, x) }),
    )
}

/**
 * A score-matching denoiser as the noise-conditional score s_θ(x, σ) of annealed Langevin
 * dynamics: the net sees `noiseLevelTime(σ, sigmas)` and outputs σ · s, so s = output / σ
 * (Song & Ermon 2019; the 1/σ output scaling of Song & Ermon 2020, NCSNv2).
 *
 * @param config - the architecture
 * @param params - trained parameters
 * @param options - sigmas (the training ladder, largest first), labels
 * @returns `(x, σ) => ŝ`, `[B, ...]`
 * @throws InvalidArgumentError for a missing ladder, or labels given to an unconditional net
 * @example
 * ```ts
 * const score = scoreFunction(config, params, { sigmas })
 * ```
 */
export function scoreFunction(
  config: DenoiserConfig,
  params: DenoiserParams,
  options: { readonly sigmas: readonly number[] | Float64Array; readonly labels?: SampleLabels },
): ScoreFunction {
  const op = 'scoreFunction'
  validateDenoiserConfig(config)
  checkObject(op, 'options', options)
  const sigmas = options.sigmas as unknown
  if (
    !(Array.isArray(sigmas) || sigmas instanceof Float64Array) ||
    sigmas.length < 1 ||
    !Array.from(sigmas as ArrayLike<unknown>).every((s) => typeof s === 'number' && s > 0)
  ) {
    throw new InvalidArgumentError(
      op,
      'options.sigmas',
      `must be the training ladder of positive levels, got ${JSON.stringify(sigmas)}`,
    )
  }
  return (x, sigma) =>
    tidy(() => {
      const times = Float64Array.from(sigma.dataSync(), (s) => noiseLevelTime(s, sigmas as ArrayLike<number>))
      const out = applyDenoiser(config, params, x, {
        t: fromArray(times, { backend: x.backend, dtype: 'float32' }),
        labels: labelsFor(op, config, options.labels, x),
      })
      return div(out, reshape(sigma, [x.shape[0], ...new Array<number>(x.rank - 1).fill(1)]))
    })
}
