/**
 * Numerically stable log-sum-exp, softmax and log-softmax: every exponent is taken after
 * subtracting the maximum (case H1: softmax([1000, 1001, 1002]) stays finite).
 */
import { detachP, fusedSoftmaxP, reshapeP } from '../primitives'
import type { Tensor } from '../tensor'
import { add, div, less, sub } from './binary'
import { checkReduceOptions, checkTensor, normalizeAxes, normalizeAxis, toFloat } from './internal'
import { type ReduceOptions, max, sum } from './reduce'
import { abs, exp, log } from './unary'
import { where } from './where'

/**
 * log Σ exp(x) over axes, as m + log Σ exp(x - m) with m = max(x) (treated as a constant: the
 * result does not depend on it). An all -Inf slice gives -Inf, not NaN.
 *
 * @param x - input tensor
 * @param options - axis and keepdims
 * @returns the log-sum-exp, float32
 * @example
 * ```ts
 * logSumExp(fromArray([1000, 1000])).item() // 1000.6931472
 * ```
 */
export function logSumExp(x: Tensor, options: ReduceOptions = {}): Tensor {
  checkTensor('logSumExp', 'x', x)
  checkReduceOptions('logSumExp', options)
  const xf = toFloat(x)
  const m = detachP(max(xf, { axis: options.axis, keepdims: true }))
  // an all -Inf (or +Inf) slice would give Inf - Inf = NaN; shift by 0 there instead
  const shift = where(less(abs(m), Infinity), m, 0)
  const lse = add(log(sum(exp(sub(xf, shift)), { axis: options.axis, keepdims: true })), shift)
  if (options.keepdims) return lse
  const axes = normalizeAxes('logSumExp', options.axis, x.rank)
  return reshapeP(
    lse,
    x.shape.filter((_, i) => !axes.includes(i)),
  )
}

/**
 * softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m) along `axis`, m = max(x). Dividing, rather than
 * taking exp(x - logSumExp(x)), keeps float32 results within an ulp or two: logSumExp near 1000
 * carries an absolute error of ~6e-5 that exp would turn into a relative one.
 *
 * @param x - input tensor
 * @param axis - the axis that sums to 1 (default -1)
 * @returns probabilities along `axis`, float32
 * @example
 * ```ts
 * softmax(fromArray([1000, 1001, 1002])).toArray() // [0.0900306, 0.2447285, 0.6652410]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', 'x', x)
  const a = normalizeAxis('softmax', axis, x.rank)
  const xf = toFloat(x)
  // a backend's fused kernels where it has them (rows up to 1024), else the composition
  const fused = fusedSoftmaxP(xf, a)
  if (fused !== null) return fused
  const e = exp(shiftedByMax(xf, a))
  return div(e, sum(e, { axis: a, keepdims: true }))
}

/**
 * logSoftmax(x)_i = x_i - logSumExp(x) along `axis`.
 *
 * @param x - input tensor
 * @param axis - the normalised axis (default -1)
 * @returns log-probabilities, float32
 * @example
 * ```ts
 * logSoftmax(fromArray([0, 0])).toArray() // [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', 'x', x)
  const a = normalizeAxis('logSoftmax', axis, x.rank)
  const z = shiftedByMax(toFloat(x), a)
  return sub(z, log(sum(exp(z), { axis: a, keepdims: true })))
}

/** x - max(x) along `axis` (the max held constant; an infinite max shifts by 0, never to NaN). */
function shiftedByMax(x: Tensor, axis: number): Tensor {
  const m = detachP(max(x, { axis, keepdims: true }))
  return sub(x, where(less(abs(m), Infinity), m, 0))
}
