/**
 * Super-resolution by a conditional diffusion model (Saharia et al. 2022, "Image
 * super-resolution via iterative refinement", SR3, with the residual target of Whang et al.
 * 2022 / Ho et al.'s cascades): the low-resolution image is upsampled bicubically and
 * concatenated to the UNet's input as an extra channel, and the model denoises the residual
 * r = s · (x_high − bicubic(x_low)) on a DDPM schedule. Sampling runs DDIM on the residual and
 * adds it back: x̂ = bicubic(x_low) + r̂ / s. With x₀-prediction, one DDIM step from pure noise
 * returns the network's regression estimate E[r | x_low] (the highest-PSNR answer); more steps
 * trade PSNR for sharper, sampled detail.
 */
import {
  concat,
  fold,
  fromArray,
  indexSelect,
  InvalidArgumentError,
  type Key,
  mul,
  randint,
  ShapeError,
  sub,
  add,
  Tensor,
  tidy,
} from '@gen/core-tensor'
import { applyDenoiser, type DenoiserParams } from '../nets/denoiser'
import { type UNetConfig, type UNetParams, validateUNetConfig } from '../nets/unet'
import { checkNumber, checkObject, checkTensor } from '../nets/check'
import { ddimSample } from '../samplers/ddim'
import type { NoisePredictor } from '../samplers/types'
import { epsFromV, epsFromX0, type NoiseSchedule } from '../schedule/index'
import { makeTrainingBatch, type Prediction, weightedMse } from '../train/objectives'
import { type FewStepTrainOptions, type FewStepTrainResult, runTrainLoop } from '../fewstep/train-loop'
import { averagePoolDownsample, bicubicUpsample } from './bicubic'
import { checkPixels } from './image-metrics'

/** A super-resolution data set: high-resolution images and their bicubic-upsampled degradations. */
export interface SuperResolutionPairs {
  /** `[N, 1, H, W]`. */
  readonly highRes: Tensor
  /** The 2×2 average-pooled images, `[N, 1, H/2, W/2]`. */
  readonly lowRes: Tensor
  /** bicubic(lowRes), `[N, 1, H, W]`: the condition channel and the baseline. */
  readonly upsampled: Tensor
}

/**
 * Builds the pairs of the 14×14 → 28×28 task: x_low = 2×2 average pool of x_high, and its
 * bicubic upsampling (Keys a = −0.5).
 *
 * @param highRes - images `[N, 1, H, W]`, pixels in [0, 1], H and W even
 * @returns highRes, lowRes and upsampled
 * @throws ShapeError for odd sizes or a tensor that is not 4-D; InvalidArgumentError for a NaN
 *   or a pixel outside [0, 1] (divide 0–255 images by 255)
 * @example
 * ```ts
 * const pairs = superResolutionPairs(digits) // digits [N, 1, 28, 28]
 * psnr(pairs.upsampled, pairs.highRes).mean // the bicubic baseline
 * ```
 */
export function superResolutionPairs(highRes: Tensor): SuperResolutionPairs {
  if (highRes instanceof Tensor && highRes.backend.readSync !== undefined) {
    highRes.assertLive('superResolutionPairs')
    checkPixels('superResolutionPairs', 'highRes', highRes.dataSync())
  }
  const lowRes = averagePoolDownsample(highRes)
  return { highRes, lowRes, upsampled: bicubicUpsample(lowRes) }
}

/** The super-resolution UNet's settings: the diffusion on the scaled residual. */
export interface SuperResolutionObjective {
  readonly schedule: NoiseSchedule
  /** What the network predicts. Default 'x0'. */
  readonly prediction?: Prediction
  /** s: the residual is multiplied by this (MNIST's bicubic residual has std ≈ 0.15). Default 4. */
  readonly residualScale?: number
}

function checkConfig(op: string, config: UNetConfig): void {
  const c = validateUNetConfig(config)
  if (c.inChannels !== 2 || c.outChannels !== 1) {
    throw new InvalidArgumentError(
      op,
      'config',
      `must be a UNet with inChannels 2 (noisy residual + upsampled condition) and outChannels 1, got ${c.inChannels} and ${c.outChannels}`,
    )
  }
}

/** Options of {@link trainSuperResolution}. */
export interface TrainSuperResolutionOptions extends FewStepTrainOptions {
  /** A UNet with inChannels 2 and outChannels 1. */
  readonly config: UNetConfig
  readonly params: UNetParams
  readonly pairs: SuperResolutionPairs
  readonly objective: SuperResolutionObjective
}

/**
 * Trains the conditional UNet: each step draws a batch of pairs, forms the scaled residual
 * r = s (x_high − bicubic(x_low)), noises it on the schedule ({@link makeTrainingBatch}:
 * t uniform, x_t = √ᾱ r + √(1 − ᾱ) ε), feeds [x_t, bicubic(x_low)] and minimises the MSE of
 * the prediction (ε, x₀ = r or v).
 *
 * Shapes: pairs `[N, 1, S, S]` with S the config's imageSize.
 *
 * @param options - config, params, pairs, objective (schedule, prediction 'x0', residualScale 4),
 *   steps, batchSize, optimizer, gradientClipNorm, emaDecay, key, logEvery, onProgress
 * @returns params, EMA and history
 * @throws InvalidArgumentError for a config without 2 input / 1 output channels or bad options
 * @throws ShapeError when the pairs do not fit the config
 * @example
 * ```ts
 * const config = { kind: 'unet', inChannels: 2, outChannels: 1, baseChannels: 16, channelMultipliers: [1, 2], attention: false } as const
 * const result = trainSuperResolution({
 *   config, params: initUNet(config, { key: key(0) }), pairs: superResolutionPairs(digits),
 *   objective: { schedule: cosineSchedule({ numTimesteps: 1000 }) }, steps: 2000, batchSize: 32, key: key(1),
 * })
 * ```
 */
export function trainSuperResolution(options: TrainSuperResolutionOptions): FewStepTrainResult<UNetParams> {
  const op = 'trainSuperResolution'
  checkObject(op, 'options', options)
  const { config, pairs } = options
  checkConfig(op, config)
  const size = validateUNetConfig(config).imageSize
  checkObject(op, 'pairs', pairs)
  checkTensor(op, 'pairs.highRes', pairs.highRes)
  checkTensor(op, 'pairs.upsampled', pairs.upsampled)
  const want = [pairs.highRes.shape[0], 1, size, size]
  for (const [name, t] of [
    ['pairs.highRes', pairs.highRes],
    ['pairs.upsampled', pairs.upsampled],
  ] as const) {
    if (t.rank !== 4 || t.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(op, `${name} must be [${want.join(', ')}], got [${t.shape.join(', ')}]`, [t.shape])
    }
  }
  const scale = options.objective.residualScale ?? 4
  checkNumber(op, 'objective.residualScale', scale, { lo: 0, openLow: true })
  const objective = {
    kind: 'diffusion',
    schedule: options.objective.schedule,
    prediction: options.objective.prediction ?? 'x0',
  } as const
  const n = pairs.highRes.shape[0]
  return runTrainLoop({
    ...options,
    op,
    makeBatch: (_params, k: Key) => {
      const index = randint(fold(k, 0), [options.batchSize], { high: n, backend: pairs.highRes.backend })
      const condition = indexSelect(pairs.upsampled, 0, index)
      const residual = mul(sub(indexSelect(pairs.highRes, 0, index), condition), scale)
      const batch = makeTrainingBatch(objective, residual, { key: fold(k, 1) })
      return { ...batch, input: concat([batch.input, condition], 1) }
    },
    loss: (p, batch) =>
      weightedMse(
        applyDenoiser(config, p as DenoiserParams, batch.input, { t: batch.t }),
        batch.target,
        batch.weights,
      ),
  })
}

/** Options of {@link superResolve}. */
export interface SuperResolveOptions {
  readonly objective: SuperResolutionObjective
  /** DDIM steps. Default 1 (the regression estimate with x₀-prediction). */
  readonly numSteps?: number
  /** DDIM's η. Default 0. */
  readonly eta?: number
  readonly key: Key
  /** Clamp the result to [0, 1]. Default true. */
  readonly clampOutput?: boolean
}

/**
 * Upsamples low-resolution images with a trained super-resolution UNet: DDIM over the scaled
 * residual, conditioned on bicubic(x_low), then x̂ = bicubic(x_low) + r̂ / s.
 *
 * Shapes: lowRes `[N, 1, S/2, S/2]` → `[N, 1, S, S]`.
 *
 * @param config - the UNet (inChannels 2, outChannels 1)
 * @param params - trained parameters (or their EMA)
 * @param lowRes - the low-resolution images, pixels in [0, 1]
 * @param options - objective (as trained), numSteps (1), eta (0), key, clampOutput (true)
 * @returns the high-resolution estimates
 * @throws InvalidArgumentError for a config that does not fit; ShapeError for lowRes of the wrong size
 * @example
 * ```ts
 * const x = superResolve(config, result.ema ?? result.params, pairs.lowRes, { objective, key: key(2) })
 * psnr(x, pairs.highRes).mean
 * ```
 */
export function superResolve(
  config: UNetConfig,
  params: UNetParams,
  lowRes: Tensor,
  options: SuperResolveOptions,
): Tensor {
  const op = 'superResolve'
  checkConfig(op, config)
  checkTensor(op, 'lowRes', lowRes)
  const size = validateUNetConfig(config).imageSize
  if (
    lowRes.rank !== 4 ||
    lowRes.shape[1] !== 1 ||
    lowRes.shape[2] * 2 !== size ||
    lowRes.shape[3] * 2 !== size
  ) {
    throw new ShapeError(
      op,
      `lowRes must be [N, 1, ${size / 2}, ${size / 2}], got [${lowRes.shape.join(', ')}]`,
      [lowRes.shape],
    )
  }
  checkObject(op, 'options', options)
  const { schedule } = options.objective
  const prediction = options.objective.prediction ?? 'x0'
  const scale = options.objective.residualScale ?? 4
  const condition = bicubicUpsample(lowRes)
  const model: NoisePredictor = (x, t) =>
    tidy(() => {
      const out = applyDenoiser(config, params, concat([x, condition], 1), { t })
      const steps = Int32Array.from(t.dataSync(), (v) => Math.round(v))
      if (prediction === 'epsilon') return out
      return prediction === 'x0' ? epsFromX0(schedule, x, steps, out) : epsFromV(schedule, x, steps, out)
    })
  const residual = ddimSample(model, {
    schedule,
    key: options.key,
    shape: [lowRes.shape[0], 1, size, size],
    numSteps: options.numSteps ?? 1,
    eta: options.eta ?? 0,
  })
  const out = tidy(() => add(condition, mul(residual, 1 / scale)))
  residual.dispose()
  condition.dispose()
  if (options.clampOutput === false) return out
  const values = Float32Array.from(out.dataSync(), (v) => Math.min(Math.max(v, 0), 1))
  out.dispose()
  return fromArray(values, { shape: [lowRes.shape[0], 1, size, size], backend: lowRes.backend })
}
