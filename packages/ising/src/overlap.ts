import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import type { IsingModel } from './lattice'
import { createRng } from './rng'
import { checkAlgorithm, checkTemperature, makeUpdate, startState, type Algorithm } from './simulate'
import { autocorrelationTime, binnedMean, jackknife, type AutocorrelationTime, type Estimate } from './stats'
import { temperingChain } from './tempering'

/**
 * The overlap of two configurations, `q = (1/N) Σ_i a_i b_i` (Parisi 1983; Edwards & Anderson
 * 1975): 1 for equal states, −1 for a state and its flip, about 0 for unrelated ones.
 *
 * @param a - ±1 spins
 * @param b - ±1 spins of the same length
 * @returns q in [−1, 1]
 * @throws InvalidArgumentError when the lengths differ or are 0
 * @example
 * ```ts
 * overlap(Int8Array.of(1, 1, -1, -1), Int8Array.of(1, -1, -1, 1)) // 0
 * ```
 */
export function overlap(a: Int8Array, b: Int8Array): number {
  if (!(a instanceof Int8Array) || !(b instanceof Int8Array) || a.length !== b.length || a.length === 0) {
    throw new InvalidArgumentError(
      'overlap',
      'b',
      `must be an Int8Array of the length of a (${String(a?.length)}), got ${String(b?.length)}`,
    )
  }
  return overlapUnchecked(a, b)
}

function overlapUnchecked(a: Int8Array, b: Int8Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s / a.length
}

/** Options of {@link overlapExperiment}: give `temperature` (two chains) or `temperatures` (two tempering ensembles). */
export interface OverlapOptions {
  /** One temperature: two independent chains of `algorithm`. */
  temperature?: number
  /** Several temperatures (>= 2): two independent parallel-tempering ensembles, q measured at each. */
  temperatures?: readonly number[]
  /** Key of the run (the two replicas' start states and streams are split from it). */
  key: Key
  /** Measurements, >= 32 (one after each sweep or tempering round). */
  sweeps: number
  /** Sweeps or rounds discarded first (default sweeps / 10). */
  thermalisation?: number
  /** The update (default `metropolis`; `kawasaki` is refused). */
  algorithm?: Algorithm
  /** Start state of every replica (default `hot`: independent random). */
  start?: 'cold' | 'hot' | Int8Array
  /** Bins for the error bars (default 32). */
  bins?: number
}

/** The overlap statistics at one temperature. */
export interface OverlapPoint {
  /** Temperature T. */
  readonly temperature: number
  /** Number of measurements. */
  readonly samples: number
  /** <q²>. */
  readonly q2: Estimate
  /** <q⁴>. */
  readonly q4: Estimate
  /** <|q|>. */
  readonly absQ: Estimate
  /** g = ½(3 − <q⁴>/<q²>²) (Bhatt & Young, PRL 54, 924 (1985)), jackknife error. */
  readonly binder: Estimate
  /** The measured P(q) at q = −1 + 2j/N, j = 0 … N (length N + 1, sums to 1). */
  readonly distribution: Float64Array
  /** q after each measurement. */
  readonly series: Float64Array
  /** τ_int of q², in measurements. */
  readonly tauQ2: AutocorrelationTime
}

function summarise(T: number, q: Float64Array, n: number, bins: number): OverlapPoint {
  const q2 = q.map((v) => v * v)
  const q4 = q2.map((v) => v * v)
  const aq = q.map(Math.abs)
  const dist = new Float64Array(n + 1)
  for (const v of q) dist[Math.round(((v + 1) * n) / 2)] += 1 / q.length
  return {
    temperature: T,
    samples: q.length,
    q2: binnedMean(q2, bins),
    q4: binnedMean(q4, bins),
    absQ: binnedMean(aq, bins),
    binder: jackknife([q2, q4], ([a, b]) => 0.5 * (3 - b / (a * a)), bins),
    distribution: dist,
    series: q,
    tauQ2: autocorrelationTime(q2),
  }
}

/**
 * The overlap distribution of a (spin-glass) model: two replicas with the same couplings and
 * independent randomness, q = (1/N) Σ s_i t_i measured after every sweep, with <q²>, <q⁴>, <|q|>,
 * the Binder parameter g and P(q). With `temperature` the replicas are two chains of any
 * algorithm; with `temperatures` they are two independent parallel-tempering ensembles
 * (Hukushima & Nemoto 1996), the usual way below Tc where single chains freeze. Exact values
 * for small instances: {@link exactThermalAverages}.
 *
 * @param model - the model
 * @param options - temperature or temperatures, key, sweeps, thermalisation, algorithm, start, bins
 * @returns one {@link OverlapPoint} per temperature (one for `temperature`)
 * @throws InvalidArgumentError when neither or both of temperature/temperatures are given, on a bad
 *   temperature, sweeps, thermalisation, algorithm (or `kawasaki`), bins or start
 * @example
 * ```ts
 * const ea = edwardsAnderson('square', 4, { key: key(21) })
 * const [p] = overlapExperiment(ea, { temperature: 1, key: key(2), sweeps: 40_000 })
 * p.q2 // { value: 0.6…, error: 0.00… }
 * ```
 */
export function overlapExperiment(model: IsingModel, options: OverlapOptions): OverlapPoint[] {
  const op = 'overlapExperiment'
  checkOptions(op, options)
  const { temperature, temperatures, sweeps } = options
  if ((temperature === undefined) === (temperatures === undefined)) {
    throw new InvalidArgumentError(
      op,
      'temperature',
      'must be given alone, or temperatures alone (a list of at least 2), got both or neither',
    )
  }
  if (!Number.isSafeInteger(sweeps) || sweeps < 32) {
    throw new InvalidArgumentError(op, 'sweeps', `must be an integer >= 32, got ${sweeps}`)
  }
  const therm = options.thermalisation ?? Math.floor(sweeps / 10)
  if (!Number.isSafeInteger(therm) || therm < 0) {
    throw new InvalidArgumentError(op, 'thermalisation', `must be a non-negative integer, got ${therm}`)
  }
  const bins = options.bins ?? 32
  if (!Number.isSafeInteger(bins) || bins < 2 || bins > sweeps) {
    throw new InvalidArgumentError(op, 'bins', `must be an integer in [2, sweeps], got ${bins}`)
  }
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'metropolis')
  if (algorithm === 'kawasaki') {
    throw new InvalidArgumentError(
      op,
      'algorithm',
      "must not be 'kawasaki' (two replicas at fixed M would not sample the canonical P(q)), got 'kawasaki'",
    )
  }
  const start = options.start ?? 'hot'
  const [kA, kB] = split(options.key, 2)
  const n = model.size
  if (temperature !== undefined) {
    checkTemperature(op, 'temperature', temperature)
    const chains = [kA, kB].map((k) => {
      const [kStart, kRun] = split(k, 2)
      const spins = startState(op, model, start, kStart)
      const update = makeUpdate(model, spins, { algorithm, beta: 1 / temperature, rng: createRng(kRun) })
      return { spins, update }
    })
    for (let t = 0; t < therm; t++) for (const c of chains) c.update()
    const q = new Float64Array(sweeps)
    for (let t = 0; t < sweeps; t++) {
      for (const c of chains) c.update()
      q[t] = overlapUnchecked(chains[0].spins, chains[1].spins)
    }
    return [summarise(temperature, q, n, bins)]
  }
  const temps: readonly number[] = temperatures ?? []
  if (temps.length < 2) {
    throw new InvalidArgumentError(
      op,
      'temperatures',
      `must hold at least 2 temperatures, got ${temps.length}`,
    )
  }
  temps.forEach((T, k) => checkTemperature(op, `temperatures[${k}]`, T))
  const ensembles = [kA, kB].map((k) =>
    temperingChain(model, { temperatures: temps, key: k, sweeps, algorithm, start }, op),
  )
  for (let t = 0; t < therm; t++) for (const e of ensembles) e.round(-1)
  const q = temps.map(() => new Float64Array(sweeps))
  for (let t = 0; t < sweeps; t++) {
    for (const e of ensembles) e.round(t)
    for (let k = 0; k < temps.length; k++) {
      q[k][t] = overlapUnchecked(ensembles[0].configurationAt(k), ensembles[1].configurationAt(k))
    }
  }
  return temps.map((T, k) => summarise(T, q[k], n, bins))
}
