/**
 * @packageDocumentation
 * Convolutional networks as plain configs and pure functions: LeNet-5 (LeCun et al. 1998)
 * and sequential conv nets from JSON, a training loop with keyed shuffling, augmentation,
 * checkpoints and exact resume, and receptive-field analysis (analytic and measured).
 */

/** The npm name of this package. */
export const packageName = '@gen/cnn'

export {
  validateSequentialConfig,
  parameterCount,
  initSequential,
  initSequentialState,
  forwardSequential,
  applySequential,
  localResponseNorm,
  parameterSlots,
  type ParameterSlot,
  type SizePair,
  type LayerConfig,
  type LayerType,
  type SequentialConfig,
  type SequentialParams,
  type SequentialState,
  type InitOptions,
  type WindowGeometry,
  type LayerInfo,
  type ForwardOptions,
  type ForwardResult,
} from './sequential'
export { lenet5Config, type Lenet5Options } from './lenet'
export { alexnetConfig, resnetConfig, type AlexnetOptions, type ResnetOptions } from './architectures'
export {
  toImageDataset,
  epochBatches,
  randomShift,
  validationSplit,
  type ImageDataset,
  type LabeledBytes,
  type ToImageDatasetOptions,
} from './data'
export { rotateImages, randomRotation, elasticField, elasticDistortion } from './augment'
export {
  trainClassifier,
  evaluateClassifier,
  type Checkpoint,
  type TrainProgress,
  type TrainOptions,
  type TrainResult,
  type EarlyStopping,
  type EvaluateOptions,
  type Evaluation,
} from './train'
export {
  encodeCheckpoint,
  decodeCheckpoint,
  checkpointKind,
  type EncodeCheckpointOptions,
  type DecodedCheckpoint,
} from './checkpoint'
export {
  receptiveFields,
  receptiveFieldBox,
  measureReceptiveField,
  type ReceptiveField,
  type MeasuredReceptiveField,
} from './receptive-field'
export {
  extractFeatures,
  gaussianFit,
  frechetDistance,
  frechetClassifierDistance,
  classifierScore,
  confusionMatrix,
  filterGrid,
  type FeatureOptions,
  type GaussianFit,
} from './metrics'
export {
  firstLayerFilters,
  featureMaps,
  misclassified,
  saliencyMaps,
  effectiveReceptiveField,
  type PixelBatch,
  type Misclassified,
} from './visualize'
