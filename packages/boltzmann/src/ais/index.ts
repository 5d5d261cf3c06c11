// Partition functions and likelihoods: annealed importance sampling and test log-likelihoods.
export {
  RBM_CHECKPOINT_KIND,
  encodeRbmCheckpoint,
  decodeRbmCheckpoint,
  type EncodeRbmCheckpointOptions,
} from './rbm-checkpoint'
export { STOCHASTIC_BINARIZATION, binarizeStochastic, type BinarizedImages } from './binarize'
export { baseRateVisibleBiases, type BaseRateOptions } from './base-rate'
export {
  SALAKHUTDINOV_MURRAY_SCHEDULE,
  aisInverseTemperatures,
  type InverseTemperatureSchedule,
} from './inverse-temperatures'
export {
  rbmAis,
  rbmReverseAis,
  combineAisResults,
  type RbmAisOptions,
  type AisEstimate,
  type RbmAisResult,
  type RbmReverseAisResult,
} from './annealed-importance-sampling'
export { rbmExactSamples } from './exact-samples'
export { rbmAverageLogLikelihood, type RbmAverageLogLikelihood } from './log-likelihood'
