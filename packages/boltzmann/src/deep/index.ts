// Gaussian-Bernoulli RBMs, parallel-tempering chains, deep belief networks and inpainting.
export {
  checkLearningRate,
  learningRateAt,
  checkMomentum,
  momentumAt,
  rbmMomentumStep,
  checkSparsity,
  rbmSparsityGradient,
  type RbmLearningRateSchedule,
  type RbmLearningRate,
  type TrainingPosition,
  type RbmMomentum,
  type RbmMomentumStepOptions,
  type RbmSparsity,
} from './update'
export {
  linearInverseTemperatures,
  temperingSwapProbability,
  initTemperingChains,
  rbmTemperingSwaps,
  rbmParallelTemperingStep,
  rbmParallelTemperingGradient,
  temperingSwapRates,
  type TemperingState,
  type InitTemperingOptions,
  type TemperingStepOptions,
} from './parallel-tempering'
export {
  trainRbm,
  type RbmTrainingMethod,
  type RbmEpochProgress,
  type TrainRbmOptions,
  type TrainRbmResult,
} from './train-rbm'
export {
  initGaussianRbm,
  createGaussianRbm,
  gaussianRbmEnergy,
  gaussianRbmFreeEnergy,
  gaussianRbmHiddenProbabilities,
  gaussianRbmVisibleMean,
  gaussianRbmLogPartition,
  gaussianRbmLogDensity,
  gaussianRbmExactGradient,
  gaussianRbmGibbsSample,
  gaussianRbmExactSamples,
  gaussianRbmContrastiveDivergence,
  type GaussianRbm,
  type GaussianRbmGradient,
  type InitGaussianRbmOptions,
  type GaussianRbmSamplingOptions,
} from './gaussian-rbm'
export { trainGaussianRbm, type TrainGaussianRbmOptions } from './train-gaussian-rbm'
export {
  createDbn,
  transposeRbm,
  trainDbn,
  dbnSample,
  dbnLogProbability,
  dbnLowerBound,
  type Dbn,
  type DbnLayerOptions,
  type TrainDbnOptions,
  type DbnSampleOptions,
  type DbnLowerBoundOptions,
} from './dbn'
export { rbmInpaint, type RbmInpaintOptions } from './inpaint'
export { rbmFilterImages, type ImageBatch } from './filters'
