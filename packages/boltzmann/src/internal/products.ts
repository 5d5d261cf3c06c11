// The dense products of an RBM, x W, y Wᵀ and xᵀ y, as core-tensor matmuls on a backend: the
// cpu backend's WebAssembly SIMD kernel (float32, about 6× the scalar float64 loops at 784×500),
// or the reference backend's float64 loop (the exact small-model tests). Everything around the
// products (biases, sigmoids, Bernoulli draws) stays in float64 JavaScript, so the two backends
// differ only by the float32 rounding of the products (relative ~1e-7 per sum of V or H terms).
// Binary visible batches are sparse (MNIST: ~13 % of pixels on, and many pixels off in every
// image of a batch), so x W and xᵀ y first drop the columns of x that are zero in every row: the
// product sums over the remaining ones only (the same sum without its zero terms).
// Legend: W [V, H] row-major, x rows [rows, V], y rows [rows, H].
import { cpu, fromArray, matmul, transpose, type BackendV1, type Tensor } from '@gen/core-tensor'

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
  // x W over the active columns S of x: x_S [rows, |S|] times W's rows S [|S|, H]
  const right = (x: ArrayLike<number>, rows: number): ProductArray => {
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
    left: (y, rows) => run(y, rows, H, wt),
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
