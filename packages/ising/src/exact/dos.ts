import { InvalidArgumentError } from '@gen/core-tensor'
import type { IsingModel } from '../lattice'

/**
 * A joint density of states g(E_b, M): the number of configurations with bond energy
 * `E_b = -Σ_b J_b s_i s_j` and magnetisation `M = Σ s_i`, stored as one entry per non-empty
 * (E_b, M) cell with `ln g` (so counts beyond 2^53, as for L = 8, stay exact enough).
 * The field enters only when observables are computed: `E = E_b − h M`.
 */
export interface DensityOfStates {
  /** Number of spins N. */
  readonly size: number
  /** Bond energy E_b of each cell. */
  readonly energies: Float64Array
  /** Magnetisation M of each cell. */
  readonly magnetisations: Float64Array
  /** ln g of each cell. */
  readonly logCounts: Float64Array
}

/**
 * Exact equilibrium observables per spin at one temperature (conventions of the oracle file):
 * `e = <E>/N`, `c = (<E²> − <E>²)/(N T²)`, `m = <M>/N`, `χ = N(<m²> − <|m|>²)/T`,
 * `χ0 = N<m²>/T`, `U4 = 1 − <m⁴>/(3<m²>²)`, `lnZ = ln Σ g e^{−βE}`.
 */
export interface ExactObservables {
  /** Temperature T. */
  readonly temperature: number
  /** ln Z. */
  readonly lnZ: number
  /** Energy per spin <E>/N. */
  readonly e: number
  /** Specific heat per spin. */
  readonly c: number
  /** <m>. */
  readonly m: number
  /** <|m|>. */
  readonly absM: number
  /** <m²>. */
  readonly m2: number
  /** <m⁴>. */
  readonly m4: number
  /** Binder cumulant U4. */
  readonly u4: number
  /** Connected susceptibility N(<m²> − <|m|>²)/T. */
  readonly chi: number
  /** Disconnected susceptibility N<m²>/T. */
  readonly chi0: number
}

const MAX_ENUMERATION = 30

/**
 * Enumerates all 2^N configurations of a model with one common coupling J (Gray-code order:
 * one spin flip per state) and returns its exact joint density of states g(E_b, M).
 *
 * @param model - a model with `uniformCoupling` set and N <= 30 (4×4 torus: 65 536 states;
 *   3×3×3 torus: 1.3·10⁸ states, about a second)
 * @returns the density of states
 * @throws InvalidArgumentError when couplings differ between bonds or N > 30
 * @example
 * ```ts
 * const g = enumerateDensityOfStates(squareLattice(4))
 * exactObservables(g, 2).e // -1.755380288777
 * ```
 */
export function enumerateDensityOfStates(model: IsingModel): DensityOfStates {
  const op = 'enumerateDensityOfStates'
  const J = model.uniformCoupling
  if (J === null) {
    throw new InvalidArgumentError(
      op,
      'model',
      'must have one common coupling J (for spin glasses use enumerateStates with exactThermalAverages, or enumerateGroundStates), got bonds with different couplings',
    )
  }
  const n = model.size
  if (n > MAX_ENUMERATION) {
    throw new InvalidArgumentError(op, 'model', `must have at most ${MAX_ENUMERATION} spins, got ${n}`)
  }
  const nb = model.bondI.length
  const { offsets, neighbours } = model
  const spins = new Int8Array(n).fill(1)
  // B = Σ_b s_i s_j in [−nb, nb], changes by even steps; index (B + nb)/2.
  let bsum = nb
  let up = n
  const counts = new Float64Array((nb + 1) * (n + 1))
  counts[nb * (n + 1) + up] = 1
  const total = 2 ** n
  for (let g = 1; g < total; g++) {
    // The bit that changes between Gray codes g−1 and g is the lowest set bit of g.
    const k = 31 - Math.clz32(g & -g)
    const s = spins[k]
    let sum = 0
    for (let q = offsets[k]; q < offsets[k + 1]; q++) sum += spins[neighbours[q]]
    bsum -= 2 * s * sum
    spins[k] = -s
    up -= s
    counts[((bsum + nb) >> 1) * (n + 1) + up]++
  }
  const energies: number[] = []
  const mags: number[] = []
  const logs: number[] = []
  for (let bi = 0; bi <= nb; bi++) {
    for (let u = 0; u <= n; u++) {
      const c = counts[bi * (n + 1) + u]
      if (c > 0) {
        energies.push(-J * (2 * bi - nb))
        mags.push(2 * u - n)
        logs.push(Math.log(c))
      }
    }
  }
  return {
    size: n,
    energies: Float64Array.from(energies),
    magnetisations: Float64Array.from(mags),
    logCounts: Float64Array.from(logs),
  }
}

/** ln of a non-negative integer given as decimal digits, exact to double rounding. */
function logOfDecimal(digits: string): number {
  if (digits.length <= 17) return Math.log(Number(digits))
  const head = Number(digits.slice(0, 17))
  return Math.log(head) + (digits.length - 17) * Math.LN10
}

/**
 * Parses the periodic L×L square-lattice g(E, M) text format of the oracle files: one line
 * `nu nup count` per cell, with `E = −2N + 2 nu`, `M = 2 nup − N` (J = 1). Counts may exceed
 * 2^53; they are read as decimal strings and kept as ln g.
 *
 * @param text - the file content
 * @param size - N = L², the number of spins
 * @returns the density of states
 * @throws InvalidArgumentError when size is not a positive integer or a line is malformed
 * @example
 * ```ts
 * const g = parseDensityOfStates(readFileSync('g_L4.txt', 'utf8'), 16)
 * ```
 */
export function parseDensityOfStates(text: string, size: number): DensityOfStates {
  const op = 'parseDensityOfStates'
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new InvalidArgumentError(op, 'size', `must be a positive integer, got ${size}`)
  }
  const energies: number[] = []
  const mags: number[] = []
  const logs: number[] = []
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const parts = line.split(/\s+/)
    if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p))) {
      throw new InvalidArgumentError(
        op,
        'text',
        `line ${n + 1} must be 'nu nup count' (integers), got '${raw}'`,
      )
    }
    energies.push(-2 * size + 2 * Number(parts[0]))
    mags.push(2 * Number(parts[1]) - size)
    logs.push(logOfDecimal(parts[2]))
  })
  return {
    size,
    energies: Float64Array.from(energies),
    magnetisations: Float64Array.from(mags),
    logCounts: Float64Array.from(logs),
  }
}

/**
 * Exact observables at temperature T and field h from a density of states:
 * `Z = Σ g(E_b, M) exp(−β(E_b − hM))`, moments by log-sum-exp weights and central moments
 * (two passes), so c and χ keep full precision.
 *
 * @param dos - the density of states
 * @param temperature - T > 0 (Infinity allowed: β = 0)
 * @param h - the field (default 0)
 * @returns the {@link ExactObservables}
 * @throws InvalidArgumentError when T is not > 0 or h not finite
 * @example
 * ```ts
 * exactObservables(enumerateDensityOfStates(squareLattice(4)), 2).chi // 0.195719623511
 * ```
 */
export function exactObservables(dos: DensityOfStates, temperature: number, h = 0): ExactObservables {
  const op = 'exactObservables'
  if (!(temperature > 0)) {
    throw new InvalidArgumentError(op, 'temperature', `must be > 0, got ${temperature}`)
  }
  if (!Number.isFinite(h)) throw new InvalidArgumentError(op, 'h', `must be finite, got ${h}`)
  const beta = 1 / temperature
  const { energies, magnetisations, logCounts, size: n } = dos
  const cells = energies.length
  const lw = new Float64Array(cells)
  let max = -Infinity
  for (let k = 0; k < cells; k++) {
    lw[k] = logCounts[k] - beta * (energies[k] - h * magnetisations[k])
    if (lw[k] > max) max = lw[k]
  }
  let z = 0
  let e1 = 0
  let mm = 0
  let am = 0
  let m2 = 0
  let m4 = 0
  for (let k = 0; k < cells; k++) {
    const w = Math.exp(lw[k] - max)
    lw[k] = w
    const E = energies[k] - h * magnetisations[k]
    const m = magnetisations[k] / n
    z += w
    e1 += w * E
    mm += w * m
    am += w * Math.abs(m)
    m2 += w * m * m
    m4 += w * m * m * m * m
  }
  e1 /= z
  mm /= z
  am /= z
  m2 /= z
  m4 /= z
  let varE = 0
  for (let k = 0; k < cells; k++) {
    const d = energies[k] - h * magnetisations[k] - e1
    varE += lw[k] * d * d
  }
  varE /= z
  let varAbs = 0
  for (let k = 0; k < cells; k++) {
    const d = Math.abs(magnetisations[k] / n) - am
    varAbs += lw[k] * d * d
  }
  varAbs /= z
  return {
    temperature,
    lnZ: max + Math.log(z),
    e: e1 / n,
    c: (varE * beta * beta) / n,
    m: mm,
    absM: am,
    m2,
    m4,
    u4: 1 - m4 / (3 * m2 * m2),
    chi: n * varAbs * beta,
    chi0: n * m2 * beta,
  }
}

/**
 * Restricts a density of states to one magnetisation M (the canonical ensemble of conserved
 * dynamics, Kawasaki): exact observables at fixed M follow from {@link exactObservables}.
 *
 * @param dos - the density of states
 * @param M - the magnetisation to keep (an integer with the parity of N)
 * @returns the cells with that M
 * @throws InvalidArgumentError when no cell has that M
 * @example
 * ```ts
 * const g0 = fixedMagnetisation(enumerateDensityOfStates(squareLattice(4)), 0)
 * ```
 */
export function fixedMagnetisation(dos: DensityOfStates, M: number): DensityOfStates {
  const keep: number[] = []
  for (let k = 0; k < dos.energies.length; k++) if (dos.magnetisations[k] === M) keep.push(k)
  if (keep.length === 0) {
    throw new InvalidArgumentError(
      'fixedMagnetisation',
      'M',
      `must be a magnetisation of some state, got ${M}`,
    )
  }
  return {
    size: dos.size,
    energies: Float64Array.from(keep, (k) => dos.energies[k]),
    magnetisations: Float64Array.from(keep, (k) => dos.magnetisations[k]),
    logCounts: Float64Array.from(keep, (k) => dos.logCounts[k]),
  }
}
