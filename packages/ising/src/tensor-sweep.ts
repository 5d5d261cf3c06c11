/**
 * Checkerboard Metropolis on tensors: the sweep composed from `@gen/core-tensor` ops (views,
 * concat, add, mul, less, neg, where, sum), so it runs unchanged on any backend, the gpu.js
 * backend of `@gen/core-tensor/gpu` included, with the spins staying on the device.
 *
 * Spins: a float32 tensor `[R, Ly, Lx]` of ±1, R independent replicas of one square lattice,
 * row y, column x (site `y·Lx + x` of `squareLattice`).
 */
import {
  InvalidArgumentError,
  Tensor,
  add,
  checkKey,
  checkOptions,
  concat,
  fold,
  fromArray,
  less,
  mul,
  neg,
  randomBits,
  slice,
  sum,
  tidy,
  where,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'
import type { IsingModel } from './lattice'

/** Options of {@link tensorCheckerboardSweep}. */
export interface TensorSweepOptions {
  /** Inverse temperature β = 1/T, finite and > 0. */
  beta: number
  /** The key; sweep t draws its uniforms from `fold(key, t)`, so equal keys give equal chains on every backend. */
  key: Key
  /** Number of sweeps (default 1), an integer >= 0. */
  sweeps?: number
  /** Index of the first sweep, for continuing a chain with the same key (default 0). */
  firstSweep?: number
}

/**
 * A periodic square lattice given by its sides alone, for lattices larger than
 * `squareLattice` builds (its bond lists stop at 2^24 sites): `Lx × Ly` sites, one
 * coupling J (default 1) on every bond, field h (default 0).
 */
export interface SquareTorus {
  /** Columns, an even integer >= 2. */
  readonly Lx: number
  /** Rows, an even integer >= 2. */
  readonly Ly: number
  /** Coupling J of every bond, finite (default 1; negative is antiferromagnetic). */
  readonly J?: number
  /** External field h, finite (default 0). */
  readonly h?: number
}

/** The sides, coupling and field of a lattice the tensor sweep accepts. */
interface Torus {
  Lx: number
  Ly: number
  J: number
  h: number
}

/** A threshold no `s·(J·Σ + h)` reaches (finite in float32, as WGSL wants): the site never flips. */
const NEVER = -3e38
/** A threshold every `s·(J·Σ + h)` is below: u so small that −ln u / 2β overflows float32. */
const ALWAYS = 3e38

function isModel(lattice: IsingModel | SquareTorus): lattice is IsingModel {
  return typeof lattice === 'object' && lattice !== null && 'lattice' in lattice
}

function checkLattice(op: string, lattice: IsingModel | SquareTorus): Torus {
  if (!isModel(lattice)) {
    const torus = lattice as SquareTorus | null
    if (typeof torus !== 'object' || torus === null) {
      throw new InvalidArgumentError(
        op,
        'lattice',
        `must be a squareLattice or { Lx, Ly, J?, h? }, got ${String(torus)}`,
      )
    }
    const { Lx, Ly } = torus
    const J = torus.J ?? 1
    const h = torus.h ?? 0
    for (const [name, v] of [
      ['Lx', Lx],
      ['Ly', Ly],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 2 || v % 2 !== 0) {
        throw new InvalidArgumentError(op, `lattice.${name}`, `must be an even integer >= 2, got ${v}`)
      }
    }
    for (const [name, v] of [
      ['J', J],
      ['h', h],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidArgumentError(op, `lattice.${name}`, `must be a finite number, got ${v}`)
      }
    }
    return { Lx, Ly, J, h }
  }
  const model = lattice
  if (model.lattice !== 'square') {
    throw new InvalidArgumentError(op, 'lattice', `must be a squareLattice, got ${model.lattice}`)
  }
  if (model.boundary !== 'periodic') {
    throw new InvalidArgumentError(op, 'lattice', `must have periodic boundaries, got ${model.boundary}`)
  }
  const [Lx, Ly] = model.shape
  if (Lx % 2 !== 0 || Ly % 2 !== 0) {
    throw new InvalidArgumentError(
      op,
      'lattice',
      `must have even sides (a checkerboard colouring of the torus), got ${Lx} x ${Ly}`,
    )
  }
  const J = model.uniformCoupling
  if (J === null) {
    throw new InvalidArgumentError(op, 'lattice', 'must have one coupling J on every bond, got several')
  }
  return { Lx, Ly, J, h: model.field }
}

/**
 * Most elements a spins tensor may have on the gpu.js backend: it stores every value and
 * computes every index in float32, exact only up to 2^24 (4096² spins, or 16 replicas of 1024²).
 */
export const MAX_GPU_SPINS = 2 ** 24

function checkSpins(op: string, torus: Torus, spins: Tensor): number {
  if (!(spins instanceof Tensor)) {
    throw new InvalidArgumentError(op, 'spins', `must be a Tensor, got ${typeof spins}`)
  }
  const [R, Ly, Lx] = spins.shape
  if (spins.rank !== 3 || Ly !== torus.Ly || Lx !== torus.Lx || R < 1 || spins.dtype !== 'float32') {
    throw new InvalidArgumentError(
      op,
      'spins',
      `must be a float32 tensor [replicas >= 1, ${torus.Ly}, ${torus.Lx}], got ${spins.dtype} [${spins.shape.join(', ')}]`,
    )
  }
  checkGpuSize(op, spins.backend, spins.size)
  return R
}

function checkGpuSize(op: string, backend: BackendV1, size: number): void {
  if (backend.name.startsWith('gpu:') && size > MAX_GPU_SPINS) {
    throw new InvalidArgumentError(
      op,
      'spins',
      `must have at most 2^24 = ${MAX_GPU_SPINS} elements on ${backend.name} (float32 indices are exact to 2^24), got ${size}`,
    )
  }
}

/** `x` rolled by `shift` (±1) along `axis` (1 or 2) of a rank-3 tensor: `out[.., i, ..] = x[.., i − shift, ..]`. */
function roll(x: Tensor, axis: 1 | 2, shift: 1 | -1): Tensor {
  const n = x.shape[axis]
  const part = (start: number, stop: number) =>
    slice(x, axis === 1 ? [null, { start, stop }] : [null, null, { start, stop }])
  return shift === 1 ? concat([part(n - 1, n), part(0, n - 1)], axis) : concat([part(1, n), part(0, 1)], axis)
}

/** Σ_j s_j over the four neighbours, `[R, Ly, Lx]`. */
function neighbourSum(s: Tensor): Tensor {
  return add(add(roll(s, 1, 1), roll(s, 1, -1)), add(roll(s, 2, 1), roll(s, 2, -1)))
}

/**
 * The thresholds of one sweep's two half-sweeps: for each site one 32-bit word w gives
 * u = (w + ½)/2³² in (0, 1), and `r = −ln u / (2β)` on the sites of colour c (`NEVER`
 * elsewhere), so that `s·(J·Σ + h) < r` ⟺ `u < e^{−βΔE}`.
 */
function thresholds(k: Key, count: number, dims: Torus, beta: number): [Float32Array, Float32Array] {
  const words = randomBits(k, count)
  const even = new Float32Array(count)
  const odd = new Float32Array(count)
  const { Lx, Ly } = dims
  const scale = 1 / (2 * beta)
  let i = 0
  const plane = Lx * Ly
  for (let r = 0; i < count; r += plane) {
    for (let y = 0; y < Ly; y++) {
      for (let x = 0; x < Lx; x++, i++) {
        const u = (words[i] + 0.5) / 4294967296
        let t = -Math.log(u) * scale
        if (!(t < ALWAYS)) t = ALWAYS
        if (((x + y) & 1) === 0) {
          even[i] = t
          odd[i] = NEVER
        } else {
          even[i] = NEVER
          odd[i] = t
        }
      }
    }
  }
  return [even, odd]
}

/** A cache of the scalar tensors J and h per backend (one upload each, not one per half-sweep). */
function scalars(backend: BackendV1, torus: Torus): { J: Tensor; h: Tensor } {
  return {
    J: fromArray([torus.J], { shape: [], backend }),
    h: fromArray([torus.h], { shape: [], backend }),
  }
}

/**
 * Checkerboard Metropolis sweeps (Metropolis et al. 1953) of R replicas of a periodic square
 * lattice, written as tensor ops so that the spins never leave the backend (on the gpu backend
 * every op is a gpu.js kernel, and only the uniforms come from the host). Each sweep updates the
 * sites with x + y even, then the odd ones; site i flips when `u_i < e^{−βΔE_i}`,
 * `ΔE_i = 2 s_i (J Σ_j s_j + h)`, decided as `s_i (J Σ_j s_j + h) < −ln u_i / (2β)` with one
 * 32-bit uniform `u_i = (w + ½)/2³²` per site and sweep from `randomBits(fold(key, t))`. The
 * threshold is rounded to float32 (relative 6e−8), and `s·(JΣ + h)` is exact in float32 for
 * dyadic J and h, so the same key gives the same chain on every backend, bit for bit.
 *
 * Per half-sweep the backend runs about 12 kernels over `R·N` elements: four rolls (a
 * two-part concat each), three adds for Σ_j s_j, J·Σ + h (skipped for J = 1, h = 0), s·(...),
 * the comparison, −s and where; the threshold array is uploaded once per half-sweep.
 *
 * @param lattice - a periodic `squareLattice` with even sides and one coupling J (any sign), any
 *   field h, or a {@link SquareTorus} `{ Lx, Ly, J?, h? }` (any size the backend holds)
 * @param spins - float32 ±1 `[R, Ly, Lx]` (not changed; dispose it yourself)
 * @param options - β, the key, the number of sweeps and the index of the first one
 * @returns the new spins `[R, Ly, Lx]` on the same backend
 * @throws InvalidArgumentError for another lattice, spins of the wrong shape or dtype (or more than
 *   {@link MAX_GPU_SPINS} on a gpu backend), β not finite and > 0, a bad key or sweep count
 * @example
 * ```ts
 * import { createGpuBackend } from '@gen/core-tensor/gpu'
 * import { squareLattice } from '@gen/ising'
 * import { spinsTensor, tensorCheckerboardSweep, tensorObservables } from '@gen/ising/gpu'
 * const backend = await createGpuBackend({ mode: 'webgpu' })
 * const model = squareLattice(32)
 * const s0 = spinsTensor(model, [allUp(model)], backend) // [1, 32, 32]
 * const s1 = tensorCheckerboardSweep(model, s0, { beta: 0.5, key: key(1), sweeps: 100 })
 * const { energy } = tensorObservables(model, s1)
 * await energy.data() // Float32Array [E], near −1.75·N at T = 2
 * ```
 */
export function tensorCheckerboardSweep(
  lattice: IsingModel | SquareTorus,
  spins: Tensor,
  options: TensorSweepOptions,
): Tensor {
  const op = 'tensorCheckerboardSweep'
  checkOptions(op, options)
  const torus = checkLattice(op, lattice)
  const R = checkSpins(op, torus, spins)
  const { beta } = options
  if (typeof beta !== 'number' || !(beta > 0) || !Number.isFinite(beta)) {
    throw new InvalidArgumentError(
      op,
      'beta',
      `must be a finite number > 0 (a fixed-order Metropolis sweep at beta = 0 is not ergodic), got ${beta}`,
    )
  }
  checkKey(op, options.key)
  const sweeps = options.sweeps ?? 1
  const first = options.firstSweep ?? 0
  for (const [name, v] of [
    ['sweeps', sweeps],
    ['firstSweep', first],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new InvalidArgumentError(op, name, `must be an integer >= 0, got ${v}`)
    }
  }
  const backend = spins.backend
  const count = R * torus.Lx * torus.Ly
  const plain = torus.J === 1 && torus.h === 0
  const c = plain ? null : scalars(backend, torus)
  let s = spins
  for (let t = 0; t < sweeps; t++) {
    const halves = thresholds(fold(options.key, first + t), count, torus, beta)
    for (const r of halves) {
      const next = tidy(() => {
        const sigma = neighbourSum(s)
        const local = c === null ? sigma : add(mul(sigma, c.J), c.h)
        const threshold = fromArray(r, { shape: spins.shape, backend })
        return where(less(mul(s, local), threshold), neg(s), s)
      })
      if (s !== spins) s.dispose()
      s = next
    }
  }
  if (c !== null) {
    c.J.dispose()
    c.h.dispose()
  }
  return s === spins ? tidy(() => add(spins, 0)) : s
}

/**
 * Energy and magnetisation of each replica, computed on the backend:
 * `E = −J Σ_{x,y} s_{x,y} (s_{x+1,y} + s_{x,y+1}) − h Σ s`, `M = Σ s` (each bond once, as
 * `energy`).
 *
 * @param lattice - the lattice of {@link tensorCheckerboardSweep}
 * @param spins - float32 ±1 `[R, Ly, Lx]`
 * @returns `energy` and `magnetisation`, float32 `[R]` tensors (totals, not per spin)
 * @throws InvalidArgumentError for another lattice or spins of the wrong shape (or too many on a gpu backend)
 * @example
 * ```ts
 * const { energy, magnetisation } = tensorObservables(model, spins)
 * const [e, m] = await Promise.all([energy.data(), magnetisation.data()])
 * ```
 */
export function tensorObservables(
  lattice: IsingModel | SquareTorus,
  spins: Tensor,
): { energy: Tensor; magnetisation: Tensor } {
  const op = 'tensorObservables'
  const torus = checkLattice(op, lattice)
  checkSpins(op, torus, spins)
  return tidy(() => {
    const magnetisation = sum(spins, { axis: [1, 2] })
    const bonds = sum(mul(spins, add(roll(spins, 1, -1), roll(spins, 2, -1))), { axis: [1, 2] })
    const energy = add(mul(bonds, -torus.J), mul(magnetisation, -torus.h))
    return { energy, magnetisation }
  })
}

/**
 * Uploads ±1 spin configurations (the package's Int8Arrays, one per replica) as a float32
 * `[R, Ly, Lx]` tensor for {@link tensorCheckerboardSweep}.
 *
 * @param lattice - the lattice of {@link tensorCheckerboardSweep}
 * @param replicas - one or more ±1 Int8Arrays of length N
 * @param backend - where the tensor lives
 * @returns the spins tensor
 * @throws InvalidArgumentError for another lattice, no replica, a replica of the wrong length or with a value
 *   other than ±1, or more than {@link MAX_GPU_SPINS} spins in all on a gpu backend
 * @example
 * ```ts
 * const s = spinsTensor(model, [allUp(model), randomSpins(model, key(1))], backend) // [2, Ly, Lx]
 * ```
 */
export function spinsTensor(
  lattice: IsingModel | SquareTorus,
  replicas: readonly Int8Array[],
  backend: BackendV1,
): Tensor {
  const op = 'spinsTensor'
  const torus = checkLattice(op, lattice)
  if (!Array.isArray(replicas) || replicas.length === 0) {
    throw new InvalidArgumentError(
      op,
      'replicas',
      `must be a non-empty array of Int8Arrays, got ${String(replicas)}`,
    )
  }
  const n = torus.Lx * torus.Ly
  checkGpuSize(op, backend, replicas.length * n)
  const values = new Float32Array(replicas.length * n)
  replicas.forEach((spins, r) => {
    if (!(spins instanceof Int8Array) || spins.length !== n) {
      throw new InvalidArgumentError(
        op,
        `replicas[${r}]`,
        `must be an Int8Array of length ${n}, got ${spins instanceof Int8Array ? `length ${spins.length}` : typeof spins}`,
      )
    }
    for (let i = 0; i < n; i++) {
      const v = spins[i]
      if (v !== 1 && v !== -1) {
        throw new InvalidArgumentError(op, `replicas[${r}]`, `must hold only +1 and -1, got ${v} at ${i}`)
      }
      values[r * n + i] = v
    }
  })
  return fromArray(values, { shape: [replicas.length, torus.Ly, torus.Lx], backend })
}
