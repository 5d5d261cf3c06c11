/**
 * @packageDocumentation
 * Generative adversarial networks (Goodfellow et al. 2014) as plain configs and pure
 * functions: the minimax, non-saturating, Wasserstein (with gradient penalty) and hinge
 * losses; MLP GANs for 2-D data and DCGANs for 28×28 digits, both optionally conditional; a
 * training loop with separate optimisers, update ratios, an EMA of the generator, checkpoints
 * and exact resume; and diagnostics that make mode collapse measurable.
 */

/** The npm name of this package. */
export const packageName = '@gen/gan'

export {
  discriminatorLoss,
  minimaxGeneratorLoss,
  nonSaturatingGeneratorLoss,
  wassersteinCriticLoss,
  wassersteinGeneratorLoss,
  hingeDiscriminatorLoss,
  type GanLoss,
} from './losses'
export { gradientPenalty, type GradientPenaltyOptions } from './gradient-penalty'
export {
  validateGanConfig,
  initGan,
  generate,
  discriminate,
  sampleLatent,
  type GanConfig,
  type MlpGanConfig,
  type DcganConfig,
  type GanParams,
  type GanState,
  type InitGanOptions,
  type ForwardGanOptions,
} from './gan-model'
export {
  trainGan,
  type GanObjective,
  type GanCheckpoint,
  type GanProgress,
  type TrainGanOptions,
  type TrainGanResult,
} from './train'
export {
  modeCoverage,
  energyDistance,
  mmdSquared,
  mmd,
  type ModeCoverageOptions,
  type ModeCoverage,
} from './sample-metrics'
export { sampleImages, type SampleImagesOptions } from './sample-grid'
export {
  encodeGanCheckpoint,
  decodeGanCheckpoint,
  ganCheckpointKind,
  type EncodeGanCheckpointOptions,
  type DecodedGanCheckpoint,
} from './checkpoint'
