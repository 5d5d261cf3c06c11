/**
 * @packageDocumentation
 * Diffusion models: DDPM, DDIM, score-based Langevin sampling, flow matching and masked diffusion language models.
 */

/** The npm name of this package. */
export const packageName = '@gen/diffusion'

export {
  linearSchedule,
  cosineSchedule,
  sigmoidSchedule,
  scheduleFromBetas,
  qSample,
  predictX0FromEps,
  epsFromX0,
  vTarget,
  predictX0FromV,
  epsFromV,
  scoreFromEps,
  posteriorMean,
  type NoiseSchedule,
  type NoiseScheduleKind,
  type LinearScheduleOptions,
  type CosineScheduleOptions,
  type SigmoidScheduleOptions,
  type Timesteps,
} from './schedule/index'
