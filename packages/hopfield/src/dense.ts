import { checkOptions, InvalidArgumentError, fold, permutation, split, type Key } from '@gen/core-tensor'
import { flipBits } from './corruption'
import { mean, standardError } from './internal/math'
import {
  checkInRange,
  checkKey,
  checkPositiveInteger,
  describeValue,
  isList,
  toPatternList,
  toSpins,
  type SpinLike,
} from './internal/validate'
import { randomPatterns } from './patterns'

/**
 * Interaction function F of a dense associative memory: `polynomial` F(x) = xⁿ (n = 2 is the
 * classic Hopfield network, Krotov and Hopfield 2016) or `exponential` F(x) = eˣ (Demircigil
 * et al. 2017).
 */
export type Interaction = { kind: 'polynomial'; degree: number } | { kind: 'exponential' }

/**
 * A dense associative memory on N binary units (Krotov and Hopfield 2016): the K stored ±1
 * patterns and the interaction F. There is no weight matrix; the energy is
 * E(σ) = −Σ_μ F(ξ_μ · σ). A plain value.
 *
 * Shapes: `patterns` K×N row-major (`patterns[μ * size + i]` = ξ_μi).
 *
 * @example
 * ```ts
 * const memory = denseMemory(randomPatterns(key(0), 200, 100), { interaction: { kind: 'polynomial', degree: 3 } })
 * ```
 */
export interface DenseMemory {
  /** Number of units N. */
  readonly size: number
  /** Number of stored patterns K. */
  readonly patternCount: number
  /** ξ, K×N row-major, ±1. */
  readonly patterns: Int8Array
  /** F. */
  readonly interaction: Interaction
}

/** Options of {@link denseMemory}. */
export interface DenseMemoryOptions {
  /** The interaction function F; default the cubic `{ kind: 'polynomial', degree: 3 }`. */
  interaction?: Interaction
}

function checkInteraction(op: string, interaction: Interaction): Interaction {
  if (interaction !== null && typeof interaction === 'object') {
    if (interaction.kind === 'exponential') return { kind: 'exponential' }
    if (interaction.kind === 'polynomial') {
      const degree = interaction.degree
      if (Number.isSafeInteger(degree) && degree >= 2 && degree <= 30) return { kind: 'polynomial', degree }
      throw new InvalidArgumentError(
        op,
        'interaction.degree',
        `must be an integer in [2, 30], got ${String(degree)}`,
      )
    }
  }
  throw new InvalidArgumentError(
    op,
    'interaction',
    `must be { kind: 'polynomial', degree } or { kind: 'exponential' }, got ${JSON.stringify(interaction)}`,
  )
}

/**
 * Stores ±1 patterns in a dense associative memory with interaction F. Storage keeps the
 * patterns; capacity grows like N^{n−1} for F(x) = xⁿ (Krotov and Hopfield 2016) and like
 * exp(αN) for F(x) = eˣ (Demircigil et al. 2017).
 *
 * @param patterns - K ≥ 1 ±1 patterns of one length N
 * @param options - the interaction (default cubic)
 * @returns the memory
 * @throws InvalidArgumentError on a bad pattern or interaction
 * @example
 * ```ts
 * const memory = denseMemory(patterns, { interaction: { kind: 'exponential' } })
 * ```
 * @see Krotov and Hopfield (2016), "Dense Associative Memory for Pattern Recognition", NeurIPS 29, arXiv:1606.01164.
 */
export function denseMemory(
  patterns: SpinLike | readonly SpinLike[],
  options: DenseMemoryOptions = {},
): DenseMemory {
  const op = 'denseMemory'
  const interaction = checkInteraction(op, options.interaction ?? { kind: 'polynomial', degree: 3 })
  const list = toPatternList(op, 'patterns', patterns)
  const size = list[0].length
  const flat = new Int8Array(list.length * size)
  list.forEach((p, mu) => flat.set(p, mu * size))
  return { size, patternCount: list.length, patterns: flat, interaction }
}

function checkMemory(op: string, memory: DenseMemory): void {
  if (
    memory === null ||
    typeof memory !== 'object' ||
    !(memory.patterns instanceof Int8Array) ||
    memory.patterns.length !== memory.size * memory.patternCount
  ) {
    throw new InvalidArgumentError(op, 'memory', `must be made by denseMemory, got ${describeValue(memory)}`)
  }
}

/**
 * Energy of a dense associative memory, E(σ) = −Σ_μ F(ξ_μ · σ) (Krotov and Hopfield
 * 2016). For the exponential interaction the sum exceeds the float range once an overlap
 * passes about 709, i.e. for N > 709; the dynamics never form it (they use shifted differences).
 *
 * @param memory - the memory
 * @param state - a ±1 state of length N
 * @returns E(σ)
 * @throws InvalidArgumentError on a bad state
 * @example
 * ```ts
 * denseEnergy(denseMemory([[1, -1, 1]], { interaction: { kind: 'polynomial', degree: 3 } }), [1, -1, 1]) // −27
 * ```
 * @see Krotov and Hopfield (2016), NeurIPS, §2; Demircigil et al. (2017), J. Stat. Phys. 168, 288.
 */
export function denseEnergy(memory: DenseMemory, state: SpinLike): number {
  const op = 'denseEnergy'
  checkMemory(op, memory)
  const s = toSpins(op, 'state', state, memory.size)
  const { size: n, patternCount: k, patterns } = memory
  let e = 0
  for (let mu = 0; mu < k; mu++) {
    let m = 0
    for (let i = 0; i < n; i++) m += patterns[mu * n + i] * s[i]
    e -= memory.interaction.kind === 'exponential' ? Math.exp(m) : m ** memory.interaction.degree
  }
  return e
}

/** Mutable run state: σ, overlaps m_μ = ξ_μ·σ, and ξ laid out unit-major for the visits. */
interface DenseRun {
  readonly n: number
  readonly k: number
  readonly s: Int8Array
  readonly m: Float64Array
  /** byUnit[i * k + μ] = ξ_μi. */
  readonly byUnit: Int8Array
  readonly degree: number
  readonly exponential: boolean
  /** exponential only: w_μ = exp(m_μ − shift), refreshed after each flip. */
  readonly w: Float64Array
  shift: number
}

function unitMajor(memory: DenseMemory): Int8Array {
  const { size: n, patternCount: k, patterns } = memory
  const out = new Int8Array(n * k)
  for (let mu = 0; mu < k; mu++) for (let i = 0; i < n; i++) out[i * k + mu] = patterns[mu * n + i]
  return out
}

function startRun(memory: DenseMemory, byUnit: Int8Array, state: Int8Array): DenseRun {
  const { size: n, patternCount: k, patterns } = memory
  const m = new Float64Array(k)
  for (let mu = 0; mu < k; mu++) {
    let dot = 0
    for (let i = 0; i < n; i++) dot += patterns[mu * n + i] * state[i]
    m[mu] = dot
  }
  const exponential = memory.interaction.kind === 'exponential'
  const run: DenseRun = {
    n,
    k,
    s: state.slice(),
    m,
    byUnit,
    degree: memory.interaction.kind === 'polynomial' ? memory.interaction.degree : 0,
    exponential,
    w: new Float64Array(exponential ? k : 0),
    shift: 0,
  }
  if (exponential) refreshWeights(run)
  return run
}

function refreshWeights(run: DenseRun): void {
  let top = -Infinity
  for (let mu = 0; mu < run.k; mu++) if (run.m[mu] > top) top = run.m[mu]
  run.shift = top
  for (let mu = 0; mu < run.k; mu++) run.w[mu] = Math.exp(run.m[mu] - top)
}

function power(x: number, n: number): number {
  let r = x
  for (let p = 1; p < n; p++) r *= x
  return r
}

/**
 * Energy decrease of setting σ_i = +1 rather than −1, up to a positive factor:
 * Σ_μ F(L_μ + ξ_μi) − F(L_μ − ξ_μi) with L_μ = m_μ − ξ_μi σ_i. Polynomials are divided by Nⁿ and
 * exponentials multiplied by exp(−max m), so nothing overflows and the sign is unchanged.
 */
function preference(run: DenseRun, i: number): number {
  const { k, byUnit, m, s } = run
  const base = i * k
  const si = s[i]
  let total = 0
  if (run.exponential) {
    // exp(L ± ξ) with L = m − ξσ_i: the difference is ξ·(e − e⁻¹)·exp(m − ξσ_i); drop the constant.
    const same = Math.exp(-1)
    const other = Math.exp(1)
    for (let mu = 0; mu < k; mu++) {
      const x = byUnit[base + mu]
      total += x * run.w[mu] * (x === si ? same : other)
    }
    return total
  }
  const scale = 1 / run.n
  const degree = run.degree
  for (let mu = 0; mu < k; mu++) {
    const x = byUnit[base + mu]
    const rest = m[mu] - x * si
    total += power((rest + x) * scale, degree) - power((rest - x) * scale, degree)
  }
  return total
}

function setUnit(run: DenseRun, i: number, value: number): void {
  const delta = value - run.s[i]
  run.s[i] = value
  const base = i * run.k
  for (let mu = 0; mu < run.k; mu++) run.m[mu] += run.byUnit[base + mu] * delta
  if (run.exponential) refreshWeights(run)
}

function densePass(run: DenseRun, order: ArrayLike<number>): number {
  let flips = 0
  for (let t = 0; t < order.length; t++) {
    const i = order[t]
    const p = preference(run, i)
    const target = p > 0 ? 1 : p < 0 ? -1 : run.s[i]
    if (target !== run.s[i]) {
      setUnit(run, i, target)
      flips++
    }
  }
  return flips
}

/** Options of {@link denseRecall}. */
export interface DenseRecallOptions {
  /** Key for a fresh random visiting order per sweep (sweep t uses permutation(fold(key, t), N)); 0..N−1 otherwise. */
  key?: Key
  /** Most sweeps; default 100. */
  maxSweeps?: number
}

/** Result of {@link denseRecall}. */
export interface DenseRecallResult {
  /** The final state. */
  state: Int8Array
  /** True when a sweep made no flip (a fixed point). */
  converged: boolean
  /** Sweeps run. */
  sweeps: number
  /** Total flips. */
  flips: number
}

/**
 * Asynchronous zero-temperature recall in a dense associative memory (Krotov and Hopfield
 * 2016): each visited unit takes the sign that gives the lower energy,
 *
 *   σ_i ← sign( Σ_μ [F(ξ_μi + Σ_{j≠i} ξ_μj σ_j) − F(−ξ_μi + Σ_{j≠i} ξ_μj σ_j)] ),
 *
 * keeping its value on a tie, until a sweep changes nothing. Each flip lowers E = −Σ_μ F(ξ_μ·σ).
 * The overlaps ξ_μ·σ are cached, so a visit costs O(K) and a flip O(K). The exponential
 * interaction uses exp(overlap − max overlap), which cannot overflow.
 *
 * @param memory - the memory
 * @param probe - the initial ±1 state
 * @param options - key, maxSweeps
 * @returns the final state, convergence, sweeps and flips
 * @throws InvalidArgumentError on a bad probe, key or maxSweeps
 * @example
 * ```ts
 * const { state } = denseRecall(memory, flipBits(patterns[0], 0.1, key(1)), { key: key(2) })
 * ```
 * @see Krotov and Hopfield (2016), NeurIPS, §2; Demircigil et al. (2017), J. Stat. Phys. 168, 288.
 */
export function denseRecall(
  memory: DenseMemory,
  probe: SpinLike,
  options: DenseRecallOptions = {},
): DenseRecallResult {
  const op = 'denseRecall'
  checkMemory(op, memory)
  const s = toSpins(op, 'probe', probe, memory.size)
  const maxSweeps = options.maxSweeps ?? 100
  checkPositiveInteger(op, 'maxSweeps', maxSweeps)
  if (options.key !== undefined) checkKey(op, 'key', options.key)
  return recallRun(memory, unitMajor(memory), s, { key: options.key, maxSweeps })
}

function recallRun(
  memory: DenseMemory,
  byUnit: Int8Array,
  s: Int8Array,
  settings: { key: Key | undefined; maxSweeps: number },
): DenseRecallResult {
  const { key: k, maxSweeps } = settings
  const run = startRun(memory, byUnit, s)
  const natural = Int32Array.from({ length: run.n }, (_, i) => i)
  let sweeps = 0
  let flips = 0
  let converged = false
  while (sweeps < maxSweeps) {
    const f = densePass(run, k === undefined ? natural : permutation(fold(k, sweeps), run.n))
    sweeps++
    flips += f
    if (f === 0) {
      converged = true
      break
    }
  }
  return { state: run.s, converged, sweeps, flips }
}

/** Options of {@link denseCapacityCurve}. */
export interface DenseCapacityOptions {
  /** Number of units N. */
  size: number
  /** Numbers of stored patterns K to measure. */
  patternCounts: readonly number[]
  /** The interaction F. */
  interaction: Interaction
  /** Root key: patterns, probes and orders are drawn from it. */
  key: Key
  /** Share of bits flipped in each probe, exactly; default 0.1. */
  flipFraction?: number
  /** Independent pattern sets per K; default 1. */
  trials?: number
  /** Probes per pattern set (patterns 0, 1, ...); default min(K, 100). */
  probesPerTrial?: number
  /** Sweep limit of each recall; default 100. */
  maxSweeps?: number
}

/** One K of {@link denseCapacityCurve}. */
export interface DenseCapacityPoint {
  /** Patterns stored K. */
  patterns: number
  /** Probes run. */
  probes: number
  /** Share of probes recalled exactly (every bit right). */
  perfectFraction: number
  /** Binomial standard error of perfectFraction. */
  perfectStandardError: number
  /** Mean overlap of the fixed point with the stored pattern. */
  meanOverlap: number
  /** Standard error of meanOverlap. */
  overlapStandardError: number
}

/**
 * Recall against the number of stored patterns for one interaction, by the classic protocol:
 * random ±1 patterns, probes with exactly `flipFraction` of the bits flipped, asynchronous
 * recall ({@link denseRecall}) to a fixed point, then exact recall and overlap. Ready to plot as
 * perfect-recall fraction against K.
 *
 * Cost: O(K N) per sweep and probe.
 *
 * @param options - size, patternCounts, interaction, key and protocol settings
 * @returns one {@link DenseCapacityPoint} per K
 * @throws InvalidArgumentError on a bad size, count, fraction, interaction or key
 * @example
 * ```ts
 * denseCapacityCurve({ size: 100, patternCounts: [50, 200, 800], interaction: { kind: 'polynomial', degree: 3 }, key: key(0) })
 * ```
 * @see Krotov and Hopfield (2016), NeurIPS, §2 and Fig. 1.
 */
export function denseCapacityCurve(options: DenseCapacityOptions): DenseCapacityPoint[] {
  checkOptions('denseCapacityCurve', options)
  const op = 'denseCapacityCurve'
  const { size } = options
  checkPositiveInteger(op, 'size', size)
  const interaction = checkInteraction(op, options.interaction)
  checkKey(op, 'key', options.key)
  if (!isList(options.patternCounts) || options.patternCounts.length === 0) {
    throw new InvalidArgumentError(
      op,
      'patternCounts',
      `must be a non-empty list, got ${describeValue(options.patternCounts)}`,
    )
  }
  for (const k of options.patternCounts) checkPositiveInteger(op, 'patternCounts', k)
  const flipFraction = options.flipFraction ?? 0.1
  checkInRange(op, 'flipFraction', flipFraction, [0, 1])
  const trials = options.trials ?? 1
  checkPositiveInteger(op, 'trials', trials)
  if (options.probesPerTrial !== undefined) checkPositiveInteger(op, 'probesPerTrial', options.probesPerTrial)
  const maxSweeps = options.maxSweeps ?? 100
  checkPositiveInteger(op, 'maxSweeps', maxSweeps)
  return options.patternCounts.map((count, index) =>
    measure(size, count, interaction, {
      root: fold(options.key, index),
      flipFraction,
      trials,
      probes: options.probesPerTrial ?? Math.min(count, 100),
      maxSweeps,
    }),
  )
}

function measure(
  size: number,
  count: number,
  interaction: Interaction,
  protocol: { root: Key; flipFraction: number; trials: number; probes: number; maxSweeps: number },
): DenseCapacityPoint {
  const root = protocol.root
  const overlaps: number[] = []
  let perfect = 0
  for (let trial = 0; trial < protocol.trials; trial++) {
    const [patternKey, probeKey, orderKey] = split(fold(root, trial), 3)
    const xs = randomPatterns(patternKey, count, size)
    const memory = denseMemory(xs, { interaction })
    const byUnit = unitMajor(memory)
    const probes = Math.min(count, protocol.probes)
    for (let mu = 0; mu < probes; mu++) {
      const probe = flipBits(xs[mu], protocol.flipFraction, fold(probeKey, mu))
      const { state } = recallRun(memory, byUnit, probe, {
        key: fold(orderKey, mu),
        maxSweeps: protocol.maxSweeps,
      })
      let dot = 0
      for (let i = 0; i < size; i++) dot += state[i] * xs[mu][i]
      overlaps.push(dot / size)
      if (dot === size) perfect++
    }
  }
  const f = perfect / overlaps.length
  return {
    patterns: count,
    probes: overlaps.length,
    perfectFraction: f,
    perfectStandardError: Math.sqrt((f * (1 - f)) / overlaps.length),
    meanOverlap: mean(overlaps),
    overlapStandardError: standardError(overlaps),
  }
}

/** Options of {@link denseCapacityScaling}. */
export interface DenseScalingOptions {
  /** Sizes N to measure. */
  sizes: readonly number[]
  /** Interactions to compare, e.g. degrees 2, 3, 4 and the exponential. */
  interactions: readonly Interaction[]
  /** Root key. */
  key: Key
  /** Perfect-recall share a K must reach to count as stored; default 0.9. */
  threshold?: number
  /** Share of bits flipped per probe; default 0.1. */
  flipFraction?: number
  /** Probes per tested K; default 20. */
  probes?: number
  /** Largest K tried; default 4096. A capacity at this cap is reported with `capped`. */
  maxPatterns?: number
}

/** One (interaction, N) of {@link denseCapacityScaling}. */
export interface DenseScalingPoint {
  /** The interaction. */
  interaction: Interaction
  /** N. */
  size: number
  /** Largest K found with perfect recall ≥ threshold (0 when even K = 1 fails). */
  capacity: number
  /** True when the search stopped at `maxPatterns` (the capacity is at least this). */
  capped: boolean
  /**
   * Signal-to-noise estimate for F(x) = xⁿ, N^{n−1} / (2 (2n−3)!! ln N) (Krotov and Hopfield
   * 2016, §2; McEliece et al. 1987 for n = 2); null for the exponential, whose capacity is
   * exponential in N (Demircigil et al. 2017).
   */
  theory: number | null
}

function doubleFactorial(n: number): number {
  let r = 1
  for (let k = n; k > 1; k -= 2) r *= k
  return r
}

/**
 * Capacity against N for several interactions, ready for a log–log plot: for each interaction
 * and size, the largest number of random patterns K recalled exactly from 10%-flipped probes in
 * at least `threshold` of the probes, found by doubling K and then bisecting. Polynomial
 * interactions scale like N^{n−1} (slopes 1, 2, 3 for n = 2, 3, 4), the exponential one faster
 * than any power (it reaches `maxPatterns` at small N).
 *
 * Cost: the search runs about 2·log₂(K) capacity measurements of `probes` recalls each.
 *
 * @param options - sizes, interactions, key, threshold, flipFraction, probes, maxPatterns
 * @returns one {@link DenseScalingPoint} per (interaction, size), interactions outermost
 * @throws InvalidArgumentError on a bad size, interaction, threshold or key
 * @example
 * ```ts
 * denseCapacityScaling({
 *   sizes: [20, 40, 80],
 *   interactions: [2, 3, 4].map((degree) => ({ kind: 'polynomial', degree }) as const),
 *   key: key(0),
 * })
 * ```
 * @see Krotov and Hopfield (2016), NeurIPS, §2; Demircigil et al. (2017), J. Stat. Phys. 168, 288.
 */
export function denseCapacityScaling(options: DenseScalingOptions): DenseScalingPoint[] {
  checkOptions('denseCapacityScaling', options)
  const op = 'denseCapacityScaling'
  checkKey(op, 'key', options.key)
  if (!isList(options.sizes) || options.sizes.length === 0) {
    throw new InvalidArgumentError(
      op,
      'sizes',
      `must be a non-empty list, got ${describeValue(options.sizes)}`,
    )
  }
  for (const n of options.sizes) checkPositiveInteger(op, 'sizes', n)
  if (!isList(options.interactions) || options.interactions.length === 0) {
    throw new InvalidArgumentError(
      op,
      'interactions',
      `must be a non-empty list, got ${describeValue(options.interactions)}`,
    )
  }
  const interactions = options.interactions.map((f) => checkInteraction(op, f))
  const threshold = options.threshold ?? 0.9
  checkInRange(op, 'threshold', threshold, [0, 1])
  const flipFraction = options.flipFraction ?? 0.1
  checkInRange(op, 'flipFraction', flipFraction, [0, 1])
  const probes = options.probes ?? 20
  checkPositiveInteger(op, 'probes', probes)
  const maxPatterns = options.maxPatterns ?? 4096
  checkPositiveInteger(op, 'maxPatterns', maxPatterns)
  const out: DenseScalingPoint[] = []
  interactions.forEach((interaction, fi) => {
    options.sizes.forEach((size, si) => {
      const root = fold(fold(options.key, fi), si)
      let tries = 0
      const passes = (count: number): boolean => {
        const point = measure(size, count, interaction, {
          root: fold(root, tries++),
          flipFraction,
          trials: 1,
          probes,
          maxSweeps: 100,
        })
        return point.perfectFraction >= threshold
      }
      let low = 0
      let high = 1
      // Doubling: low passes (or is 0), high is the first failure or the cap.
      while (high <= maxPatterns && passes(high)) {
        low = high
        high *= 2
      }
      const capped = high > maxPatterns
      if (capped) {
        if (low < maxPatterns && passes(maxPatterns)) low = maxPatterns
        else high = maxPatterns
      }
      while (high - low > 1 && !(capped && low === maxPatterns)) {
        const mid = Math.floor((low + high) / 2)
        if (passes(mid)) low = mid
        else high = mid
      }
      out.push({
        interaction,
        size,
        capacity: low,
        capped: capped && low === maxPatterns,
        theory:
          interaction.kind === 'polynomial'
            ? size ** (interaction.degree - 1) /
              (2 * doubleFactorial(2 * interaction.degree - 3) * Math.log(size))
            : null,
      })
    })
  })
  return out
}
