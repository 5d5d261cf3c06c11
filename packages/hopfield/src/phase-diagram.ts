import {
  checkOptions,
  InvalidArgumentError,
  fold,
  normalFloats,
  permutation,
  split,
  uniformFloats,
  type Key,
} from '@gen/core-tensor'
import { glauberPass, startFields } from './internal/fields'
import { erfc } from './internal/math'
import { checkFinite, checkKey, checkPositiveInteger, describeValue, isList } from './internal/validate'
import { createNetwork, storeHebbian } from './network'
import { overlapOf, randomPatterns } from './patterns'

// The replica-symmetric theory of Amit, Gutfreund and Sompolinsky (1987), Ann. Phys. 173, 30
// ("Statistical mechanics of neural networks near saturation"), as written in Hertz, Krogh and
// Palmer (1991), Introduction to the Theory of Neural Computation, §2.5:
//   m = ∫Dz tanh(β(m + √(αr) z)),  q = ∫Dz tanh²(β(m + √(αr) z)),  r = q / (1 − β(1 − q))².
// At T = 0 (C = β(1 − q) finite) with y = m/√(2αr) it reduces to m = erf(y) and
//   √(2α) = erf(y)/y − (2/√π) e^{−y²},
// whose maximum over y is α_c = 0.1379 (m = 0.967 there).

function erf(x: number): number {
  return 1 - erfc(x)
}

function loadAtZeroTemperature(y: number): number {
  const root = erf(y) / y - (2 / Math.sqrt(Math.PI)) * Math.exp(-y * y)
  return root > 0 ? (root * root) / 2 : 0
}

/**
 * The storage capacity of the Hebbian Hopfield network at T = 0 from the replica-symmetric
 * theory: α_c = max_y ½ (erf(y)/y − (2/√π) e^{−y²})² ≈ 0.1379, with the retrieval overlap
 * m = erf(y) ≈ 0.967 at the maximum.
 *
 * @returns `{ load: α_c, overlap: m(α_c) }`
 * @example
 * ```ts
 * criticalLoad().load // 0.1379
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1987), Ann. Phys. 173, 30; Hertz, Krogh and Palmer (1991), §2.5.
 */
export function criticalLoad(): { load: number; overlap: number } {
  // Golden-section search on the unimodal α(y) over y ∈ [0.5, 3].
  let a = 0.5
  let b = 3
  const g = (Math.sqrt(5) - 1) / 2
  for (let k = 0; k < 200; k++) {
    const c = b - g * (b - a)
    const d = a + g * (b - a)
    if (loadAtZeroTemperature(c) > loadAtZeroTemperature(d)) b = d
    else a = c
  }
  const y = (a + b) / 2
  return { load: loadAtZeroTemperature(y), overlap: erf(y) }
}

/**
 * The spin-glass transition temperature of the Hopfield model, T_g(α) = 1 + √α: above it the
 * network is paramagnetic (q = 0), below it frozen states appear.
 *
 * @param load - α = P/N ≥ 0
 * @returns T_g
 * @throws InvalidArgumentError for a negative or non-finite load
 * @example
 * ```ts
 * spinGlassTemperature(0.04) // 1.2
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. Lett. 55, 1530.
 */
export function spinGlassTemperature(load: number): number {
  checkLoad('spinGlassTemperature', load)
  return 1 + Math.sqrt(load)
}

function checkLoad(op: string, load: number): void {
  checkFinite(op, 'load', load)
  if (load < 0) throw new InvalidArgumentError(op, 'load', `must be >= 0, got ${load}`)
}

/**
 * Gaussian averages ∫Dz tanh(β(m + σz)) and ∫Dz tanh²(β(m + σz)), by Simpson's rule on each
 * side of the kink at z₀ = −m/σ with nodes crowded towards it (z = z₀ ± (8 − z₀)u²), so that
 * low temperatures, where tanh is nearly a step, stay accurate.
 */
function gaussianAverages(m: number, sigma: number, beta: number): [number, number] {
  const intervals = 96
  const z0 = Math.max(-8, Math.min(8, -m / sigma))
  let t1 = 0
  let t2 = 0
  for (const [end, sign] of [
    [8, 1],
    [-8, -1],
  ] as const) {
    const span = Math.abs(end - z0)
    if (span === 0) continue
    for (let k = 0; k <= intervals; k++) {
      const u = k / intervals
      const z = z0 + sign * span * u * u
      const jacobian = 2 * span * u
      const w = (k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2) / (3 * intervals)
      const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
      const t = Math.tanh(beta * (m + sigma * z))
      t1 += w * jacobian * density * t
      t2 += w * jacobian * density * t * t
    }
  }
  return [t1, t2]
}

/**
 * Solves the replica-symmetric equations for the retrieval state by fixed-point iteration from
 * m = q = 1. Returns the retrieval overlap m (0 when only the m = 0 solution remains) with q, r.
 */
function retrievalSolution(load: number, temperature: number): { overlap: number; q: number; r: number } {
  const beta = 1 / temperature
  let m = 1
  let q = 1
  let r = 1
  for (let k = 0; k < 400; k++) {
    const sigma = Math.sqrt(Math.max(load * r, 1e-300))
    const [t1, t2] = gaussianAverages(m, sigma, beta)
    const nextM = t1
    const nextQ = t2
    const c = beta * (1 - nextQ)
    const nextR = c < 1 ? nextQ / ((1 - c) * (1 - c)) : 1e6
    const moved = Math.abs(nextM - m) + Math.abs(nextQ - q)
    m = nextM
    q = nextQ
    r = Math.min(nextR, 1e6)
    if (moved < 1e-12 || m < 1e-4) break
  }
  return { overlap: m < 1e-3 ? 0 : m, q, r }
}

/**
 * The retrieval line T_M(α) of the Hopfield model: below it, states with a macroscopic overlap
 * with a stored pattern exist (as local minima of the free energy), from the replica-symmetric
 * equations of Amit, Gutfreund and Sompolinsky (1987), solved numerically (bisection on T of
 * the existence of a solution with m > 0). T_M(0) = 1 and T_M(α) = 0 for α ≥ α_c ≈ 0.138.
 *
 * @param load - α = P/N ≥ 0
 * @returns T_M(α) to about 1e-3 (0 where no retrieval state exists down to T = 0.02)
 * @throws InvalidArgumentError for a negative or non-finite load
 * @example
 * ```ts
 * retrievalTemperature(0.05) // ≈ 0.7
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1987), Ann. Phys. 173, 30 (line T_M of their Fig. 1); Hertz, Krogh and Palmer (1991), §2.5, Fig. 2.9.
 */
export function retrievalTemperature(load: number): number {
  checkLoad('retrievalTemperature', load)
  if (load === 0) return 1
  if (load >= criticalLoad().load) return 0
  // Below T ≈ 0.02 the quadrature cannot resolve 1 − q = O(T); the T = 0 theory covers that end.
  let low = 0.02
  let high = 1
  if (retrievalSolution(load, low).overlap === 0) return 0
  while (high - low > 1e-3) {
    const mid = (low + high) / 2
    if (retrievalSolution(load, mid).overlap > 0) low = mid
    else high = mid
  }
  return (low + high) / 2
}

/**
 * The retrieval overlap m(α, T) of the replica-symmetric theory (0 where no retrieval state
 * exists).
 *
 * @param load - α ≥ 0
 * @param temperature - T > 0
 * @returns m
 * @throws InvalidArgumentError for a bad load or temperature
 * @example
 * ```ts
 * retrievalOverlap(0.05, 0.2) // ≈ 0.99
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1987), Ann. Phys. 173, 30.
 */
export function retrievalOverlap(load: number, temperature: number): number {
  checkLoad('retrievalOverlap', load)
  checkFinite('retrievalOverlap', 'temperature', temperature)
  if (!(temperature > 0)) {
    throw new InvalidArgumentError('retrievalOverlap', 'temperature', `must be > 0, got ${temperature}`)
  }
  return retrievalSolution(load, temperature).overlap
}

/** Phase of a point of the (α, T) plane. */
export type Phase = 'retrieval' | 'spin-glass' | 'paramagnetic'

/** Options of {@link phaseDiagram}. */
export interface PhaseDiagramOptions {
  /** Number of units N. */
  size: number
  /** Loads α = P/N (P = max(1, round(αN))). */
  loads: readonly number[]
  /** Temperatures T > 0. */
  temperatures: readonly number[]
  /** Root key. */
  key: Key
  /** Glauber sweeps discarded first; default 20. */
  burnIn?: number
  /** Glauber sweeps averaged; default 40. */
  sweeps?: number
  /** Overlap above which a run counts as retrieval; default 0.6 (finite-N remanent overlaps above α_c reach ≈ 0.5). */
  retrievalThreshold?: number
  /** Edwards–Anderson q above which a non-retrieval run counts as frozen; default 0.2. */
  glassThreshold?: number
  /** Loads at which to evaluate the theory lines (e.g. a fine grid for a smooth curve); default `loads`. */
  theoryLoads?: readonly number[]
}

/** One simulated point of {@link phaseDiagram}. */
export interface PhasePoint {
  /** α. */
  load: number
  /** T. */
  temperature: number
  /** Mean overlap with the pattern the run started on, after burn-in. */
  overlap: number
  /**
   * Edwards–Anderson order q = (1/N) Σ_i ⟨s_i⟩², time averages over the measured sweeps of a run
   * started at random. About 1/sweeps in the paramagnet; order 1 in frozen phases.
   */
  edwardsAnderson: number
  /** Largest overlap with any pattern reached by the random start (retrieval from nowhere). */
  randomStartOverlap: number
  /** The classification: retrieval if `overlap` > threshold, else spin-glass if q > threshold, else paramagnetic. */
  phase: Phase
}

/** Result of {@link phaseDiagram}: simulation and theory side by side. */
export interface PhaseDiagram {
  /** One point per (load, temperature), loads outermost. */
  points: PhasePoint[]
  /** Theory at `theoryLoads` (default the simulated loads): T_g = 1 + √α and T_M(α) of the replica-symmetric solution. */
  theory: { load: number; spinGlassTemperature: number; retrievalTemperature: number }[]
  /** α_c at T = 0. */
  criticalLoad: number
}

/**
 * The (α, T) phase diagram of the Hebbian Hopfield network by Glauber simulation, next to the
 * theoretical lines, ready to plot. For each load, random patterns are stored once; for each
 * temperature two runs are made: one from a stored pattern (its time-averaged overlap decides
 * retrieval) and one from a random state (its Edwards–Anderson q separates a frozen spin-glass
 * state from the paramagnet). Theory: the spin-glass line T_g = 1 + √α and the retrieval line
 * T_M(α) (AGS 1987, replica symmetric, α_c(0) ≈ 0.138). At finite N the retrieval region
 * extends slightly beyond T_M (states near the line are long-lived).
 *
 * Cost: O(P N²) per load to store, O(N · flips) per sweep. N = 1000 with a 6 × 6 grid and the
 * default sweeps takes seconds.
 *
 * @param options - size, loads, temperatures, key, sweeps and thresholds
 * @returns the simulated points and the theory lines
 * @throws InvalidArgumentError on a bad size, load, temperature, count or key
 * @example
 * ```ts
 * const diagram = phaseDiagram({
 *   size: 500,
 *   loads: [0.02, 0.05, 0.1, 0.2],
 *   temperatures: [0.2, 0.6, 1.0, 1.4],
 *   key: key(0),
 * })
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. Lett. 55, 1530, Fig. 1; (1987), Ann. Phys. 173, 30.
 */
export function phaseDiagram(options: PhaseDiagramOptions): PhaseDiagram {
  checkOptions('phaseDiagram', options)
  const op = 'phaseDiagram'
  const { size } = options
  checkPositiveInteger(op, 'size', size)
  checkKey(op, 'key', options.key)
  for (const [name, list] of [
    ['loads', options.loads],
    ['temperatures', options.temperatures],
  ] as const) {
    if (!isList(list) || list.length === 0) {
      throw new InvalidArgumentError(op, name, `must be a non-empty list, got ${describeValue(list)}`)
    }
    for (const v of list) {
      checkFinite(op, name, v)
      if (!(v > 0)) throw new InvalidArgumentError(op, name, `must hold values > 0, got ${v}`)
    }
  }
  if (options.theoryLoads !== undefined) {
    if (!isList(options.theoryLoads) || options.theoryLoads.length === 0) {
      throw new InvalidArgumentError(
        op,
        'theoryLoads',
        `must be a non-empty list, got ${describeValue(options.theoryLoads)}`,
      )
    }
    for (const v of options.theoryLoads) checkLoad(op, v)
  }
  const burnIn = options.burnIn ?? 20
  if (!Number.isSafeInteger(burnIn) || burnIn < 0) {
    throw new InvalidArgumentError(op, 'burnIn', `must be a non-negative integer, got ${burnIn}`)
  }
  const sweeps = options.sweeps ?? 40
  checkPositiveInteger(op, 'sweeps', sweeps)
  const retrievalThreshold = options.retrievalThreshold ?? 0.6
  const glassThreshold = options.glassThreshold ?? 0.2
  checkFinite(op, 'retrievalThreshold', retrievalThreshold)
  checkFinite(op, 'glassThreshold', glassThreshold)
  const points: PhasePoint[] = []
  options.loads.forEach((load, li) => {
    const patternCount = Math.max(1, Math.round(load * size))
    const [patternKey, runKey] = split(fold(options.key, li))
    const xs = randomPatterns(patternKey, patternCount, size)
    const net = storeHebbian(createNetwork(size), xs)
    options.temperatures.forEach((temperature, ti) => {
      const [retrieveKey, glassKey, startKey] = split(fold(runKey, ti), 3)
      // Run 1: from pattern 0.
      const fs = startFields(net, xs[0])
      let overlapSum = 0
      for (let t = 0; t < burnIn + sweeps; t++) {
        const k = fold(retrieveKey, t)
        const [orderKey, drawKey] = split(k)
        glauberPass(fs, permutation(orderKey, size), uniformFloats(drawKey, size, 'float64'), temperature)
        if (t >= burnIn) overlapSum += overlapOf(fs.s, xs[0])
      }
      // Run 2: from a random state; time averages of each spin give q_EA.
      const noise = normalFloats(startKey, size, 'float64')
      const start = Int8Array.from(noise, (v) => (v >= 0 ? 1 : -1))
      const gs = startFields(net, start)
      const spinSums = new Float64Array(size)
      for (let t = 0; t < burnIn + sweeps; t++) {
        const [orderKey, drawKey] = split(fold(glassKey, t))
        glauberPass(gs, permutation(orderKey, size), uniformFloats(drawKey, size, 'float64'), temperature)
        if (t >= burnIn) for (let i = 0; i < size; i++) spinSums[i] += gs.s[i]
      }
      let q = 0
      for (let i = 0; i < size; i++) q += (spinSums[i] / sweeps) ** 2
      q /= size
      let best = 0
      for (const x of xs) best = Math.max(best, Math.abs(overlapOf(gs.s, x)))
      const overlap = overlapSum / sweeps
      points.push({
        load,
        temperature,
        overlap,
        edwardsAnderson: q,
        randomStartOverlap: best,
        phase:
          overlap > retrievalThreshold ? 'retrieval' : q > glassThreshold ? 'spin-glass' : 'paramagnetic',
      })
    })
  })
  const theory = (options.theoryLoads ?? options.loads).map((load) => ({
    load,
    spinGlassTemperature: spinGlassTemperature(load),
    retrievalTemperature: retrievalTemperature(load),
  }))
  return { points, theory, criticalLoad: criticalLoad().load }
}
