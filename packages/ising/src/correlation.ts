import { checkOptions, InvalidArgumentError, split, type Key } from '@gen/core-tensor'
import type { IsingModel } from './lattice'
import { createRng } from './rng'
import { checkAlgorithm, checkTemperature, makeUpdate, startState, type Algorithm } from './simulate'
import { autocorrelationTime, binnedMean, jackknife, type AutocorrelationTime, type Estimate } from './stats'

/** Side L and dimension d of a periodic hypercubic model with equal sides, or a typed error. */
function hypercubic(op: string, model: IsingModel): { L: number; d: number } {
  const ok =
    (model.lattice === 'square' || model.lattice === 'cubic') &&
    model.boundary === 'periodic' &&
    model.shape.every((s) => s === model.shape[0])
  if (!ok) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must be a periodic square or cubic lattice with equal sides, got ${model.boundary} ${model.lattice} ${model.shape.join('×')}`,
    )
  }
  return { L: model.shape[0], d: model.shape.length }
}

/**
 * Site index steps of one lattice step along each axis, and each site's coordinates (internal).
 */
function geometry(L: number, d: number, n: number): { coords: Int32Array; strides: number[] } {
  const strides = d === 2 ? [1, L] : [1, L, L * L]
  const coords = new Int32Array(n * d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) coords[i * d + a] = Math.floor(i / strides[a]) % L
  return { coords, strides }
}

function checkSpins(op: string, model: IsingModel, spins: Int8Array): void {
  if (!(spins instanceof Int8Array) || spins.length !== model.size) {
    throw new InvalidArgumentError(
      op,
      'spins',
      `must be an Int8Array of length ${model.size}, got ${String(spins?.length)}`,
    )
  }
}

/** Per-configuration correlation measurements on one hypercubic model (internal, allocation-free). */
function correlationMeter(
  op: string,
  model: IsingModel,
): (spins: Int8Array, G: Float64Array) => { chi0: number; chiK: number } {
  const { L, d } = hypercubic(op, model)
  const n = model.size
  const R = Math.floor(L / 2)
  const { coords, strides } = geometry(L, d, n)
  const cos = Float64Array.from({ length: L }, (_, x) => Math.cos((2 * Math.PI * x) / L))
  const sin = Float64Array.from({ length: L }, (_, x) => Math.sin((2 * Math.PI * x) / L))
  const re = new Float64Array(d)
  const im = new Float64Array(d)
  return (spins, G) => {
    G.fill(0)
    re.fill(0)
    im.fill(0)
    let M = 0
    for (let i = 0; i < n; i++) {
      const s = spins[i]
      M += s
      for (let a = 0; a < d; a++) {
        const x = coords[i * d + a]
        re[a] += s * cos[x]
        im[a] += s * sin[x]
        // the site r steps further along axis a, wrapping around the torus
        const base = i - x * strides[a]
        for (let r = 0; r <= R; r++) G[r] += s * spins[base + ((x + r) % L) * strides[a]]
      }
    }
    for (let r = 0; r <= R; r++) G[r] /= n * d
    let chiK = 0
    for (let a = 0; a < d; a++) chiK += re[a] * re[a] + im[a] * im[a]
    return { chi0: (M * M) / n, chiK: chiK / (d * n) }
  }
}

/**
 * The spin-spin correlation function of one configuration on a periodic square or cubic
 * lattice, along the axes and averaged over sites and axes:
 * `G(r) = (1/(N d)) Σ_i Σ_a s_i s_{i + r e_a}`, r = 0 … ⌊L/2⌋ (G(0) = 1). Its thermal average
 * at h = 0 is <s_0 s_r> (not connected: <s> = 0 by symmetry on a finite lattice).
 *
 * @param model - a periodic `squareLattice(L)` or `cubicLattice(L)`
 * @param spins - ±1 spins
 * @returns G(r), length ⌊L/2⌋ + 1
 * @throws InvalidArgumentError for another lattice, open boundaries, unequal sides or bad spins
 * @example
 * ```ts
 * spinCorrelation(squareLattice(4), allUp(squareLattice(4))) // [1, 1, 1]
 * ```
 */
export function spinCorrelation(model: IsingModel, spins: Int8Array): Float64Array {
  const meter = correlationMeter('spinCorrelation', model)
  checkSpins('spinCorrelation', model, spins)
  const G = new Float64Array(Math.floor(model.shape[0] / 2) + 1)
  meter(spins, G)
  return G
}

/**
 * The Fourier-mode susceptibilities of one configuration (per `T`, i.e. without the β):
 * `χ(0) = M²/N` and `χ(k_min) = (1/d) Σ_a |Σ_j s_j e^{i k x_{j,a}}|²/N`, k = 2π/L, averaged
 * over the d axes — the inputs of the second-moment correlation length.
 *
 * @param model - a periodic `squareLattice(L)` or `cubicLattice(L)`
 * @param spins - ±1 spins
 * @returns `{ chi0, chiK }`
 * @throws InvalidArgumentError for another lattice or bad spins
 * @example
 * ```ts
 * fourierSusceptibility(squareLattice(4), allUp(squareLattice(4))) // { chi0: 16, chiK: 0 }
 * ```
 */
export function fourierSusceptibility(model: IsingModel, spins: Int8Array): { chi0: number; chiK: number } {
  const meter = correlationMeter('fourierSusceptibility', model)
  checkSpins('fourierSusceptibility', model, spins)
  return meter(spins, new Float64Array(Math.floor(model.shape[0] / 2) + 1))
}

/**
 * The second-moment correlation length from the mean Fourier susceptibilities (Cooper, Freedman
 * & Preston 1982; Caracciolo et al. 1993): `ξ = √(χ(0)/χ(k_min) − 1) / (2 sin(π/L))`. A ratio
 * below 1 (possible from noise at very high T) gives 0.
 *
 * @param chi0 - <χ(0)>
 * @param chiK - <χ(k_min)>, > 0
 * @param L - the side
 * @returns ξ in lattice units
 * @example
 * ```ts
 * secondMomentLength(4, 1, 16) // √3 / (2 sin(π/16))
 * ```
 */
export function secondMomentLength(chi0: number, chiK: number, L: number): number {
  return Math.sqrt(Math.max(0, chi0 / chiK - 1)) / (2 * Math.sin(Math.PI / L))
}

/** Options of {@link correlationLength}. */
export interface CorrelationOptions {
  /** Temperature T > 0. */
  temperature: number
  /** Key of the run. */
  key: Key
  /** Measurements (configurations), >= 32. */
  sweeps: number
  /** Updates between measurements (default 1; for Wolff, cluster steps). */
  updatesPerMeasurement?: number
  /** Updates discarded first (default sweeps / 10 × updatesPerMeasurement). */
  thermalisation?: number
  /** The update (default `wolff`; `kawasaki` is refused). */
  algorithm?: Algorithm
  /** Start state (default `cold`). */
  start?: 'cold' | 'hot' | Int8Array
  /** Jackknife bins (default 32). */
  bins?: number
}

/** Result of {@link correlationLength}. */
export interface CorrelationResult {
  /** Temperature T. */
  readonly temperature: number
  /** Number of configurations measured. */
  readonly samples: number
  /** <G(r)>, r = 0 … ⌊L/2⌋, with binning errors. */
  readonly G: readonly Estimate[]
  /** <χ(0)> = <M²>/N. */
  readonly chi0: Estimate
  /** <χ(k_min)>. */
  readonly chiK: Estimate
  /** Second-moment correlation length with a jackknife error over configurations. */
  readonly xi: Estimate
  /** τ_int of χ(0), in measurements. */
  readonly tauChi0: AutocorrelationTime
}

/**
 * Measures the correlation function G(r) and the second-moment correlation length
 * `ξ = √(<χ(0)>/<χ(k_min)> − 1) / (2 sin(π/L))` (jackknife error over configurations) by a
 * Markov chain at temperature T on a periodic square or cubic lattice.
 *
 * @param model - a periodic `squareLattice(L)` or `cubicLattice(L)`
 * @param options - temperature, key, sweeps, updatesPerMeasurement, thermalisation, algorithm, start, bins
 * @returns G(r), χ(0), χ(k_min) and ξ with error bars
 * @throws InvalidArgumentError for another lattice, or a bad temperature, sweeps, algorithm or start
 * @example
 * ```ts
 * const r = correlationLength(squareLattice(32), { temperature: 2.5, key: key(1), sweeps: 5000 })
 * r.xi // { value: 3.…, error: 0.0… }
 * ```
 */
export function correlationLength(model: IsingModel, options: CorrelationOptions): CorrelationResult {
  const op = 'correlationLength'
  checkOptions(op, options)
  const meter = correlationMeter(op, model)
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
  const algorithm = checkAlgorithm(op, options.algorithm ?? 'wolff')
  if (algorithm === 'kawasaki') {
    throw new InvalidArgumentError(op, 'algorithm', "must not be 'kawasaki' (fixed M), got 'kawasaki'")
  }
  const bins = options.bins ?? 32
  const L = model.shape[0]
  const R = Math.floor(L / 2)
  const [kStart, kRun] = split(options.key, 2)
  const spins = startState(op, model, options.start, kStart)
  const update = makeUpdate(model, spins, { algorithm, beta: 1 / T, rng: createRng(kRun) })
  for (let t = 0; t < therm; t++) update()
  const Gs = Array.from({ length: R + 1 }, () => new Float64Array(sweeps))
  const c0 = new Float64Array(sweeps)
  const ck = new Float64Array(sweeps)
  const G = new Float64Array(R + 1)
  for (let t = 0; t < sweeps; t++) {
    for (let u = 0; u < every; u++) update()
    const f = meter(spins, G)
    c0[t] = f.chi0
    ck[t] = f.chiK
    for (let r = 0; r <= R; r++) Gs[r][t] = G[r]
  }
  return {
    temperature: T,
    samples: sweeps,
    G: Gs.map((g) => binnedMean(g, bins)),
    chi0: binnedMean(c0, bins),
    chiK: binnedMean(ck, bins),
    xi: jackknife([c0, ck], ([a, b]) => secondMomentLength(a, b, L), bins),
    tauChi0: autocorrelationTime(c0),
  }
}
