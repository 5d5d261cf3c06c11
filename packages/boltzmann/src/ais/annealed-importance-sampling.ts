// Annealed importance sampling of an RBM's partition function (Neal 2001, "Annealed importance
// sampling"; Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief
// networks", §3) and its reverse (Burda, Grosse & Salakhutdinov 2015, "Accurate and conservative
// estimates of MRF log-likelihood using reverse annealing"). All weights stay in log space.
//
// With M runs and log-weights ℓ_m (forward: E[w] = Z_B / Z_A):
//   ln Ẑ_B = ln Z_A + ln((1/M) Σ_m e^{ℓ_m})                         (log-mean-exp)
//   SE(ln Ẑ) ≈ sd(w) / (√M · mean(w))                               (delta method)
//   ESS = (Σ w)² / Σ w²                                              (Kong 1992)
//   ln Z_A + mean(ℓ) ≤ ln Z_B in expectation                         (Jensen: a stochastic lower bound)
// Reverse runs start from samples of B and anneal to A, so E[w'] = Z_A / Z_B and
//   ln Z_A − mean(ℓ') ≥ ln Z_B in expectation                        (a stochastic upper bound)
// when the start states are exact samples of B. AIS can be confidently wrong: a few runs carry
// all the weight, the spread looks small, and only the ESS (or the reverse bound) shows it.
import {
  InvalidArgumentError,
  checkOptions,
  fold,
  uniformFloats,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'

import { productBackend } from '../internal/products'
import { validateRbmConfig, type Rbm } from '../rbm'
import {
  checkBinaryRows,
  checkFiniteArray,
  checkNonNegativeInteger,
  checkPositiveInteger,
  softplus,
} from '../internal/numeric'
import { annealLogWeights } from './annealing-chains'
import { aisInverseTemperatures, type InverseTemperatureSchedule } from './inverse-temperatures'

/**
 * Options of {@link rbmAis}.
 *
 * @example
 * ```ts
 * const options: RbmAisOptions = {
 *   key: key(7),
 *   numRuns: 100,
 *   schedule: 'salakhutdinov-murray',
 *   baseVisibleBias: baseRateVisibleBiases(train.values, 784),
 * }
 * ```
 */
export interface RbmAisOptions {
  /** Key of the runs: run m uses `fold(key, m)` for its start state and `fold(fold(key, m), …)` for its Gibbs steps. */
  readonly key: Key
  /** Independent runs M ≥ 2 (default 100). */
  readonly numRuns?: number
  /**
   * Index of the first run (default 0): the runs are firstRun … firstRun + M − 1, each keyed by
   * its index, so runs split over processes and joined by {@link combineAisResults} equal one call.
   */
  readonly firstRun?: number
  /** Inverse temperatures (default the 14,501-point `'salakhutdinov-murray'` schedule). */
  readonly schedule?: InverseTemperatureSchedule
  /** Visible biases b^A [V] of the base-rate model (see `baseRateVisibleBiases`); default zeros (uniform base). */
  readonly baseVisibleBias?: ArrayLike<number>
  /**
   * Backend of the per-temperature products vW and hWᵀ of all runs at once (default
   * core-tensor's `cpu`, float32 WebAssembly SIMD matmul; `reference` computes them in float64).
   */
  readonly backend?: BackendV1
}

/**
 * Summary of a set of AIS log-weights, shared by {@link rbmAis} and {@link rbmReverseAis}.
 *
 * @example
 * ```ts
 * const { logZ, logZStdErr, effectiveSampleSize } = rbmAis(rbm, options)
 * ```
 */
export interface AisEstimate {
  /** The estimate ln Ẑ of the RBM's log partition function. */
  readonly logZ: number
  /** Standard error of ln Ẑ from the spread of the weights (delta method). */
  readonly logZStdErr: number
  /**
   * ln(Ẑ − 3σ̂) and ln(Ẑ + 3σ̂), σ̂ the standard error of Ẑ (Salakhutdinov & Murray report
   * this band); `lower` is −Infinity when 3σ̂ ≥ Ẑ.
   */
  readonly logZInterval: { readonly lower: number; readonly upper: number }
  /** Importance-weight effective sample size (Σ w)² / Σ w², between 1 and numRuns. */
  readonly effectiveSampleSize: number
  /** M. */
  readonly numRuns: number
  /** K + 1, the schedule's length. */
  readonly numTemperatures: number
  /** ln Z_A of the base-rate model: H ln 2 + Σ_i softplus(b^A_i). */
  readonly logZBase: number
  /** The per-run log-weights ℓ_m [M]. */
  readonly logWeights: Float64Array
}

/**
 * Result of forward AIS: an {@link AisEstimate} plus the stochastic lower bound.
 *
 * @example
 * ```ts
 * const { logZ, stochasticLowerBound } = rbmAis(rbm, options)
 * ```
 */
export interface RbmAisResult extends AisEstimate {
  /** ln Z_A + mean_m ℓ_m: below ln Z in expectation (Jensen), and above it by t nats with probability ≤ e^{−t}. */
  readonly stochasticLowerBound: number
}

/**
 * Result of reverse AIS: an {@link AisEstimate} plus the stochastic upper bound.
 *
 * @example
 * ```ts
 * const { stochasticUpperBound } = rbmReverseAis(rbm, samples, options)
 * ```
 */
export interface RbmReverseAisResult extends AisEstimate {
  /** ln Z_A − mean_m ℓ'_m: above ln Z in expectation when the start states are exact samples of the RBM. */
  readonly stochasticUpperBound: number
}

interface PreparedAis {
  readonly bA: Float64Array
  readonly betas: Float64Array
  readonly numRuns: number
  readonly logZBase: number
}

function prepare(op: string, rbm: Rbm, options: RbmAisOptions): PreparedAis {
  checkOptions(op, options)
  validateRbmConfig(rbm)
  checkFiniteArray(op, 'rbm.weights', rbm.weights, rbm.numVisible * rbm.numHidden)
  checkFiniteArray(op, 'rbm.visibleBias', rbm.visibleBias, rbm.numVisible)
  checkFiniteArray(op, 'rbm.hiddenBias', rbm.hiddenBias, rbm.numHidden)
  const numRuns = options.numRuns ?? 100
  checkPositiveInteger(op, 'numRuns', numRuns)
  if (numRuns < 2)
    throw new InvalidArgumentError(
      op,
      'numRuns',
      `must be at least 2 (a spread needs two runs), got ${numRuns}`,
    )
  const bA = Float64Array.from(options.baseVisibleBias ?? new Float64Array(rbm.numVisible))
  checkFiniteArray(op, 'baseVisibleBias', bA, rbm.numVisible)
  const betas = aisInverseTemperatures(options.schedule ?? 'salakhutdinov-murray')
  let logZBase = rbm.numHidden * Math.LN2
  for (let i = 0; i < bA.length; i++) logZBase += softplus(bA[i])
  return { bA, betas, numRuns, logZBase }
}

/** ln mean e^ℓ, mean ℓ, SE of ln(mean e^ℓ), ln(mean ± 3 SE), ESS. */
function summarise(logWeights: Float64Array): {
  logMean: number
  meanLog: number
  stdErr: number
  lower: number
  upper: number
  ess: number
} {
  const n = logWeights.length
  let max = -Infinity
  let meanLog = 0
  for (const l of logWeights) {
    if (l > max) max = l
    meanLog += l / n
  }
  let s1 = 0
  let s2 = 0
  for (const l of logWeights) {
    const w = Math.exp(l - max)
    s1 += w
    s2 += w * w
  }
  const mean = s1 / n
  const variance = Math.max(0, (s2 - n * mean * mean) / (n - 1))
  const se = Math.sqrt(variance / n) // of mean(w / e^max)
  return {
    logMean: max + Math.log(mean),
    meanLog,
    stdErr: se / mean,
    lower: mean > 3 * se ? max + Math.log(mean - 3 * se) : -Infinity,
    upper: max + Math.log(mean + 3 * se),
    ess: (s1 * s1) / s2,
  }
}

/**
 * Forward annealed importance sampling of ln Z for a Bernoulli RBM: M runs start at exact
 * samples of the base-rate model A (visible biases b^A, no weights) and are annealed through
 * p*_β(v) ∝ exp((1 − β) b^Aᵀv + β bᵀv) Π_j (1 + e^{β (c_j + vᵀW_{:,j})}) by one block-Gibbs
 * step per temperature (Salakhutdinov & Murray 2008, §3.2, eq. 14–16).
 *
 * Cost: K block-Gibbs steps of all M runs at once, two [M, V]·[V, H]-sized products each on
 * `options.backend` (O(M·K·V·H)), plus O(M·K·(V + H)) exponentials and uniforms.
 *
 * @param rbm - the RBM [V visible, H hidden]
 * @param options - {@link RbmAisOptions}
 * @returns {@link RbmAisResult}: ln Ẑ, its standard error and ±3σ band, the ESS and the stochastic lower bound
 * @throws InvalidArgumentError for a bad RBM, numRuns < 2, a bad schedule or a base bias of the wrong length
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * const baseVisibleBias = baseRateVisibleBiases(train.values, 784)
 * const ais = rbmAis(rbm, { key: key(1), numRuns: 100, schedule: { numTemperatures: 1000 }, baseVisibleBias })
 * console.log(ais.logZ, '±', ais.logZStdErr, 'ESS', ais.effectiveSampleSize)
 * ```
 */
export function rbmAis(rbm: Rbm, options: RbmAisOptions): RbmAisResult {
  const op = 'rbmAis'
  const { bA, betas, numRuns, logZBase } = prepare(op, rbm, options)
  const V = rbm.numVisible
  // run m starts at v ~ A: v_i = 1 when u_i < σ(b^A_i), u from fold(fold(key, m), 2^40)
  const firstRun = options.firstRun ?? 0
  checkNonNegativeInteger(op, 'firstRun', firstRun)
  const start = new Uint8Array(numRuns * V)
  for (let r = 0; r < numRuns; r++) {
    const u = uniformFloats(fold(fold(options.key, firstRun + r), 2 ** 40), V, 'float64')
    for (let i = 0; i < V; i++) start[r * V + i] = u[i] < 1 / (1 + Math.exp(-bA[i])) ? 1 : 0
  }
  const logWeights = annealLogWeights({
    rbm,
    baseVisibleBias: bA,
    gammas: betas,
    start,
    numRuns,
    firstRun,
    key: options.key,
    backend: productBackend(options.backend),
  })
  return forwardResult(logWeights, logZBase, betas.length)
}

function forwardResult(logWeights: Float64Array, logZBase: number, numTemperatures: number): RbmAisResult {
  const s = summarise(logWeights)
  return {
    logZ: logZBase + s.logMean,
    logZStdErr: s.stdErr,
    logZInterval: { lower: logZBase + s.lower, upper: logZBase + s.upper },
    effectiveSampleSize: s.ess,
    numRuns: logWeights.length,
    numTemperatures,
    logZBase,
    logWeights,
    stochasticLowerBound: logZBase + s.meanLog,
  }
}

/**
 * Joins forward AIS results of disjoint runs of one RBM, base model and schedule (made with
 * `firstRun` offsets, e.g. in several worker processes) into the result of all their runs.
 *
 * @param results - {@link RbmAisResult}s with equal logZBase and numTemperatures
 * @returns the {@link RbmAisResult} of the pooled log-weights
 * @throws InvalidArgumentError for an empty list or results of different base models or schedules
 * @example
 * ```ts
 * const halves = [0, 50].map((firstRun) => rbmAis(rbm, { key: key(1), numRuns: 50, firstRun, baseVisibleBias }))
 * const all = combineAisResults(halves) // equals rbmAis(rbm, { key: key(1), numRuns: 100, baseVisibleBias })
 * ```
 */
export function combineAisResults(results: readonly RbmAisResult[]): RbmAisResult {
  const op = 'combineAisResults'
  if (results.length === 0) throw new InvalidArgumentError(op, 'results', 'must be non-empty, got 0 results')
  const [first] = results
  for (const r of results) {
    if (r.logZBase !== first.logZBase || r.numTemperatures !== first.numTemperatures) {
      throw new InvalidArgumentError(
        op,
        'results',
        `must share one base model and schedule, got logZBase ${r.logZBase} vs ${first.logZBase} and ${r.numTemperatures} vs ${first.numTemperatures} temperatures`,
      )
    }
  }
  const logWeights = new Float64Array(results.reduce((n, r) => n + r.logWeights.length, 0))
  let offset = 0
  for (const r of results) {
    logWeights.set(r.logWeights, offset)
    offset += r.logWeights.length
  }
  return forwardResult(logWeights, first.logZBase, first.numTemperatures)
}

/**
 * Reverse AIS (Burda, Grosse & Salakhutdinov 2015): runs start at samples of the RBM and are
 * annealed back to the base-rate model through the same distributions, schedule reversed.
 * Each weight estimates Z_A / Z_B, so ln Z_A − ln mean(w') estimates ln Z and
 * ln Z_A − mean(ln w') is a stochastic upper bound, which with {@link rbmAis}'s lower bound
 * brackets ln Z. The bound holds when `startVisible` are exact samples of the RBM (for small
 * RBMs use `rbmExactSamples`); from long Gibbs chains it is only approximate.
 *
 * @param rbm - the RBM [V visible, H hidden]
 * @param startVisible - [M, V] row-major 0/1 start states, one per run (numRuns is M)
 * @param options - {@link RbmAisOptions} without numRuns
 * @returns {@link RbmReverseAisResult}
 * @throws ShapeError/InvalidArgumentError for non-binary or wrongly shaped start states, fewer than 2 rows, or bad options
 * @example
 * ```ts
 * const samples = rbmExactSamples(rbm, { count: 100, key: key(2) })
 * const reverse = rbmReverseAis(rbm, samples, { key: key(3), schedule: { numTemperatures: 1000 }, baseVisibleBias })
 * // reverse.stochasticUpperBound ≥ ln Z ≥ forward.stochasticLowerBound (in expectation)
 * ```
 */
export function rbmReverseAis(
  rbm: Rbm,
  startVisible: ArrayLike<number>,
  options: Omit<RbmAisOptions, 'numRuns' | 'firstRun'>,
): RbmReverseAisResult {
  const op = 'rbmReverseAis'
  checkOptions(op, options)
  validateRbmConfig(rbm)
  const rows = checkBinaryRows(op, 'startVisible', startVisible, rbm.numVisible)
  const { bA, betas, numRuns, logZBase } = prepare(op, rbm, { ...options, numRuns: rows })
  const gammas = betas.slice().reverse()
  const logWeights = annealLogWeights({
    rbm,
    baseVisibleBias: bA,
    gammas,
    start: Uint8Array.from(startVisible),
    numRuns,
    firstRun: 0,
    key: options.key,
    backend: productBackend(options.backend),
  })
  const s = summarise(logWeights)
  return {
    logZ: logZBase - s.logMean,
    logZStdErr: s.stdErr,
    // Ẑ = Z_A / mean(w'): the band of mean(w') maps to the opposite ends
    logZInterval: { lower: logZBase - s.upper, upper: logZBase - s.lower },
    effectiveSampleSize: s.ess,
    numRuns,
    numTemperatures: betas.length,
    logZBase,
    logWeights,
    stochasticUpperBound: logZBase - s.meanLog,
  }
}
