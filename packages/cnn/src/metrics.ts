/**
 * Classifier-based measures: penultimate-layer features, the Fréchet distance between their
 * Gaussian fits (FD-LeNet, the FID recipe of Heusel et al. 2017 with LeNet-5 features), the
 * classifier score (the Inception Score of Salimans et al. 2016 with a digit classifier),
 * confusion matrices and first-layer filter grids, all as plain data.
 */
import { fromArray, InvalidArgumentError, noGrad, ShapeError, type Tensor, tidy } from '@gen/core-tensor'
import { epochBatches } from './data'
import {
  forwardSequential,
  type SequentialConfig,
  type SequentialParams,
  type SequentialState,
} from './sequential'

/** Options of {@link extractFeatures} and {@link classifierScore}. */
export interface FeatureOptions {
  /** Layers to run: the features are the output of layer `numLayers − 1`. Default all but the last (penultimate). */
  readonly numLayers?: number
  /** Images per forward pass. Default 500. */
  readonly batchSize?: number
  /** BatchNorm running statistics, for nets with batchNorm. */
  readonly state?: SequentialState
}

/**
 * Features of a set of images, flattened per image: the output of the first `numLayers`
 * layers in evaluation mode (by default all but the last: the penultimate layer, 84 values
 * for LeNet-5's F6 after its activation).
 *
 * @param config - the network
 * @param params - its (trained) parameters
 * @param images - `[N, ...inputShape]`
 * @param options - numLayers, batchSize (500), state
 * @returns `{ features: Float64Array [N·D] row-major, count: N, dim: D }`
 * @throws ShapeError when the images do not match the network
 * @example
 * ```ts
 * const { features, dim } = extractFeatures(config, params, test.images) // dim 84 for LeNet-5
 * ```
 */
export function extractFeatures(
  config: SequentialConfig,
  params: SequentialParams,
  images: Tensor,
  options: FeatureOptions = {},
): { features: Float64Array; count: number; dim: number } {
  const numLayers = options.numLayers ?? config.layers.length - 1
  const n = images.shape[0]
  const batchSize = Math.min(options.batchSize ?? 500, n)
  if (images.rank < 2 || n < 1) {
    throw new ShapeError(
      'extractFeatures',
      `images must be [N, ...] with N >= 1, got [${images.shape.join(', ')}]`,
      [images.shape],
    )
  }
  // epochBatches wants labels; features need none
  const labels = fromArray(new Int32Array(n), { backend: images.backend })
  const { batches } = epochBatches({ images, labels }, { batchSize, dropLast: false })
  const chunks: Float64Array[] = []
  let dim = 0
  for (const batch of batches) {
    const values = tidy(() =>
      noGrad(() => {
        const out = forwardSequential(config, params, batch.images, {
          numLayers,
          state: options.state,
        }).output
        dim = out.size / out.shape[0]
        return Float64Array.from(out.dataSync())
      }),
    )
    chunks.push(values)
    batch.images.dispose()
    batch.labels.dispose()
  }
  labels.dispose()
  const features = new Float64Array(n * dim)
  let offset = 0
  for (const c of chunks) {
    features.set(c, offset)
    offset += c.length
  }
  return { features, count: n, dim }
}

/** Mean and covariance of a Gaussian fit (float64). */
export interface GaussianFit {
  /** μ, `[D]`. */
  readonly mean: Float64Array
  /** Σ (unbiased, divided by N − 1), `[D·D]` row-major. */
  readonly covariance: Float64Array
  /** D. */
  readonly dim: number
  /** N, the number of samples. */
  readonly count: number
}

/**
 * Fits a Gaussian to feature vectors: `μ = (1/N) Σ f_i`, `Σ = (1/(N − 1)) Σ (f_i − μ)(f_i − μ)ᵀ`.
 *
 * @param features - `[N·D]` row-major
 * @param dim - D
 * @returns `{ mean, covariance, dim, count }`
 * @throws InvalidArgumentError when the length is not a multiple of D or N < 2
 * @example
 * ```ts
 * const fit = gaussianFit(extractFeatures(config, params, x).features, 84)
 * ```
 */
export function gaussianFit(features: Float64Array, dim: number): GaussianFit {
  const op = 'gaussianFit'
  if (!Number.isSafeInteger(dim) || dim < 1 || features.length % dim !== 0 || features.length / dim < 2) {
    throw new InvalidArgumentError(
      op,
      'features',
      `must hold N >= 2 vectors of dim ${dim}, got ${features.length} values`,
    )
  }
  const n = features.length / dim
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) mean[a] += features[i * dim + a]
  for (let a = 0; a < dim; a++) mean[a] /= n
  const covariance = new Float64Array(dim * dim)
  const centred = new Float64Array(dim)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) centred[a] = features[i * dim + a] - mean[a]
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]
      if (ca === 0) continue
      for (let b = a; b < dim; b++) covariance[a * dim + b] += ca * centred[b]
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = covariance[a * dim + b] / (n - 1)
      covariance[a * dim + b] = v
      covariance[b * dim + a] = v
    }
  }
  return { mean, covariance, dim, count: n }
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, by cyclic Jacobi rotations. */
function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix)
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let total = 0
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j] * a[i * n + j]
        total += x
        if (i !== j) off += x
      }
    }
    if (off <= 1e-30 * total || off === 0) break
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0) continue
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]
          const vkq = v[k * n + q]
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]
  return { values, vectors: v }
}

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians (Dowson & Landau 1982; the FID
 * of Heusel et al. 2017):
 *
 * ```
 * d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 * ```
 *
 * computed in float64 with symmetric eigendecompositions (negative eigenvalues from rounding
 * are clamped to 0). Identical fits give 0 (to rounding).
 *
 * @param a - one fit
 * @param b - the other, of the same dim
 * @returns d² >= 0
 * @throws ShapeError when the dims differ
 * @example
 * ```ts
 * frechetDistance(gaussianFit(f1, 84), gaussianFit(f2, 84))
 * ```
 */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  if (a.dim !== b.dim) {
    throw new ShapeError('frechetDistance', `fits must have one dim, got ${a.dim} and ${b.dim}`)
  }
  const n = a.dim
  let meanTerm = 0
  for (let i = 0; i < n; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2
  let trace = 0
  for (let i = 0; i < n; i++) trace += a.covariance[i * n + i] + b.covariance[i * n + i]
  // S = Σ₁^½ = V diag(√λ) Vᵀ
  const ea = symmetricEigen(a.covariance, n)
  const s = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0
      for (let k = 0; k < n; k++)
        sum += ea.vectors[i * n + k] * Math.sqrt(Math.max(ea.values[k], 0)) * ea.vectors[j * n + k]
      s[i * n + j] = sum
    }
  }
  const multiply = (x: Float64Array, y: Float64Array): Float64Array => {
    const out = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const xik = x[i * n + k]
        if (xik === 0) continue
        for (let j = 0; j < n; j++) out[i * n + j] += xik * y[k * n + j]
      }
    }
    return out
  }
  const m = multiply(multiply(s, b.covariance), s)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = (m[i * n + j] + m[j * n + i]) / 2
      m[i * n + j] = avg
      m[j * n + i] = avg
    }
  }
  const em = symmetricEigen(m, n)
  let sqrtTrace = 0
  for (let i = 0; i < n; i++) sqrtTrace += Math.sqrt(Math.max(em.values[i], 0))
  return Math.max(0, meanTerm + trace - 2 * sqrtTrace)
}

/**
 * FD-LeNet: the Fréchet distance between the penultimate-layer features of two image sets
 * under a trained classifier (FID with LeNet-5 in place of Inception-v3). 0 for identical
 * sets; small between two samples of one distribution; large when one set is corrupted.
 *
 * @param config - the classifier
 * @param params - its trained parameters
 * @param sets - `[x, y]`: images `[N, ...inputShape]` and `[M, ...inputShape]`, N, M >= 2
 * @param options - numLayers (default penultimate), batchSize, state
 * @returns d² between the two feature Gaussians
 * @throws ShapeError when the images do not match the network
 * @example
 * ```ts
 * const fd = frechetClassifierDistance(config, params, [test.images, samples])
 * ```
 */
export function frechetClassifierDistance(
  config: SequentialConfig,
  params: SequentialParams,
  sets: readonly [Tensor, Tensor],
  options: FeatureOptions = {},
): number {
  const [x, y] = sets
  const fx = extractFeatures(config, params, x, options)
  const fy = extractFeatures(config, params, y, options)
  return frechetDistance(gaussianFit(fx.features, fx.dim), gaussianFit(fy.features, fy.dim))
}

/**
 * The classifier score (Inception Score, Salimans et al. 2016, with a digit classifier):
 *
 * ```
 * CS = exp( (1/N) Σ_i KL( p(y | x_i) ‖ p̂(y) ) ),   p̂(y) = (1/N) Σ_i p(y | x_i)
 * ```
 *
 * between 1 (every image gets the same class distribution) and the number of classes
 * (confident predictions spread evenly over the classes).
 *
 * @param config - the classifier (its last layer gives logits)
 * @param params - its trained parameters
 * @param images - `[N, ...inputShape]`
 * @param options - batchSize, state
 * @returns `{ score, marginal }`: CS and p̂(y)
 * @throws ShapeError when the images do not match the network
 * @example
 * ```ts
 * classifierScore(config, params, test.images).score // close to 10 on real digits
 * ```
 */
export function classifierScore(
  config: SequentialConfig,
  params: SequentialParams,
  images: Tensor,
  options: Omit<FeatureOptions, 'numLayers'> = {},
): { score: number; marginal: Float64Array } {
  const logits = extractFeatures(config, params, images, { ...options, numLayers: config.layers.length })
  const { count: n, dim: classes } = logits
  const probabilities = new Float64Array(n * classes)
  for (let i = 0; i < n; i++) {
    let max = -Infinity
    for (let c = 0; c < classes; c++) max = Math.max(max, logits.features[i * classes + c])
    let total = 0
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits.features[i * classes + c] - max)
      probabilities[i * classes + c] = e
      total += e
    }
    for (let c = 0; c < classes; c++) probabilities[i * classes + c] /= total
  }
  const marginal = new Float64Array(classes)
  for (let i = 0; i < n; i++)
    for (let c = 0; c < classes; c++) marginal[c] += probabilities[i * classes + c] / n
  let kl = 0
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < classes; c++) {
      const p = probabilities[i * classes + c]
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]))
    }
  }
  return { score: Math.exp(kl / n), marginal }
}

/**
 * The confusion matrix: `m[t][p]` counts the images of true class t predicted as p (rows sum
 * to the class counts, the trace is the number right).
 *
 * @param labels - true classes
 * @param predictions - predicted classes (e.g. `evaluateClassifier(...).predictions`)
 * @param numClasses - C
 * @returns C×C counts as nested arrays
 * @throws InvalidArgumentError when the lengths differ or a class is outside [0, C)
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses: number,
): number[][] {
  const op = 'confusionMatrix'
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new InvalidArgumentError(op, 'numClasses', `must be an integer >= 1, got ${String(numClasses)}`)
  }
  if (labels.length !== predictions.length) {
    throw new InvalidArgumentError(
      op,
      'predictions',
      `must have one entry per label, got ${predictions.length} for ${labels.length} labels`,
    )
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0))
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]
    const p = predictions[i]
    if (!(
      Number.isInteger(t) &&
      Number.isInteger(p) &&
      t >= 0 &&
      p >= 0 &&
      t < numClasses &&
      p < numClasses
    )) {
      throw new InvalidArgumentError(
        op,
        'labels',
        `must be classes in [0, ${numClasses}), got ${t} and ${p} at ${i}`,
      )
    }
    m[t][p] += 1
  }
  return m
}

/**
 * A grid of conv filters as one grayscale picture (plain data; `@gen/viz` can encode it):
 * filter o of weight `[O, C, kH, kW]`, channel `channel`, scaled to [0, 1] by its own
 * min and max (a constant filter is 0.5), tiled row-major with `columns` per row and
 * `gap` pixels of 1 (white) between tiles.
 *
 * @param weight - a conv weight `[O, C, kH, kW]` (e.g. `params['0'].weight`)
 * @param options - columns (default ⌈√O⌉), gap (default 1), channel (default 0)
 * @returns `{ pixels: Float32Array [height·width] in [0, 1], height, width, columns, rows }`
 * @throws ShapeError unless the weight is 4-D
 * @throws InvalidArgumentError for columns below 1, a negative gap or a channel outside [0, C)
 * @example
 * ```ts
 * const grid = filterGrid(params['0'].weight) // LeNet-5's six 5×5 C1 filters, 3 per row
 * ```
 */
export function filterGrid(
  weight: Tensor,
  options: { readonly columns?: number; readonly gap?: number; readonly channel?: number } = {},
): { pixels: Float32Array; height: number; width: number; columns: number; rows: number } {
  const op = 'filterGrid'
  if (weight.rank !== 4) {
    throw new ShapeError(op, `weight must be [O, C, kH, kW], got [${weight.shape.join(', ')}]`, [
      weight.shape,
    ])
  }
  const [o, c, kh, kw] = weight.shape
  const { columns = Math.ceil(Math.sqrt(o)), gap = 1, channel = 0 } = options
  if (!Number.isSafeInteger(columns) || columns < 1) {
    throw new InvalidArgumentError(op, 'columns', `must be an integer >= 1, got ${String(columns)}`)
  }
  if (!Number.isSafeInteger(gap) || gap < 0) {
    throw new InvalidArgumentError(op, 'gap', `must be an integer >= 0, got ${String(gap)}`)
  }
  if (!Number.isSafeInteger(channel) || channel < 0 || channel >= c) {
    throw new InvalidArgumentError(op, 'channel', `must be an integer in [0, ${c}), got ${String(channel)}`)
  }
  const rows = Math.ceil(o / columns)
  const width = columns * kw + (columns - 1) * gap
  const height = rows * kh + (rows - 1) * gap
  const pixels = new Float32Array(height * width).fill(1)
  const w = weight.dataSync()
  for (let f = 0; f < o; f++) {
    const base = (f * c + channel) * kh * kw
    let lo = Infinity
    let hi = -Infinity
    for (let k = 0; k < kh * kw; k++) {
      lo = Math.min(lo, w[base + k])
      hi = Math.max(hi, w[base + k])
    }
    const top = Math.floor(f / columns) * (kh + gap)
    const left = (f % columns) * (kw + gap)
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const v = w[base + i * kw + j]
        pixels[(top + i) * width + left + j] = hi > lo ? (v - lo) / (hi - lo) : 0.5
      }
    }
  }
  return { pixels, height, width, columns, rows }
}
