export {
  validateTransformerConfig,
  initTransformer,
  transformer,
  transformerDecode,
  type TransformerConfig,
  type ResolvedTransformerConfig,
  type TransformerParams,
  type TransformerBlockParams,
  type KeyValueCache,
} from './transformer'
export {
  maskTokens,
  sampleMaskingLevels,
  maskedDiffusionElbo,
  maskedDiffusionLoss,
  maskedDiffusionNelbo,
  type TokenModel,
  type MaskingMode,
  type MaskedBatch,
  type MaskTokensOptions,
  type MaskedDiffusionLossOptions,
  type MaskedDiffusionNelboOptions,
  type BitsPerToken,
} from './masked-diffusion'
export { padSequences, trimAtEos } from './sequences'
export { sampleTokens, type TokenSamplingOptions } from './categorical'
export {
  commitSchedule,
  maskedDiffusionSample,
  type Remasking,
  type MaskedDiffusionSampleOptions,
  type MaskedDiffusionSample,
  type SampleTraceStep,
} from './sampler'
export {
  autoregressiveLoss,
  autoregressiveNll,
  autoregressiveSample,
  type AutoregressiveSampleOptions,
} from './autoregressive'
export { textSampleMetrics, timeGeneration, type TextSampleMetrics } from './metrics'
export { fitNgram, ngramNll, type NgramModel } from './ngram'
export {
  trainTextModel,
  type TextObjective,
  type TrainTextModelOptions,
  type TrainTextModelResult,
} from './train-text'
