/**
 * t-SNE input affinities (van der Maaten and Hinton 2008, §2): Gaussian conditional
 * probabilities p_{j|i} ∝ exp(−β_i d²_ij) over each point's neighbours, with β_i found by
 * bisection so that the row's perplexity 2^H equals the requested one (H in bits; here in
 * nats, H = log(perplexity)), then symmetrised to the joint p_ij = (p_{j|i} + p_{i|j}) / 2n.
 */
import { InvalidArgumentError } from '@gen/core-tensor'
import { forEachDistanceBlock, nearestNeighbors, type DistanceOptions } from './distances'
import type { Matrix } from './matrix'

/** A sparse matrix in compressed-row form: row i is entries rowStart[i] .. rowStart[i+1]−1. */
export interface SparseRows {
  /** Number of rows (= columns: these are point-by-point matrices). */
  readonly size: number
  /** `[size + 1]` offsets into `columns` and `values`. */
  readonly rowStart: Int32Array
  /** Column of each entry, increasing within a row. */
  readonly columns: Int32Array
  /** Value of each entry. */
  readonly values: Float64Array
}

/** Conditional affinities p_{j|i}: each row sums to 1. */
export interface ConditionalAffinities extends SparseRows {
  /** The precision β_i = 1 / (2σ_i²) found for each row. */
  readonly betas: Float64Array
  /** Each row's entropy H_i = −Σ_j p_{j|i} ln p_{j|i}, in nats. */
  readonly entropies: Float64Array
}

/** Options of {@link conditionalAffinities}. */
export interface AffinityOptions extends DistanceOptions {
  /** Target perplexity u, 1 < u < n − 1 (default 30). */
  readonly perplexity?: number
  /**
   * `'all'` (every other point: exact t-SNE) or a neighbour count k (Barnes-Hut t-SNE uses
   * k = ⌊3u⌋, van der Maaten 2014 §4.1). Default `'all'`.
   */
  readonly neighbors?: 'all' | number
  /** Stop the bisection when |H_i − ln u| < tolerance, in nats (default 1e-5). */
  readonly tolerance?: number
}

/**
 * Conditional affinities p_{j|i} = exp(−β_i d²_ij) / Σ_k exp(−β_i d²_ik) over each point's
 * neighbours, β_i calibrated by bisection so that H_i = ln(perplexity).
 *
 * Shapes: x [n, d] → a sparse n × n matrix with k entries per row.
 *
 * @param x - data [n, d]
 * @param options - `perplexity` (30), `neighbors` (`'all'`), `tolerance` (1e-5), `backend`
 * @returns the rows, their β and entropies
 * @throws InvalidArgumentError when the perplexity is not in (1, n − 1), the neighbour count
 *   is not in (perplexity, n − 1], or the tolerance is not positive
 * @example
 * ```ts
 * const p = conditionalAffinities(x, { perplexity: 5 })
 * p.entropies // all ≈ Math.log(5)
 * ```
 */
export function conditionalAffinities(x: Matrix, options: AffinityOptions = {}): ConditionalAffinities {
  const op = 'conditionalAffinities'
  const n = x.shape[0]
  const perplexity = options.perplexity ?? 30
  if (!(perplexity > 1 && perplexity < n - 1)) {
    throw new InvalidArgumentError(op, 'perplexity', `must be in (1, n - 1 = ${n - 1}), got ${perplexity}`)
  }
  const tolerance = options.tolerance ?? 1e-5
  if (!(tolerance > 0)) throw new InvalidArgumentError(op, 'tolerance', `must be positive, got ${tolerance}`)
  const neighbors = options.neighbors ?? 'all'
  const k = neighbors === 'all' ? n - 1 : neighbors
  if (!Number.isInteger(k) || k <= perplexity || k > n - 1) {
    throw new InvalidArgumentError(
      op,
      'neighbors',
      `must be 'all' or an integer in (perplexity = ${perplexity}, n - 1 = ${n - 1}], got ${String(neighbors)}`,
    )
  }
  const rowStart = Int32Array.from({ length: n + 1 }, (_, i) => i * k)
  const columns = new Int32Array(n * k)
  const values = new Float64Array(n * k)
  const betas = new Float64Array(n)
  const entropies = new Float64Array(n)
  const target = Math.log(perplexity)
  const calibrate = (i: number, distances: Float64Array): void => {
    const row = values.subarray(i * k, (i + 1) * k)
    const result = calibrateRow(distances, row, target, tolerance)
    betas[i] = result.beta
    entropies[i] = result.entropy
  }
  if (k === n - 1) {
    const distances = new Float64Array(n - 1)
    forEachDistanceBlock(
      x,
      (start, end, block) => {
        for (let i = start; i < end; i++) {
          let c = 0
          for (let j = 0; j < n; j++) {
            if (j === i) continue
            columns[i * k + c] = j
            distances[c++] = block[(i - start) * n + j]
          }
          calibrate(i, distances)
        }
      },
      options,
    )
  } else {
    const nn = nearestNeighbors(x, k, options)
    for (let i = 0; i < n; i++) calibrate(i, nn.squaredDistances.subarray(i * k, (i + 1) * k))
    // store each row by increasing column, as SparseRows promises
    for (let i = 0; i < n; i++) {
      const order = Array.from({ length: k }, (_, c) => c).sort(
        (a, b) => nn.indices[i * k + a] - nn.indices[i * k + b],
      )
      const rowValues = values.slice(i * k, (i + 1) * k)
      order.forEach((c, pos) => {
        columns[i * k + pos] = nn.indices[i * k + c]
        values[i * k + pos] = rowValues[c]
      })
    }
  }
  return { size: n, rowStart, columns, values, betas, entropies }
}

/**
 * One row's bisection on β: p_j = exp(−β (d_j − d_min)) / Z (the shift by d_min avoids
 * underflow and cancels in p), H = ln Z + β Σ_j p_j (d_j − d_min). H decreases in β, so
 * β doubles (halves) until the target is bracketed and then bisects.
 */
function calibrateRow(
  distances: Float64Array,
  out: Float64Array,
  target: number,
  tolerance: number,
): { beta: number; entropy: number } {
  const k = distances.length
  let dMin = Infinity
  for (let j = 0; j < k; j++) dMin = Math.min(dMin, distances[j])
  let beta = 1
  let low = 0
  let high = Infinity
  let entropy = 0
  for (let iteration = 0; iteration < 200; iteration++) {
    let z = 0
    let weighted = 0
    for (let j = 0; j < k; j++) {
      const shifted = distances[j] - dMin
      const p = Math.exp(-beta * shifted)
      out[j] = p
      z += p
      weighted += p * shifted
    }
    entropy = Math.log(z) + (beta * weighted) / z
    for (let j = 0; j < k; j++) out[j] /= z
    const gap = entropy - target
    if (Math.abs(gap) < tolerance) break
    if (gap > 0) {
      low = beta
      beta = high === Infinity ? beta * 2 : (beta + high) / 2
    } else {
      high = beta
      beta = (beta + low) / 2
    }
  }
  return { beta, entropy }
}

/**
 * The joint affinities of symmetric SNE: p_ij = (p_{j|i} + p_{i|j}) / (2n), symmetric, summing
 * to 1 (van der Maaten and Hinton 2008, §3.1). Sparse rows stay sparse: the pattern is the
 * union of each pair's two directions.
 *
 * @param conditional - rows p_{j|i} from {@link conditionalAffinities}
 * @returns the symmetric joint matrix, each row's columns increasing
 * @example
 * ```ts
 * const p = jointAffinities(conditionalAffinities(x, { perplexity: 30 }))
 * ```
 */
export function jointAffinities(conditional: SparseRows): SparseRows {
  const n = conditional.size
  const { rowStart, columns, values } = conditional
  const counts = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      counts[i]++
      counts[columns[e]]++
    }
  }
  const start = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + counts[i]
  const fill = start.slice(0, n)
  const rawColumns = new Int32Array(start[n])
  const rawValues = new Float64Array(start[n])
  const scale = 1 / (2 * n)
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const j = columns[e]
      const v = values[e] * scale
      rawColumns[fill[i]] = j
      rawValues[fill[i]++] = v
      rawColumns[fill[j]] = i
      rawValues[fill[j]++] = v
    }
  }
  // sort each row by column and merge the two halves of each pair
  const outStart = new Int32Array(n + 1)
  const outColumns = new Int32Array(start[n])
  const outValues = new Float64Array(start[n])
  let nnz = 0
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: start[i + 1] - start[i] }, (_, c) => start[i] + c).sort(
      (a, b) => rawColumns[a] - rawColumns[b],
    )
    let last = -1
    for (const e of order) {
      if (rawColumns[e] === last) outValues[nnz - 1] += rawValues[e]
      else {
        outColumns[nnz] = rawColumns[e]
        outValues[nnz++] = rawValues[e]
        last = rawColumns[e]
      }
    }
    outStart[i + 1] = nnz
  }
  return { size: n, rowStart: outStart, columns: outColumns.slice(0, nnz), values: outValues.slice(0, nnz) }
}
