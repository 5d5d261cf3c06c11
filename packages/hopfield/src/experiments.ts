import {
  checkOptions,
  InvalidArgumentError,
  fold,
  permutation,
  split,
  uniformFloats,
  type Key,
} from '@gen/core-tensor'
import { flipBits } from './corruption'
import { asyncPass, glauberPass, startFields, type FieldState } from './internal/fields'
import { mean, normalCdf, standardError } from './internal/math'
import { checkFinite, checkInRange, checkKey, checkPositiveInteger } from './internal/validate'
import {
  fieldsOf,
  createNetwork,
  pseudoInverseNetwork,
  storeHebbian,
  storeStorkey,
  type HopfieldNetwork,
} from './network'
import { overlapOf, randomPatterns } from './patterns'

function glauberStep(fs: FieldState, orderKey: Key, drawKey: Key, temperature: number): void {
  glauberPass(fs, permutation(orderKey, fs.n), uniformFloats(drawKey, fs.n, 'float64'), temperature)
}

/** Learning rule used by the experiments. */
export type LearningRule = 'hebbian' | 'storkey' | 'pseudo-inverse'

/** Options of {@link capacityCurve}. */
export interface CapacityOptions {
  /** Number of units N. */
  size: number
  /** Loads α = P/N to measure; P = max(1, round(αN)). */
  loads: readonly number[]
  /** Root key; everything (patterns, probes, orders) is drawn from it. */
  key: Key
  /** Share of bits flipped in each probe, exactly; default 0.1. */
  flipFraction?: number
  /** Independent pattern sets (networks) per load; default 1. */
  trials?: number
  /** Patterns probed per network (the first ones); default all P. */
  probesPerTrial?: number
  /** Storage rule; default `'hebbian'`. */
  rule?: LearningRule
  /** Sweep limit of each recall; default 100. */
  maxSweeps?: number
}

/** One load of a capacity curve. */
export interface CapacityPoint {
  /** Load α as asked. */
  load: number
  /** Patterns stored, P = max(1, round(αN)). */
  patterns: number
  /** Probes run. */
  probes: number
  /** Mean overlap m = s·ξ/N of the fixed point with the stored pattern. */
  meanOverlap: number
  /** Standard error of the mean overlap (over probes). */
  overlapStandardError: number
  /** Share of probes that ended exactly on the pattern (m = 1). */
  perfectFraction: number
  /** Share of probes that reached a fixed point within maxSweeps. */
  convergedFraction: number
}

function storeWith(rule: LearningRule, size: number, patterns: Int8Array[]): HopfieldNetwork {
  if (rule === 'hebbian') return storeHebbian(createNetwork(size), patterns)
  if (rule === 'storkey') return storeStorkey(createNetwork(size), patterns)
  return pseudoInverseNetwork(patterns)
}

function checkRule(op: string, rule: string): asserts rule is LearningRule {
  if (rule !== 'hebbian' && rule !== 'storkey' && rule !== 'pseudo-inverse') {
    throw new InvalidArgumentError(
      op,
      'rule',
      `must be 'hebbian', 'storkey' or 'pseudo-inverse', got ${rule}`,
    )
  }
}

function checkLoads(op: string, loads: readonly number[]): void {
  if (!isList(loads) || loads.length === 0) {
    throw new InvalidArgumentError(
      op,
      'loads',
      `must be a non-empty list of loads, got ${loads.length} loads`,
    )
  }
  for (const load of loads) {
    checkFinite(op, 'loads', load)
    if (!(load > 0)) throw new InvalidArgumentError(op, 'loads', `must hold loads > 0, got ${load}`)
  }
}

/**
 * Recall quality against load α = P/N, by the standard protocol: random ±1 patterns stored by
 * a rule, probes with exactly `flipFraction` of the bits flipped, asynchronous zero-temperature
 * updates in a keyed random order to a fixed point, then the overlap with the stored pattern.
 * For the Hebbian rule the mean overlap collapses near α_c ≈ 0.138 (Amit, Gutfreund and
 * Sompolinsky 1985); below it the retrieval state keeps a few wrong bits (m ≈ 0.97–0.99), so
 * overlap, not perfect recall, is the measure at large N.
 *
 * Cost per load: O(P N²) to store, O(N²) per probe.
 *
 * @param options - size, loads, key, and protocol settings
 * @returns one {@link CapacityPoint} per load
 * @throws InvalidArgumentError on a bad size, load, fraction, count or key
 * @example
 * ```ts
 * const points = capacityCurve({ size: 100, loads: [0.05, 0.1, 0.15, 0.2], key: key(0), trials: 4 })
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. Lett. 55, 1530.
 */
export function capacityCurve(options: CapacityOptions): CapacityPoint[] {
  checkOptions('capacityCurve', options)
  const op = 'capacityCurve'
  const { size, loads } = options
  checkPositiveInteger(op, 'size', size)
  checkLoads(op, loads)
  checkKey(op, 'key', options.key)
  const flipFraction = options.flipFraction ?? 0.1
  checkInRange(op, 'flipFraction', flipFraction, [0, 1])
  const trials = options.trials ?? 1
  checkPositiveInteger(op, 'trials', trials)
  if (options.probesPerTrial !== undefined) checkPositiveInteger(op, 'probesPerTrial', options.probesPerTrial)
  const rule = options.rule ?? 'hebbian'
  checkRule(op, rule)
  const maxSweeps = options.maxSweeps ?? 100
  checkPositiveInteger(op, 'maxSweeps', maxSweeps)
  return loads.map((load, loadIndex) => {
    const patterns = Math.max(1, Math.round(load * size))
    const overlaps: number[] = []
    let perfect = 0
    let converged = 0
    for (let trial = 0; trial < trials; trial++) {
      const [patternKey, probeKey, orderKey] = split(fold(fold(options.key, loadIndex), trial), 3)
      const xs = randomPatterns(patternKey, patterns, size)
      const net = storeWith(rule, size, xs)
      const probes = Math.min(patterns, options.probesPerTrial ?? patterns)
      for (let mu = 0; mu < probes; mu++) {
        const probe = flipBits(xs[mu], flipFraction, fold(probeKey, mu))
        const fs = startFields(net, probe)
        const sweepKey = fold(orderKey, mu)
        let done = false
        for (let t = 0; t < maxSweeps && !done; t++)
          done = asyncPass(fs, permutation(fold(sweepKey, t), size)) === 0
        const m = overlapOf(fs.s, xs[mu])
        overlaps.push(m)
        if (m === 1) perfect++
        if (done) converged++
      }
    }
    return {
      load,
      patterns,
      probes: overlaps.length,
      meanOverlap: mean(overlaps),
      overlapStandardError: standardError(overlaps),
      perfectFraction: perfect / overlaps.length,
      convergedFraction: converged / overlaps.length,
    }
  })
}

/** Options of {@link bitStability}. */
export interface BitStabilityOptions {
  /** Number of units N. */
  size: number
  /** Loads α = P/N; P = max(1, round(αN)). */
  loads: readonly number[]
  /** Root key. */
  key: Key
  /** Independent pattern sets per load; default 1. */
  trials?: number
}

/** One load of {@link bitStability}. */
export interface BitStabilityPoint {
  /** Load α as asked. */
  load: number
  /** Patterns stored. */
  patterns: number
  /** Share of stored bits with ξ_i h_i > 0 (one update keeps them). */
  stableFraction: number
  /** Binomial standard error sqrt(f(1−f)/bits), bits = trials·P·N. */
  standardError: number
  /** Theory for Hebbian storage: 1 − Φ(−1/√α) = Φ(1/√α). */
  theory: number
}

/**
 * One-step bit stability of Hebbian memories: the share of units of stored patterns whose local
 * field agrees with them, ξ_i h_i > 0. The cross-talk of P − 1 other patterns is about Gaussian
 * with variance α, so the theory is 1 − Φ(−1/√α) (Hertz, Krogh and Palmer 1991, §2.2; Amit,
 * Gutfreund and Sompolinsky 1985).
 *
 * @param options - size, loads, key, trials
 * @returns one {@link BitStabilityPoint} per load, next to the theory
 * @throws InvalidArgumentError on a bad size, load, count or key
 * @example
 * ```ts
 * bitStability({ size: 500, loads: [0.1, 0.14, 0.25], key: key(1) })
 * ```
 * @see Hertz, Krogh and Palmer (1991), Introduction to the Theory of Neural Computation, §2.2.
 */
export function bitStability(options: BitStabilityOptions): BitStabilityPoint[] {
  checkOptions('bitStability', options)
  const op = 'bitStability'
  checkPositiveInteger(op, 'size', options.size)
  checkLoads(op, options.loads)
  checkKey(op, 'key', options.key)
  const trials = options.trials ?? 1
  checkPositiveInteger(op, 'trials', trials)
  const size = options.size
  return options.loads.map((load, loadIndex) => {
    const patterns = Math.max(1, Math.round(load * size))
    let stable = 0
    for (let trial = 0; trial < trials; trial++) {
      const xs = randomPatterns(fold(fold(options.key, loadIndex), trial), patterns, size)
      const net = storeHebbian(createNetwork(size), xs)
      for (const xi of xs) {
        const h = fieldsOf(net, xi)
        for (let i = 0; i < size; i++) if (xi[i] * h[i] > 0) stable++
      }
    }
    const bits = trials * patterns * size
    const f = stable / bits
    return {
      load,
      patterns,
      stableFraction: f,
      standardError: Math.sqrt((f * (1 - f)) / bits),
      theory: normalCdf(1 / Math.sqrt(load)),
    }
  })
}

/**
 * The mean-field overlap of a Hopfield network with one stored pattern (the Curie–Weiss
 * magnet by a gauge change): the largest root of m = tanh(m / T), 0 for T ≥ 1.
 * For example 0.9575 at T = 0.5 and 0.525 at T = 0.9.
 *
 * @param temperature - T > 0
 * @returns m(T) ∈ [0, 1)
 * @throws InvalidArgumentError when T is not a positive finite number
 * @example
 * ```ts
 * meanFieldOverlap(0.5) // 0.9575...
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. A 32, 1007, Eq. 2.10 with α = 0.
 */
export function meanFieldOverlap(temperature: number): number {
  checkFinite('meanFieldOverlap', 'temperature', temperature)
  if (!(temperature > 0)) {
    throw new InvalidArgumentError('meanFieldOverlap', 'temperature', `must be > 0, got ${temperature}`)
  }
  if (temperature >= 1) return 0
  // Newton on g(m) = m − tanh(m/T) from m = 1, which lies above the root and converges monotonically.
  let m = 1
  for (let k = 0; k < 200; k++) {
    const t = Math.tanh(m / temperature)
    const g = m - t
    const dg = 1 - (1 - t * t) / temperature
    const next = m - g / dg
    if (Math.abs(next - m) < 1e-15) return next
    m = next
  }
  return m
}

/** Options of {@link glauberOverlapCurve}. */
export interface GlauberCurveOptions {
  /** Number of units N. */
  size: number
  /** Temperatures T > 0. */
  temperatures: readonly number[]
  /** Root key. */
  key: Key
  /** Sweeps whose overlap is averaged; default 200. */
  sweeps?: number
  /** Sweeps discarded first; default 50. */
  burnIn?: number
}

/** One temperature of {@link glauberOverlapCurve}. */
export interface GlauberCurvePoint {
  /** Temperature T. */
  temperature: number
  /** Time average of the overlap m with the one stored pattern (starting on it). */
  meanOverlap: number
  /** Standard error of `meanOverlap` by batch means (10 batches), which absorbs autocorrelation. */
  standardError: number
  /** Time average of |m|, the finite-size order parameter above T = 1. */
  meanAbsOverlap: number
  /** Mean-field prediction m = tanh(m/T). */
  meanField: number
}

/**
 * Glauber dynamics of a network holding one pattern, started on the pattern: the overlap
 * averaged over sweeps after a burn-in, next to the mean-field m = tanh(m/T). With one
 * pattern the network is the Curie–Weiss ferromagnet (Mattis gauge), so the overlap falls from
 * 1 at T = 0 to 0 at T = 1, with finite-size corrections of order 1/√N.
 *
 * @param options - size, temperatures, key, sweeps, burnIn
 * @returns one {@link GlauberCurvePoint} per temperature
 * @throws InvalidArgumentError on a bad size, temperature, count or key
 * @example
 * ```ts
 * glauberOverlapCurve({ size: 1000, temperatures: [0.5, 0.9, 1.5], key: key(2) })
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. A 32, 1007.
 */
export function glauberOverlapCurve(options: GlauberCurveOptions): GlauberCurvePoint[] {
  checkOptions('glauberOverlapCurve', options)
  const op = 'glauberOverlapCurve'
  const size = options.size
  checkPositiveInteger(op, 'size', size)
  checkKey(op, 'key', options.key)
  const sweeps = options.sweeps ?? 200
  const burnIn = options.burnIn ?? 50
  checkPositiveInteger(op, 'sweeps', sweeps)
  if (!Number.isSafeInteger(burnIn) || burnIn < 0) {
    throw new InvalidArgumentError(op, 'burnIn', `must be a non-negative integer, got ${burnIn}`)
  }
  if (!isList(options.temperatures) || options.temperatures.length === 0) {
    throw new InvalidArgumentError(
      op,
      'temperatures',
      `must be a non-empty list, got ${options.temperatures.length} values`,
    )
  }
  const [patternKey, runKey] = split(options.key)
  const [xi] = randomPatterns(patternKey, 1, size)
  const net = storeHebbian(createNetwork(size), xi)
  return options.temperatures.map((temperature, index) => {
    checkFinite(op, 'temperatures', temperature)
    if (!(temperature > 0))
      throw new InvalidArgumentError(op, 'temperatures', `must hold values > 0, got ${temperature}`)
    const fs = startFields(net, xi)
    const [orderKey, drawKey] = split(fold(runKey, index))
    const series = new Float64Array(sweeps)
    let sumAbs = 0
    for (let t = 0; t < burnIn + sweeps; t++) {
      glauberStep(fs, fold(orderKey, t), fold(drawKey, t), temperature)
      if (t >= burnIn) {
        const m = overlapOf(fs.s, xi)
        series[t - burnIn] = m
        sumAbs += Math.abs(m)
      }
    }
    const batches = Math.min(10, sweeps)
    const batchMeans = new Float64Array(batches)
    const perBatch = Math.floor(sweeps / batches)
    for (let b = 0; b < batches; b++) batchMeans[b] = mean(series.subarray(b * perBatch, (b + 1) * perBatch))
    return {
      temperature,
      meanOverlap: mean(series),
      standardError: standardError(batchMeans),
      meanAbsOverlap: sumAbs / sweeps,
      meanField: meanFieldOverlap(temperature),
    }
  })
}

/** Array check that does not narrow a typed list to `any[]` (a caller from JS may pass anything). */
function isList(value: unknown): boolean {
  return Array.isArray(value)
}
