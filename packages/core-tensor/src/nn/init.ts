import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { InvalidArgumentError, ShapeError } from '../errors'
import { fromArray } from '../ops/creation'
import { normalFloats, uniformFloats } from '../random/distributions'
import type { Key } from '../random/key'
import type { Tensor } from '../tensor'

/** Options shared by the initialisers. */
export interface InitOptions {
  /** Backend of the new tensor; defaults to `cpu`. */
  readonly backend?: BackendV1
  /** Multiplier of the standard deviation (the activation's gain). Default 1. */
  readonly gain?: number
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions {
  /** Backend of the new tensor; defaults to `cpu`. */
  readonly backend?: BackendV1
  /** Preserve the variance of activations (`'fanIn'`, default) or of gradients (`'fanOut'`). */
  readonly mode?: 'fanIn' | 'fanOut'
  /** The nonlinearity after the layer, which sets the gain: relu √2 (default), leakyRelu √(2/(1+a²)), linear 1. */
  readonly nonlinearity?: 'relu' | 'leakyRelu' | 'linear'
  /** Slope a of the leaky ReLU. Default 0.01. */
  readonly negativeSlope?: number
}

function checkShape(op: string, shape: readonly number[], minRank: number): void {
  if (
    !Array.isArray(shape) ||
    shape.some((d) => !Number.isSafeInteger(d) || d < 1) ||
    shape.length < minRank
  ) {
    throw new ShapeError(
      op,
      `shape must be a list of at least ${minRank} integers >= 1, got [${String(shape)}]`,
      [shape],
    )
  }
}

function checkGain(op: string, gain: unknown): number {
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain <= 0) {
    throw new InvalidArgumentError(op, 'gain', `must be a finite number > 0, got ${String(gain)}`)
  }
  return gain
}

/**
 * Fan-in and fan-out of a weight laid out as PyTorch does: `[out, in, ...kernel]`, so
 * fanIn = in·Πkernel and fanOut = out·Πkernel.
 *
 * @param shape - weight shape, rank >= 2
 * @returns `{ fanIn, fanOut }`
 * @throws ShapeError for rank < 2 or a dim below 1
 * @example
 * ```ts
 * computeFans([64, 32, 3, 3]) // { fanIn: 288, fanOut: 576 }
 * ```
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape('computeFans', shape, 2)
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1)
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive }
}

/**
 * A tensor of `U(low, high)` draws from `key` (float32 draws, so every backend gets the same
 * values).
 *
 * @param key - the random key
 * @param shape - dims of the result
 * @param range - `{ low, high, backend }` with low < high
 * @returns a new tensor
 * @throws InvalidArgumentError when low >= high or either is not finite
 * @example
 * ```ts
 * uniformInit(key(0), [3, 2], { low: -1, high: 1 })
 * ```
 */
export function uniformInit(
  key: Key,
  shape: readonly number[],
  range: { readonly low: number; readonly high: number; readonly backend?: BackendV1 },
): Tensor {
  const { low, high, backend = cpu } = range
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new InvalidArgumentError(
      'uniformInit',
      'range',
      `must have finite low < high, got low=${low}, high=${high}`,
    )
  }
  checkShape('uniformInit', shape, 0)
  const count = shape.reduce((a, b) => a * b, 1)
  const u = uniformFloats(key, count)
  const values = new Float64Array(count)
  for (let i = 0; i < count; i++) values[i] = low + (high - low) * u[i]
  return fromArray(values, { shape, backend })
}

/**
 * A tensor of `N(0, std²)` draws from `key`.
 *
 * @param key - the random key
 * @param shape - dims of the result
 * @param options - `{ std, backend }` with std >= 0
 * @returns a new tensor
 * @throws InvalidArgumentError when std is negative or not finite
 * @example
 * ```ts
 * normalInit(key(0), [3, 2], { std: 0.02 })
 * ```
 */
export function normalInit(
  key: Key,
  shape: readonly number[],
  options: { readonly std: number; readonly backend?: BackendV1 },
): Tensor {
  const { std, backend = cpu } = options
  if (!Number.isFinite(std) || std < 0) {
    throw new InvalidArgumentError('normalInit', 'std', `must be a finite number >= 0, got ${std}`)
  }
  checkShape('normalInit', shape, 0)
  const count = shape.reduce((a, b) => a * b, 1)
  const z = normalFloats(key, count)
  const values = new Float64Array(count)
  for (let i = 0; i < count; i++) values[i] = std * z[i]
  return fromArray(values, { shape, backend })
}

/**
 * Xavier/Glorot uniform initialisation (Glorot & Bengio 2010, "Understanding the difficulty
 * of training deep feedforward neural networks", eq. 16):
 * `W ~ U(−a, a)`, `a = gain · √(6 / (fanIn + fanOut))`, so `Var W = gain² · 2 / (fanIn + fanOut)`.
 *
 * @param key - the random key
 * @param shape - weight shape `[out, in, ...kernel]`, rank >= 2
 * @param options - gain (default 1) and backend
 * @returns a new tensor of `shape`
 * @throws ShapeError for rank < 2
 * @throws InvalidArgumentError for a gain that is not > 0
 * @example
 * ```ts
 * const w = xavierUniform(key(0), [128, 784])
 * ```
 */
export function xavierUniform(key: Key, shape: readonly number[], options: InitOptions = {}): Tensor {
  const gain = checkGain('xavierUniform', options.gain ?? 1)
  const { fanIn, fanOut } = computeFans(shape)
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut))
  return uniformInit(key, shape, { low: -bound, high: bound, backend: options.backend })
}

/**
 * Xavier/Glorot normal initialisation (Glorot & Bengio 2010):
 * `W ~ N(0, σ²)`, `σ = gain · √(2 / (fanIn + fanOut))`.
 *
 * @param key - the random key
 * @param shape - weight shape `[out, in, ...kernel]`, rank >= 2
 * @param options - gain (default 1) and backend
 * @returns a new tensor of `shape`
 * @throws ShapeError for rank < 2
 * @throws InvalidArgumentError for a gain that is not > 0
 * @example
 * ```ts
 * const w = xavierNormal(key(0), [128, 784])
 * ```
 */
export function xavierNormal(key: Key, shape: readonly number[], options: InitOptions = {}): Tensor {
  const gain = checkGain('xavierNormal', options.gain ?? 1)
  const { fanIn, fanOut } = computeFans(shape)
  return normalInit(key, shape, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), backend: options.backend })
}

function kaimingStd(op: string, shape: readonly number[], options: KaimingOptions): number {
  const { mode = 'fanIn', nonlinearity = 'relu', negativeSlope = 0.01 } = options
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new InvalidArgumentError(op, 'mode', `must be 'fanIn' or 'fanOut', got ${String(mode)}`)
  }
  if (!Number.isFinite(negativeSlope)) {
    throw new InvalidArgumentError(op, 'negativeSlope', `must be finite, got ${negativeSlope}`)
  }
  const gains = { relu: Math.SQRT2, leakyRelu: Math.sqrt(2 / (1 + negativeSlope ** 2)), linear: 1 }
  if (!(nonlinearity in gains)) {
    throw new InvalidArgumentError(
      op,
      'nonlinearity',
      `must be 'relu', 'leakyRelu' or 'linear', got ${String(nonlinearity)}`,
    )
  }
  const fans = computeFans(shape)
  return gains[nonlinearity] / Math.sqrt(mode === 'fanIn' ? fans.fanIn : fans.fanOut)
}

/**
 * Kaiming/He uniform initialisation (He et al. 2015, "Delving Deep into Rectifiers", eq. 10):
 * `W ~ U(−√3·σ, √3·σ)` with `σ = gain / √fan`, gain √2 for ReLU.
 *
 * @param key - the random key
 * @param shape - weight shape `[out, in, ...kernel]`, rank >= 2
 * @param options - mode, nonlinearity, negative slope, backend
 * @returns a new tensor of `shape`
 * @throws ShapeError for rank < 2
 * @throws InvalidArgumentError for an unknown mode or nonlinearity
 * @example
 * ```ts
 * const w = kaimingUniform(key(0), [32, 1, 3, 3])
 * ```
 */
export function kaimingUniform(key: Key, shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, options)
  return uniformInit(key, shape, { low: -bound, high: bound, backend: options.backend })
}

/**
 * Kaiming/He normal initialisation (He et al. 2015, eq. 10): `W ~ N(0, σ²)`, `σ = gain / √fan`.
 *
 * @param key - the random key
 * @param shape - weight shape `[out, in, ...kernel]`, rank >= 2
 * @param options - mode, nonlinearity, negative slope, backend
 * @returns a new tensor of `shape`
 * @throws ShapeError for rank < 2
 * @throws InvalidArgumentError for an unknown mode or nonlinearity
 * @example
 * ```ts
 * const w = kaimingNormal(key(0), [256, 784])
 * ```
 */
export function kaimingNormal(key: Key, shape: readonly number[], options: KaimingOptions = {}): Tensor {
  return normalInit(key, shape, {
    std: kaimingStd('kaimingNormal', shape, options),
    backend: options.backend,
  })
}

/**
 * Orthogonal initialisation (Saxe, McClelland & Ganguli 2014, "Exact solutions to the
 * nonlinear dynamics of learning in deep linear neural networks"): the weight, flattened to
 * `[rows, cols] = [shape[0], Π shape[1:]]`, has orthonormal rows (rows ≤ cols) or columns
 * (rows > cols), times `gain`. A Gaussian matrix is factored `A = QR` by Householder
 * reflections in float64 and Q's columns are signed by `diag(R)`, which makes Q uniform
 * (Haar) over the orthogonal group (Mezzadri 2007).
 *
 * @param key - the random key
 * @param shape - weight shape, rank >= 2
 * @param options - gain (default 1) and backend
 * @returns a new tensor of `shape`
 * @throws ShapeError for rank < 2
 * @throws InvalidArgumentError for a gain that is not > 0
 * @example
 * ```ts
 * const w = orthogonal(key(0), [64, 64]) // w·wᵀ = I
 * ```
 */
export function orthogonal(key: Key, shape: readonly number[], options: InitOptions = {}): Tensor {
  const gain = checkGain('orthogonal', options.gain ?? 1)
  checkShape('orthogonal', shape, 2)
  const rows = shape[0]
  const cols = shape.slice(1).reduce((a, b) => a * b, 1)
  // Factor the tall matrix A: [m, n], m >= n; transpose back at the end when rows < cols.
  const m = Math.max(rows, cols)
  const n = Math.min(rows, cols)
  const z = normalFloats(key, m * n)
  const a = Float64Array.from(z) // a[i * n + j], column-major thinking over rows i
  const q = householderQ(a, m, n)
  const values = new Float64Array(rows * cols)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j]
      if (rows >= cols) values[i * cols + j] = v
      else values[j * cols + i] = v
    }
  }
  return fromArray(values, { shape, backend: options.backend ?? cpu })
}

/** Thin Q [m, n] of A [m, n] (row-major, m >= n), columns signed so that diag(R) > 0. */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a)
  const vs: Float64Array[] = []
  const signs = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    let norm = 0
    for (let i = k; i < m; i++) norm += r[i * n + k] ** 2
    norm = Math.sqrt(norm)
    const alpha = r[k * n + k] >= 0 ? -norm : norm
    const v = new Float64Array(m)
    for (let i = k; i < m; i++) v[i] = r[i * n + k]
    v[k] -= alpha
    let vnorm = 0
    for (let i = k; i < m; i++) vnorm += v[i] ** 2
    vs.push(v)
    if (vnorm > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0
        for (let i = k; i < m; i++) dot += v[i] * r[i * n + j]
        const f = (2 * dot) / vnorm
        for (let i = k; i < m; i++) r[i * n + j] -= f * v[i]
      }
    }
    signs[k] = r[k * n + k] < 0 ? -1 : 1
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n)
  for (let j = 0; j < n; j++) q[j * n + j] = 1
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]
    let vnorm = 0
    for (let i = k; i < m; i++) vnorm += v[i] ** 2
    if (vnorm === 0) continue
    for (let j = 0; j < n; j++) {
      let dot = 0
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j]
      const f = (2 * dot) / vnorm
      for (let i = k; i < m; i++) q[i * n + j] -= f * v[i]
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j]
  return q
}
