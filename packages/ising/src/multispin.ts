import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import type { IsingModel } from './lattice'
import { Xoshiro128 } from './rng'

/**
 * A ±1 spin configuration of a periodic square (L × L) or simple cubic (L³) ferromagnet stored
 * 32 spins per 32-bit word, for {@link multiSpinSweep} (multi-spin coding, Jacobs & Rebbi 1981;
 * Zorn, Herrmann & Rebbi 1981).
 *
 * Layout ("strips"): with `H = L/32`, the last axis (y in 2-D, z in 3-D) is cut into 32 strips of
 * H rows; bit b of a word holds the spin whose last coordinate is `b·H + r` (r in [0, H)). The word
 * of `(x, r)` in 2-D is `words[r·L + x]`, of `(x, y, r)` in 3-D `words[(r·L + y)·L + x]`, so the
 * neighbours of all 32 spins along x (and y in 3-D) are whole words, and along the strip axis whole
 * words or, across a strip edge, a word rotated by one bit. A set bit is a down spin (s = −1), so
 * the all-up state is all zeros.
 */
export interface PackedSpins {
  /** 2 (square lattice) or 3 (simple cubic). */
  readonly dimension: 2 | 3
  /** Side length, a multiple of 32. */
  readonly L: number
  /** Rows per strip, `L/32`. */
  readonly rows: number
  /** Number of spins N = L^d. */
  readonly size: number
  /** The ferromagnetic coupling J > 0 of every bond. */
  readonly J: number
  /** `N/32` words; bit set = spin down. Changed in place by the sweeps. */
  readonly words: Int32Array
}

/** Options of {@link multiSpinSweep}. */
export interface MultiSpinSweepOptions {
  /** Inverse temperature β = 1/T, finite and > 0 (β = 0 is refused: fixed-order Metropolis is not ergodic there, F7). */
  beta: number
  /** The generator (xoshiro128**, every bit of every word is consumed), advanced in place. */
  rng: Xoshiro128
  /** Number of sweeps (default 1). */
  sweeps?: number
  /**
   * When given (a Float64Array of length `2(2d + 1)`), proposal and acceptance counts are added per
   * number k of anti-aligned neighbours: `counts[2k]` proposals, `counts[2k + 1]` accepted flips,
   * where `ΔE = 2J(2d − 2k)`. Slower (counted lane by lane); for testing.
   */
  counts?: Float64Array
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

function checkModel(op: string, model: IsingModel): 2 | 3 {
  const kind = model.lattice
  if (kind !== 'square' && kind !== 'cubic') {
    throw new InvalidArgumentError(op, 'model', `must be a square or cubic lattice, got ${kind}`)
  }
  const dim = kind === 'square' ? 2 : 3
  const L = model.shape[0]
  if (model.shape.some((s) => s !== L) || L % 32 !== 0) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must have all sides equal to one multiple of 32, got shape [${model.shape.join(', ')}]`,
    )
  }
  if (model.boundary !== 'periodic') {
    throw new InvalidArgumentError(op, 'model', `must have periodic boundaries, got ${model.boundary}`)
  }
  if (model.field !== 0) throw new InvalidArgumentError(op, 'model', `must have h = 0, got ${model.field}`)
  const J = model.uniformCoupling
  if (J === null || !(J > 0)) {
    throw new InvalidArgumentError(op, 'model', `must have one coupling J > 0, got ${String(J)}`)
  }
  return dim
}

/** Site index of the spin held by bit b of word q (2-D and 3-D strip layouts). */
function siteOf(layout: { dim: 2 | 3; L: number; H: number }, q: number, b: number): number {
  const { dim, L, H } = layout
  const plane = dim === 2 ? L : L * L // words per strip row
  const r = Math.floor(q / plane)
  const rest = q - r * plane
  return (b * H + r) * plane + rest
}

/**
 * Packs ±1 spins (the package's `Int8Array`, site order of {@link squareLattice} or
 * {@link cubicLattice}) into the multi-spin layout of {@link PackedSpins}.
 *
 * @param model - a periodic `squareLattice(L)` or `cubicLattice(L)`, L a multiple of 32, h = 0, uniform J > 0
 * @param spins - ±1 spins, length N
 * @returns the packed state (N/32 words)
 * @throws InvalidArgumentError for another model, or spins of the wrong length or with a value other than ±1
 * @example
 * ```ts
 * const model = squareLattice(64)
 * const packed = packSpins(model, randomSpins(model, key(1)))
 * packed.words.length // 128
 * ```
 */
export function packSpins(model: IsingModel, spins: Int8Array): PackedSpins {
  const op = 'packSpins'
  const dim = checkModel(op, model)
  if (!(spins instanceof Int8Array) || spins.length !== model.size) {
    const got = spins instanceof Int8Array ? `length ${spins.length}` : typeof spins
    throw new InvalidArgumentError(op, 'spins', `must be an Int8Array of length ${model.size}, got ${got}`)
  }
  const L = model.shape[0]
  const H = L / 32
  const words = new Int32Array(model.size / 32)
  const layout = { dim, L, H }
  for (let q = 0; q < words.length; q++) {
    let w = 0
    for (let b = 0; b < 32; b++) {
      const i = siteOf(layout, q, b)
      const s = spins[i]
      if (s === -1) w |= 1 << b
      else if (s !== 1)
        throw new InvalidArgumentError(op, 'spins', `must hold only +1 and -1, got ${s} at ${i}`)
    }
    words[q] = w
  }
  return { dimension: dim, L, rows: H, size: model.size, J: model.uniformCoupling!, words }
}

function checkPacked(op: string, packed: PackedSpins): void {
  const ok =
    typeof packed === 'object' &&
    packed !== null &&
    (packed.dimension === 2 || packed.dimension === 3) &&
    Number.isSafeInteger(packed.L) &&
    packed.L >= 32 &&
    packed.L % 32 === 0 &&
    packed.rows === packed.L / 32 &&
    packed.size === packed.L ** packed.dimension &&
    packed.words instanceof Int32Array &&
    packed.words.length === packed.size / 32 &&
    packed.J > 0 &&
    Number.isFinite(packed.J)
  if (!ok) {
    throw new InvalidArgumentError(op, 'packed', `must be a state made by packSpins, got ${describe(packed)}`)
  }
}

function describe(packed: PackedSpins): string {
  if (typeof packed !== 'object' || packed === null) return String(packed)
  return `dimension ${String(packed.dimension)}, L ${String(packed.L)}, ${String(packed.words?.length)} words`
}

/**
 * Unpacks a {@link PackedSpins} state into ±1 spins in the site order of the lattice constructors
 * (the inverse of {@link packSpins}).
 *
 * @param packed - a state made by {@link packSpins}
 * @returns a new Int8Array of length N
 * @throws InvalidArgumentError when packed is not a packed state
 * @example
 * ```ts
 * const spins = unpackSpins(packSpins(model, s)) // equal to s
 * ```
 */
export function unpackSpins(packed: PackedSpins): Int8Array {
  checkPacked('unpackSpins', packed)
  const { dimension: dim, L, rows: H, words } = packed
  const out = new Int8Array(packed.size)
  const layout = { dim, L, H }
  for (let q = 0; q < words.length; q++) {
    const w = words[q]
    for (let b = 0; b < 32; b++) out[siteOf(layout, q, b)] = (w >>> b) & 1 ? -1 : 1
  }
  return out
}

/**
 * Total magnetisation `M = Σ_i s_i = N − 2·(number of down spins)` of a packed state, by popcount.
 *
 * @param packed - a state made by {@link packSpins}
 * @returns M, an integer in [−N, N]
 * @throws InvalidArgumentError when packed is not a packed state
 * @example
 * ```ts
 * packedMagnetisation(packSpins(model, allUp(model))) // N
 * ```
 */
export function packedMagnetisation(packed: PackedSpins): number {
  checkPacked('packedMagnetisation', packed)
  const w = packed.words
  let down = 0
  for (let q = 0; q < w.length; q++) down += popcount(w[q])
  return packed.size - 2 * down
}

/**
 * Total energy `E = −J Σ_<ij> s_i s_j = −J (dN − 2·A)` of a packed state (h = 0, each of the dN
 * bonds once), where A, the number of anti-aligned bonds, is the popcount of the XOR of each word
 * with its +x, +y (and +z) neighbour word. Equals {@link energy} of the unpacked spins.
 *
 * @param packed - a state made by {@link packSpins}
 * @returns E (all-up L × L torus: −2JN)
 * @throws InvalidArgumentError when packed is not a packed state
 * @example
 * ```ts
 * packedEnergy(packSpins(squareLattice(32), allUp(squareLattice(32)))) // -2048
 * ```
 */
export function packedEnergy(packed: PackedSpins): number {
  checkPacked('packedEnergy', packed)
  const { dimension: dim, L, rows: H, words: w } = packed
  const plane = dim === 2 ? L : L * L
  let anti = 0
  for (let r = 0; r < H; r++) {
    const base = r * plane
    const next = r === H - 1 ? 0 : base + plane
    for (let q = 0; q < plane; q++) {
      const s = w[base + q]
      const x = q % L
      anti += popcount(s ^ w[base + (x === L - 1 ? q - x : q + 1)])
      if (dim === 3) {
        const y = (q - x) / L
        anti += popcount(s ^ w[base + (y === L - 1 ? x : q + L)])
      }
      let d = w[next + q]
      if (r === H - 1) d = (d >>> 1) | (d << 31)
      anti += popcount(s ^ d)
    }
  }
  return -packed.J * (dim * packed.size - 2 * anti)
}

/**
 * The binary digits of p as 0 / −1 masks, `digits[j]` for 2^−(j+1), up to the last 1 digit
 * (a double in [0, 1) is a dyadic rational, so the expansion is finite and exact).
 */
export function bernoulliDigits(p: number): Int32Array {
  const digits: number[] = []
  let x = p
  let last = 0
  while (x > 0) {
    x *= 2
    const d = x >= 1 ? 1 : 0
    x -= d
    digits.push(-d)
    if (d) last = digits.length
  }
  return Int32Array.from(digits.slice(0, last))
}

/**
 * The digit rows of several thresholds, each zero-padded to one common length `nd >= minLength`
 * (zero digits past the last 1 keep deciding lanes as rejected, so padding is exact):
 * row c is `out[c·nd .. (c+1)·nd)`.
 */
export function thresholdDigits(ps: readonly number[], minLength: number): Int32Array {
  const rows = ps.map(bernoulliDigits)
  const nd = Math.max(minLength, ...rows.map((r) => r.length))
  const out = new Int32Array(rows.length * nd)
  rows.forEach((r, c) => out.set(r, c * nd))
  return out
}

/** The arguments of a sweep kernel: a packed state's words and shape, digits, generator state. */
export interface KernelJob {
  /** The packed words, changed in place. */
  words: Int32Array
  /** Side length. */
  L: number
  /** Rows per strip, L/32. */
  rows: number
  /** Threshold digit rows (see the kernels). */
  digits: Int32Array
  /** The four xoshiro128** state words, advanced in place. */
  state: Uint32Array
  /** Number of sweeps. */
  sweeps: number
  /** Per-class proposal/acceptance counts, or null. */
  counts: Float64Array | null
}

/**
 * The 2-D strip-layout checkerboard Metropolis kernel. Self-contained (no outer references) so
 * that the worker threads of `@gen/ising/node` can run its source text.
 *
 * Per word: a_i = s XOR neighbour_i marks anti-aligned neighbours; k = Σ a_i is known through
 * ge1 = (k ≥ 1), ge2 = (k ≥ 2). ΔE = 2J(4 − 2k): k ≥ 2 flips; a lane with k = 1 flips with
 * p = e^{−4βJ}, one with k = 0 with p² = e^{−8βJ}. Every such lane compares a uniform
 * U = 0.u1u2… (bit j from random word j) with the binary digits of its own threshold, most
 * significant first (U < p exactly when, at the first digit where they differ, p has the 1):
 * an exact Bernoulli draw. The first 8 words are drawn unconditionally (straight-line code, no
 * branch), then more only while a lane is still undecided (probability about lanes·2^−8).
 */
export function multiSpinKernel2d(job: KernelJob): void {
  const { words: w, L, rows: H, digits: dig, state: st, sweeps, counts } = job
  let s0 = st[0] | 0
  let s1 = st[1] | 0
  let s2 = st[2] | 0
  let s3 = st[3] | 0
  // dig holds two rows of nd >= 8 digit masks: p = e^{-4βJ} (the k = 1 threshold), then the
  // XOR of p's and p^2's digits, so that lanes with k = 0 compare against p^2 = e^{-8βJ}.
  const nd = dig.length >> 1
  const dA0 = dig[0]
  const dA1 = dig[1]
  const dA2 = dig[2]
  const dA3 = dig[3]
  const dA4 = dig[4]
  const dA5 = dig[5]
  const dA6 = dig[6]
  const dA7 = dig[7]
  const dX0 = dig[nd]
  const dX1 = dig[nd + 1]
  const dX2 = dig[nd + 2]
  const dX3 = dig[nd + 3]
  const dX4 = dig[nd + 4]
  const dX5 = dig[nd + 5]
  const dX6 = dig[nd + 6]
  const dX7 = dig[nd + 7]
  // Bits b with b·H odd: a word holds both colours when H is odd.
  const P = (H & 1) === 1 ? 0xaaaaaaaa | 0 : 0
  const step = P === 0 ? 2 : 1
  const last = (H - 1) * L
  for (let t = 0; t < sweeps; t++) {
    for (let c = 0; c < 2; c++) {
      for (let r = 0; r < H; r++) {
        const row = r * L
        const upRow = r === 0 ? last : row - L
        const dnRow = r === H - 1 ? 0 : row + L
        const rotUp = r === 0
        const rotDn = r === H - 1
        for (let x = P === 0 ? (r + c) & 1 : 0; x < L; x += step) {
          const m = ((x + r + c) & 1) === 0 ? ~P : P
          const s = w[row + x]
          let u = w[upRow + x]
          if (rotUp) u = (u << 1) | (u >>> 31)
          let d = w[dnRow + x]
          if (rotDn) d = (d >>> 1) | (d << 31)
          const a1 = s ^ w[row + (x === 0 ? L - 1 : x - 1)]
          const a2 = s ^ w[row + (x === L - 1 ? 0 : x + 1)]
          const a3 = s ^ u
          const a4 = s ^ d
          const ge1 = a1 | a2 | a3 | a4
          const ge2 = (a1 & a2) | (a3 & a4) | ((a1 ^ a2) & (a3 ^ a4))
          // One comparison for every lane with k <= 1, each against its own threshold:
          // p = e^{-4βJ} where k = 1, p^2 = e^{-8βJ} where k = 0 (e0).
          const e1 = ge1 & ~ge2 & m
          const e0 = ~ge1 & m
          let und = e1 | e0
          let acc = 0
          // The first 8 steps unrolled (digits in locals; a step where both thresholds have a 0
          // digit only rejects, a branch on a per-call constant), then lazily while a lane is undecided.
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA0 | dX0) === 0) {
              und &= ~rnd
            } else {
              const dj = dA0 ^ (dX0 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA1 | dX1) === 0) {
              und &= ~rnd
            } else {
              const dj = dA1 ^ (dX1 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA2 | dX2) === 0) {
              und &= ~rnd
            } else {
              const dj = dA2 ^ (dX2 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA3 | dX3) === 0) {
              und &= ~rnd
            } else {
              const dj = dA3 ^ (dX3 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA4 | dX4) === 0) {
              und &= ~rnd
            } else {
              const dj = dA4 ^ (dX4 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA5 | dX5) === 0) {
              und &= ~rnd
            } else {
              const dj = dA5 ^ (dX5 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA6 | dX6) === 0) {
              und &= ~rnd
            } else {
              const dj = dA6 ^ (dX6 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            if ((dA7 | dX7) === 0) {
              und &= ~rnd
            } else {
              const dj = dA7 ^ (dX7 & e0)
              const v = rnd ^ dj
              acc |= und & v & dj
              und &= ~v
            }
          }
          for (let j = 8; und !== 0 && j < nd; j++) {
            const q = Math.imul(s1, 5)
            const rnd = Math.imul((q << 7) | (q >>> 25), 9)
            const tt = s1 << 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tt
            s3 = (s3 << 11) | (s3 >>> 21)
            const dj = dig[j] ^ (dig[j + nd] & e0)
            const v = rnd ^ dj
            acc |= und & v & dj
            und &= ~v
          }
          const flip = (ge2 & m) | acc
          w[row + x] = s ^ flip
          if (counts !== null) {
            for (let b = 0; b < 32; b++) {
              if (((m >>> b) & 1) === 0) continue
              const k = ((a1 >>> b) & 1) + ((a2 >>> b) & 1) + ((a3 >>> b) & 1) + ((a4 >>> b) & 1)
              counts[2 * k]++
              counts[2 * k + 1] += (flip >>> b) & 1
            }
          }
        }
      }
    }
  }
  st[0] = s0
  st[1] = s1
  st[2] = s2
  st[3] = s3
}

/**
 * The 3-D strip-layout checkerboard Metropolis kernel (self-contained, as the 2-D one). Six
 * anti-aligned marks are summed bit-sliced into k = 4k2 + 2k1 + k0; ΔE = 2J(6 − 2k): k ≥ 3 flips,
 * k = 2, 1, 0 flip with e^{−4βJ}, e^{−8βJ}, e^{−12βJ}, by the same digit comparison as in 2-D
 * (here drawn lazily from the first word on).
 */
export function multiSpinKernel3d(job: KernelJob): void {
  const { words: w, L, rows: H, digits: dig, state: st, sweeps, counts } = job
  let s0 = st[0] | 0
  let s1 = st[1] | 0
  let s2 = st[2] | 0
  let s3 = st[3] | 0
  // dig holds one digit row per class (k = 2, 1, 0), each nd >= FIXED long.
  const nd = (dig.length / 3) | 0
  const FIXED = 4
  const P = (H & 1) === 1 ? 0xaaaaaaaa | 0 : 0
  const step = P === 0 ? 2 : 1
  const plane = L * L
  const last = (H - 1) * plane
  for (let t = 0; t < sweeps; t++) {
    for (let c = 0; c < 2; c++) {
      for (let r = 0; r < H; r++) {
        const base = r * plane
        const upBase = r === 0 ? last : base - plane
        const dnBase = r === H - 1 ? 0 : base + plane
        const rotUp = r === 0
        const rotDn = r === H - 1
        for (let y = 0; y < L; y++) {
          const row = base + y * L
          const rowN = base + (y === 0 ? L - 1 : y - 1) * L
          const rowS = base + (y === L - 1 ? 0 : y + 1) * L
          const off = y * L
          for (let x = P === 0 ? (r + y + c) & 1 : 0; x < L; x += step) {
            const m = ((x + y + r + c) & 1) === 0 ? ~P : P
            const s = w[row + x]
            let u = w[upBase + off + x]
            if (rotUp) u = (u << 1) | (u >>> 31)
            let d = w[dnBase + off + x]
            if (rotDn) d = (d >>> 1) | (d << 31)
            const a1 = s ^ w[row + (x === 0 ? L - 1 : x - 1)]
            const a2 = s ^ w[row + (x === L - 1 ? 0 : x + 1)]
            const a3 = s ^ w[rowN + x]
            const a4 = s ^ w[rowS + x]
            const a5 = s ^ u
            const a6 = s ^ d
            // Two full adders, then the sum of their outputs.
            const sa = a1 ^ a2 ^ a3
            const ca = (a1 & a2) | (a3 & (a1 ^ a2))
            const sb = a4 ^ a5 ^ a6
            const cb = (a4 & a5) | (a6 & (a4 ^ a5))
            const k0 = sa ^ sb
            const c0 = sa & sb
            const k1 = ca ^ cb ^ c0
            const k2 = (ca & cb) | (c0 & (ca ^ cb))
            const ge3 = k2 | (k1 & k0)
            // One comparison for the lanes with k <= 2 against p, p^2, p^3 (k = 2, 1, 0).
            const e2 = ~k2 & k1 & ~k0 & m
            const e1 = ~k2 & ~k1 & k0 & m
            const e0 = ~(k2 | k1 | k0) & m
            let und = e2 | e1 | e0
            let acc = 0
            for (let j = 0; j < nd; j++) {
              if (j >= FIXED && und === 0) break
              const q = Math.imul(s1, 5)
              const rnd = Math.imul((q << 7) | (q >>> 25), 9)
              const tt = s1 << 9
              s2 ^= s0
              s3 ^= s1
              s1 ^= s2
              s0 ^= s3
              s2 ^= tt
              s3 = (s3 << 11) | (s3 >>> 21)
              const dj = (e2 & dig[j]) | (e1 & dig[j + nd]) | (e0 & dig[j + 2 * nd])
              acc |= und & ~rnd & dj
              und &= ~(rnd ^ dj)
            }
            const flip = (ge3 & m) | acc
            w[row + x] = s ^ flip
            if (counts !== null) {
              for (let b = 0; b < 32; b++) {
                if (((m >>> b) & 1) === 0) continue
                let k = 0
                k += ((a1 >>> b) & 1) + ((a2 >>> b) & 1) + ((a3 >>> b) & 1)
                k += ((a4 >>> b) & 1) + ((a5 >>> b) & 1) + ((a6 >>> b) & 1)
                counts[2 * k]++
                counts[2 * k + 1] += (flip >>> b) & 1
              }
            }
          }
        }
      }
    }
  }
  st[0] = s0
  st[1] = s1
  st[2] = s2
  st[3] = s3
}

/** Validates the sweep options; returns the digits of p = e^{−4βJ} and the sweep count. */
export function checkMultiSpinOptions(
  op: string,
  packed: PackedSpins,
  options: MultiSpinSweepOptions,
): { digits: Int32Array; sweeps: number } {
  checkPacked(op, packed)
  const { beta, rng } = options
  if (typeof beta !== 'number' || !(beta > 0) || !Number.isFinite(beta)) {
    throw new InvalidArgumentError(
      op,
      'beta',
      `must be a finite number > 0 (a fixed-order Metropolis sweep at beta = 0 flips every spin and is not ergodic), got ${beta}`,
    )
  }
  if (!(rng instanceof Xoshiro128)) {
    throw new InvalidArgumentError(op, 'rng', `must be a generator made by createRng(key), got ${typeof rng}`)
  }
  const sweeps = options.sweeps ?? 1
  if (!Number.isSafeInteger(sweeps) || sweeps < 0) {
    throw new InvalidArgumentError(op, 'sweeps', `must be an integer >= 0, got ${sweeps}`)
  }
  const counts = options.counts
  const nc = 2 * (2 * packed.dimension + 1)
  if (counts !== undefined && (!(counts instanceof Float64Array) || counts.length !== nc)) {
    throw new InvalidArgumentError(
      op,
      'counts',
      `must be a Float64Array of length ${nc}, got ${counts instanceof Float64Array ? `length ${counts.length}` : typeof counts}`,
    )
  }
  const J = packed.J
  const cacheKey = `${packed.dimension} ${beta * J}`
  const cached = digitCache.get(cacheKey)
  if (cached !== undefined) return { digits: cached, sweeps }
  if (digitCache.size >= 64) digitCache.clear()
  const digits = makeDigits(packed.dimension, beta * J)
  digitCache.set(cacheKey, digits)
  return { digits, sweeps }
}

/** The digit rows of the kernels for one βJ (read-only once made; a few are kept). */
const digitCache = new Map<string, Int32Array>()

function makeDigits(dim: 2 | 3, betaJ: number): Int32Array {
  const p = Math.exp(-4 * betaJ)
  if (dim === 3) return thresholdDigits([p, Math.exp(-8 * betaJ), Math.exp(-12 * betaJ)], 4)
  const digits = thresholdDigits([p, Math.exp(-8 * betaJ)], 8)
  const nd = digits.length >> 1
  for (let j = 0; j < nd; j++) digits[nd + j] ^= digits[j]
  return digits
}

/**
 * Multi-spin-coded checkerboard Metropolis sweeps (Metropolis et al. 1953; multi-spin coding:
 * Jacobs & Rebbi 1981, Zorn, Herrmann & Rebbi 1981) of a packed 2-D or 3-D ±1 ferromagnet, 32
 * spins per word. Each sweep updates the even sublattice (x + y (+ z) even), then the odd one;
 * each spin flips with probability exactly `min(1, e^{−βΔE})`, `ΔE = 2J s_i Σ_j s_j`
 * ∈ {−8..8}J (2-D) or {−12..12}J (3-D), so the chain has the same stationary law as
 * {@link metropolisSweep} with the checkerboard order.
 *
 * Exact acceptance: an uphill lane (ΔE = 4nJ, n = 1, 2 in 2-D, 1..3 in 3-D) needs probability
 * e^{−4nβJ}. All such lanes of a word are decided together: lane i compares U_i = 0.u1u2… (bit i
 * of random words 1, 2, …) with the binary digits of its own threshold (the double nearest
 * e^{−4nβJ}), most significant first, and more words are drawn only while some lane is
 * undecided (2-D at Tc: about 8.2 words per 32 spins). U_i < p is decided at the first differing
 * digit, so the draw is an exact Bernoulli(p): no truncation to k bits, no bias beyond the
 * rounding of e^{−4nβJ} to a double (1e−16 relative). Every bit of every xoshiro128** word is
 * used, which is why the generator must have a non-linear scrambler (an F2-linear one is not safe here).
 *
 * @param packed - the state from {@link packSpins}, changed in place
 * @param options - β, rng, sweeps (default 1), optional per-class counts
 * @returns nothing; the words and the generator are advanced in place
 * @throws InvalidArgumentError for a bad state, β not finite and > 0, an rng not from createRng, a bad sweep count or counts array
 * @example
 * ```ts
 * const model = squareLattice(1024)
 * const packed = packSpins(model, randomSpins(model, key(1)))
 * multiSpinSweep(packed, { beta: 1 / 2.269, rng: createRng(key(2)), sweeps: 100 })
 * packedEnergy(packed) / model.size // near e(Tc) = −√2 ≈ −1.414 (from above while domains coarsen)
 * ```
 */
export function multiSpinSweep(packed: PackedSpins, options: MultiSpinSweepOptions): void {
  checkOptions('multiSpinSweep', options)
  const { digits, sweeps } = checkMultiSpinOptions('multiSpinSweep', packed, options)
  const kernel = packed.dimension === 2 ? multiSpinKernel2d : multiSpinKernel3d
  kernel({
    words: packed.words,
    L: packed.L,
    rows: packed.rows,
    digits,
    state: options.rng.state,
    sweeps,
    counts: options.counts ?? null,
  })
}
