/**
 * @packageDocumentation
 * Autoencoders, denoising autoencoders and VAEs, with latent-space tools (PCA, t-SNE, UMAP).
 */

/** The npm name of this package. */
export const packageName = '@gen/autoencoder'

export {
  validateAutoencoderConfig,
  type AutoencoderConfig,
  type Architecture,
  type DenseArchitecture,
  type ConvArchitecture,
  type Likelihood,
  type Corruption,
  type NoiseLevel,
  type Sparsity,
} from './config'
export {
  klToStdNormal,
  reparameterize,
  bernoulliLogLik,
  gaussianLogLik,
  continuousBernoulliLogLik,
  continuousBernoulliLogNorm,
  continuousBernoulliMean,
  logMeanExp,
  sumPerExample,
} from './losses'
export {
  initAutoencoder,
  encode,
  decode,
  reconstructionLogLik,
  decoderMean,
  inputSize,
  type AutoencoderParams,
  type LayerParams,
  type Encoding,
  type ConditionOptions,
} from './model'
export { elboTerms, aeTerms, type ElboTerms, type ElboOptions, type AeTerms } from './vae-loss'
export { corrupt, binarize, binarizeValues, noiseLevels } from './corruption'
export { iwaeBound, type IwaeOptions } from './iwae'
export {
  trainAutoencoder,
  evaluateAutoencoder,
  type AutoencoderCheckpoint,
  type Evaluation,
  type EvaluateOptions,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from './train'
export {
  encodeCheckpoint,
  decodeCheckpoint,
  checkpointKind,
  type EncodeCheckpointOptions,
  type DecodedCheckpoint,
} from './checkpoint'
export { sampleImages, decodeImages, reconstruct, encodeMean } from './generate'
export { psnr, pixelBce, anomalyScores } from './uses'

// Latent-space tools (src/latent).
export * from './latent/index'
