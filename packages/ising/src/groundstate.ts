import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import { simulatedAnnealing, type AnnealingSchedule } from './anneal'
import { bondEnergy, magnetisation } from './energy'
import type { IsingModel } from './lattice'
import { checkAlgorithm, checkTemperature, type Algorithm } from './simulate'
import { temperingChain } from './tempering'

/** Options of {@link findGroundState}. */
export interface GroundStateSearchOptions {
  /** Key of the search. */
  key: Key
  /** `annealing` (default): independent simulated-annealing runs; `tempering`: one parallel-tempering ensemble. */
  method?: 'annealing' | 'tempering'
  /** Highest temperature (default 3). */
  maxTemperature?: number
  /** Lowest temperature (default 0.1). */
  minTemperature?: number
  /** Annealing: independent runs, the best kept (default 4). */
  restarts?: number
  /** Annealing: temperatures in the schedule (default 200). Tempering: number of replicas (default 12). */
  steps?: number
  /** Annealing: sweeps at each temperature (default 5). Tempering: rounds (default 2000). */
  sweeps?: number
  /** Annealing schedule (default `geometric`); tempering always uses geometric temperatures. */
  schedule?: AnnealingSchedule
  /** The local update (default `metropolis`). */
  algorithm?: Algorithm
}

/** Result of {@link findGroundState}. */
export interface GroundStateSearch {
  /** The lowest total energy found (an upper bound on E0). */
  readonly energy: number
  /** A configuration with that energy. */
  readonly spins: Int8Array
  /** Sweeps spent in all (over all runs and replicas). */
  readonly sweeps: number
}

function positiveInteger(op: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new InvalidArgumentError(op, name, `must be a positive integer, got ${v}`)
  }
}

/**
 * A heuristic ground-state search for spin glasses and other frustrated models: the best of
 * several simulated-annealing runs (Kirkpatrick, Gelatt & Vecchi 1983), or the lowest state
 * visited by a parallel-tempering ensemble with geometric temperatures (Hukushima & Nemoto
 * 1996; Katzgraber et al. 2006 use it for exact-looking EA ground states). Heuristic: check
 * small instances against {@link enumerateGroundStates}.
 *
 * @param model - the model
 * @param options - key, method, temperature range, restarts, steps, sweeps, schedule, algorithm
 * @returns the lowest energy found and its configuration
 * @throws InvalidArgumentError on an unknown method, bad temperatures (min >= max), or counts
 * @example
 * ```ts
 * const ea = edwardsAnderson('square', 8, { key: key(1) })
 * findGroundState(ea, { key: key(2), method: 'tempering' }).energy / 64 // ≈ −1.4
 * ```
 */
export function findGroundState(model: IsingModel, options: GroundStateSearchOptions): GroundStateSearch {
  const op = 'findGroundState'
  checkOptions(op, options)
  const method = options.method ?? 'annealing'
  if (method !== 'annealing' && method !== 'tempering') {
    throw new InvalidArgumentError(op, 'method', `must be 'annealing' or 'tempering', got ${String(method)}`)
  }
  const Tmax = options.maxTemperature ?? 3
  const Tmin = options.minTemperature ?? 0.1
  checkTemperature(op, 'maxTemperature', Tmax)
  checkTemperature(op, 'minTemperature', Tmin)
  if (!(Tmin < Tmax)) {
    throw new InvalidArgumentError(
      op,
      'minTemperature',
      `must be below maxTemperature (${Tmax}), got ${Tmin}`,
    )
  }
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'metropolis')
  const energyOf = (s: Int8Array): number => bondEnergy(model, s) - model.field * magnetisation(model, s)
  if (method === 'annealing') {
    const restarts = options.restarts ?? 4
    const steps = options.steps ?? 200
    const perStep = options.sweeps ?? 5
    positiveInteger(op, 'restarts', restarts)
    let best: { energy: number; spins: Int8Array } | null = null
    let spent = 0
    for (const k of split(options.key, restarts)) {
      const run = simulatedAnnealing(model, {
        key: k,
        schedule: options.schedule ?? 'geometric',
        startTemperature: Tmax,
        endTemperature: Tmin,
        steps,
        sweepsPerStep: perStep,
        algorithm,
      })
      spent += run.temperatures.length * perStep
      if (best === null || run.bestEnergy < best.energy)
        best = { energy: run.bestEnergy, spins: run.bestSpins }
    }
    const found = best as { energy: number; spins: Int8Array }
    return { energy: found.energy, spins: found.spins, sweeps: spent }
  }
  const K = options.steps ?? 12
  const rounds = options.sweeps ?? 2000
  if (!Number.isSafeInteger(K) || K < 2) {
    throw new InvalidArgumentError(op, 'steps', `must be an integer >= 2 (replicas), got ${K}`)
  }
  positiveInteger(op, 'sweeps', rounds)
  if (algorithm === 'kawasaki') {
    throw new InvalidArgumentError(op, 'algorithm', "must not be 'kawasaki' with tempering, got 'kawasaki'")
  }
  const temperatures = Array.from({ length: K }, (_, k) => Tmin * Math.pow(Tmax / Tmin, k / (K - 1)))
  const chain = temperingChain(
    model,
    { temperatures, key: options.key, sweeps: 1, algorithm, start: 'hot' },
    op,
  )
  let energy = Infinity
  let spins = chain.configurationAt(0).slice()
  for (let t = 0; t < rounds; t++) {
    chain.round(-1)
    // The coldest replicas hold the low states; checking all K costs as much as one sweep.
    for (let k = 0; k < K; k++) {
      const s = chain.configurationAt(k)
      const e = energyOf(s)
      if (e < energy) {
        energy = e
        spins = s.slice()
      }
    }
  }
  return { energy, spins, sweeps: rounds * K }
}
