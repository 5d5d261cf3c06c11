import { checkOptions, InvalidArgumentError, normalFloats, randomBits, type Key } from '@gen/core-tensor'
import {
  build,
  cubicLattice,
  honeycombLattice,
  squareLattice,
  triangularLattice,
  withCouplings,
  withField,
  type Boundary,
  type IsingModel,
} from './lattice'

/** How spin-glass couplings are drawn: `pm1` (±J, each sign with probability ½) or `gaussian` (normal, mean 0). */
export type CouplingDistribution = 'pm1' | 'gaussian'

/** Options of {@link edwardsAnderson}. */
export interface EdwardsAndersonOptions {
  /** The coupling distribution (default `pm1`). */
  couplings?: CouplingDistribution
  /** The key the couplings are drawn from (the same key gives the same instance). */
  key: Key
  /** Scale J: ±J, or the standard deviation of the Gaussian (default 1). */
  J?: number
  /** External field h (default: the base model's, or 0). */
  h?: number
  /** Boundary when built from a kind and side (default `periodic`). */
  boundary?: Boundary
}

/** Lattice kinds an Edwards-Anderson model can be built on from a kind and a side. */
export type SpinGlassLattice = 'square' | 'cubic' | 'triangular' | 'honeycomb'

function checkDistribution(op: string, d: unknown): CouplingDistribution {
  if (d !== 'pm1' && d !== 'gaussian') {
    throw new InvalidArgumentError(op, 'couplings', `must be 'pm1' or 'gaussian', got ${String(d)}`)
  }
  return d
}

function checkScale(op: string, J: number): void {
  if (typeof J !== 'number' || !Number.isFinite(J) || !(J > 0)) {
    throw new InvalidArgumentError(op, 'J', `must be a finite number > 0, got ${J}`)
  }
}

/**
 * `count` couplings from a key: `pm1` gives ±scale from one random bit each, `gaussian` gives
 * scale · N(0, 1) (core-tensor's keyed normal draws, float64).
 */
export function drawCouplings(
  k: Key,
  count: number,
  distribution: CouplingDistribution,
  scale: number,
): Float64Array {
  const out = new Float64Array(count)
  if (distribution === 'pm1') {
    const words = randomBits(k, Math.ceil(count / 32))
    for (let b = 0; b < count; b++) out[b] = (words[b >>> 5] >>> (b & 31)) & 1 ? scale : -scale
  } else if (count > 0) {
    const z = normalFloats(k, count, 'float64')
    for (let b = 0; b < count; b++) out[b] = scale * z[b]
  }
  return out
}

/**
 * The Edwards-Anderson spin glass (Edwards & Anderson, J. Phys. F 5, 965 (1975)):
 * `H = −Σ_<ij> J_ij s_i s_j − h Σ s_i` on a lattice's bonds, with independent couplings J_ij
 * drawn from the key: ±J with probability ½ each (`pm1`) or Gaussian of mean 0 and standard
 * deviation J (`gaussian`). Built on {@link withCouplings}, so the lattice, its colouring and
 * the bond order (bond b gets draw b) are those of the base model.
 *
 * Known ground-state energies per spin (L → ∞): 2-D ±J −1.4015(8), 2-D Gaussian ≈ −1.3148,
 * 3-D ±J ≈ −1.787 (see the oracle file).
 *
 * @param base - a model whose bonds to use; or a lattice kind (`square`, `cubic`, `triangular`,
 *   `honeycomb`) followed by its side L, as in `edwardsAnderson('square', 4, options)`
 * @param options - couplings (`pm1` default, `gaussian`), key, J (scale, default 1), h, boundary
 * @returns the spin-glass model (same `lattice` and shape as the base)
 * @throws InvalidArgumentError on an unknown kind or distribution, a scale not > 0, or a bad side
 * @example
 * ```ts
 * const ea = edwardsAnderson('square', 4, { couplings: 'pm1', key: key(7) })  // 32 bonds of ±1
 * const ea3 = edwardsAnderson(cubicLattice(4), { couplings: 'gaussian', key: key(8) })
 * ```
 */
export function edwardsAnderson(base: IsingModel, options: EdwardsAndersonOptions): IsingModel
export function edwardsAnderson(
  base: SpinGlassLattice,
  L: number,
  options: EdwardsAndersonOptions,
): IsingModel
export function edwardsAnderson(
  base: IsingModel | SpinGlassLattice,
  second: number | EdwardsAndersonOptions,
  third?: EdwardsAndersonOptions,
): IsingModel {
  const op = 'edwardsAnderson'
  const options = (typeof base === 'string' ? third : second) as EdwardsAndersonOptions
  checkOptions(op, options)
  let model: IsingModel
  if (typeof base === 'string') {
    const L = second as number
    const lattice = { boundary: options.boundary ?? 'periodic' } as const
    if (base === 'square') model = squareLattice(L, lattice)
    else if (base === 'cubic') model = cubicLattice(L, lattice)
    else if (base === 'triangular') model = triangularLattice(L, lattice)
    else if (base === 'honeycomb') model = honeycombLattice(L, lattice)
    else {
      throw new InvalidArgumentError(
        op,
        'base',
        `must be an IsingModel or one of square, cubic, triangular, honeycomb, got ${String(base)}`,
      )
    }
  } else if (base !== null && typeof base === 'object' && base.bondI instanceof Int32Array) {
    model = base
  } else {
    throw new InvalidArgumentError(op, 'base', `must be an IsingModel or a lattice kind, got ${typeof base}`)
  }
  const distribution = checkDistribution(op, options.couplings ?? 'pm1')
  const J = options.J ?? 1
  checkScale(op, J)
  const glass = withCouplings(model, drawCouplings(options.key, model.bondI.length, distribution, J))
  return options.h === undefined ? glass : withField(glass, options.h)
}

/** Options of {@link sherringtonKirkpatrick}. */
export interface SherringtonKirkpatrickOptions {
  /** The coupling distribution (default `gaussian`; `pm1` gives ±1/√N). */
  couplings?: CouplingDistribution
  /** The key the couplings are drawn from. */
  key: Key
  /** External field h (default 0). */
  h?: number
}

/** Most bonds an SK instance may have: N(N−1)/2 <= 2^23 (N <= 4096), 200 MB of bond arrays. */
const MAX_SK_BONDS = 2 ** 23

/**
 * The Sherrington-Kirkpatrick spin glass (Sherrington & Kirkpatrick, PRL 35, 1792 (1975)):
 * every pair i < j coupled, `H = −Σ_{i<j} J_ij s_i s_j − h Σ s_i`, J_ij Gaussian of mean 0 and
 * variance 1/N (or ±1/√N), drawn from the key in pair order (0,1), (0,2), …, (1,2), ….
 * Tc = 1; the Parisi ground-state energy per spin is e0 = −0.76317 (N → ∞, finite N about
 * e0 + 0.7 N^{−2/3}). Each site is its own colour class (no two sites are independent).
 *
 * @param N - number of spins, an integer >= 2 with N(N−1)/2 <= 2^23 (N <= 4096)
 * @param options - couplings (`gaussian` default, `pm1`), key, h
 * @returns the model (`lattice: 'complete'`, shape `[N]`, open boundary)
 * @throws InvalidArgumentError when N is not an integer >= 2, has too many bonds, or the distribution is unknown
 * @example
 * ```ts
 * const sk = sherringtonKirkpatrick(64, { key: key(1) }) // 2016 bonds, variance 1/64
 * ```
 */
export function sherringtonKirkpatrick(N: number, options: SherringtonKirkpatrickOptions): IsingModel {
  const op = 'sherringtonKirkpatrick'
  checkOptions(op, options)
  if (!Number.isSafeInteger(N) || N < 2) {
    throw new InvalidArgumentError(op, 'N', `must be an integer >= 2, got ${N}`)
  }
  const bonds = (N * (N - 1)) / 2
  if (bonds > MAX_SK_BONDS) {
    throw new InvalidArgumentError(
      op,
      'N',
      `must have N(N-1)/2 <= 2^23 = ${MAX_SK_BONDS} bonds (N <= 4096), got N = ${N} with ${bonds} bonds`,
    )
  }
  const distribution = checkDistribution(op, options.couplings ?? 'gaussian')
  const h = options.h ?? 0
  if (typeof h !== 'number' || !Number.isFinite(h)) {
    throw new InvalidArgumentError(op, 'h', `must be a finite number, got ${h}`)
  }
  const bi = new Int32Array(bonds)
  const bj = new Int32Array(bonds)
  let b = 0
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      bi[b] = i
      bj[b++] = j
    }
  }
  const J = drawCouplings(options.key, bonds, distribution, 1 / Math.sqrt(N))
  const classes = Array.from({ length: N }, (_, i) => Int32Array.of(i))
  return build(
    { lattice: 'complete', shape: [N], boundary: 'open', size: N, field: h, colourClasses: classes },
    bi,
    bj,
    J,
  )
}
