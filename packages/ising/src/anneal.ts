import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import { bondEnergy, magnetisation } from './energy'
import type { IsingModel } from './lattice'
import { createRng } from './rng'
import { checkAlgorithm, checkTemperature, makeUpdate, startState, type Algorithm } from './simulate'

/**
 * A cooling schedule: `linear` `T_k = T_0 + (T_1 − T_0)·k/(n−1)`, `geometric`
 * `T_k = T_0 (T_1/T_0)^{k/(n−1)}` (Kirkpatrick, Gelatt & Vecchi 1983), an explicit list of
 * temperatures, or a function `(k, n) => T_k`.
 */
export type AnnealingSchedule =
  'linear' | 'geometric' | readonly number[] | ((step: number, steps: number) => number)

/** Options of {@link annealingTemperatures}. */
export interface AnnealingRange {
  /** First temperature T_0 > 0 (ignored for a list). */
  startTemperature?: number
  /** Last temperature T_1 > 0 (ignored for a list). */
  endTemperature?: number
  /** Number of temperatures n >= 2 (ignored for a list). */
  steps?: number
}

/**
 * The temperatures of a cooling schedule: `linear` `T_k = T_0 + (T_1 − T_0)·k/(n−1)`,
 * `geometric` `T_k = T_0 (T_1/T_0)^{k/(n−1)}`, k = 0 … n−1, a list as given, or a function
 * evaluated at k = 0 … n−1 (Kirkpatrick, Gelatt & Vecchi, Science 220, 671 (1983)).
 *
 * @param schedule - the schedule
 * @param range - T_0, T_1 and n (required unless the schedule is a list)
 * @returns the n temperatures
 * @throws InvalidArgumentError on an unknown schedule, n < 2, or a temperature not finite and > 0
 * @example
 * ```ts
 * annealingTemperatures('geometric', { startTemperature: 4, endTemperature: 0.5, steps: 4 }) // [4, 2, 1, 0.5]
 * ```
 */
export function annealingTemperatures(schedule: AnnealingSchedule, range: AnnealingRange = {}): Float64Array {
  const op = 'annealingTemperatures'
  let out: Float64Array
  if (Array.isArray(schedule)) {
    if (schedule.length < 1) {
      throw new InvalidArgumentError(op, 'schedule', 'must hold at least one temperature, got none')
    }
    out = Float64Array.from(schedule as readonly number[])
  } else {
    const steps = range.steps ?? Number.NaN
    if (!Number.isSafeInteger(steps) || steps < 2) {
      throw new InvalidArgumentError(op, 'steps', `must be an integer >= 2, got ${String(range.steps)}`)
    }
    out = new Float64Array(steps)
    if (typeof schedule === 'function') {
      for (let k = 0; k < steps; k++) out[k] = schedule(k, steps)
    } else {
      const a = range.startTemperature ?? Number.NaN
      const b = range.endTemperature ?? Number.NaN
      checkTemperature(op, 'startTemperature', a)
      checkTemperature(op, 'endTemperature', b)
      if (schedule === 'linear') {
        for (let k = 0; k < steps; k++) out[k] = a + ((b - a) * k) / (steps - 1)
      } else if (schedule === 'geometric') {
        for (let k = 0; k < steps; k++) out[k] = a * Math.pow(b / a, k / (steps - 1))
      } else {
        throw new InvalidArgumentError(
          op,
          'schedule',
          `must be 'linear', 'geometric', a list or a function, got ${String(schedule)}`,
        )
      }
      out[steps - 1] = b
    }
  }
  out.forEach((T, k) => checkTemperature(op, `temperature[${k}]`, T))
  return out
}

/** Options of {@link simulatedAnnealing}. */
export interface AnnealingOptions extends AnnealingRange {
  /** The cooling schedule (default `geometric`). */
  schedule?: AnnealingSchedule
  /** Sweeps (or Wolff steps) at each temperature, >= 1 (default 1). */
  sweepsPerStep?: number
  /** Key of the run. */
  key: Key
  /** The update (default `metropolis`). */
  algorithm?: Algorithm
  /** Start state: `hot` (random, default), `cold`, or a configuration (copied). */
  start?: 'cold' | 'hot' | Int8Array
}

/** Result of {@link simulatedAnnealing}. */
export interface AnnealingResult {
  /** The temperatures visited. */
  readonly temperatures: Float64Array
  /** Total energy after the sweeps at each temperature. */
  readonly energies: Float64Array
  /** The final configuration. */
  readonly spins: Int8Array
  /** Its total energy. */
  readonly energy: number
  /** The lowest total energy seen after any sweep. */
  readonly bestEnergy: number
  /** A configuration with that energy. */
  readonly bestSpins: Int8Array
}

/**
 * Simulated annealing (Kirkpatrick, Gelatt & Vecchi, Science 220, 671 (1983)): run the chosen
 * Markov chain for `sweepsPerStep` sweeps at each temperature of a decreasing schedule, keeping
 * the lowest energy `E = −Σ_b J_b s_i s_j − h Σ s_i` seen, a heuristic for ground states
 * (spin glasses, frustrated couplings).
 *
 * @param model - the model
 * @param options - schedule and its range, sweepsPerStep, key, algorithm, start
 * @returns the temperatures, the energy after each step, the final and the best configuration
 * @throws InvalidArgumentError on a bad schedule, sweepsPerStep, algorithm or start
 * @example
 * ```ts
 * const run = simulatedAnnealing(squareLattice(8), {
 *   startTemperature: 5, endTemperature: 0.1, steps: 200, key: key(3),
 * })
 * run.bestEnergy // -128 (the ground state of the 8×8 torus)
 * ```
 */
export function simulatedAnnealing(model: IsingModel, options: AnnealingOptions): AnnealingResult {
  const op = 'simulatedAnnealing'
  checkOptions('simulatedAnnealing', options)
  const temperatures = annealingTemperatures(options.schedule ?? 'geometric', options)
  const perStep = options.sweepsPerStep ?? 1
  if (!Number.isSafeInteger(perStep) || perStep < 1) {
    throw new InvalidArgumentError(op, 'sweepsPerStep', `must be an integer >= 1, got ${perStep}`)
  }
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'metropolis')
  const [kStart, kRun] = split(options.key, 2)
  const spins = startState(op, model, options.start ?? 'hot', kStart)
  const rng = createRng(kRun)
  const energyOf = (): number => bondEnergy(model, spins) - model.field * magnetisation(model, spins)
  const energies = new Float64Array(temperatures.length)
  let bestEnergy = energyOf()
  let bestSpins = spins.slice()
  for (let k = 0; k < temperatures.length; k++) {
    const update = makeUpdate(model, spins, { algorithm, beta: 1 / temperatures[k], rng })
    for (let s = 0; s < perStep; s++) {
      update()
      const e = energyOf()
      if (e < bestEnergy) {
        bestEnergy = e
        bestSpins = spins.slice()
      }
    }
    energies[k] = energyOf()
  }
  return { temperatures, energies, spins, energy: energyOf(), bestEnergy, bestSpins }
}
