export {
  linearSchedule,
  cosineSchedule,
  sigmoidSchedule,
  scheduleFromBetas,
  type NoiseSchedule,
  type NoiseScheduleKind,
  type LinearScheduleOptions,
  type CosineScheduleOptions,
  type SigmoidScheduleOptions,
} from './noise-schedule'
export {
  qSample,
  predictX0FromEps,
  epsFromX0,
  vTarget,
  predictX0FromV,
  epsFromV,
  scoreFromEps,
  posteriorMean,
  type Timesteps,
} from './forward'
