import { InvalidArgumentError, randomBits, type Key } from '@gen/core-tensor'
import type { IsingModel } from './lattice'

/** Checks that `spins` is an Int8Array of ±1 with one entry per site. */
export function checkSpins(op: string, model: IsingModel, spins: Int8Array): void {
  if (!(spins instanceof Int8Array) || spins.length !== model.size) {
    const got = spins instanceof Int8Array ? `length ${spins.length}` : typeof spins
    throw new InvalidArgumentError(op, 'spins', `must be an Int8Array of length ${model.size}, got ${got}`)
  }
  for (let i = 0; i < spins.length; i++) {
    const s = spins[i]
    if (s !== 1 && s !== -1)
      throw new InvalidArgumentError(op, 'spins', `must hold only +1 and -1, got ${s} at ${i}`)
  }
}

/**
 * Total energy `E = -Σ_b J_b s_i s_j - h Σ_i s_i`, each bond once and the field once (H6).
 *
 * @param model - the model
 * @param spins - ±1 spins, length N
 * @returns E (all-up 4×4 torus: −32; with h = 0.5: −40)
 * @throws InvalidArgumentError when spins has the wrong length or a value other than ±1
 * @example
 * ```ts
 * energy(squareLattice(4), allUp(squareLattice(4))) // -32
 * ```
 */
export function energy(model: IsingModel, spins: Int8Array): number {
  checkSpins('energy', model, spins)
  return bondEnergy(model, spins) - model.field * magnetisation(model, spins)
}

/** `-Σ_b J_b s_i s_j` without validation (internal hot path). */
export function bondEnergy(model: IsingModel, spins: Int8Array): number {
  const { bondI, bondJ, bondCoupling } = model
  let e = 0
  for (let b = 0; b < bondI.length; b++) e -= bondCoupling[b] * spins[bondI[b]] * spins[bondJ[b]]
  return e
}

/**
 * Total magnetisation `M = Σ_i s_i`.
 *
 * @param model - the model
 * @param spins - ±1 spins
 * @returns M, an integer in [−N, N]
 * @example
 * ```ts
 * magnetisation(squareLattice(4), allUp(squareLattice(4))) // 16
 * ```
 */
export function magnetisation(model: IsingModel, spins: Int8Array): number {
  let m = 0
  for (let i = 0; i < model.size; i++) m += spins[i]
  return m
}

/**
 * Energy change of flipping spin i: `ΔE = 2 s_i (Σ_j J_ij s_j + h)`.
 *
 * @param model - the model
 * @param spins - ±1 spins
 * @param site - the site, an integer in [0, N)
 * @returns E(flipped) − E(original)
 * @throws InvalidArgumentError when site is out of range
 * @example
 * ```ts
 * deltaEnergy(squareLattice(4), allUp(squareLattice(4)), 0) // 8
 * ```
 */
export function deltaEnergy(model: IsingModel, spins: Int8Array, site: number): number {
  if (!Number.isInteger(site) || site < 0 || site >= model.size) {
    throw new InvalidArgumentError(
      'deltaEnergy',
      'site',
      `must be an integer in [0, ${model.size}), got ${site}`,
    )
  }
  return 2 * spins[site] * localField(model, spins, site)
}

/** `Σ_j J_ij s_j + h` at site i (internal). */
export function localField(model: IsingModel, spins: Int8Array, site: number): number {
  const { offsets, neighbours, couplings } = model
  let f = model.field
  for (let k = offsets[site]; k < offsets[site + 1]; k++) f += couplings[k] * spins[neighbours[k]]
  return f
}

/**
 * The all-up configuration, s_i = +1.
 *
 * @param model - the model
 * @returns a new Int8Array of N ones
 * @example
 * ```ts
 * const s = allUp(squareLattice(8))
 * ```
 */
export function allUp(model: IsingModel): Int8Array {
  return new Int8Array(model.size).fill(1)
}

/**
 * The Néel (checkerboard) state of a square or cubic lattice: s = (−1)^(x+y(+z)).
 *
 * @param model - a square or cubic model
 * @returns a new Int8Array
 * @throws InvalidArgumentError for other lattices
 * @example
 * ```ts
 * energy(squareLattice(4), neelState(squareLattice(4))) // +32
 * ```
 */
export function neelState(model: IsingModel): Int8Array {
  if (model.lattice !== 'square' && model.lattice !== 'cubic') {
    throw new InvalidArgumentError(
      'neelState',
      'model',
      `must be a square or cubic lattice, got ${model.lattice}`,
    )
  }
  const [Lx, Ly] = model.shape
  const out = new Int8Array(model.size)
  for (let i = 0; i < model.size; i++) {
    const x = i % Lx
    const y = Math.floor(i / Lx) % Ly
    const z = Math.floor(i / (Lx * Ly))
    out[i] = (x + y + z) % 2 === 0 ? 1 : -1
  }
  return out
}

/**
 * Independent uniformly random spins (the T = ∞ state), one random bit per spin from the key.
 *
 * @param model - the model
 * @param k - a core-tensor key
 * @returns a new Int8Array of ±1
 * @example
 * ```ts
 * const s = randomSpins(squareLattice(16), key(1))
 * ```
 */
export function randomSpins(model: IsingModel, k: Key): Int8Array {
  const words = randomBits(k, Math.ceil(model.size / 32))
  const out = new Int8Array(model.size)
  for (let i = 0; i < model.size; i++) out[i] = (words[i >>> 5] >>> (i & 31)) & 1 ? 1 : -1
  return out
}
