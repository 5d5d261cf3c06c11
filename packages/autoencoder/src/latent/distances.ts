/**
 * Pairwise squared Euclidean distances and exact k-nearest neighbours. Wide data (pixels)
 * goes through core-tensor's matmul, d²(i, j) = |x_i|² + |x_j|² − 2 x_i·x_j, one block of rows
 * at a time; narrow data (embeddings, ≤ 32 columns) uses direct float64 differences, which keep
 * exact ties exact.
 */
import { InvalidArgumentError, cpu, fromArray, matmul, transpose, type BackendV1 } from '@gen/core-tensor'
import { squaredDistance, type Matrix } from './matrix'

/** How distances are computed. */
export interface DistanceOptions {
  /**
   * Backend for the matmul of wide data: `cpu` (float32, fast; the default) or `reference`
   * (float64, exact). Giving one forces the matmul path even for narrow data.
   */
  readonly backend?: BackendV1
}

const directMaxCols = 32
const blockRows = 512

/**
 * Calls `visit` with consecutive blocks of rows of the squared-distance matrix of `x`:
 * `block[(i − start) * n + j] = d²(x_i, x_j)`, with 0 on the diagonal and no negative values.
 *
 * Shapes: x [n, d]; each block [(end − start), n].
 */
export function forEachDistanceBlock(
  x: Matrix,
  visit: (start: number, end: number, block: Float64Array) => void,
  options: DistanceOptions = {},
): void {
  const [n, d] = x.shape
  const data = x.data
  if (options.backend === undefined && d <= directMaxCols) {
    for (let start = 0; start < n; start += blockRows) {
      const end = Math.min(n, start + blockRows)
      const block = new Float64Array((end - start) * n)
      for (let i = start; i < end; i++) {
        const row = (i - start) * n
        for (let j = 0; j < n; j++) block[row + j] = i === j ? 0 : squaredDistance(data, i, j, d)
      }
      visit(start, end, block)
    }
    return
  }
  const backend = options.backend ?? cpu
  const norms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let c = 0; c < d; c++) s += data[i * d + c] * data[i * d + c]
    norms[i] = s
  }
  const all = fromArray(data, { shape: [n, d], backend })
  const allT = transpose(all)
  try {
    for (let start = 0; start < n; start += blockRows) {
      const end = Math.min(n, start + blockRows)
      const rows = fromArray(data.subarray(start * d, end * d), { shape: [end - start, d], backend })
      const gram = matmul(rows, allT)
      const dots = gram.dataSync()
      rows.dispose()
      gram.dispose()
      const block = new Float64Array((end - start) * n)
      for (let i = start; i < end; i++) {
        const row = (i - start) * n
        for (let j = 0; j < n; j++) {
          // the expansion can round to a tiny negative number for (near-)duplicates
          const value = norms[i] + norms[j] - 2 * dots[row + j]
          block[row + j] = i === j || value < 0 ? 0 : value
        }
      }
      visit(start, end, block)
    }
  } finally {
    all.dispose()
  }
}

/**
 * The full n × n matrix of squared Euclidean distances between the rows of `x`.
 *
 * @param x - data [n, d]
 * @param options - `backend` for wide data (see {@link DistanceOptions})
 * @returns Float64Array [n * n], row-major, 0 on the diagonal
 * @example
 * ```ts
 * squaredDistanceMatrix({ data: Float64Array.of(0, 0, 3, 4), shape: [2, 2] }) // [0, 25, 25, 0]
 * ```
 */
export function squaredDistanceMatrix(x: Matrix, options: DistanceOptions = {}): Float64Array {
  const n = x.shape[0]
  const out = new Float64Array(n * n)
  forEachDistanceBlock(x, (start, _end, block) => out.set(block, start * n), options)
  return out
}

/** The k nearest neighbours of every row, nearest first (ties by smaller index). */
export interface Neighbors {
  /** `[n * k]`: row i's neighbours are `indices.subarray(i * k, (i + 1) * k)`; never i itself. */
  readonly indices: Int32Array
  /** `[n * k]` squared distances to those neighbours, non-decreasing along each row. */
  readonly squaredDistances: Float64Array
  /** Neighbours per point. */
  readonly k: number
}

/**
 * Exact k-nearest neighbours by brute force (every pair), excluding each point itself.
 * Cost: n² d for the distances (blocked matmul for wide data) plus n² k for the selection.
 *
 * @param x - data [n, d]
 * @param k - neighbours per point, 1 ≤ k ≤ n − 1
 * @param options - `backend` for wide data
 * @returns the neighbour lists, nearest first
 * @throws InvalidArgumentError when k is not an integer in [1, n − 1]
 * @example
 * ```ts
 * const { indices } = nearestNeighbors({ data: Float64Array.of(0, 1, 3), shape: [3, 1] }, 1)
 * indices // [1, 0, 1]
 * ```
 */
export function nearestNeighbors(x: Matrix, k: number, options: DistanceOptions = {}): Neighbors {
  const n = x.shape[0]
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new InvalidArgumentError(
      'nearestNeighbors',
      'k',
      `must be an integer in [1, n - 1 = ${n - 1}], got ${k}`,
    )
  }
  const indices = new Int32Array(n * k)
  const distances = new Float64Array(n * k)
  forEachDistanceBlock(
    x,
    (start, end, block) => {
      for (let i = start; i < end; i++)
        selectNearest(block, (i - start) * n, { n, k, self: i, indices, distances, out: i * k })
    },
    options,
  )
  return { indices, squaredDistances: distances, k }
}

interface Selection {
  n: number
  k: number
  self: number
  indices: Int32Array
  distances: Float64Array
  out: number
}

/** Keeps the k smallest of one row by insertion into a sorted list (k is small). */
function selectNearest(row: Float64Array, offset: number, s: Selection): void {
  const { n, k, self, indices, distances, out } = s
  let filled = 0
  for (let j = 0; j < n; j++) {
    if (j === self) continue
    const value = row[offset + j]
    if (filled === k && value >= distances[out + k - 1]) continue
    // j increases, so an equal distance already in the list keeps its earlier place
    let pos = filled === k ? k - 1 : filled++
    while (pos > 0 && distances[out + pos - 1] > value) {
      distances[out + pos] = distances[out + pos - 1]
      indices[out + pos] = indices[out + pos - 1]
      pos--
    }
    distances[out + pos] = value
    indices[out + pos] = j
  }
}
