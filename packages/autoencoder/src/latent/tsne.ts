/**
 * t-distributed stochastic neighbour embedding: exact (van der Maaten and Hinton 2008) for
 * small sets, Barnes-Hut (van der Maaten 2014) for thousands of points.
 */
import { InvalidArgumentError, checkOptions, normalFloats, type BackendV1, type Key } from '@gen/core-tensor'
import { conditionalAffinities, jointAffinities } from './affinities'
import { toMatrix, type Matrix, type MatrixInput } from './matrix'
import { barnesHutGradient, denseAffinities, exactGradient, klDivergenceWithZ } from './tsne-gradient'

/** Progress of a t-SNE run, reported every `progressEvery` iterations and at the end. */
export interface TsneProgress {
  /** Iterations done so far. */
  readonly iteration: number
  /** Iterations asked for. */
  readonly iterations: number
  /** KL(P‖Q) now, with the unexaggerated P (Barnes-Hut: with its approximate Z). */
  readonly klDivergence: number
  /** Euclidean norm of the last gradient. */
  readonly gradientNorm: number
  /** Milliseconds since the optimisation started (affinities excluded). */
  readonly elapsedMs: number
}

/** Options of {@link tsne}. */
export interface TsneOptions {
  /** Key of the random initialisation y ~ N(0, (10⁻⁴)² I): the same key gives the same embedding. */
  readonly key: Key
  /** Output dimensions (default 2; Barnes-Hut allows 1 to 3). */
  readonly dimensions?: number
  /** Perplexity u of the input affinities, 1 < u < n − 1 (default 30). */
  readonly perplexity?: number
  /**
   * `'exact'`: all-pairs affinities and gradient, O(n²) per iteration; `'barnes-hut'` (the
   * default): ⌊3u⌋-nearest-neighbour affinities and tree repulsions, O(n log n).
   */
  readonly method?: 'exact' | 'barnes-hut'
  /** Barnes-Hut accuracy θ (default 0.5; 0 is exact and slow). */
  readonly theta?: number
  /** Gradient-descent iterations (default 1000). */
  readonly iterations?: number
  /**
   * Step size η, or `'auto'` (the default): η = max(n / (4 α), 50) with α the early
   * exaggeration (Belkina et al. 2019, as scikit-learn does). The papers' fixed η = 200 makes
   * small sets (under ~1000 points) oscillate.
   */
  readonly learningRate?: number | 'auto'
  /** Factor α on P during the first `exaggerationIterations` (default 12). */
  readonly earlyExaggeration?: number
  /** Iterations with exaggeration, and with the initial momentum (default 250). */
  readonly exaggerationIterations?: number
  /** Momentum before / after `exaggerationIterations` (defaults 0.5 and 0.8). */
  readonly momentum?: readonly [number, number]
  /** Smallest per-coordinate gain of the delta-bar-delta rule (default 0.01). */
  readonly minGain?: number
  /** Start from these positions [n, dimensions] instead of the random draw. */
  readonly init?: MatrixInput
  /** Called every `progressEvery` iterations (default 50) and after the last one. */
  readonly onProgress?: (progress: TsneProgress) => void
  readonly progressEvery?: number
  /** Backend of the input distances' matmul (default `cpu`; `reference` for float64). */
  readonly backend?: BackendV1
}

/** The result of {@link tsne}. */
export interface TsneResult {
  /** The embedding [n, dimensions], centred at the origin. */
  readonly embedding: Matrix
  /** Final KL(P‖Q) in nats. */
  readonly klDivergence: number
  /** Iterations run. */
  readonly iterations: number
}

/**
 * Embeds the rows of `x` in 2 (or `dimensions`) dimensions with t-SNE: Gaussian input
 * affinities calibrated to a perplexity, a Student-t kernel in the embedding, and gradient
 * descent on KL(P‖Q) with early exaggeration, momentum and per-coordinate gains (Jacobs
 * 1988), as in van der Maaten's reference implementations.
 *
 * Shapes: x [n, d] → embedding [n, dimensions].
 *
 * @param x - data [n, d], n ≥ 4
 * @param options - `key` (required), `perplexity`, `method`, `theta`, `iterations`, ...
 * @returns the embedding and its final KL divergence
 * @throws InvalidArgumentError naming the offending option (perplexity out of range, bad
 *   counts or rates, an `init` of the wrong shape, Barnes-Hut with more than 3 dimensions)
 * @example
 * ```ts
 * const { embedding } = tsne(pixels, { key: key(0), perplexity: 30 })
 * embedding.shape // [n, 2]
 * ```
 */
export function tsne(x: MatrixInput, options: TsneOptions): TsneResult {
  const op = 'tsne'
  checkOptions(op, options)
  const data = toMatrix(op, 'x', x)
  const n = data.shape[0]
  if (n < 4) throw new InvalidArgumentError(op, 'x', `must have at least 4 rows, got ${n}`)
  const s = settings(op, options, n)
  const conditional = conditionalAffinities(data, {
    perplexity: s.perplexity,
    neighbors: s.method === 'exact' ? 'all' : Math.min(n - 1, Math.floor(3 * s.perplexity)),
    backend: options.backend,
  })
  const p = jointAffinities(conditional)
  const dense = s.method === 'exact' ? denseAffinities(p) : undefined
  const dims = s.dimensions
  const y = initialPositions(op, options, n, dims)
  const gradient = new Float64Array(n * dims)
  const update = new Float64Array(n * dims)
  const gains = new Float64Array(n * dims).fill(1)
  const start = performance.now()
  let z = 1
  const report = (iteration: number): void => {
    let norm = 0
    for (const g of gradient) norm += g * g
    options.onProgress?.({
      iteration,
      iterations: s.iterations,
      klDivergence: klDivergenceWithZ(y, dims, p, z),
      gradientNorm: Math.sqrt(norm),
      elapsedMs: performance.now() - start,
    })
  }
  for (let t = 0; t < s.iterations; t++) {
    const exaggeration = t < s.exaggerationIterations ? s.earlyExaggeration : 1
    const momentum = t < s.exaggerationIterations ? s.momentum[0] : s.momentum[1]
    z =
      dense === undefined
        ? barnesHutGradient(y, { n, dims, p, exaggeration, theta: s.theta }, gradient)
        : exactGradient(y, { n, dims, p: dense, exaggeration }, gradient)
    for (let k = 0; k < n * dims; k++) {
      // delta-bar-delta: grow the gain while the gradient keeps pushing the same way
      gains[k] = Math.sign(gradient[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : gains[k] * 0.8
      if (gains[k] < s.minGain) gains[k] = s.minGain
      update[k] = momentum * update[k] - s.learningRate * gains[k] * gradient[k]
      y[k] += update[k]
    }
    centre(y, n, dims)
    if (options.onProgress !== undefined && (t + 1) % s.progressEvery === 0 && t + 1 < s.iterations)
      report(t + 1)
  }
  if (s.iterations === 0) {
    z =
      dense === undefined
        ? barnesHutGradient(y, { n, dims, p, exaggeration: 1, theta: s.theta }, gradient)
        : exactGradient(y, { n, dims, p: dense, exaggeration: 1 }, gradient)
  }
  if (options.onProgress !== undefined) report(s.iterations)
  return {
    embedding: { data: y, shape: [n, dims] },
    klDivergence: klDivergenceWithZ(y, dims, p, z),
    iterations: s.iterations,
  }
}

interface Settings {
  dimensions: number
  perplexity: number
  method: 'exact' | 'barnes-hut'
  theta: number
  iterations: number
  learningRate: number
  earlyExaggeration: number
  exaggerationIterations: number
  momentum: readonly [number, number]
  minGain: number
  progressEvery: number
}

function settings(op: string, o: TsneOptions, n: number): Settings {
  const integer = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(op, name, `must be an integer >= ${min}, got ${value}`)
    }
    return value
  }
  const positive = (name: string, value: number): number => {
    if (!(value > 0) || !Number.isFinite(value))
      throw new InvalidArgumentError(op, name, `must be a positive number, got ${value}`)
    return value
  }
  const method = o.method ?? 'barnes-hut'
  if (method !== 'exact' && method !== 'barnes-hut') {
    throw new InvalidArgumentError(op, 'method', `must be 'exact' or 'barnes-hut', got ${String(method)}`)
  }
  const dimensions = integer('dimensions', o.dimensions ?? 2, 1)
  if (method === 'barnes-hut' && dimensions > 3) {
    throw new InvalidArgumentError(
      op,
      'dimensions',
      `must be at most 3 for Barnes-Hut (use method 'exact'), got ${dimensions}`,
    )
  }
  const perplexity = o.perplexity ?? 30
  if (!(perplexity > 1 && perplexity < n - 1)) {
    throw new InvalidArgumentError(op, 'perplexity', `must be in (1, n - 1 = ${n - 1}), got ${perplexity}`)
  }
  const theta = o.theta ?? 0.5
  if (!(theta >= 0) || !Number.isFinite(theta))
    throw new InvalidArgumentError(op, 'theta', `must be a finite number >= 0, got ${theta}`)
  const momentum = o.momentum ?? [0.5, 0.8]
  if (!Array.isArray(momentum) || momentum.length !== 2 || momentum.some((m) => !(m >= 0 && m < 1))) {
    throw new InvalidArgumentError(
      op,
      'momentum',
      `must be two numbers in [0, 1), got ${JSON.stringify(momentum)}`,
    )
  }
  const earlyExaggeration = o.earlyExaggeration ?? 12
  if (!(earlyExaggeration >= 1) || !Number.isFinite(earlyExaggeration)) {
    throw new InvalidArgumentError(
      op,
      'earlyExaggeration',
      `must be a finite number >= 1, got ${earlyExaggeration}`,
    )
  }
  return {
    dimensions,
    perplexity,
    method,
    theta,
    iterations: integer('iterations', o.iterations ?? 1000, 0),
    learningRate:
      (o.learningRate ?? 'auto') === 'auto'
        ? Math.max(n / (4 * earlyExaggeration), 50)
        : positive('learningRate', o.learningRate as number),
    earlyExaggeration,
    exaggerationIterations: integer('exaggerationIterations', o.exaggerationIterations ?? 250, 0),
    momentum,
    minGain: positive('minGain', o.minGain ?? 0.01),
    progressEvery: integer('progressEvery', o.progressEvery ?? 50, 1),
  }
}

function initialPositions(op: string, o: TsneOptions, n: number, dims: number): Float64Array {
  if (o.init !== undefined) {
    const init = toMatrix(op, 'init', o.init)
    if (init.shape[0] !== n || init.shape[1] !== dims) {
      throw new InvalidArgumentError(
        op,
        'init',
        `must have shape [${n}, ${dims}], got [${init.shape.join(', ')}]`,
      )
    }
    return init.data
  }
  if (typeof o.key !== 'object' || o.key === null) {
    throw new InvalidArgumentError(op, 'key', `must be a Key from key(seed), got ${typeof o.key}`)
  }
  const y = normalFloats(o.key, n * dims, 'float64')
  for (let k = 0; k < y.length; k++) y[k] *= 1e-4
  return y
}

function centre(y: Float64Array, n: number, dims: number): void {
  for (let c = 0; c < dims; c++) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += y[i * dims + c]
    mean /= n
    for (let i = 0; i < n; i++) y[i * dims + c] -= mean
  }
}
