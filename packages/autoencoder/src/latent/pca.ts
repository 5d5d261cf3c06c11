/**
 * Principal component analysis (Pearson 1901; Hotelling 1933): the directions of largest
 * variance are the leading eigenvectors of the sample covariance C = X̃ᵀ X̃ / (n − 1), X̃ the
 * centred data, and the variance along each is its eigenvalue.
 */
import {
  InvalidArgumentError,
  checkOptions,
  cpu,
  fromArray,
  matmul,
  transpose,
  type BackendV1,
} from '@gen/core-tensor'
import { toMatrix, type Matrix, type MatrixInput } from './matrix'
import { symmetricEigen } from './symmetric-eigen'

/** A fitted PCA. */
export interface PcaModel {
  /** Column means [d]. */
  readonly mean: Float64Array
  /** Principal axes [k, d]: row j is the unit eigenvector of the j-th largest variance. */
  readonly components: Matrix
  /** Variance along each axis [k]: the covariance eigenvalues λ_1 ≥ … ≥ λ_k. */
  readonly explainedVariance: Float64Array
  /** λ_j / Σ_all λ [k]. */
  readonly explainedVarianceRatio: Float64Array
  /** Σ of all d eigenvalues = trace of the covariance. */
  readonly totalVariance: number
}

/** Options of {@link pcaFit} and {@link pca}. */
export interface PcaOptions {
  /** Number of components k, 1 ≤ k ≤ d (default 2). */
  readonly components?: number
  /**
   * Backend of the covariance and projection matmuls: `cpu` (float32, the default, fast) or
   * `reference` (float64, exact). The eigen-decomposition always runs in float64.
   */
  readonly backend?: BackendV1
}

/**
 * Fits a PCA: column means, covariance C = X̃ᵀ X̃ / (n − 1) (a core-tensor matmul), and its
 * exact symmetric eigen-decomposition (Householder + QL in float64).
 *
 * Shapes: x [n, d] → mean [d], components [k, d], explained variance [k].
 *
 * @param x - data, n ≥ 2 rows
 * @param options - `components` (default 2), `backend`
 * @returns the fitted model
 * @throws InvalidArgumentError for fewer than 2 rows, a bad `components`, or non-finite data
 * @example
 * ```ts
 * const model = pcaFit({ data: [0, 0, 1, 1, 2, 2], shape: [3, 2] }, { components: 1 })
 * model.explainedVarianceRatio // [1]
 * ```
 */
export function pcaFit(x: MatrixInput, options: PcaOptions = {}): PcaModel {
  const op = 'pcaFit'
  checkOptions(op, options)
  const m = toMatrix(op, 'x', x)
  const [n, d] = m.shape
  if (n < 2) throw new InvalidArgumentError(op, 'x', `must have at least 2 rows, got ${n}`)
  const k = options.components ?? 2
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new InvalidArgumentError(op, 'components', `must be an integer in [1, d = ${d}], got ${k}`)
  }
  const backend = options.backend ?? cpu
  const mean = columnMeans(m)
  const centred = centre(m, mean)
  const xc = fromArray(centred, { shape: [n, d], backend })
  const gram = matmul(transpose(xc), xc)
  const cov = Float64Array.from(gram.dataSync(), (v) => v / (n - 1))
  xc.dispose()
  gram.dispose()
  // float32 sums are not exactly symmetric; average the two halves
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (cov[i * d + j] + cov[j * d + i])
      cov[i * d + j] = s
      cov[j * d + i] = s
    }
  }
  const { values, vectors } = symmetricEigen({ data: cov, shape: [d, d] })
  let total = 0
  for (let i = 0; i < d; i++) total += cov[i * d + i]
  const explainedVariance = values.slice(0, k)
  return {
    mean,
    components: { data: vectors.data.slice(0, k * d), shape: [k, d] },
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)),
    totalVariance: total,
  }
}

/**
 * Projects data onto a fitted PCA: z = (x − mean) Wᵀ, W the components.
 *
 * Shapes: x [n, d] → [n, k].
 *
 * @param model - from {@link pcaFit}
 * @param x - data with the model's d columns
 * @param options - `backend` of the projection matmul (default `cpu`)
 * @returns the scores [n, k]
 * @throws InvalidArgumentError when x's column count differs from the model's
 * @example
 * ```ts
 * const z = pcaTransform(model, test) // [test rows, k]
 * ```
 */
export function pcaTransform(model: PcaModel, x: MatrixInput, options: { backend?: BackendV1 } = {}): Matrix {
  const op = 'pcaTransform'
  checkOptions(op, options)
  const m = toMatrix(op, 'x', x)
  const [n, d] = m.shape
  const [k, dModel] = model.components.shape
  if (d !== dModel)
    throw new InvalidArgumentError(op, 'x', `must have the model's ${dModel} columns, got ${d}`)
  const backend = options.backend ?? cpu
  const xc = fromArray(centre(m, model.mean), { shape: [n, d], backend })
  const w = fromArray(model.components.data, { shape: [k, d], backend })
  const z = matmul(xc, transpose(w))
  const data = Float64Array.from(z.dataSync())
  xc.dispose()
  w.dispose()
  z.dispose()
  return { data, shape: [n, k] }
}

/**
 * Maps scores back to the data space: x̂ = mean + z W, the best rank-k reconstruction in the
 * least-squares sense (Eckart and Young 1936). With the latent tools this makes PCA a linear
 * decoder: a `latentGrid` scaled by √λ decodes to pictures of the principal directions.
 *
 * Shapes: z [n, k] → [n, d].
 *
 * @param model - from {@link pcaFit}
 * @param z - scores with the model's k columns
 * @returns the reconstructions [n, d], float64
 * @throws InvalidArgumentError when z's column count differs from the model's k
 * @example
 * ```ts
 * const back = pcaInverseTransform(model, pcaTransform(model, x)) // x projected on the k axes
 * ```
 */
export function pcaInverseTransform(model: PcaModel, z: MatrixInput): Matrix {
  const op = 'pcaInverseTransform'
  const scores = toMatrix(op, 'z', z)
  const [n, k] = scores.shape
  const [kModel, d] = model.components.shape
  if (k !== kModel)
    throw new InvalidArgumentError(op, 'z', `must have the model's ${kModel} columns, got ${k}`)
  const out = new Float64Array(n * d)
  const w = model.components.data
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * d, (i + 1) * d)
    row.set(model.mean)
    for (let j = 0; j < k; j++) {
      const zij = scores.data[i * k + j]
      for (let c = 0; c < d; c++) row[c] += zij * w[j * d + c]
    }
  }
  return { data: out, shape: [n, d] }
}

/**
 * PCA in one call: fit on `x` and project `x`, the same calling convention as {@link tsne}
 * and {@link umap}.
 *
 * @param x - data [n, d]
 * @param options - `components` (default 2), `backend`
 * @returns `{ embedding: [n, k], model }`
 * @example
 * ```ts
 * const { embedding, model } = pca(pixels, { components: 2 })
 * ```
 */
export function pca(x: MatrixInput, options: PcaOptions = {}): { embedding: Matrix; model: PcaModel } {
  const model = pcaFit(x, options)
  return { embedding: pcaTransform(model, x, { backend: options.backend ?? cpu }), model }
}

function columnMeans(m: Matrix): Float64Array {
  const [n, d] = m.shape
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += m.data[i * d + c]
  for (let c = 0; c < d; c++) mean[c] /= n
  return mean
}

function centre(m: Matrix, mean: Float64Array): Float64Array {
  const [n, d] = m.shape
  const out = new Float64Array(n * d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) out[i * d + c] = m.data[i * d + c] - mean[c]
  return out
}
