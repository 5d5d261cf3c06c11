/**
 * Scores for an embedding of a data set: how well its neighbourhoods keep the classes
 * (leave-one-out k-NN accuracy) and the original neighbourhoods (trustworthiness, Venna and
 * Kaski 2001).
 */
import { InvalidArgumentError, checkOptions } from '@gen/core-tensor'
import { forEachDistanceBlock, nearestNeighbors, type DistanceOptions } from './distances'
import { toMatrix, type MatrixInput } from './matrix'

/**
 * Leave-one-out k-nearest-neighbour classification accuracy: each point is given the
 * majority label of its k nearest other points, and the fraction of points whose vote
 * matches their own label is returned. A tie between labels goes to the tied label that
 * occurs nearest.
 *
 * Shapes: embedding [n, dims], labels [n].
 *
 * @param embedding - points, any dimension
 * @param labels - one integer class per point
 * @param options - `k` (default 10, 1 ≤ k ≤ n − 1), `backend` for wide data
 * @returns accuracy in [0, 1]
 * @throws InvalidArgumentError for a label count that differs from the rows, or a bad k
 * @example
 * ```ts
 * knnAccuracy(embedding, test.labels.subarray(0, 2000), { k: 10 }) // ≈ 0.86 for t-SNE of MNIST
 * ```
 */
export function knnAccuracy(
  embedding: MatrixInput,
  labels: ArrayLike<number>,
  options: { k?: number } & DistanceOptions = {},
): number {
  const op = 'knnAccuracy'
  checkOptions(op, options)
  const y = toMatrix(op, 'embedding', embedding)
  const n = y.shape[0]
  if (labels.length !== n)
    throw new InvalidArgumentError(op, 'labels', `must have one label per row (${n}), got ${labels.length}`)
  const k = options.k ?? 10
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new InvalidArgumentError(op, 'k', `must be an integer in [1, n - 1 = ${n - 1}], got ${k}`)
  }
  const { indices } = nearestNeighbors(y, k, options)
  const votes = new Map<number, number>()
  let correct = 0
  for (let i = 0; i < n; i++) {
    votes.clear()
    let best = 0
    for (let r = 0; r < k; r++) {
      const label = labels[indices[i * k + r]]
      const count = (votes.get(label) ?? 0) + 1
      votes.set(label, count)
      best = Math.max(best, count)
    }
    // the nearest label that reaches the top count wins
    let vote = NaN
    for (let r = 0; r < k; r++) {
      const label = labels[indices[i * k + r]]
      if (votes.get(label) === best) {
        vote = label
        break
      }
    }
    if (vote === labels[i]) correct++
  }
  return correct / n
}

/**
 * Trustworthiness of an embedding (Venna and Kaski 2001): how many of each point's k nearest
 * neighbours in the embedding are intruders, i.e. not among its k nearest in the original
 * space, weighted by how far down the original ranking they are:
 *
 *   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k)
 *
 * where r(i, j) is j's rank (1 = nearest) among i's neighbours in the original space and
 * U_k(i) the embedding's k nearest that are not in the original k nearest. 1 means every
 * embedding neighbourhood is an original neighbourhood. Equal distances rank by index.
 *
 * Shapes: original [n, d], embedding [n, dims].
 *
 * @param original - the data
 * @param embedding - its embedding, same rows
 * @param options - `k` (default 5, 1 ≤ k < n/2), `backend` for the original distances
 * @returns T(k) in [0, 1]
 * @throws InvalidArgumentError when the row counts differ or k is out of range
 * @example
 * ```ts
 * trustworthiness(pixels, embedding, { k: 5 }) // ≈ 0.96 for t-SNE of MNIST
 * ```
 */
export function trustworthiness(
  original: MatrixInput,
  embedding: MatrixInput,
  options: { k?: number } & DistanceOptions = {},
): number {
  const op = 'trustworthiness'
  checkOptions(op, options)
  const x = toMatrix(op, 'original', original)
  const y = toMatrix(op, 'embedding', embedding)
  const n = x.shape[0]
  if (y.shape[0] !== n) {
    throw new InvalidArgumentError(op, 'embedding', `must have the original's ${n} rows, got ${y.shape[0]}`)
  }
  const k = options.k ?? 5
  if (!Number.isInteger(k) || k < 1 || 2 * k >= n) {
    throw new InvalidArgumentError(op, 'k', `must be an integer in [1, n/2 = ${n / 2}), got ${k}`)
  }
  const embedded = nearestNeighbors(y, k).indices
  let penalty = 0
  forEachDistanceBlock(
    x,
    (start, end, block) => {
      for (let i = start; i < end; i++) {
        const row = (i - start) * n
        for (let r = 0; r < k; r++) {
          const j = embedded[i * k + r]
          const dij = block[row + j]
          let rank = 1
          for (let l = 0; l < n; l++) {
            if (l === i || l === j) continue
            const dil = block[row + l]
            if (dil < dij || (dil === dij && l < j)) rank++
          }
          if (rank > k) penalty += rank - k
        }
      }
    },
    { backend: options.backend },
  )
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty
}
