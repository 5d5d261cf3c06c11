/**
 * UMAP (McInnes, Healy and Melville 2018) through the umap-js library (PAIR-code), with exact
 * nearest neighbours from core-tensor's matmul and a keyed random function, so a key gives
 * the same embedding from run to run.
 */
import { InvalidArgumentError, checkOptions, type BackendV1, type Key } from '@gen/core-tensor'
import { UMAP } from 'umap-js'
import { nearestNeighbors } from './distances'
import { keyedRandom } from './keyed-random'
import { toMatrix, type Matrix, type MatrixInput } from './matrix'

/** Options of {@link umap}. */
export interface UmapOptions {
  /** Key of the initialisation and the negative sampling. */
  readonly key: Key
  /** Output dimensions (default 2). */
  readonly dimensions?: number
  /** Neighbourhood size, counting the point itself as umap-learn does (default 15). */
  readonly neighbors?: number
  /** Smallest distance between embedded points (default 0.1). */
  readonly minDist?: number
  /** Scale of the embedded points (default 1). */
  readonly spread?: number
  /** Optimisation epochs (default: umap-js's, 500 for n ≤ 2500, fewer beyond). */
  readonly epochs?: number
  /** Called after each epoch. */
  readonly onProgress?: (progress: { epoch: number; epochs: number }) => void
  /** Backend of the nearest-neighbour matmul (default `cpu`). */
  readonly backend?: BackendV1
}

/**
 * Embeds the rows of `x` with UMAP: a fuzzy k-nearest-neighbour graph (exact neighbours
 * here, rather than umap-js's NN-descent) laid out by stochastic gradient descent with
 * negative sampling (McInnes et al. 2018, §3 and §4). Same calling convention as {@link tsne}.
 *
 * Shapes: x [n, d] → embedding [n, dimensions].
 *
 * @param x - data [n, d], n > neighbors
 * @param options - `key` (required), `neighbors`, `minDist`, `spread`, `epochs`, `dimensions`
 * @returns `{ embedding }`
 * @throws InvalidArgumentError for too few rows or a bad option
 * @example
 * ```ts
 * const { embedding } = umap(pixels, { key: key(0), neighbors: 15 })
 * ```
 */
export function umap(x: MatrixInput, options: UmapOptions): { embedding: Matrix } {
  const op = 'umap'
  checkOptions(op, options)
  const data = toMatrix(op, 'x', x)
  const [n, d] = data.shape
  const neighbors = options.neighbors ?? 15
  if (!Number.isInteger(neighbors) || neighbors < 2 || neighbors >= n) {
    throw new InvalidArgumentError(
      op,
      'neighbors',
      `must be an integer in [2, n - 1 = ${n - 1}], got ${neighbors}`,
    )
  }
  const dimensions = options.dimensions ?? 2
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new InvalidArgumentError(op, 'dimensions', `must be a positive integer, got ${dimensions}`)
  }
  const minDist = options.minDist ?? 0.1
  const spread = options.spread ?? 1
  if (!(spread > 0) || !(minDist >= 0 && minDist <= spread)) {
    throw new InvalidArgumentError(
      op,
      'minDist',
      `must be in [0, spread], with spread > 0, got minDist ${minDist}, spread ${spread}`,
    )
  }
  const epochs = options.epochs
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 1)) {
    throw new InvalidArgumentError(op, 'epochs', `must be a positive integer, got ${epochs}`)
  }
  if (typeof options.key !== 'object' || options.key === null) {
    throw new InvalidArgumentError(op, 'key', `must be a Key from key(seed), got ${typeof options.key}`)
  }
  const model = new UMAP({
    nComponents: dimensions,
    nNeighbors: neighbors,
    minDist,
    spread,
    nEpochs: epochs ?? 0,
    random: keyedRandom(options.key),
  })
  // umap-learn's neighbour lists start with the point itself at distance 0
  const nn = nearestNeighbors(data, neighbors - 1, { backend: options.backend })
  const knnIndices: number[][] = []
  const knnDistances: number[][] = []
  for (let i = 0; i < n; i++) {
    const indices = [i]
    const distances = [0]
    for (let r = 0; r < neighbors - 1; r++) {
      indices.push(nn.indices[i * (neighbors - 1) + r])
      distances.push(Math.sqrt(nn.squaredDistances[i * (neighbors - 1) + r]))
    }
    knnIndices.push(indices)
    knnDistances.push(distances)
  }
  model.setPrecomputedKNN(knnIndices, knnDistances)
  const rows: number[][] = []
  for (let i = 0; i < n; i++) rows.push(Array.from(data.data.subarray(i * d, (i + 1) * d)))
  const total = model.initializeFit(rows)
  for (let epoch = 0; epoch < total; epoch++) {
    model.step()
    options.onProgress?.({ epoch: epoch + 1, epochs: total })
  }
  const embedded = model.getEmbedding()
  const out = new Float64Array(n * dimensions)
  embedded.forEach((row, i) => out.set(row, i * dimensions))
  return { embedding: { data: out, shape: [n, dimensions] } }
}
