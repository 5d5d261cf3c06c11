// The dense products of an RBM, x W, y Wᵀ and xᵀ y, as core-tensor matmuls on a backend: the
// cpu backend's WebAssembly SIMD kernel (float32, about 6× the scalar float64 loops at 784×500),
// or the reference backend's float64 loop (the exact small-model tests). Everything around the
// products (biases, sigmoids, Bernoulli draws) stays in float64 JavaScript, so the two backends
// differ only by the float32 rounding of the products (relative ~1e-7 per sum of V or H terms).
// Binary visible batches are sparse (MNIST: ~13 % of pixels on, and many pixels off in every
// image of a batch), so x W and xᵀ y first drop the columns of x that are zero in every row: the
// product sums over the remaining ones only (the same sum without its zero terms).
// On the cpu backend a binary operand with at most SPARSE_BELOW of its entries on takes the
// sparse path instead (sparse-kernels.ts gatherRows, float32 SIMD): x W is the sum of W's rows at
// the ones of each row of x, h Wᵀ the sum of Wᵀ's rows, and xᵀ y for each visible unit the sum of
// y's rows where it is on. Only the zero terms of the dense sums are dropped, so the results
// equal the dense float32 products up to float32 rounding (summation order).
// Legend: W [V, H] row-major, x rows [rows, V], y rows [rows, H].
import { cpu, fromArray, matmul, transpose, type BackendV1, type Tensor } from '@gen/core-tensor'

import { align16, reserve, sparseKernels, type SparseKernels } from './sparse-kernels'

/** A product's result, row-major: Float32Array on cpu, Float64Array on the reference backend. */
export type ProductArray = Float32Array | Float64Array

/** The backend of the products: the caller's, else core-tensor's cpu backend. */
export function productBackend(backend: BackendV1 | undefined): BackendV1 {
  return backend ?? cpu
}

/**
 * Products with one weight matrix W [V, H], uploaded once (call `dispose` when done).
 *
 * @internal
 */
export interface WeightProducts {
  /** x W + bias: [rows, V] → [rows, H] (bias [H] added in float64 when given). */
  readonly right: (x: ArrayLike<number>, rows: number) => ProductArray
  /** y Wᵀ: [rows, H] → [rows, V]. */
  readonly left: (y: ArrayLike<number>, rows: number) => ProductArray
  /** Frees the weight tensor. */
  readonly dispose: () => void
}

/** Skip columns only when at most this fraction of them is active (gathering costs a copy of W's rows). */
const COMPACT_BELOW = 0.9

/** The columns of x [rows, width] with a nonzero entry, or undefined when nearly all are. */
function activeColumns(x: ArrayLike<number>, rows: number, width: number): Int32Array | undefined {
  const seen = new Uint8Array(width)
  for (let r = 0; r < rows; r++) {
    const base = r * width
    for (let i = 0; i < width; i++) if (x[base + i] !== 0) seen[i] = 1
  }
  let count = 0
  for (let i = 0; i < width; i++) count += seen[i]
  if (count > COMPACT_BELOW * width) return undefined
  const out = new Int32Array(count)
  for (let i = 0, n = 0; i < width; i++) if (seen[i] === 1) out[n++] = i
  return out
}

/** x's columns `columns`, [rows, columns.length]. */
function gatherColumns(x: ArrayLike<number>, rows: number, width: number, columns: Int32Array): Float64Array {
  const S = columns.length
  const out = new Float64Array(rows * S)
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < S; s++) out[r * S + s] = x[r * width + columns[s]]
  }
  return out
}

function product(a: Tensor, b: Tensor): ProductArray {
  const c = matmul(a, b)
  const out = c.dataSync() as ProductArray
  c.dispose()
  return out
}

/**
 * Uploads W [V, H] to `backend` and returns its products.
 *
 * @internal
 */
export function weightProducts(
  weights: ArrayLike<number>,
  shape: { readonly numVisible: number; readonly numHidden: number },
  backend: BackendV1,
): WeightProducts {
  const { numVisible: V, numHidden: H } = shape
  const w = fromArray(weights, { shape: [V, H], backend })
  const wt = transpose(w)
  const run = (x: ArrayLike<number>, rows: number, width: number, m: Tensor): ProductArray => {
    const t = fromArray(x, { shape: [rows, width], backend })
    const out = product(t, m)
    t.dispose()
    return out
  }
  const sparse = sparseWeights(weights, shape, backend)
  // x W over the active columns S of x: x_S [rows, |S|] times W's rows S [|S|, H]
  const right = (x: ArrayLike<number>, rows: number): ProductArray => {
    const fast = sparse?.right(x, rows)
    if (fast !== undefined) return fast
    const columns = activeColumns(x, rows, V)
    if (columns === undefined) return run(x, rows, V, w)
    const S = columns.length
    if (S === 0) return new Float64Array(rows * H)
    const rowsOfW = new Float64Array(S * H)
    for (let s = 0; s < S; s++) {
      const base = columns[s] * H
      for (let j = 0; j < H; j++) rowsOfW[s * H + j] = weights[base + j]
    }
    const ws = fromArray(rowsOfW, { shape: [S, H], backend })
    const out = run(gatherColumns(x, rows, V, columns), rows, S, ws)
    ws.dispose()
    return out
  }
  return {
    right,
    left: (y, rows) => sparse?.left(y, rows) ?? run(y, rows, H, wt),
    dispose: () => {
      wt.dispose()
      w.dispose()
    },
  }
}

/**
 * xᵀ y for x [rows, V] and y [rows, H]: the [V, H] sum of outer products Σ_r x_r y_rᵀ.
 *
 * @internal
 */
export function transposedProduct(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: { readonly rows: number; readonly numVisible: number; readonly numHidden: number },
  backend: BackendV1,
): ProductArray {
  const { rows, numVisible: V, numHidden: H } = shape
  const kernels = backend.name === 'cpu' ? sparseKernels() : undefined
  if (kernels !== undefined) {
    const fast = sparseTransposedProduct(kernels, x, y, shape)
    if (fast !== undefined) return fast
  }
  const columns = activeColumns(x, rows, V)
  const S = columns?.length ?? V
  const xt = fromArray(columns === undefined ? x : gatherColumns(x, rows, V, columns), {
    shape: [rows, S],
    backend,
  })
  const yt = fromArray(y, { shape: [rows, H], backend })
  const t = transpose(xt)
  const compact = S === 0 ? new Float64Array(0) : product(t, yt)
  t.dispose()
  xt.dispose()
  yt.dispose()
  if (columns === undefined) return compact
  // rows of xᵀ y outside S are zero
  const out = new Float64Array(V * H)
  for (let s = 0; s < S; s++) out.set(compact.subarray(s * H, (s + 1) * H), columns[s] * H)
  return out
}

/** A binary operand takes the sparse path when at most this fraction of its entries is 1. */
export const SPARSE_BELOW = 0.5

/** CSR lists of the ones of a binary [rows, width] array: starts [rows + 1] and the column of each one. */
interface Ones {
  readonly starts: Int32Array
  readonly list: Int32Array
}

/**
 * The ones of x [rows, width] by row, or undefined when x is not binary or more than
 * SPARSE_BELOW of it is on (then the dense product is faster).
 */
function onesByRow(x: ArrayLike<number>, rows: number, width: number): Ones | undefined {
  const limit = Math.floor(SPARSE_BELOW * rows * width)
  const list = new Int32Array(limit)
  const starts = new Int32Array(rows + 1)
  let n = 0
  for (let r = 0; r < rows; r++) {
    const base = r * width
    for (let i = 0; i < width; i++) {
      const v = x[base + i]
      if (v === 0) continue
      if (v !== 1 || n === limit) return undefined
      list[n++] = i
    }
    starts[r + 1] = n
  }
  return { starts, list: list.subarray(0, n) }
}

/** Bytes of `count` rows of `width` float32, each padded to a multiple of 4 floats. */
function paddedRowBytes(width: number): number {
  return align16(4 * width)
}

/**
 * Runs gatherRows over `ones` with its source rows (`srcRowBytes` apart) at byte `srcAt` of the
 * kernels' memory, using scratch from byte `scratchAt`; returns out [rows, width] (padding
 * dropped) as a Float32Array.
 */
function gather(
  kernels: SparseKernels,
  ones: Ones,
  layout: {
    readonly srcAt: number
    readonly scratchAt: number
    readonly width: number
    readonly rows: number
    /** Return the result widened to float64 (one copy instead of two when the caller wants float64). */
    readonly float64?: boolean
    /** Write the float64 result here (length rows · width) instead of a new array. */
    readonly into?: Float64Array
  },
): ProductArray {
  const { srcAt, scratchAt, width, rows } = layout
  const rowBytes = paddedRowBytes(width)
  const listAt = align16(scratchAt)
  const startsAt = align16(listAt + 4 * ones.list.length)
  const outAt = align16(startsAt + 4 * ones.starts.length)
  const buffer = reserve(kernels, outAt + rows * rowBytes)
  new Int32Array(buffer, listAt, ones.list.length).set(ones.list)
  new Int32Array(buffer, startsAt, ones.starts.length).set(ones.starts)
  kernels.exports.gatherRows(outAt, srcAt, rowBytes, listAt, startsAt, rows, rowBytes / 16)
  const padded = new Float32Array(buffer, outAt, (rows * rowBytes) / 4)
  // typed-array set copies and converts in bulk (TypedArray.from and slice are several times
  // slower); a caller's `into` spares a new multi-megabyte allocation per call
  const out =
    layout.into ?? (layout.float64 === true ? new Float64Array(rows * width) : new Float32Array(rows * width))
  if (rowBytes === 4 * width) {
    out.set(padded)
    return out
  }
  const rowFloats = rowBytes / 4
  for (let r = 0; r < rows; r++) out.set(padded.subarray(r * rowFloats, r * rowFloats + width), r * width)
  return out
}

/** Writes m [rows, width] as float32 rows padded to 4 floats at byte `at`; returns the bytes written. */
// eslint-disable-next-line max-params -- an inner helper: the operand, its shape and where it goes
function upload(
  kernels: SparseKernels,
  m: ArrayLike<number>,
  rows: number,
  width: number,
  at: number,
): number {
  const rowFloats = paddedRowBytes(width) / 4
  const bytes = rows * rowFloats * 4
  const f = new Float32Array(reserve(kernels, at + bytes), at, rows * rowFloats)
  if (rowFloats === width) f.set(m)
  else for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) f[r * rowFloats + j] = m[r * width + j]
  return bytes
}

/** The sparse x W and h Wᵀ of one W on the cpu backend, or undefined elsewhere. */
function sparseWeights(
  weights: ArrayLike<number>,
  shape: { readonly numVisible: number; readonly numHidden: number },
  backend: BackendV1,
):
  | {
      readonly right: (x: ArrayLike<number>, rows: number) => ProductArray | undefined
      readonly left: (y: ArrayLike<number>, rows: number) => ProductArray | undefined
    }
  | undefined {
  const kernels = backend.name === 'cpu' ? sparseKernels() : undefined
  if (kernels === undefined) return undefined
  const { numVisible: V, numHidden: H } = shape
  // resident layout: W [V, H] at 0, then Wᵀ [H, V] (uploaded on the first h Wᵀ)
  const token = {}
  const transposedAt = align16(V * paddedRowBytes(H))
  let hasTransposed = false
  const ensure = (needTransposed: boolean): void => {
    if (kernels.owner !== token) {
      kernels.owner = token
      kernels.residentBytes = upload(kernels, weights, V, H, 0)
      hasTransposed = false
    }
    if (needTransposed && !hasTransposed) {
      // Wᵀ [H, V] as float32 rows of V (padded), transposed from the resident W in the kernel
      const bytes = H * paddedRowBytes(V)
      reserve(kernels, transposedAt + bytes)
      kernels.exports.transpose(transposedAt, paddedRowBytes(V), 0, paddedRowBytes(H), V, H)
      kernels.residentBytes = transposedAt + bytes
      hasTransposed = true
    }
  }
  return {
    right: (x, rows) => {
      const ones = onesByRow(x, rows, V)
      if (ones === undefined) return undefined
      ensure(false)
      return gather(kernels, ones, { srcAt: 0, scratchAt: kernels.residentBytes, width: H, rows })
    },
    left: (y, rows) => {
      const ones = onesByRow(y, rows, H)
      if (ones === undefined) return undefined
      ensure(true)
      return gather(kernels, ones, { srcAt: transposedAt, scratchAt: kernels.residentBytes, width: V, rows })
    },
  }
}

/** xᵀ y [V, H] for binary x [rows, V] by gathering y's rows, or undefined when x is not sparse binary. */
function sparseTransposedProduct(
  kernels: SparseKernels,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: { readonly rows: number; readonly numVisible: number; readonly numHidden: number },
): ProductArray | undefined {
  const { rows, numVisible: V, numHidden: H } = shape
  const byRow = onesByRow(x, rows, V)
  if (byRow === undefined) return undefined
  // the same ones listed by column: for each i, the rows r with x_ri = 1
  const starts = new Int32Array(V + 1)
  for (const i of byRow.list) starts[i + 1]++
  for (let i = 0; i < V; i++) starts[i + 1] += starts[i]
  const fill = starts.slice(0, V)
  const list = new Int32Array(byRow.list.length)
  for (let r = 0; r < rows; r++) {
    for (let k = byRow.starts[r]; k < byRow.starts[r + 1]; k++) list[fill[byRow.list[k]]++] = r
  }
  // y goes to scratch, after whatever operand is resident
  const srcAt = align16(kernels.residentBytes)
  const srcBytes = upload(kernels, y, rows, H, srcAt)
  return gather(kernels, { starts, list }, { srcAt, scratchAt: srcAt + srcBytes, width: H, rows: V })
}

/** One phase of a gradient's weight term: binary visible rows v [rows, V] with hidden rows p [rows, H], weighted by `scale`. */
export interface WeightedPhase {
  readonly v: ArrayLike<number>
  readonly p: ArrayLike<number>
  readonly rows: number
  readonly scale: number
}

/**
 * Σ_phases scale · vᵀ p [V, H] on the sparse path (cpu backend, binary v with at most
 * SPARSE_BELOW on), or undefined (then the caller takes the dense product): for each visible
 * unit i, the sum of the rows scale · p_r over the rows r (of all phases) where v_ri = 1.
 *
 * @internal
 */

export function sparsePhaseProduct(
  phases: readonly WeightedPhase[],
  shape: { readonly numVisible: number; readonly numHidden: number },
  backend: BackendV1,
  into?: Float64Array,
): ProductArray | undefined {
  const kernels = backend.name === 'cpu' ? sparseKernels() : undefined
  if (kernels === undefined) return undefined
  const { numVisible: V, numHidden: H } = shape
  let rows = 0
  const byRow: Ones[] = []
  for (const phase of phases) {
    const ones = onesByRow(phase.v, phase.rows, V)
    if (ones === undefined) return undefined
    byRow.push(ones)
    rows += phase.rows
  }
  // the ones listed by column (global row numbers over the phases in order)
  const starts = new Int32Array(V + 1)
  let total = 0
  for (const ones of byRow) {
    for (const i of ones.list) starts[i + 1]++
    total += ones.list.length
  }
  for (let i = 0; i < V; i++) starts[i + 1] += starts[i]
  const fill = starts.slice(0, V)
  const list = new Int32Array(total)
  let offset = 0
  byRow.forEach((ones, q) => {
    for (let r = 0; r < phases[q].rows; r++) {
      for (let k = ones.starts[r]; k < ones.starts[r + 1]; k++) list[fill[ones.list[k]]++] = offset + r
    }
    offset += phases[q].rows
  })
  // scale · p of every phase, as float32 rows of H (padded) in scratch after the resident operand
  const srcAt = align16(kernels.residentBytes)
  const rowFloats = paddedRowBytes(H) / 4
  const srcBytes = rows * rowFloats * 4
  const y = new Float32Array(reserve(kernels, srcAt + srcBytes), srcAt, rows * rowFloats)
  offset = 0
  for (const phase of phases) {
    const { p, scale } = phase
    for (let r = 0; r < phase.rows; r++) {
      const at = (offset + r) * rowFloats
      const from = r * H
      for (let j = 0; j < H; j++) y[at + j] = scale * p[from + j]
    }
    offset += phase.rows
  }
  return gather(
    kernels,
    { starts, list },
    { srcAt, scratchAt: srcAt + srcBytes, width: H, rows: V, float64: true, into },
  )
}
