export {
  ulaSample,
  malaSample,
  gradLogDensity,
  type LogDensity,
  type LangevinOptions,
  type LangevinResult,
  type LangevinStep,
} from './langevin'
export {
  standardNormalTarget,
  gaussianTarget,
  gaussianMixtureTarget,
  bananaTarget,
  type LangevinTarget,
  type BananaOptions,
} from './targets'
export { annealedLangevinSample, geometricSigmas, type AnnealedLangevinOptions } from './annealed'
