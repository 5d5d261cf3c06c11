export type {
  NoisePredictor,
  VelocityField,
  ScoreFunction,
  SamplerStep,
  StepCallback,
  SamplerStart,
} from './types'
export { evenlySpacedTimesteps, type TimestepChoice } from './internal'
export { ddpmSample, type DdpmSampleOptions, type DdpmVariance } from './ddpm'
export {
  ddimSample,
  ddimStep,
  ddimSigma,
  type DdimSampleOptions,
  type DdimStepOptions,
  type DdimStepResult,
} from './ddim'
export { probabilityFlowSample, type ProbabilityFlowOptions, type OdeMethod } from './probability-flow'
export { dpmSolverSample, type DpmSolverOptions } from './dpm-solver'
export { classifierFreeGuidance } from './guidance'
export { flowSample, type FlowSampleOptions } from './flow-matching'
export {
  gaussianMixture,
  gaussianMixtureMoments,
  sampleGaussianMixture,
  gaussianMixtureNoisePredictor,
  gaussianMixtureVelocity,
  gaussianMixtureScore,
  type GaussianComponent,
  type GaussianMixture,
} from './exact-gaussian'
