import { InvalidArgumentError } from '@gen/core-tensor'

/** Boundary conditions of a lattice: a torus (`periodic`) or free edges (`open`). */
export type Boundary = 'periodic' | 'open'

/** Which geometry a model was built on; `graph` is a user's own coupling graph. */
export type LatticeKind = 'square' | 'cubic' | 'triangular' | 'honeycomb' | 'complete' | 'graph'

/**
 * An Ising model `H = -Σ_b J_b s_i s_j - h Σ_i s_i` on a graph, each bond `b = (i, j)` counted
 * once (Onsager 1944 convention; case H6). Spins are ±1 in an `Int8Array` of length `size`.
 *
 * The bonds are stored twice: as a list (`bondI`, `bondJ`, `bondCoupling`, length = number of
 * bonds) for the energy, and as compressed neighbour lists (`offsets`, length `size + 1`;
 * `neighbours` and `couplings`, length 2 × bonds) for local updates. A periodic side of length
 * 2 carries two bonds between the same pair, as in the FYS3150 2×2 convention.
 */
export interface IsingModel {
  /** The geometry. */
  readonly lattice: LatticeKind
  /** Side lengths (`[Lx, Ly]`, `[Lx, Ly, Lz]`, or `[N]` for a graph). */
  readonly shape: readonly number[]
  /** Boundary conditions (`open` for a graph). */
  readonly boundary: Boundary
  /** Number of spins N. */
  readonly size: number
  /** External field h. */
  readonly field: number
  /** First site of each bond. */
  readonly bondI: Int32Array
  /** Second site of each bond. */
  readonly bondJ: Int32Array
  /** Coupling J_b of each bond. */
  readonly bondCoupling: Float64Array
  /** CSR offsets: the neighbours of site i are `neighbours[offsets[i] .. offsets[i+1])`. */
  readonly offsets: Int32Array
  /** Neighbour sites, one entry per bond end. */
  readonly neighbours: Int32Array
  /** The coupling of each neighbour entry. */
  readonly couplings: Float64Array
  /** A proper colouring: no two sites of one class share a bond (the checkerboard order). */
  readonly colourClasses: readonly Int32Array[]
  /** The common coupling J when every bond has the same one, else `null`. */
  readonly uniformCoupling: number | null
}

/** Options shared by the lattice constructors. */
export interface LatticeOptions {
  /** Coupling J of every bond (default 1; negative is antiferromagnetic). */
  J?: number
  /** External field h (default 0). */
  h?: number
  /** Boundary conditions (default `periodic`). */
  boundary?: Boundary
}

function checkSide(op: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 2) {
    throw new InvalidArgumentError(op, name, `must be an integer >= 2, got ${value}`)
  }
}

/** Most sites a lattice builds: its bond lists are plain arrays (2^24 sites is 4096² or 256³). */
const MAX_SITES = 2 ** 24

function checkSites(op: string, sites: number): void {
  if (sites > MAX_SITES) {
    throw new InvalidArgumentError(
      op,
      'size',
      `must have at most 2^24 = ${MAX_SITES} sites (4096² in 2-D, 256³ in 3-D), got ${sites}`,
    )
  }
}

function checkFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(op, name, `must be a finite number, got ${value}`)
  }
}

function checkBoundary(op: string, value: unknown): Boundary {
  if (value !== 'periodic' && value !== 'open') {
    throw new InvalidArgumentError(op, 'boundary', `must be 'periodic' or 'open', got ${String(value)}`)
  }
  return value
}

/** Greedy colouring in site order; on bipartite lattices in row-major order it is the checkerboard. */
function colour(size: number, offsets: Int32Array, neighbours: Int32Array): Int32Array[] {
  const colourOf = new Int32Array(size).fill(-1)
  let classes = 0
  const used: number[] = []
  for (let i = 0; i < size; i++) {
    used.length = 0
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const c = colourOf[neighbours[k]]
      if (c >= 0) used.push(c)
    }
    let c = 0
    while (used.includes(c)) c++
    colourOf[i] = c
    if (c + 1 > classes) classes = c + 1
  }
  const counts = new Int32Array(classes)
  for (let i = 0; i < size; i++) counts[colourOf[i]]++
  const out: Int32Array[] = []
  for (let c = 0; c < classes; c++) out.push(new Int32Array(counts[c]))
  const fill = new Int32Array(classes)
  for (let i = 0; i < size; i++) {
    const c = colourOf[i]
    out[c][fill[c]++] = i
  }
  return out
}

/** What {@link build} needs besides the bonds. */
export interface BuildSpec {
  lattice: LatticeKind
  shape: readonly number[]
  boundary: Boundary
  size: number
  field: number
  /** A proper colouring to use instead of the greedy one (same bonds, or a complete graph). */
  colourClasses?: readonly Int32Array[]
}

/**
 * Builds a model record (internal: the lattice and spin-glass constructors). `spec.colourClasses`,
 * when given, replaces the greedy colouring (which costs O(N³) on a complete graph).
 */
export function build(
  spec: BuildSpec,
  bondI: ArrayLike<number>,
  bondJ: ArrayLike<number>,
  bondCoupling: ArrayLike<number>,
): IsingModel {
  const { lattice, shape, boundary, size, field, colourClasses } = spec
  const nb = bondI.length
  const bi = Int32Array.from(bondI)
  const bj = Int32Array.from(bondJ)
  const bc = Float64Array.from(bondCoupling)
  const degree = new Int32Array(size)
  for (let b = 0; b < nb; b++) {
    degree[bi[b]]++
    degree[bj[b]]++
  }
  const offsets = new Int32Array(size + 1)
  for (let i = 0; i < size; i++) offsets[i + 1] = offsets[i] + degree[i]
  const neighbours = new Int32Array(2 * nb)
  const couplings = new Float64Array(2 * nb)
  const fill = offsets.slice(0, size)
  for (let b = 0; b < nb; b++) {
    const i = bi[b]
    const j = bj[b]
    neighbours[fill[i]] = j
    couplings[fill[i]++] = bc[b]
    neighbours[fill[j]] = i
    couplings[fill[j]++] = bc[b]
  }
  let uniformCoupling: number | null = nb > 0 ? bc[0] : 0
  for (let b = 1; b < nb; b++) {
    if (bc[b] !== uniformCoupling) {
      uniformCoupling = null
      break
    }
  }
  return {
    lattice,
    shape,
    boundary,
    size,
    field,
    bondI: bi,
    bondJ: bj,
    bondCoupling: bc,
    offsets,
    neighbours,
    couplings,
    colourClasses: colourClasses ?? colour(size, offsets, neighbours),
    uniformCoupling,
  }
}

function readOptions(op: string, options: LatticeOptions): { J: number; h: number; boundary: Boundary } {
  const J = options.J ?? 1
  const h = options.h ?? 0
  checkFinite(op, 'J', J)
  checkFinite(op, 'h', h)
  return { J, h, boundary: checkBoundary(op, options.boundary ?? 'periodic') }
}

/**
 * The square lattice, `Lx × Ly` sites in row-major order (site `y·Lx + x`), nearest-neighbour
 * bonds to the right and below, each counted once: 2N bonds on a torus, `2N − Lx − Ly` open.
 *
 * `H = -J Σ_<ij> s_i s_j - h Σ_i s_i` (Onsager 1944). Exact 2-D results: see {@link onsager}.
 *
 * @param L - side length Lx, an integer >= 2
 * @param options - J, h, boundary, and `Ly` (default L)
 * @returns the model
 * @throws InvalidArgumentError when a side is not an integer >= 2, J or h not finite, or the boundary unknown
 * @example
 * ```ts
 * const m = squareLattice(4)              // 16 spins, 32 bonds
 * const open = squareLattice(4, { boundary: 'open' }) // 24 bonds
 * ```
 */
export function squareLattice(L: number, options: LatticeOptions & { Ly?: number } = {}): IsingModel {
  const op = 'squareLattice'
  checkSide(op, 'L', L)
  const Ly = options.Ly ?? L
  checkSide(op, 'Ly', Ly)
  checkSites(op, L * Ly)
  const { J, h, boundary } = readOptions(op, options)
  const bi: number[] = []
  const bj: number[] = []
  const periodic = boundary === 'periodic'
  for (let y = 0; y < Ly; y++) {
    for (let x = 0; x < L; x++) {
      const i = y * L + x
      if (x + 1 < L || periodic) {
        bi.push(i)
        bj.push(y * L + ((x + 1) % L))
      }
      if (y + 1 < Ly || periodic) {
        bi.push(i)
        bj.push(((y + 1) % Ly) * L + x)
      }
    }
  }
  return build(
    { lattice: 'square', shape: [L, Ly], boundary: boundary, size: L * Ly, field: h },
    bi,
    bj,
    new Float64Array(bi.length).fill(J),
  )
}

/**
 * The simple cubic lattice, `L³` sites (site `(z·L + y)·L + x`), bonds along +x, +y, +z each
 * counted once: 3N bonds on a torus. Tc = 4.5115233 (Ferrenberg, Xu & Landau 2018).
 *
 * @param L - side length, an integer >= 2
 * @param options - J, h, boundary
 * @returns the model
 * @throws InvalidArgumentError when L is not an integer >= 2, J or h not finite
 * @example
 * ```ts
 * const m = cubicLattice(3) // 27 spins, 81 bonds
 * ```
 */
export function cubicLattice(L: number, options: LatticeOptions = {}): IsingModel {
  const op = 'cubicLattice'
  checkSide(op, 'L', L)
  checkSites(op, L * L * L)
  const { J, h, boundary } = readOptions(op, options)
  const periodic = boundary === 'periodic'
  const bi: number[] = []
  const bj: number[] = []
  const at = (x: number, y: number, z: number): number => (z * L + y) * L + x
  for (let z = 0; z < L; z++) {
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < L; x++) {
        const i = at(x, y, z)
        if (x + 1 < L || periodic) {
          bi.push(i)
          bj.push(at((x + 1) % L, y, z))
        }
        if (y + 1 < L || periodic) {
          bi.push(i)
          bj.push(at(x, (y + 1) % L, z))
        }
        if (z + 1 < L || periodic) {
          bi.push(i)
          bj.push(at(x, y, (z + 1) % L))
        }
      }
    }
  }
  return build(
    { lattice: 'cubic', shape: [L, L, L], boundary: boundary, size: L * L * L, field: h },
    bi,
    bj,
    new Float64Array(bi.length).fill(J),
  )
}

/**
 * The triangular lattice as a square lattice with one diagonal: bonds to (x+1, y), (x, y+1)
 * and (x+1, y+1); 3N bonds on a torus, coordination 6. Tc = 4 / ln 3 (Houtappel 1950).
 *
 * @param L - side length, an integer >= 2
 * @param options - J, h, boundary
 * @returns the model
 * @throws InvalidArgumentError when L is not an integer >= 2, J or h not finite
 * @example
 * ```ts
 * const m = triangularLattice(6) // 36 spins, 108 bonds
 * ```
 */
export function triangularLattice(L: number, options: LatticeOptions = {}): IsingModel {
  const op = 'triangularLattice'
  checkSide(op, 'L', L)
  checkSites(op, L * L)
  const { J, h, boundary } = readOptions(op, options)
  const periodic = boundary === 'periodic'
  const bi: number[] = []
  const bj: number[] = []
  for (let y = 0; y < L; y++) {
    for (let x = 0; x < L; x++) {
      const i = y * L + x
      const right = x + 1 < L || periodic
      const down = y + 1 < L || periodic
      if (right) {
        bi.push(i)
        bj.push(y * L + ((x + 1) % L))
      }
      if (down) {
        bi.push(i)
        bj.push(((y + 1) % L) * L + x)
      }
      if (right && down) {
        bi.push(i)
        bj.push(((y + 1) % L) * L + ((x + 1) % L))
      }
    }
  }
  return build(
    { lattice: 'triangular', shape: [L, L], boundary: boundary, size: L * L, field: h },
    bi,
    bj,
    new Float64Array(bi.length).fill(J),
  )
}

/**
 * The honeycomb lattice in its brick-wall form: an `L × L` square grid keeping every horizontal
 * bond and the vertical bond below (x, y) only when x + y is even; coordination 3, 3N/2 bonds on a
 * torus. Tc = 2 / ln(2 + √3) (Houtappel 1950).
 *
 * @param L - side length, an even integer >= 2 (periodic) or an integer >= 2 (open)
 * @param options - J, h, boundary
 * @returns the model
 * @throws InvalidArgumentError when L is not an integer >= 2, or odd with periodic boundaries
 * @example
 * ```ts
 * const m = honeycombLattice(4) // 16 spins, 24 bonds
 * ```
 */
export function honeycombLattice(L: number, options: LatticeOptions = {}): IsingModel {
  const op = 'honeycombLattice'
  checkSide(op, 'L', L)
  checkSites(op, L * L)
  const { J, h, boundary } = readOptions(op, options)
  const periodic = boundary === 'periodic'
  if (periodic && L % 2 !== 0) {
    throw new InvalidArgumentError(op, 'L', `must be even with periodic boundaries, got ${L}`)
  }
  const bi: number[] = []
  const bj: number[] = []
  for (let y = 0; y < L; y++) {
    for (let x = 0; x < L; x++) {
      const i = y * L + x
      if (x + 1 < L || periodic) {
        bi.push(i)
        bj.push(y * L + ((x + 1) % L))
      }
      if ((x + y) % 2 === 0 && (y + 1 < L || periodic)) {
        bi.push(i)
        bj.push(((y + 1) % L) * L + x)
      }
    }
  }
  return build(
    { lattice: 'honeycomb', shape: [L, L], boundary: boundary, size: L * L, field: h },
    bi,
    bj,
    new Float64Array(bi.length).fill(J),
  )
}

/** One bond of a user's coupling graph. */
export interface Bond {
  /** First site, 0-based. */
  i: number
  /** Second site, 0-based, different from i. */
  j: number
  /** Coupling J_ij. */
  J: number
}

/**
 * A model on any graph the user brings: `H = -Σ_b J_b s_i s_j - h Σ s_i`, each listed bond
 * counted once (list a pair twice to count it twice).
 *
 * @param size - number of spins N, an integer >= 1
 * @param bonds - the bonds, sites in [0, N), i ≠ j, finite J
 * @param options - `h`, the field (default 0)
 * @returns the model (`lattice: 'graph'`, open boundary)
 * @throws InvalidArgumentError when size is not a positive integer or a bond is malformed
 * @example
 * ```ts
 * const triangle = graphModel(3, [{ i: 0, j: 1, J: -1 }, { i: 1, j: 2, J: -1 }, { i: 0, j: 2, J: -1 }])
 * ```
 */
export function graphModel(size: number, bonds: readonly Bond[], options: { h?: number } = {}): IsingModel {
  const op = 'graphModel'
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new InvalidArgumentError(op, 'size', `must be a positive integer, got ${size}`)
  }
  const h = options.h ?? 0
  checkFinite(op, 'h', h)
  const bi = new Int32Array(bonds.length)
  const bj = new Int32Array(bonds.length)
  const bc = new Float64Array(bonds.length)
  bonds.forEach((b, k) => {
    const ok =
      Number.isInteger(b.i) &&
      Number.isInteger(b.j) &&
      b.i >= 0 &&
      b.j >= 0 &&
      b.i < size &&
      b.j < size &&
      b.i !== b.j
    if (!ok) {
      throw new InvalidArgumentError(
        op,
        `bonds[${k}]`,
        `must join two different sites in [0, ${size}), got (${b.i}, ${b.j})`,
      )
    }
    checkFinite(op, `bonds[${k}].J`, b.J)
    bi[k] = b.i
    bj[k] = b.j
    bc[k] = b.J
  })
  return build({ lattice: 'graph', shape: [size], boundary: 'open', size, field: h }, bi, bj, bc)
}

/**
 * The same model with other couplings on the same bonds (used by the spin-glass constructors).
 *
 * @param model - the model
 * @param couplings - one finite coupling per bond, in bond order
 * @returns a new model; `lattice`, shape and field are kept
 * @throws InvalidArgumentError when the length is wrong or a value is not finite
 * @example
 * ```ts
 * const m = withCouplings(squareLattice(4), new Float64Array(32).fill(-1)) // antiferromagnet
 * ```
 */
export function withCouplings(model: IsingModel, couplings: ArrayLike<number>): IsingModel {
  const op = 'withCouplings'
  if (couplings.length !== model.bondI.length) {
    throw new InvalidArgumentError(
      op,
      'couplings',
      `must have one value per bond (${model.bondI.length}), got ${couplings.length}`,
    )
  }
  for (let b = 0; b < couplings.length; b++) checkFinite(op, `couplings[${b}]`, couplings[b])
  // Same bonds, so the same colouring stays proper.
  return build(model, model.bondI, model.bondJ, couplings)
}

/**
 * The same model in another external field h.
 *
 * @param model - the model
 * @param h - the new field, finite
 * @returns a new model sharing the bond arrays
 * @throws InvalidArgumentError when h is not finite
 * @example
 * ```ts
 * const m = withField(squareLattice(4), 0.5)
 * ```
 */
export function withField(model: IsingModel, h: number): IsingModel {
  checkFinite('withField', 'h', h)
  return { ...model, field: h }
}

/**
 * Parses the plain text coupling format: blank lines and `#` comments are ignored, the first
 * line is `N <size>`, an optional `h <field>` line follows, then one `i j J` line per bond.
 *
 * @param text - the file's content
 * @returns the model
 * @throws InvalidArgumentError on a malformed line (with its line number)
 * @example
 * ```ts
 * const m = parseCouplings('N 3\nh 0\n0 1 1\n1 2 -1\n')
 * ```
 */
export function parseCouplings(text: string): IsingModel {
  const op = 'parseCouplings'
  let size = -1
  let h = 0
  const bonds: Bond[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, n) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    const parts = line.split(/\s+/)
    if (size < 0) {
      if (parts.length !== 2 || parts[0] !== 'N') {
        throw new InvalidArgumentError(op, 'text', `line ${n + 1} must be 'N <size>', got '${raw}'`)
      }
      size = Number(parts[1])
      return
    }
    if (parts[0] === 'h' && parts.length === 2 && bonds.length === 0) {
      h = Number(parts[1])
      return
    }
    if (parts.length !== 3) {
      throw new InvalidArgumentError(op, 'text', `line ${n + 1} must be 'i j J', got '${raw}'`)
    }
    bonds.push({ i: Number(parts[0]), j: Number(parts[1]), J: Number(parts[2]) })
  })
  if (size < 0) throw new InvalidArgumentError(op, 'text', `must start with 'N <size>', got no such line`)
  return graphModel(size, bonds, { h })
}

/**
 * Writes a model in the plain text coupling format read by {@link parseCouplings}
 * (`N`, `h`, then `i j J` per bond, full double precision).
 *
 * @param model - any model
 * @returns the text
 * @example
 * ```ts
 * const text = formatCouplings(squareLattice(2))
 * ```
 */
export function formatCouplings(model: IsingModel): string {
  const lines = [
    `# gen ising couplings: H = -sum J s_i s_j - h sum s_i`,
    `N ${model.size}`,
    `h ${model.field}`,
  ]
  for (let b = 0; b < model.bondI.length; b++) {
    lines.push(`${model.bondI[b]} ${model.bondJ[b]} ${model.bondCoupling[b]}`)
  }
  return lines.join('\n') + '\n'
}
