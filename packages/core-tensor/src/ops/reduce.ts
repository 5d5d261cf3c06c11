/**
 * Reductions with NumPy's `axis` / `keepdims` conventions: `axis` is one axis, a list, or
 * undefined for all axes; `keepdims` keeps reduced axes as size 1.
 */
import type { ReduceOp } from '../backend/spec'
import { InvalidArgumentError } from '../errors'
import { castP, constantP, matmulP, reduceP, reshapeP } from '../primitives'
import type { Tensor } from '../tensor'
import { div, equal, mul, sub } from './binary'
import { arange } from './creation'
import { checkReduceOptions, checkTensor, fmtShape, normalizeAxes, normalizeAxis, toFloat } from './internal'
import { sqrt } from './unary'
import { permute } from './views'
import { where } from './where'

/** Which axes to reduce and whether to keep them as size 1. */
export interface ReduceOptions {
  /** An axis, a list of axes (negative counts from the end), or undefined for all. */
  axis?: number | readonly number[]
  /** Keep reduced axes as dims of size 1 (default false). */
  keepdims?: boolean
}

function keep(x: Tensor, out: Tensor, axes: readonly number[], keepdims: boolean | undefined): Tensor {
  if (!keepdims) return out
  return reshapeP(
    out,
    x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  )
}

function reduceWith(op: ReduceOp, name: string, x: Tensor, options: ReduceOptions): Tensor {
  checkReduceOptions(name, options)
  checkTensor(name, 'x', x)
  const axes = normalizeAxes(name, options.axis, x.rank)
  if (op !== 'sum' && op !== 'prod' && axes.some((a) => x.shape[a] === 0)) {
    throw new InvalidArgumentError(
      name,
      'x',
      `must not be empty along reduced axes, got shape ${fmtShape(x.shape)}`,
    )
  }
  const input = x.dtype === 'bool' ? castP(x, op === 'sum' || op === 'prod' ? 'int32' : 'bool') : x
  return keep(x, reduceP(op, input, axes), axes, options.keepdims)
}

/**
 * Σ over axes. Bool inputs count as int32.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the sum
 * @example
 * ```ts
 * sum(fromArray([[1, 2], [3, 4]]), { axis: 0 }).toArray() // [4, 6]
 * ```
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('sum', 'sum', x, options)
}

/**
 * Π over axes. Its gradient is `out / x`, so it is undefined where an element is exactly 0.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the product
 * @example
 * ```ts
 * prod(fromArray([2, 3, 4])).item() // 24
 * ```
 */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('prod', 'prod', x, options)
}

/**
 * Maximum over axes; NaN propagates. Ties share the gradient evenly.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the maximum
 * @throws InvalidArgumentError when a reduced axis is empty
 * @example
 * ```ts
 * max(fromArray([[1, 5], [3, 2]]), { axis: 1 }).toArray() // [5, 3]
 * ```
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('max', 'max', x, options)
}

/**
 * Minimum over axes; NaN propagates. Ties share the gradient evenly.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the minimum
 * @throws InvalidArgumentError when a reduced axis is empty
 * @example
 * ```ts
 * min(fromArray([[1, 5], [3, 2]]), { axis: 1 }).toArray() // [1, 2]
 * ```
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('min', 'min', x, options)
}

/**
 * Arithmetic mean over axes: Σx / n.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the mean, float32
 * @throws InvalidArgumentError when a reduced axis is empty
 * @example
 * ```ts
 * mean(fromArray([1, 2, 3, 4])).item() // 2.5
 * ```
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  checkTensor('mean', 'x', x)
  checkReduceOptions('mean', options)
  const axes = normalizeAxes('mean', options.axis, x.rank)
  const n = axes.reduce((p, a) => p * x.shape[a], 1)
  if (n === 0)
    throw new InvalidArgumentError(
      'mean',
      'x',
      `must not be empty along reduced axes, got shape ${fmtShape(x.shape)}`,
    )
  return div(sum(toFloat(x), options), n)
}

/** Options of `variance` and `std`. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from n in the divisor: 0 for the population variance, 1 for Bessel's correction. */
  correction?: number
}

/**
 * Variance over axes: Σ(x - x̄)² / (n - correction), computed from centred values (two-pass,
 * no cancellation).
 *
 * @param x - input tensor
 * @param options - axis, keepdims and correction (default 0)
 * @returns the variance, float32
 * @throws InvalidArgumentError when n - correction <= 0
 * @example
 * ```ts
 * variance(fromArray([1, 2, 3, 4])).item() // 1.25
 * ```
 */
export function variance(x: Tensor, options: VarianceOptions = {}): Tensor {
  checkTensor('variance', 'x', x)
  checkReduceOptions('variance', options)
  const axes = normalizeAxes('variance', options.axis, x.rank)
  const n = axes.reduce((p, a) => p * x.shape[a], 1)
  const correction = options.correction ?? 0
  if (n - correction <= 0) {
    throw new InvalidArgumentError(
      'variance',
      'correction',
      `must leave n - correction > 0, got n=${n} and correction=${correction}`,
    )
  }
  const xf = toFloat(x)
  const centred = sub(xf, mean(xf, { axis: axes, keepdims: true }))
  return div(sum(mul(centred, centred), { axis: axes, keepdims: options.keepdims }), n - correction)
}

/**
 * Standard deviation: √variance.
 *
 * @param x - input tensor
 * @param options - axis, keepdims and correction (default 0)
 * @returns the standard deviation, float32
 * @example
 * ```ts
 * std(fromArray([1, 3])).item() // 1
 * ```
 */
export function std(x: Tensor, options: VarianceOptions = {}): Tensor {
  checkReduceOptions('std', options)
  return sqrt(variance(x, options))
}

function argReduce(
  name: string,
  x: Tensor,
  options: { axis?: number; keepdims?: boolean },
  op: 'max' | 'min',
): Tensor {
  checkTensor(name, 'x', x)
  checkReduceOptions(name, options)
  const flat = options.axis === undefined
  const input = flat ? reshapeP(x, [x.size]) : x
  const axis = flat ? 0 : normalizeAxis(name, options.axis ?? 0, x.rank)
  const n = input.shape[axis]
  if (n === 0)
    throw new InvalidArgumentError(
      name,
      'x',
      `must not be empty along the axis, got shape ${fmtShape(x.shape)}`,
    )
  const extreme = reduceWith(op, name, input, { axis, keepdims: true })
  const shape = input.shape.map((_, d) => (d === axis ? n : 1))
  const index = reshapeP(arange(n, undefined, 1, { backend: x.backend, dtype: 'int32' }), shape)
  // first index that attains the extreme
  const candidates = where(equal(input, extreme), index, n)
  const out = reduceP('min', candidates, [axis])
  if (flat || !options.keepdims) return out
  return reshapeP(
    out,
    x.shape.map((d, i) => (i === axis ? 1 : d)),
  )
}

/**
 * Index of the maximum along `axis` (first one on ties), or of the flattened tensor.
 *
 * @param x - input tensor
 * @param options - axis (undefined: flattened) and keepdims
 * @returns int32 indices
 * @example
 * ```ts
 * argmax(fromArray([[1, 5], [3, 2]]), { axis: 1 }).toArray() // [1, 0]
 * ```
 */
export function argmax(x: Tensor, options: { axis?: number; keepdims?: boolean } = {}): Tensor {
  return argReduce('argmax', x, options, 'max')
}

/**
 * Index of the minimum along `axis` (first one on ties), or of the flattened tensor.
 *
 * @param x - input tensor
 * @param options - axis (undefined: flattened) and keepdims
 * @returns int32 indices
 * @example
 * ```ts
 * argmin(fromArray([3, 1, 2])).item() // 1
 * ```
 */
export function argmin(x: Tensor, options: { axis?: number; keepdims?: boolean } = {}): Tensor {
  return argReduce('argmin', x, options, 'min')
}

/**
 * Cumulative sum along `axis`: out[..., j] = Σ_{k<=j} x[..., k]. Computed as a product with
 * an upper-triangular matrix of ones (O(n²) per row, exact for small axes, differentiable
 * through matmul).
 *
 * @param x - input tensor
 * @param axis - the axis to scan (default -1)
 * @returns the running sums, same shape
 * @example
 * ```ts
 * cumsum(fromArray([1, 2, 3])).toArray() // [1, 3, 6]
 * ```
 */
export function cumsum(x: Tensor, axis = -1): Tensor {
  checkTensor('cumsum', 'x', x)
  if (x.rank === 0) return x
  const a = normalizeAxis('cumsum', axis, x.rank)
  const n = x.shape[a]
  const input = x.dtype === 'bool' ? castP(x, 'int32') : x
  const perm = x.shape.map((_, i) => i)
  perm.splice(a, 1)
  perm.push(a)
  const moved = permute(input, perm)
  const upper = new Float64Array(n * n)
  for (let k = 0; k < n; k++) for (let j = k; j < n; j++) upper[k * n + j] = 1
  const u = constantP(x.backend, upper, [n, n], input.dtype)
  const batch = moved.shape.slice(0, -1)
  const rows = reshapeP(moved, [1, batch.reduce((p, d) => p * d, 1), n])
  const scanned = reshapeP(matmulP(rows, reshapeP(u, [1, n, n])), moved.shape)
  const inverse = perm.map((_, i) => perm.indexOf(i))
  return permute(scanned, inverse)
}
