/**
 * @packageDocumentation
 * Associative memories: classic Hopfield networks, dense associative memory and the modern Hopfield layer.
 */

export {
  createNetwork,
  networkFromWeights,
  withThresholds,
  storeHebbian,
  storeStorkey,
  pseudoInverseNetwork,
  energy,
  localFields,
  type HopfieldNetwork,
  type NetworkOptions,
  type PseudoInverseOptions,
} from './network'

export {
  asynchronousSweep,
  synchronousStep,
  glauberSweep,
  recall,
  type Dynamics,
  type SweepOptions,
  type SweepResult,
  type GlauberOptions,
  type RecallOptions,
  type RecallResult,
  type Trajectory,
} from './dynamics'

export { randomPatterns, overlap, hammingDistance, toBipolar } from './patterns'
export { flipBits, maskRegion, saltAndPepper, type Region } from './corruption'
export { glyph, glyphPatterns, glyphNames, glyphSize, renderPattern, type GlyphName } from './glyphs'
export type { SpinLike } from './internal/validate'
export {
  capacityCurve,
  bitStability,
  meanFieldOverlap,
  glauberOverlapCurve,
  type LearningRule,
  type CapacityOptions,
  type CapacityPoint,
  type BitStabilityOptions,
  type BitStabilityPoint,
  type GlauberCurveOptions,
  type GlauberCurvePoint,
} from './experiments'
export {
  modernHopfieldMemory,
  modernHopfieldAttention,
  modernHopfieldUpdate,
  modernHopfieldEnergy,
  modernHopfieldRetrieve,
  modernRetrievalCurve,
  type ModernHopfieldMemory,
  type ModernHopfieldOptions,
  type ModernRetrieveOptions,
  type ModernRetrieveResult,
  type ModernRetrievalCurveOptions,
  type ModernRetrievalPoint,
} from './modern'
export {
  hopfieldAttention,
  hopfieldLayer,
  hopfieldLayerInit,
  validateHopfieldLayerConfig,
  type HopfieldAttentionOptions,
  type HopfieldLayerConfig,
  type HopfieldLayerParams,
} from './layer'
export {
  denseMemory,
  denseEnergy,
  denseRecall,
  denseCapacityCurve,
  denseCapacityScaling,
  type Interaction,
  type DenseMemory,
  type DenseMemoryOptions,
  type DenseRecallOptions,
  type DenseRecallResult,
  type DenseCapacityOptions,
  type DenseCapacityPoint,
  type DenseScalingOptions,
  type DenseScalingPoint,
} from './dense'
export {
  criticalLoad,
  spinGlassTemperature,
  retrievalTemperature,
  retrievalOverlap,
  phaseDiagram,
  type Phase,
  type PhaseDiagramOptions,
  type PhasePoint,
  type PhaseDiagram,
} from './phase-diagram'
export {
  basinCurve,
  spuriousCensus,
  type BasinOptions,
  type BasinPoint,
  type AttractorKind,
  type SpuriousCensusOptions,
  type AttractorClass,
  type SpuriousCensus,
} from './attractors'
export {
  synchronousRecallBatch,
  type BatchRecallOptions,
  type BatchRecallOutcome,
  type BatchRecallResult,
} from './batch-recall'
