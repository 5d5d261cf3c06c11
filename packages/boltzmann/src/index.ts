/**
 * @packageDocumentation
 * Boltzmann machines, RBMs and deep belief networks with exact and AIS log-likelihoods.
 */

/**
 * The npm name of this package.
 *
 * @example
 * ```ts
 * packageName // '@gen/boltzmann'
 * ```
 */
export const packageName = '@gen/boltzmann'

export {
  MAX_ENUMERATED_UNITS,
  validateBoltzmannMachineConfig,
  initBoltzmannMachine,
  encoderConnectivity,
  encoderPatterns,
  parityPatterns,
  boltzmannEnergy,
  exactFreeStatistics,
  exactClampedStatistics,
  exactVisibleLogProbabilities,
  exactKlGradient,
  klDivergence,
  annealingSchedule,
  sampledStatistics,
  annealBoltzmannMachine,
  encoderAccuracy,
  type BoltzmannMachineConfig,
  type BoltzmannMachine,
  type VisibleDistribution,
  type InitBoltzmannMachineOptions,
  type ExactStatistics,
  type KlGradient,
  type AnnealingStep,
  type SampledStatisticsOptions,
  type AnnealOptions,
} from './boltzmann-machine'

export {
  trainBoltzmannMachine,
  type BoltzmannStatistics,
  type TrainBoltzmannMachineOptions,
  type TrainBoltzmannMachineResult,
} from './train-boltzmann-machine'

export {
  MAX_RBM_ENUMERATED_UNITS,
  validateRbmConfig,
  initRbm,
  createRbm,
  rbmFreeEnergy,
  rbmLogPartition,
  rbmLogProbability,
  rbmLogLikelihood,
  rbmHiddenProbabilities,
  rbmVisibleProbabilities,
  rbmGibbsSample,
  rbmContrastiveDivergence,
  rbmPersistentContrastiveDivergence,
  rbmExactGradient,
  rbmPseudoLikelihood,
  rbmGradientStep,
  type RbmConfig,
  type Rbm,
  type RbmGradient,
  type InitRbmOptions,
  type RbmSamplingOptions,
  type RbmGradientEstimate,
  type RbmBackendOptions,
} from './rbm'

// Annealed importance sampling and likelihoods (src/ais).
export * from './ais/index'
// Gaussian-Bernoulli RBMs, tempering, DBNs and inpainting (src/deep).
export * from './deep/index'
