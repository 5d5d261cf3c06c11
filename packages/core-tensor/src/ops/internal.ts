/**
 * Helpers shared by the composed ops (internal): argument normalisation, validation with
 * typed errors, and NumPy broadcasting.
 */
import type { BackendV1 } from '../backend/spec'
import { type DType, promoteTypes } from '../dtype'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { castP, constantP, expandP, reshapeP, sameBackend } from '../primitives'
import { Tensor } from '../tensor'

/** A tensor or a plain number (promoted to a scalar tensor on the other operand's backend). */
export type TensorLike = Tensor | number

/**
 * The most elements one tensor may hold, 2^31 − 1: kernels address elements with int32
 * offsets (and a bigger float32 buffer would not fit in memory on the machines gen targets).
 */
export const MAX_ELEMENTS = 2 ** 31 - 1

/**
 * Throws InvalidArgumentError unless `count` (the elements of `shape`, or given) is at most
 * {@link MAX_ELEMENTS}, so that a huge size is refused by name before any allocation.
 */
export function checkElementCount(op: string, arg: string, shape: readonly number[], count?: number): void {
  const n = count ?? shape.reduce((a, b) => a * b, 1)
  if (n > MAX_ELEMENTS) {
    throw new InvalidArgumentError(
      op,
      arg,
      `must give at most 2^31 - 1 = ${MAX_ELEMENTS} elements, got ${fmtShape(shape)} = ${n} elements`,
    )
  }
}

/** `[2,3]`, the way error messages print shapes. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`
}

/** Throws unless `x` is a live Tensor. */
export function checkTensor(op: string, argument: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a Tensor, got ${got} — wrap values with fromArray()`,
    )
  }
  x.assertLive(op)
}

/** Throws DTypeError unless `x` is float32. */
export function checkFloat(op: string, x: Tensor): void {
  if (x.dtype !== 'float32') throw new DTypeError(op, `dtype must be float32, got ${x.dtype}`, x.dtype)
}

/** Normalises a possibly negative axis for a tensor of `rank`. */
export function normalizeAxis(op: string, axis: number, rank: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(op, argument, `must be an integer in [${-rank}, ${rank - 1}], got ${axis}`)
  }
  return axis < 0 ? axis + rank : axis
}

/** Normalised, sorted, distinct axes; all axes when `axis` is undefined. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axis === 'number' ? [axis] : [...axis]
  const axes = list.map((a) => normalizeAxis(op, a, rank))
  if (new Set(axes).size !== axes.length) {
    throw new InvalidArgumentError(op, 'axis', `must not repeat an axis, got [${list.join(',')}]`)
  }
  return axes.sort((a, b) => a - b)
}

/**
 * The NumPy broadcast of shapes: align right, each dim pair equal or one of them 1.
 *
 * @throws ShapeError when two dims differ and neither is 1
 */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length))
  const out = new Array<number>(rank).fill(1)
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const d = rank - shape.length + i
      const dim = shape[i]
      if (out[d] === 1) out[d] = dim
      else if (dim !== 1 && dim !== out[d]) {
        throw new ShapeError(
          op,
          `shapes must broadcast (equal dims or 1), got ${shapes.map(fmtShape).join(' and ')}`,
          shapes,
        )
      }
    }
  }
  return out
}

/** Broadcasts `x` to `shape` (which broadcastShapes produced) as a stride-0 view. */
export function broadcastToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x
  const padded =
    x.rank < shape.length ? reshapeP(x, [...new Array<number>(shape.length - x.rank).fill(1), ...x.shape]) : x
  return expandP(padded, shape)
}

/** Turns a number into a scalar tensor on `backend` with `dtype`. */
export function scalar(value: number, backend: BackendV1, dtype: DType): Tensor {
  return constantP(backend, [value], [], dtype)
}

/**
 * Converts the operands of a binary op to tensors of one dtype and one broadcast shape.
 * Numbers adopt the tensor operand's dtype when it is float, else float32 for non-integers.
 */
export function prepareBinary(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new InvalidArgumentError(op, 'a', 'or b must be a Tensor, got two numbers')
  }
  if (typeof a !== 'number') checkTensor(op, 'a', a)
  if (typeof b !== 'number') checkTensor(op, 'b', b)
  const like = typeof a === 'number' ? (b as Tensor) : a
  const numberDType = (v: number): DType =>
    like.dtype === 'float32' || !Number.isInteger(v)
      ? 'float32'
      : like.dtype === 'bool'
        ? 'int32'
        : like.dtype
  let ta = typeof a === 'number' ? scalar(a, like.backend, numberDType(a)) : a
  let tb = typeof b === 'number' ? scalar(b, like.backend, numberDType(b)) : b
  sameBackend(op, [ta, tb])
  const dtype = promoteTypes(ta.dtype, tb.dtype)
  ta = castP(ta, dtype)
  tb = castP(tb, dtype)
  const shape = broadcastShapes(op, ta.shape, tb.shape)
  return [broadcastToShape(ta, shape), broadcastToShape(tb, shape)]
}

/** Casts to float32 (ints and bools become floats; floats pass through). */
export function toFloat(x: Tensor): Tensor {
  return castP(x, 'float32')
}

/**
 * Throws unless a reduction's options are an object. `sum(x, 0)` would otherwise read
 * `(0).axis` as undefined and silently reduce every axis, where NumPy reduces axis 0.
 */
export function checkReduceOptions(op: string, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = Array.isArray(options)
      ? `[${options.join(',')}]`
      : options === null
        ? 'null'
        : typeof options === 'number'
          ? String(options)
          : typeof options
    throw new InvalidArgumentError(
      op,
      'options',
      `must be an object { axis?, keepdims? }, got ${got} — to reduce one axis pass { axis: ${got} }`,
    )
  }
}
