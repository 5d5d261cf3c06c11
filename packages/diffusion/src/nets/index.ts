export {
  initMlpDenoiser,
  mlpDenoiser,
  validateMlpDenoiserConfig,
  type MlpDenoiserConfig,
  type MlpDenoiserParams,
  type ResolvedMlpDenoiserConfig,
} from './mlp-denoiser'
export {
  initUNet,
  unet,
  validateUNetConfig,
  type UNetConfig,
  type ResolvedUNetConfig,
  type UNetParams,
  type UNetLevelParams,
  type ResBlockParams,
  type AttentionBlockParams,
} from './unet'
export type { ConditioningParams, DenoiserInputs } from './conditioning'
export {
  applyDenoiser,
  initDenoiser,
  validateDenoiserConfig,
  type DenoiserConfig,
  type DenoiserParams,
} from './denoiser'
export { decodeDenoiser, encodeDenoiser, denoiserFileKind, type DecodedDenoiser } from './params-io'
