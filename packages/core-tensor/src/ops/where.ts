/**
 * Selection: `where` and `clamp`.
 */
import { castP, whereP } from '../primitives'
import { less as lessCmp } from './binary'
import type { Tensor } from '../tensor'
import { type DType, promoteTypes } from '../dtype'
import { InvalidArgumentError } from '../errors'
import { type TensorLike, broadcastShapes, broadcastToShape, checkTensor, scalar } from './internal'

/**
 * `cond ? a : b` elementwise, with broadcasting of all three. The gradient flows to `a` where
 * `cond` holds and to `b` elsewhere.
 *
 * @param cond - truth values (nonzero is true)
 * @param a - values where cond holds (tensor or number)
 * @param b - values elsewhere (tensor or number)
 * @returns the selection, with the broadcast shape
 * @throws ShapeError when the shapes do not broadcast
 * @example
 * ```ts
 * where(fromArray([true, false]), 1, fromArray([5, 6])).toArray() // [1, 6]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond)
  if (typeof a !== 'number') checkTensor('where', 'a', a)
  if (typeof b !== 'number') checkTensor('where', 'b', b)
  const backend = cond.backend
  // A number adopts the tensor operand's dtype (float32 when it is not an integer).
  const dtypeOf = (v: TensorLike): DType | null =>
    typeof v !== 'number' ? v.dtype : Number.isInteger(v) ? null : 'float32'
  const da = dtypeOf(a)
  const db = dtypeOf(b)
  const finalDType: DType = da === null ? (db ?? 'int32') : db === null ? da : promoteTypes(da, db)
  const ta = castP(typeof a === 'number' ? scalar(a, backend, finalDType) : a, finalDType)
  const tb = castP(typeof b === 'number' ? scalar(b, backend, finalDType) : b, finalDType)
  const shape = broadcastShapes('where', cond.shape, ta.shape, tb.shape)
  return whereP(
    broadcastToShape(castP(cond, 'bool'), shape),
    broadcastToShape(ta, shape),
    broadcastToShape(tb, shape),
  )
}

/**
 * Limits values to [min, max]: `min` where x < min, `max` where x > max, else x. The gradient
 * is 1 inside the interval and 0 where a bound applies.
 *
 * @param x - input tensor
 * @param min - lower bound (or undefined)
 * @param max - upper bound (or undefined), >= min
 * @returns the clamped tensor
 * @throws InvalidArgumentError when min > max
 * @example
 * ```ts
 * clamp(fromArray([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkTensor('clamp', 'x', x)
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidArgumentError('clamp', 'min', `must be <= max, got min=${min} and max=${max}`)
  }
  let out = x
  if (min !== undefined) {
    const lo = scalar(min, x.backend, x.dtype === 'float32' || !Number.isInteger(min) ? 'float32' : x.dtype)
    out = where(lessCmp(out, lo), lo, out)
  }
  if (max !== undefined) {
    const hi = scalar(max, x.backend, x.dtype === 'float32' || !Number.isInteger(max) ? 'float32' : x.dtype)
    out = where(lessCmp(hi, out), hi, out)
  }
  return out
}
