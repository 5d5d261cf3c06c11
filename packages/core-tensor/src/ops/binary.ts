/**
 * Elementwise binary ops with NumPy broadcasting and type promotion (bool < int32 < float32).
 * Either operand may be a plain number.
 */
import type { BinaryOp } from '../backend/spec'
import { binaryP, castP, unaryP } from '../primitives'
import type { Tensor } from '../tensor'
import { type TensorLike, prepareBinary, toFloat } from './internal'

function arith(op: BinaryOp, name: string, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = prepareBinary(name, a, b)
  return binaryP(op, ta, tb)
}

/**
 * `a + b`, elementwise with broadcasting.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns the sum, with the broadcast shape and promoted dtype
 * @throws ShapeError when the shapes do not broadcast
 * @throws BackendMismatchError when the tensors live on different backends
 * @example
 * ```ts
 * add(fromArray([[1], [2]]), fromArray([10, 20])).toArray() // [[11, 21], [12, 22]]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return arith('add', 'add', a, b)
}

/**
 * `a - b`, elementwise with broadcasting.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns the difference
 * @throws ShapeError when the shapes do not broadcast
 * @example
 * ```ts
 * sub(fromArray([3, 4]), 1).toArray() // [2, 3]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return arith('sub', 'sub', a, b)
}

/**
 * `a · b`, elementwise with broadcasting.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns the product
 * @throws ShapeError when the shapes do not broadcast
 * @example
 * ```ts
 * mul(fromArray([1, 2]), 3).toArray() // [3, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arith('mul', 'mul', a, b)
}

/**
 * `a / b`, true division: integer operands are promoted to float32 (NumPy's `/`).
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns the quotient, float32
 * @throws ShapeError when the shapes do not broadcast
 * @example
 * ```ts
 * div(fromArray([1, 2]), 4).toArray() // [0.25, 0.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = prepareBinary('div', a, b)
  return binaryP('div', toFloat(ta), toFloat(tb))
}

/**
 * `a ** b`, elementwise (float32). The gradient with respect to `b` is `a^b · ln a`, taken
 * as 0 where `a <= 0`.
 *
 * @param a - base
 * @param b - exponent
 * @returns the power
 * @example
 * ```ts
 * pow(fromArray([2, 3]), 2).toArray() // [4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = prepareBinary('pow', a, b)
  return binaryP('pow', toFloat(ta), toFloat(tb))
}

/**
 * Elementwise maximum; NaN wins (NumPy `maximum`). On ties the gradient is split evenly.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns max(a, b)
 * @example
 * ```ts
 * maximum(fromArray([1, 5]), 3).toArray() // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return arith('max', 'maximum', a, b)
}

/**
 * Elementwise minimum; NaN wins (NumPy `minimum`). On ties the gradient is split evenly.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns min(a, b)
 * @example
 * ```ts
 * minimum(fromArray([1, 5]), 3).toArray() // [1, 3]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return arith('min', 'minimum', a, b)
}

/**
 * `a < b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * less(fromArray([1, 3]), 2).toArray() // [true, false]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmplt', 'less', a, b)
}

/**
 * `a <= b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * lessEqual(fromArray([1, 2]), 2).toArray() // [true, true]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmple', 'lessEqual', a, b)
}

/**
 * `a > b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * greater(fromArray([1, 3]), 2).toArray() // [false, true]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmplt', 'greater', b, a)
}

/**
 * `a >= b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * greaterEqual(fromArray([1, 2]), 2).toArray() // [false, true]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmple', 'greaterEqual', b, a)
}

/**
 * `a == b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * equal(fromArray([1, 2]), 2).toArray() // [false, true]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmpeq', 'equal', a, b)
}

/**
 * `a != b` elementwise, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns bool mask
 * @example
 * ```ts
 * notEqual(fromArray([1, 2]), 2).toArray() // [true, false]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return arith('cmpne', 'notEqual', a, b)
}

function logical(name: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = prepareBinary(name, a, b)
  return [castP(ta, 'bool'), castP(tb, 'bool')]
}

/**
 * Logical and of truth values (nonzero is true), a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns a ∧ b
 * @example
 * ```ts
 * logicalAnd(fromArray([true, true]), fromArray([true, false])).toArray() // [true, false]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = logical('logicalAnd', a, b)
  return binaryP('min', ta, tb)
}

/**
 * Logical or of truth values (nonzero is true), a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns a ∨ b
 * @example
 * ```ts
 * logicalOr(fromArray([true, false]), fromArray([false, false])).toArray() // [true, false]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = logical('logicalOr', a, b)
  return binaryP('max', ta, tb)
}

/**
 * Logical exclusive or of truth values, a bool tensor.
 *
 * @param a - tensor or number
 * @param b - tensor or number
 * @returns a ⊕ b
 * @example
 * ```ts
 * logicalXor(fromArray([true, true]), fromArray([true, false])).toArray() // [false, true]
 * ```
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = logical('logicalXor', a, b)
  return binaryP('cmpne', ta, tb)
}

/**
 * Logical not (zero is false), a bool tensor.
 *
 * @param x - input tensor
 * @returns ¬x
 * @example
 * ```ts
 * logicalNot(fromArray([true, false])).toArray() // [false, true]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  const [t, zero] = prepareBinary('logicalNot', x, 0)
  return binaryP('cmpeq', castP(t, 'bool'), castP(zero, 'bool'))
}

/** @internal Negation used by other op files without re-validating. */
export function negate(x: Tensor): Tensor {
  return unaryP('neg', x)
}
