import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import { magnetisation } from './energy'
import type { IsingModel } from './lattice'
import { createRng } from './rng'
import { checkTemperature, startState } from './simulate'
import { binnedMean, type Estimate } from './stats'
import { clusterWorkspace, swendsenWangSweep, wolffStep } from './sweeps'

/** Options of {@link clusterStatistics}. */
export interface ClusterStatisticsOptions {
  /** Temperature T > 0. */
  temperature: number
  /** Key of the run. */
  key: Key
  /** Measured updates (Wolff cluster steps or SW sweeps), >= 32. */
  sweeps: number
  /** `wolff` (default) or `swendsen-wang`. */
  algorithm?: 'wolff' | 'swendsen-wang'
  /** Updates discarded first (default sweeps / 10). */
  thermalisation?: number
  /** Start state (default `cold`). */
  start?: 'cold' | 'hot' | Int8Array
  /** Bins for the error bars (default 32). */
  bins?: number
}

/** Result of {@link clusterStatistics}. */
export interface ClusterStatistics {
  /** Temperature T. */
  readonly temperature: number
  /** The algorithm whose clusters were counted. */
  readonly algorithm: 'wolff' | 'swendsen-wang'
  /**
   * Cluster-size distribution, index s = 0 … N. Wolff: the fraction of steps whose cluster had
   * s sites, P_W(s). Swendsen–Wang: the mean number of clusters of s sites per sweep, n(s)
   * (Σ_s s n(s) = N). The two are related by P_W(s) = s n(s)/N.
   */
  readonly distribution: Float64Array
  /** Mean cluster size: <|C|> of the Wolff clusters, or N/<number of clusters> for SW. */
  readonly meanSize: Estimate
  /** Mean number of clusters per SW sweep (1 for Wolff). */
  readonly clustersPerUpdate: Estimate
  /**
   * The improved estimator of N<m²> = <M²>/N (h = 0): <|C|> for Wolff, <Σ_C |C|²>/N for SW
   * (Wolff 1989; Swendsen & Wang 1987).
   */
  readonly improvedNm2: Estimate
  /** N<m²> measured directly from M on the same chain, for comparison. */
  readonly directNm2: Estimate
}

/**
 * Cluster-size statistics of the Wolff or Swendsen–Wang algorithm at h = 0: the size
 * distribution, the mean size, and the improved estimator of the susceptibility next to the
 * direct one. The identities (Fortuin–Kasteleyn clusters, h = 0): `<M²> = <Σ_C |C|²>` (SW), and
 * since Wolff picks the cluster of a uniformly random seed, `<|C|>_Wolff = <Σ_C |C|²>/N = N<m²>`
 * with m = M/N (4×4 torus, T = 2: 13.90274691).
 *
 * @param model - a model with h = 0 (the improved estimator needs the flip symmetry)
 * @param options - temperature, key, sweeps, algorithm, thermalisation, start, bins
 * @returns the distribution and the estimators with binning errors
 * @throws InvalidArgumentError when h ≠ 0, or on a bad temperature, sweeps, algorithm or start
 * @example
 * ```ts
 * const s = clusterStatistics(squareLattice(4), { temperature: 2, key: key(1), sweeps: 40_000 })
 * s.improvedNm2 // ≈ 13.9027
 * ```
 */
export function clusterStatistics(model: IsingModel, options: ClusterStatisticsOptions): ClusterStatistics {
  const op = 'clusterStatistics'
  checkOptions(op, options)
  if (model.field !== 0) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must have h = 0 (the cluster estimators use the flip symmetry), got h = ${model.field}`,
    )
  }
  const { temperature: T, sweeps } = options
  checkTemperature(op, 'temperature', T)
  if (!Number.isSafeInteger(sweeps) || sweeps < 32) {
    throw new InvalidArgumentError(op, 'sweeps', `must be an integer >= 32, got ${sweeps}`)
  }
  const therm = options.thermalisation ?? Math.floor(sweeps / 10)
  if (!Number.isSafeInteger(therm) || therm < 0) {
    throw new InvalidArgumentError(op, 'thermalisation', `must be a non-negative integer, got ${therm}`)
  }
  const algorithm = options.algorithm ?? 'wolff'
  if (algorithm !== 'wolff' && algorithm !== 'swendsen-wang') {
    throw new InvalidArgumentError(
      op,
      'algorithm',
      `must be 'wolff' or 'swendsen-wang', got ${String(algorithm)}`,
    )
  }
  const bins = options.bins ?? 32
  const n = model.size
  const [kStart, kRun] = split(options.key, 2)
  const spins = startState(op, model, options.start, kStart)
  const cluster = { beta: 1 / T, rng: createRng(kRun), workspace: clusterWorkspace(model) }
  const sizes = new Int32Array(n)
  const swOptions = { ...cluster, clusterSizes: sizes }
  const step = (): number =>
    algorithm === 'wolff' ? wolffStep(model, spins, cluster) : swendsenWangSweep(model, spins, swOptions)
  for (let t = 0; t < therm; t++) step()
  const distribution = new Float64Array(n + 1)
  const improved = new Float64Array(sweeps)
  const direct = new Float64Array(sweeps)
  const counts = new Float64Array(sweeps)
  for (let t = 0; t < sweeps; t++) {
    const k = step()
    if (algorithm === 'wolff') {
      distribution[k]++
      improved[t] = k
      counts[t] = 1
    } else {
      let s2 = 0
      for (let c = 0; c < k; c++) {
        distribution[sizes[c]]++
        s2 += sizes[c] * sizes[c]
      }
      improved[t] = s2 / n
      counts[t] = k
    }
    const M = magnetisation(model, spins)
    direct[t] = (M * M) / n
  }
  for (let s = 0; s <= n; s++) distribution[s] /= sweeps
  const clustersPerUpdate = binnedMean(counts, bins)
  const meanSize =
    algorithm === 'wolff'
      ? binnedMean(improved, bins)
      : {
          // N/<n_C>, error by propagation: δ(N/x) = N δx / x².
          value: n / clustersPerUpdate.value,
          error: (n * clustersPerUpdate.error) / clustersPerUpdate.value ** 2,
        }
  return {
    temperature: T,
    algorithm,
    distribution,
    meanSize,
    clustersPerUpdate,
    improvedNm2: binnedMean(improved, bins),
    directNm2: binnedMean(direct, bins),
  }
}
