import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'
import { bondEnergy, localField } from '../energy'
import type { IsingModel } from '../lattice'

/** Most spins {@link enumerateGroundStates} walks through (2^30 states, a few seconds per 2^27). */
const MAX_GROUND_SPINS = 30
/** Most spins {@link enumerateStates} stores (2^24 energies: 128 MB; the overlap transform needs as much again). */
const MAX_STORED_SPINS = 24

/** Result of {@link enumerateGroundStates}. */
export interface GroundStates {
  /** The ground-state energy E0 (total, with the field). */
  readonly energy: number
  /** Number of configurations with energy E0 (both members of each flipped pair when h = 0). */
  readonly degeneracy: number
  /**
   * The ground states: at h = 0 one per pair {s, −s}, the member with the last spin up; with a
   * field, every ground state. At most `maxStates` are kept.
   */
  readonly states: readonly Int8Array[]
  /** True when h = 0, so `states` lists each pair once. */
  readonly flipSymmetric: boolean
  /** True when more than `maxStates` ground states exist and only the first were kept. */
  readonly truncated: boolean
}

/** The energy tolerance of a model: couplings summed, times 1e-9 (Gray-code sums drift by ~1e-13). */
function tolerance(model: IsingModel): number {
  let s = Math.abs(model.field) * model.size
  for (let b = 0; b < model.bondCoupling.length; b++) s += Math.abs(model.bondCoupling[b])
  return 1e-9 * Math.max(1, s)
}

/**
 * Walks all states of a model in Gray-code order (one spin flip per step,
 * `ΔE = 2 s_k (Σ_j J_kj s_j + h)`), calling `visit(E, spins)` at each. With `half`, the last
 * spin stays up (2^{N−1} states; enough when h = 0).
 */
function grayWalk(
  model: IsingModel,
  half: boolean,
  visit: (E: number, spins: Int8Array, index: number) => void,
): void {
  const n = model.size
  const free = half ? n - 1 : n
  const spins = new Int8Array(n).fill(1)
  let E = bondEnergy(model, spins) - model.field * n
  let index = 0
  visit(E, spins, 0)
  const total = 2 ** free
  for (let g = 1; g < total; g++) {
    // The bit that changes between Gray codes g−1 and g is the lowest set bit of g.
    const k = 31 - Math.clz32(g & -g)
    const s = spins[k]
    E += 2 * s * localField(model, spins, k)
    spins[k] = -s
    index ^= 1 << k
    visit(E, spins, index)
  }
}

/**
 * Exact ground states of any model (non-uniform and real couplings, any field) by Gray-code
 * enumeration of all 2^N states (2^{N−1} when h = 0, using the global flip symmetry). Energies
 * within `1e-9 Σ|J_b|` of the minimum count as degenerate; each kept state's energy is then
 * recomputed from scratch.
 *
 * A frustrated antiferromagnetic triangle (J = −1) has E0 = −1 with degeneracy 6 (3 pairs).
 *
 * @param model - any model with N <= 30
 * @param options - `maxStates`, how many ground states to keep (default 1024)
 * @returns E0, its degeneracy and the states
 * @throws InvalidArgumentError when N > 30 or maxStates is not a positive integer
 * @example
 * ```ts
 * const gs = enumerateGroundStates(edwardsAnderson('square', 4, { key: key(1) }))
 * gs.energy / 16 // about −1.4
 * ```
 */
export function enumerateGroundStates(model: IsingModel, options: { maxStates?: number } = {}): GroundStates {
  const op = 'enumerateGroundStates'
  checkOptions(op, options)
  if (model.size > MAX_GROUND_SPINS) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must have at most ${MAX_GROUND_SPINS} spins, got ${model.size}`,
    )
  }
  const maxStates = options.maxStates ?? 1024
  if (!Number.isSafeInteger(maxStates) || maxStates < 1) {
    throw new InvalidArgumentError(op, 'maxStates', `must be a positive integer, got ${maxStates}`)
  }
  const symmetric = model.field === 0
  const tol = tolerance(model)
  let best = Infinity
  let count = 0
  let kept: Int8Array[] = []
  grayWalk(model, symmetric, (E, spins) => {
    if (E < best - tol) {
      best = E
      count = 0
      kept = []
    }
    if (E <= best + tol) {
      if (E < best) best = E
      count++
      if (kept.length < maxStates) kept.push(spins.slice())
    }
  })
  // Recompute exactly: the walk's running sum has rounding drift.
  const exact = kept.map((s) => bondEnergy(model, s) - model.field * magnetisationOf(s))
  const energy = Math.min(...exact)
  return {
    energy,
    degeneracy: symmetric ? 2 * count : count,
    states: kept,
    flipSymmetric: symmetric,
    truncated: count > kept.length,
  }
}

function magnetisationOf(s: Int8Array): number {
  let m = 0
  for (let i = 0; i < s.length; i++) m += s[i]
  return m
}

/**
 * Every state's energy, from {@link enumerateStates}: `energies[x]` is the total energy of the
 * configuration with `s_k = −1` exactly where bit k of x is set (x = 0 is all up).
 */
export interface StateEnumeration {
  /** Number of spins N. */
  readonly size: number
  /** Total energy (with the field) of each of the 2^N states. */
  readonly energies: Float64Array
}

/**
 * Stores the energy of every one of the 2^N states of any model (non-uniform couplings,
 * field), by Gray-code enumeration: the input of {@link exactThermalAverages}.
 *
 * @param model - any model with N <= 24 (2^24 doubles = 128 MB)
 * @returns the energies, indexed by the down-spin bit pattern
 * @throws InvalidArgumentError when N > 24
 * @example
 * ```ts
 * const states = enumerateStates(edwardsAnderson('square', 4, { key: key(1) }))
 * exactThermalAverages(states, 1).q2
 * ```
 */
export function enumerateStates(model: IsingModel): StateEnumeration {
  const op = 'enumerateStates'
  if (model.size > MAX_STORED_SPINS) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must have at most ${MAX_STORED_SPINS} spins, got ${model.size}`,
    )
  }
  const energies = new Float64Array(2 ** model.size)
  grayWalk(model, false, (E, _s, index) => {
    energies[index] = E
  })
  return { size: model.size, energies }
}

/** Exact thermal averages of any model at one temperature (per spin; overlap between two independent replicas). */
export interface ExactThermalAverages {
  /** Temperature T. */
  readonly temperature: number
  /** ln Z = ln Σ_s e^{−βE(s)}. */
  readonly lnZ: number
  /** <E>/N. */
  readonly e: number
  /** (<E²> − <E>²)/(N T²). */
  readonly c: number
  /** <m>. */
  readonly m: number
  /** <|m|>. */
  readonly absM: number
  /** <m²>. */
  readonly m2: number
  /** <m⁴>. */
  readonly m4: number
  /** Binder cumulant of m, 1 − <m⁴>/(3<m²>²). */
  readonly u4: number
  /** <q²> = Σ_ij <s_i s_j>²/N², q = (1/N) Σ s_i t_i between independent replicas s, t. */
  readonly q2: number
  /** <q⁴>. */
  readonly q4: number
  /** <|q|>. */
  readonly absQ: number
  /** Spin-glass Binder parameter g = ½(3 − <q⁴>/<q²>²) (Bhatt & Young 1985). */
  readonly binderQ: number
  /** P(q) at q = −1 + 2j/N, j = 0 … N (length N + 1, sums to 1). */
  readonly overlapDistribution: Float64Array
}

function popcount(x: number): number {
  let c = 0
  // x < 2^24 here, so the 32-bit trick is exact.
  x = x - ((x >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  c = (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
  return c
}

/** In-place unnormalised fast Walsh-Hadamard transform, `f̂(k) = Σ_x (−1)^{k·x} f(x)`. */
function walshHadamard(f: Float64Array): void {
  const n = f.length
  for (let h = 1; h < n; h *= 2) {
    for (let i = 0; i < n; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = f[j]
        const b = f[j + h]
        f[j] = a + b
        f[j + h] = a - b
      }
    }
  }
}

/**
 * Exact thermal averages of any small model from its enumerated energies: ln Z, e, c, the
 * magnetisation moments, and the overlap distribution P(q) between two independent replicas
 * with its moments and the spin-glass Binder parameter.
 *
 * P(q) needs `A(u) = Σ_s p(s) p(s ⊕ u)` for every flip pattern u (q = 1 − 2|u|/N), an XOR
 * autocorrelation of the Boltzmann weights p: with the Walsh-Hadamard transform H,
 * `A = H(H(p)²)/2^N`, so the whole distribution costs O(N 2^N) instead of O(4^N).
 *
 * @param states - from {@link enumerateStates}
 * @param temperature - T > 0
 * @returns the averages
 * @throws InvalidArgumentError when T is not a finite number > 0
 * @example
 * ```ts
 * const two = enumerateStates(graphModel(2, [{ i: 0, j: 1, J: 1 }]))
 * exactThermalAverages(two, 1).q2 // (1 + tanh²1)/2
 * ```
 */
export function exactThermalAverages(states: StateEnumeration, temperature: number): ExactThermalAverages {
  const op = 'exactThermalAverages'
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError(op, 'temperature', `must be a finite number > 0, got ${temperature}`)
  }
  const { size: n, energies } = states
  if (!(energies instanceof Float64Array) || !Number.isSafeInteger(n) || energies.length !== 2 ** n) {
    throw new InvalidArgumentError(
      op,
      'states',
      `must come from enumerateStates (2^size energies), got size ${n} with ${String(energies?.length)} energies`,
    )
  }
  const total = energies.length
  const beta = 1 / temperature
  let emin = Infinity
  for (let x = 0; x < total; x++) if (energies[x] < emin) emin = energies[x]
  const p = new Float64Array(total)
  let z = 0
  let e1 = 0
  for (let x = 0; x < total; x++) {
    const w = Math.exp(-beta * (energies[x] - emin))
    p[x] = w
    z += w
    e1 += w * energies[x]
  }
  e1 /= z
  let varE = 0
  let mm = 0
  let am = 0
  let m2 = 0
  let m4 = 0
  for (let x = 0; x < total; x++) {
    const w = p[x] / z
    p[x] = w
    const d = energies[x] - e1
    varE += w * d * d
    const m = (n - 2 * popcount(x)) / n
    mm += w * m
    am += w * Math.abs(m)
    m2 += w * m * m
    m4 += w * m * m * m * m
  }
  walshHadamard(p)
  for (let x = 0; x < total; x++) p[x] *= p[x]
  walshHadamard(p)
  const dist = new Float64Array(n + 1)
  for (let u = 0; u < total; u++) dist[n - popcount(u)] += p[u] / total
  let q2 = 0
  let q4 = 0
  let aq = 0
  for (let j = 0; j <= n; j++) {
    // Rounding in the transform can leave −1e−17 where the weight is zero.
    if (dist[j] < 0) dist[j] = 0
    const q = (2 * j - n) / n
    q2 += dist[j] * q * q
    q4 += dist[j] * q ** 4
    aq += dist[j] * Math.abs(q)
  }
  return {
    temperature,
    lnZ: -beta * emin + Math.log(z),
    e: e1 / n,
    c: (varE * beta * beta) / n,
    m: mm,
    absM: am,
    m2,
    m4,
    u4: 1 - m4 / (3 * m2 * m2),
    q2,
    q4,
    absQ: aq,
    binderQ: 0.5 * (3 - q4 / (q2 * q2)),
    overlapDistribution: dist,
  }
}
