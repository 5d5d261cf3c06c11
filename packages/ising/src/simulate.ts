import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import { allUp, bondEnergy, checkSpins, magnetisation, randomSpins } from './energy'
import { exactObservables, type DensityOfStates, type ExactObservables } from './exact/dos'
import { kaufman, onsager } from './exact/onsager'
import type { IsingModel } from './lattice'
import { createRng, type Xoshiro128 } from './rng'
import { measureObservables, type MeasuredObservables } from './stats'
import {
  clusterWorkspace,
  heatBathSweep,
  kawasakiSweep,
  metropolisSweep,
  swendsenWangSweep,
  wolffStep,
} from './sweeps'

/**
 * The update a simulation uses: Metropolis in checkerboard or random-site order, heat bath,
 * one Wolff cluster, one Swendsen–Wang sweep, or a Kawasaki (conserved M) sweep.
 */
export type Algorithm =
  'metropolis' | 'metropolis-random' | 'heat-bath' | 'wolff' | 'swendsen-wang' | 'kawasaki'

const ALGORITHMS: readonly Algorithm[] = [
  'metropolis',
  'metropolis-random',
  'heat-bath',
  'wolff',
  'swendsen-wang',
  'kawasaki',
]

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Temperature T > 0. */
  temperature: number
  /** Key of the run (start state and update randomness are split from it). */
  key: Key
  /** Number of measurements, >= 32; each follows `updatesPerMeasurement` updates (sweeps; for `wolff`, cluster steps). */
  sweeps: number
  /** Updates between measurements, >= 1 (default 1); e.g. about N/<|C|> Wolff steps make one sweep. */
  updatesPerMeasurement?: number
  /** Updates discarded before measuring (default sweeps / 10 × updatesPerMeasurement). */
  thermalisation?: number
  /** The update (default `metropolis`). */
  algorithm?: Algorithm
  /** Start state: `cold` (all up, default), `hot` (random), or a configuration (copied). */
  start?: 'cold' | 'hot' | Int8Array
  /** Jackknife bins (default 32). */
  bins?: number
}

/** Result of {@link simulate}. */
export interface SimulationResult {
  /** Observables with error bars. */
  readonly observables: MeasuredObservables
  /** Total energy after each measured update. */
  readonly energies: Float64Array
  /** Total magnetisation after each measured update. */
  readonly magnetisations: Float64Array
  /** Move size summed over the updates before each measurement (accepted flips, Wolff cluster sizes, or SW cluster counts). */
  readonly moves: Float64Array
  /** The final configuration. */
  readonly spins: Int8Array
  /** Mean move size per update: accepted flips (local algorithms), cluster size (Wolff), cluster count (SW). */
  readonly meanMoveSize: number
}

/** The start configuration of a chain (internal). */
export function startState(
  op: string,
  model: IsingModel,
  start: SimulateOptions['start'],
  k: Key,
): Int8Array {
  if (start === undefined || start === 'cold') return allUp(model)
  if (start === 'hot') return randomSpins(model, k)
  if (start instanceof Int8Array && start.length === model.size) {
    checkSpins(op, model, start)
    return start.slice()
  }
  throw new InvalidArgumentError(
    op,
    'start',
    `must be 'cold', 'hot' or an Int8Array of length ${model.size}, got ${String(start)}`,
  )
}

/**
 * Runs a Markov chain at one temperature and measures E and M after every update, then turns
 * the series into observables with jackknife error bars and autocorrelation times.
 *
 * @param model - the model
 * @param options - temperature, key, sweeps, updatesPerMeasurement, thermalisation, algorithm, start, bins
 * @returns the observables, the series and the final configuration
 * @throws InvalidArgumentError on a bad temperature, sweeps, updatesPerMeasurement, thermalisation, algorithm or start
 * @example
 * ```ts
 * const run = simulate(squareLattice(16), { temperature: 2, key: key(1), sweeps: 10_000 })
 * run.observables.e // { value: -1.74..., error: 0.001... }
 * ```
 */
export function simulate(model: IsingModel, options: SimulateOptions): SimulationResult {
  const op = 'simulate'
  checkOptions('simulate', options)
  const { temperature: T, sweeps } = options
  checkTemperature(op, 'temperature', T)
  if (!Number.isSafeInteger(sweeps) || sweeps < 32) {
    throw new InvalidArgumentError(op, 'sweeps', `must be an integer >= 32, got ${sweeps}`)
  }
  const every = options.updatesPerMeasurement ?? 1
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new InvalidArgumentError(op, 'updatesPerMeasurement', `must be an integer >= 1, got ${every}`)
  }
  const therm = options.thermalisation ?? Math.floor(sweeps / 10) * every
  if (!Number.isSafeInteger(therm) || therm < 0) {
    throw new InvalidArgumentError(op, 'thermalisation', `must be a non-negative integer, got ${therm}`)
  }
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'metropolis')
  const [kStart, kRun] = split(options.key, 2)
  const spins = startState(op, model, options.start, kStart)
  const update = makeUpdate(model, spins, { algorithm, beta: 1 / T, rng: createRng(kRun) })
  for (let t = 0; t < therm; t++) update()
  const energies = new Float64Array(sweeps)
  const mags = new Float64Array(sweeps)
  const moves = new Float64Array(sweeps)
  let total = 0
  for (let t = 0; t < sweeps; t++) {
    for (let u = 0; u < every; u++) moves[t] += update()
    total += moves[t]
    const M = magnetisation(model, spins)
    energies[t] = bondEnergy(model, spins) - model.field * M
    mags[t] = M
  }
  return {
    observables: measureObservables(energies, mags, { size: model.size, temperature: T, bins: options.bins }),
    energies,
    magnetisations: mags,
    moves,
    spins,
    meanMoveSize: total / (sweeps * every),
  }
}

/**
 * One update of `spins` in place by the named algorithm at inverse temperature β, returning
 * the move size (accepted flips, Wolff cluster size, or SW cluster count). Internal: shared by
 * {@link simulate}, parallel tempering and annealing.
 */
export function makeUpdate(
  model: IsingModel,
  spins: Int8Array,
  { algorithm, beta, rng }: { algorithm: Algorithm; beta: number; rng: Xoshiro128 },
): () => number {
  const workspace =
    algorithm === 'wolff' || algorithm === 'swendsen-wang' ? clusterWorkspace(model) : undefined
  const options = { beta, rng, workspace }
  switch (algorithm) {
    case 'metropolis':
      return () => metropolisSweep(model, spins, options)
    case 'metropolis-random':
      return () => metropolisSweep(model, spins, { beta, rng, order: 'random' })
    case 'heat-bath':
      return () => heatBathSweep(model, spins, options)
    case 'wolff':
      return () => wolffStep(model, spins, options)
    case 'swendsen-wang':
      return () => swendsenWangSweep(model, spins, options)
    case 'kawasaki':
      return () => kawasakiSweep(model, spins, options)
  }
}

/** Validates an algorithm name (internal). */
export function checkAlgorithm(op: string, algorithm: unknown): Algorithm {
  if (!ALGORITHMS.includes(algorithm as Algorithm)) {
    throw new InvalidArgumentError(
      op,
      'algorithm',
      `must be one of ${ALGORITHMS.join(', ')}, got ${String(algorithm)}`,
    )
  }
  return algorithm as Algorithm
}

/** Validates a temperature (internal). */
export function checkTemperature(op: string, name: string, T: number): void {
  if (typeof T !== 'number' || !(T > 0) || !Number.isFinite(T)) {
    throw new InvalidArgumentError(op, name, `must be a finite number > 0, got ${T}`)
  }
}

/** One row of {@link temperatureScan}. */
export interface ScanPoint {
  /** Temperature T. */
  readonly temperature: number
  /** Measured observables with error bars. */
  readonly observables: MeasuredObservables
  /**
   * The exact curve where one is known: for a periodic square lattice with J = 1, h = 0,
   * Kaufman's finite-L e and c and Onsager's infinite-lattice spontaneous m; otherwise null.
   */
  readonly exact: { readonly e: number; readonly c: number; readonly m: number } | null
  /** All exact observables of the finite lattice at this T and the model's h, when a `dos` was given; else null. */
  readonly enumerated: ExactObservables | null
}

/**
 * A temperature scan: one independent chain per temperature (key split per point), each
 * started from the previous point's final state when `anneal` is true (default), with the
 * exact curve beside the measurement: Kaufman's finite-L e and c (Kaufman, Phys. Rev. 76, 1232
 * (1949)) for a periodic square lattice, and every observable of the exact density of states
 * when `dos` is given (e.g. from {@link enumerateDensityOfStates}).
 *
 * @param model - the model
 * @param temperatures - temperatures > 0
 * @param options - as {@link simulate}, without temperature; `anneal` to chain start states;
 *   `dos`, the model's exact density of states, for the `enumerated` column
 * @returns one {@link ScanPoint} per temperature
 * @throws InvalidArgumentError when temperatures is empty or a value is not > 0
 * @example
 * ```ts
 * const scan = temperatureScan(squareLattice(16), [1.5, 2, 2.5, 3], { key: key(0), sweeps: 2000 })
 * scan.map((p) => [p.temperature, p.observables.e.value, p.exact?.e])
 * ```
 */
export function temperatureScan(
  model: IsingModel,
  temperatures: readonly number[],
  options: Omit<SimulateOptions, 'temperature'> & { anneal?: boolean; dos?: DensityOfStates },
): ScanPoint[] {
  checkOptions('temperatureScan', options)
  if (temperatures.length === 0) {
    throw new InvalidArgumentError(
      'temperatureScan',
      'temperatures',
      'must hold at least one temperature, got none',
    )
  }
  const keys = split(options.key, temperatures.length)
  const exactFor =
    model.lattice === 'square' &&
    model.boundary === 'periodic' &&
    model.field === 0 &&
    model.uniformCoupling === 1 &&
    model.shape[0] === model.shape[1]
  let start = options.start
  return temperatures.map((T, i) => {
    const run = simulate(model, { ...options, temperature: T, key: keys[i], start })
    if (options.anneal ?? true) start = run.spins
    let exact: ScanPoint['exact'] = null
    if (exactFor) {
      const k = kaufman(model.shape[0], T)
      exact = { e: k.e, c: k.c, m: onsager(T).m }
    }
    const enumerated = options.dos === undefined ? null : exactObservables(options.dos, T, model.field)
    return { temperature: T, observables: run.observables, exact, enumerated }
  })
}
