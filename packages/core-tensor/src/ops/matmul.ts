/**
 * Matrix products with NumPy `matmul` semantics: 1-D operands are promoted to a matrix and the
 * added dim removed afterwards; leading (batch) dims broadcast.
 */
import { DTypeError, ShapeError } from '../errors'
import { expandP, matmulP, reshapeP } from '../primitives'
import type { Tensor } from '../tensor'
import { mul } from './binary'
import { broadcastShapes, checkTensor, fmtShape } from './internal'

/**
 * Matrix product: c[..., i, j] = Σ_k a[..., i, k] · b[..., k, j], batch dims broadcast.
 * Uses the backend's fused kernel (the cpu backend's is packed and cache-blocked).
 *
 * Shapes: a [..., M, K], b [..., K, N] → [..., M, N]; a 1-D `a` is [1, K], a 1-D `b` is [K, 1].
 *
 * @param a - left operand, rank >= 1
 * @param b - right operand, rank >= 1
 * @returns the product
 * @throws ShapeError when the inner dims differ or batch dims do not broadcast
 * @throws DTypeError when the dtypes differ
 * @example
 * ```ts
 * matmul(fromArray([[1, 2]]), fromArray([[3], [4]])).toArray() // [[11]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'a', a)
  checkTensor('matmul', 'b', b)
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have rank >= 1, got a=${fmtShape(a.shape)} and b=${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    )
  }
  if (a.dtype !== b.dtype) {
    throw new DTypeError('matmul', `operands must share a dtype, got ${a.dtype} and ${b.dtype}`, b.dtype)
  }
  const a2 = a.rank === 1 ? reshapeP(a, [1, a.shape[0]]) : a
  const b2 = b.rank === 1 ? reshapeP(b, [b.shape[0], 1]) : b
  const k = a2.shape[a2.rank - 1]
  if (b2.shape[b2.rank - 2] !== k) {
    throw new ShapeError(
      'matmul',
      `inner dimensions must match, got a=${fmtShape(a.shape)} and b=${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    )
  }
  const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2))
  const lift = (t: Tensor): Tensor => {
    const rows = t.shape.slice(-2)
    const padded =
      t.rank - 2 < batch.length
        ? reshapeP(t, [...new Array<number>(batch.length - (t.rank - 2)).fill(1), ...t.shape])
        : t
    const target = [...batch, ...rows]
    return padded.shape.every((d, i) => d === target[i]) ? padded : expandP(padded, target)
  }
  let out = matmulP(lift(a2), lift(b2))
  if (a.rank === 1 || b.rank === 1) {
    const shape = [...batch]
    if (a.rank !== 1) shape.push(a2.shape[a2.rank - 2])
    if (b.rank !== 1) shape.push(b2.shape[b2.rank - 1])
    out = reshapeP(out, shape)
  }
  return out
}

/**
 * Outer product of two vectors: out[i, j] = a[i] · b[j].
 *
 * @param a - 1-D tensor of length M
 * @param b - 1-D tensor of length N
 * @returns an [M, N] tensor
 * @throws ShapeError when an operand is not 1-D
 * @example
 * ```ts
 * outer(fromArray([1, 2]), fromArray([3, 4])).toArray() // [[3, 4], [6, 8]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', 'a', a)
  checkTensor('outer', 'b', b)
  if (a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError(
      'outer',
      `operands must be 1-D, got a=${fmtShape(a.shape)} and b=${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    )
  }
  return mul(reshapeP(a, [a.shape[0], 1]), reshapeP(b, [1, b.shape[0]]))
}
