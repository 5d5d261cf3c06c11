export {
  makeTrainingBatch,
  weightedMse,
  lossWeight,
  noiseLevelTime,
  validateObjective,
  type Prediction,
  type LossWeighting,
  type DiffusionObjective,
  type FlowMatchingObjective,
  type ScoreMatchingObjective,
  type TrainingObjective,
  type TrainingBatch,
  type TrainingBatchOptions,
} from './objectives'
export {
  trainDenoiser,
  type TrainDenoiserOptions,
  type TrainDenoiserResult,
  type TrainProgress,
} from './train-denoiser'
export {
  encodeDenoiserCheckpoint,
  decodeDenoiserCheckpoint,
  saveDenoiserCheckpoint,
  loadDenoiserCheckpoint,
  checkpointKind,
  type DenoiserCheckpoint,
} from './checkpoint'
export { noisePredictor, velocityField, scoreFunction, type SampleLabels } from './sampling-models'
