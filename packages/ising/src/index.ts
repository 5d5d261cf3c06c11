/**
 * @packageDocumentation
 * Lattice spin models, spin glasses and Monte Carlo (Metropolis, heat bath, Wolff, Swendsen-Wang, parallel tempering) with exact results.
 */

/** The npm name of this package. */
export const packageName = '@gen/ising'

export {
  squareLattice,
  cubicLattice,
  triangularLattice,
  honeycombLattice,
  graphModel,
  withCouplings,
  withField,
  parseCouplings,
  formatCouplings,
  type IsingModel,
  type LatticeOptions,
  type LatticeKind,
  type Boundary,
  type Bond,
} from './lattice'
export { energy, magnetisation, deltaEnergy, allUp, neelState, randomSpins } from './energy'
export { Xoshiro128, createRng } from './rng'
export {
  enumerateDensityOfStates,
  parseDensityOfStates,
  exactObservables,
  fixedMagnetisation,
  type DensityOfStates,
  type ExactObservables,
} from './exact/dos'
export {
  enumerateGroundStates,
  enumerateStates,
  exactThermalAverages,
  type GroundStates,
  type StateEnumeration,
  type ExactThermalAverages,
} from './exact/enumerate'
export {
  edwardsAnderson,
  sherringtonKirkpatrick,
  type CouplingDistribution,
  type EdwardsAndersonOptions,
  type SherringtonKirkpatrickOptions,
  type SpinGlassLattice,
} from './spinglass'
export { onsager, kaufman, kaufmanLogZ, ellipticKE, ONSAGER_TC } from './exact/onsager'
export {
  acceptance,
  metropolisSweep,
  heatBathSweep,
  synchronousSweep,
  wolffStep,
  swendsenWangSweep,
  kawasakiSweep,
  clusterWorkspace,
  type AcceptanceRule,
  type SweepOrder,
  type SweepOptions,
  type ClusterOptions,
  type ClusterWorkspace,
} from './sweeps'
export {
  autocorrelationTime,
  binnedMean,
  jackknife,
  measureObservables,
  type Estimate,
  type AutocorrelationTime,
  type MeasuredObservables,
} from './stats'
export {
  simulate,
  temperatureScan,
  type Algorithm,
  type SimulateOptions,
  type SimulationResult,
  type ScanPoint,
} from './simulate'
export {
  parallelTempering,
  swapAcceptance,
  type ParallelTemperingOptions,
  type ParallelTemperingResult,
} from './tempering'
export {
  simulatedAnnealing,
  annealingTemperatures,
  type AnnealingSchedule,
  type AnnealingRange,
  type AnnealingOptions,
  type AnnealingResult,
} from './anneal'
export { overlap, overlapExperiment, type OverlapOptions, type OverlapPoint } from './overlap'
export {
  spinCorrelation,
  fourierSusceptibility,
  secondMomentLength,
  correlationLength,
  type CorrelationOptions,
  type CorrelationResult,
} from './correlation'
export { clusterStatistics, type ClusterStatistics, type ClusterStatisticsOptions } from './clusters'
export { detectEquilibration, type Equilibration } from './equilibration'
export { quench, type QuenchOptions, type QuenchResult } from './quench'
export { findGroundState, type GroundStateSearch, type GroundStateSearchOptions } from './groundstate'
export { binderCrossing, type BinderCrossing } from './crossing'
export {
  packSpins,
  unpackSpins,
  packedEnergy,
  packedMagnetisation,
  multiSpinSweep,
  type PackedSpins,
  type MultiSpinSweepOptions,
} from './multispin'
