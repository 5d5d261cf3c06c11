/**
 * @packageDocumentation
 * Neural-network building blocks (`@gen/core-tensor/nn`): layers as pure functions of a
 * parameter tree, initialisers that take a key, and losses.
 */
export {
  computeFans,
  uniformInit,
  normalInit,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
  type InitOptions,
  type KaimingOptions,
} from './init'
export {
  linearInit,
  linear,
  embeddingInit,
  embedding,
  layerNormInit,
  layerNorm,
  dropout,
  type LinearParams,
  type LinearInitOptions,
  type EmbeddingParams,
  type LayerNormParams,
  type DropoutOptions,
} from './layers'
export {
  conv2dInit,
  conv2dLayer,
  convTranspose2dInit,
  convTranspose2dLayer,
  batchNormInit,
  batchNorm,
  groupNormInit,
  groupNorm,
  type Conv2dLayerParams,
  type Conv2dInitOptions,
  type NormParams,
  type BatchNormState,
  type BatchNormOptions,
  type GroupNormOptions,
} from './conv-layers'
export {
  multiHeadAttentionInit,
  multiHeadAttention,
  sinusoidalEmbedding,
  type MultiHeadAttentionParams,
  type AttentionInputs,
  type MultiHeadAttentionInitOptions,
  type MultiHeadAttentionOptions,
  type SinusoidalEmbeddingOptions,
} from './attention'
export {
  mseLoss,
  binaryCrossEntropyWithLogits,
  crossEntropyWithLogits,
  gaussianKl,
  gaussianLogLikelihood,
  bernoulliLogLikelihood,
  type Reduction,
  type LossOptions,
  type CrossEntropyOptions,
} from './losses'
