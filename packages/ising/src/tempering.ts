import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import { bondEnergy, magnetisation } from './energy'
import type { IsingModel } from './lattice'
import { createRng } from './rng'
import { checkAlgorithm, checkTemperature, makeUpdate, startState, type Algorithm } from './simulate'
import { binnedMean, measureObservables, type Estimate, type MeasuredObservables } from './stats'

/**
 * Acceptance probability of exchanging the configurations of two replicas in parallel
 * tempering (Swendsen & Wang 1986; Geyer 1991; Hukushima & Nemoto, J. Phys. Soc. Jpn. 65,
 * 1604 (1996)): `min(1, exp[(β_i − β_j)(E_i − E_j)])` with the TOTAL energies E (failure F5:
 * per-spin energies sample the wrong joint distribution).
 *
 * @param betaI - inverse temperature of replica i
 * @param betaJ - inverse temperature of replica j
 * @param energyI - total energy of the configuration at β_i
 * @param energyJ - total energy of the configuration at β_j
 * @returns the probability in [0, 1]
 * @throws InvalidArgumentError when an argument is not a finite number
 * @example
 * ```ts
 * swapAcceptance(0.4, 0.5, -20, -28) // exp(-0.8) = 0.449...
 * swapAcceptance(0.4, 0.5, -28, -20) // 1
 * ```
 */
export function swapAcceptance(betaI: number, betaJ: number, energyI: number, energyJ: number): number {
  const args = { betaI, betaJ, energyI, energyJ }
  for (const [name, v] of Object.entries(args)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError('swapAcceptance', name, `must be a finite number, got ${v}`)
    }
  }
  return swapAcceptanceUnchecked(betaI, betaJ, energyI, energyJ)
}

function swapAcceptanceUnchecked(betaI: number, betaJ: number, energyI: number, energyJ: number): number {
  const x = (betaI - betaJ) * (energyI - energyJ)
  return x >= 0 ? 1 : Math.exp(x)
}

/** Options of {@link parallelTempering}. */
export interface ParallelTemperingOptions {
  /** Temperatures T_0, …, T_{K−1} > 0, K >= 2, one replica each (any order; pairs are neighbours in this list). */
  temperatures: readonly number[]
  /** Key of the run (start states and update randomness are split from it). */
  key: Key
  /** Number of measured rounds, >= 32. A round is one update of every replica, then the swaps. */
  sweeps: number
  /** Rounds discarded before measuring (default sweeps / 10). */
  thermalisation?: number
  /** The update inside each replica (default `metropolis`; `kawasaki` is refused). */
  algorithm?: Algorithm
  /** Start state of every replica: `cold` (default), `hot` (independent random), or a configuration. */
  start?: 'cold' | 'hot' | Int8Array
  /** Jackknife bins (default 32). */
  bins?: number
}

/** Result of {@link parallelTempering}. */
export interface ParallelTemperingResult {
  /** The temperatures, in the order given. */
  readonly temperatures: readonly number[]
  /** Observables with error bars at each temperature (the configuration that sat at T_k after each round). */
  readonly observables: readonly MeasuredObservables[]
  /** Total energy at each temperature after each measured round. */
  readonly energies: readonly Float64Array[]
  /** Total magnetisation at each temperature after each measured round. */
  readonly magnetisations: readonly Float64Array[]
  /** Swap acceptance rate of each neighbouring pair (k, k+1), length K − 1, with a binning error bar. */
  readonly swapRates: readonly Estimate[]
  /** Accepted swaps of each pair during measurement. */
  readonly swapAccepted: Int32Array
  /** Attempted swaps of each pair during measurement (one per pair per round). */
  readonly swapAttempted: Int32Array
  /** Round trips T_0 → T_{K−1} → T_0 completed by all replicas together (during measurement). */
  readonly roundTrips: number
  /** Which replica sits at each temperature at the end. */
  readonly replicaAt: Int32Array
  /** The final configuration at each temperature. */
  readonly spins: readonly Int8Array[]
}

/**
 * Parallel tempering (replica exchange; Swendsen & Wang, PRL 57, 2607 (1986); Hukushima &
 * Nemoto 1996): K replicas at temperatures T_k evolve by the chosen update; after every round
 * each neighbouring pair (k, k+1) — even pairs first, then odd pairs — exchanges
 * configurations with probability `min(1, exp[(β_k − β_{k+1})(E_k − E_{k+1})])`, E the total
 * energy (F5). The joint stationary law is the product of the K Boltzmann distributions, so
 * each temperature's marginal matches the single-temperature exact result, and the swap rate
 * of a pair equals `Σ P_k(E) P_{k+1}(E') min(1, e^{(β_k − β_{k+1})(E − E')})`.
 *
 * @param model - the model
 * @param options - temperatures, key, sweeps, thermalisation, algorithm, start, bins
 * @returns per-temperature observables and series, swap statistics and round trips
 * @throws InvalidArgumentError on fewer than 2 temperatures, a temperature not > 0, bad sweeps,
 *   an unknown algorithm or `kawasaki`, or a bad start
 * @example
 * ```ts
 * const pt = parallelTempering(squareLattice(4), { temperatures: [2.5, 2], key: key(5), sweeps: 20_000 })
 * pt.observables[1].e.value // ≈ -1.7554
 * pt.swapRates[0].value    // ≈ 0.71
 * ```
 */
export function parallelTempering(
  model: IsingModel,
  options: ParallelTemperingOptions,
): ParallelTemperingResult {
  const op = 'parallelTempering'
  checkOptions('parallelTempering', options)
  const temps: readonly number[] = options.temperatures
  if (temps.length < 2) {
    throw new InvalidArgumentError(
      op,
      'temperatures',
      `must hold at least 2 temperatures, got ${temps.length}`,
    )
  }
  temps.forEach((T, k) => checkTemperature(op, `temperatures[${k}]`, T))
  const { sweeps } = options
  if (!Number.isSafeInteger(sweeps) || sweeps < 32) {
    throw new InvalidArgumentError(op, 'sweeps', `must be an integer >= 32, got ${sweeps}`)
  }
  const therm = options.thermalisation ?? Math.floor(sweeps / 10)
  if (!Number.isSafeInteger(therm) || therm < 0) {
    throw new InvalidArgumentError(op, 'thermalisation', `must be a non-negative integer, got ${therm}`)
  }
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'metropolis')
  if (algorithm === 'kawasaki') {
    throw new InvalidArgumentError(
      op,
      'algorithm',
      "must not be 'kawasaki' (swaps between replicas of different M leave the fixed-M ensemble), got 'kawasaki'",
    )
  }
  const chain = temperingChain(
    model,
    { temperatures: temps, key: options.key, sweeps, algorithm, start: options.start },
    op,
  )
  for (let t = 0; t < therm; t++) chain.round(-1)
  for (let t = 0; t < sweeps; t++) chain.round(t)
  return chain.result(options.bins ?? 32)
}

/** A parallel-tempering ensemble advanced one round at a time (internal: {@link parallelTempering}, the overlap experiment). */
export interface TemperingChain {
  /** One round: every replica updated, then the even and odd swaps; `t >= 0` records measurement `t`. */
  round(t: number): void
  /** The configuration now at temperature k (live, not a copy). */
  configurationAt(k: number): Int8Array
  /** The measured result after `sweeps` recorded rounds. */
  result(bins: number): ParallelTemperingResult
}

/** Builds a {@link TemperingChain}; options are already validated. */
export function temperingChain(
  model: IsingModel,
  options: {
    temperatures: readonly number[]
    key: Key
    sweeps: number
    algorithm: Algorithm
    start: ParallelTemperingOptions['start']
  },
  op: string,
): TemperingChain {
  const temps = options.temperatures
  const sweeps = options.sweeps
  const algorithm = options.algorithm
  const K = temps.length
  const betas = temps.map((T) => 1 / T)
  const keys = split(options.key, 2 * K + 1)
  // replicas[r]: configuration of replica r; at[k]: replica at temperature k.
  const replicas = temps.map((_, r) => startState(op, model, options.start, keys[r]))
  const at = Int32Array.from({ length: K }, (_, k) => k)
  // One generator per replica, shared by its updaters at every temperature slot, so a
  // replica's stream does not depend on where it sits.
  const updaters = replicas.map((spins, r) => {
    const rng = createRng(keys[K + r])
    return betas.map((beta) => makeUpdate(model, spins, { algorithm, beta, rng }))
  })
  const swapRng = createRng(keys[2 * K])
  const energyOf = (spins: Int8Array): number =>
    bondEnergy(model, spins) - model.field * magnetisation(model, spins)
  const E = new Float64Array(K)
  const energies = temps.map(() => new Float64Array(sweeps))
  const mags = temps.map(() => new Float64Array(sweeps))
  const accepted = new Int32Array(K - 1)
  const attempted = new Int32Array(K - 1)
  const accSeries = temps.slice(1).map(() => new Float64Array(sweeps))
  // Round trips: phase[r] = 1 once replica r has sat at T_0, 2 once it then reached T_{K−1};
  // arriving back at T_0 in phase 2 completes a trip.
  const phase = new Int8Array(K)
  let roundTrips = 0
  const round = (t: number): void => {
    for (let k = 0; k < K; k++) {
      updaters[at[k]][k]()
      E[k] = energyOf(replicas[at[k]])
    }
    for (const parity of [0, 1]) {
      for (let k = parity; k + 1 < K; k += 2) {
        const ok = swapRng.nextFloat() < swapAcceptanceUnchecked(betas[k], betas[k + 1], E[k], E[k + 1])
        if (ok) {
          const r = at[k]
          at[k] = at[k + 1]
          at[k + 1] = r
          const e = E[k]
          E[k] = E[k + 1]
          E[k + 1] = e
        }
        if (t >= 0) {
          attempted[k]++
          if (ok) accepted[k]++
          accSeries[k][t] = ok ? 1 : 0
        }
      }
    }
    if (t < 0) return
    const bottom = at[0]
    const top = at[K - 1]
    if (phase[bottom] === 2) roundTrips++
    phase[bottom] = 1
    if (phase[top] === 1) phase[top] = 2
    for (let k = 0; k < K; k++) {
      energies[k][t] = E[k]
      mags[k][t] = magnetisation(model, replicas[at[k]])
    }
  }
  const result = (bins: number): ParallelTemperingResult => ({
    temperatures: temps.slice(),
    observables: temps.map((T, k) =>
      measureObservables(energies[k], mags[k], { size: model.size, temperature: T, bins }),
    ),
    energies,
    magnetisations: mags,
    swapRates: accSeries.map((x) => binnedMean(x, bins)),
    swapAccepted: accepted,
    swapAttempted: attempted,
    roundTrips,
    replicaAt: at.slice(),
    spins: temps.map((_, k) => replicas[at[k]].slice()),
  })
  return { round, configurationAt: (k) => replicas[at[k]], result }
}
