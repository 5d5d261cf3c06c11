/**
 * View ops: they change shape, strides and offset only, sharing the buffer (metadata, no
 * kernel). `reshape` copies when the strides cannot express the new shape (case H3).
 */
import { sizeOf } from '../backend/strided'
import { InvalidArgumentError, ShapeError } from '../errors'
import { contiguousP, detachP, permuteP, reshapeP, type SliceAxis, sliceP } from '../primitives'
import type { Tensor } from '../tensor'
import {
  broadcastShapes,
  broadcastToShape,
  checkTensor,
  fmtShape,
  normalizeAxes,
  normalizeAxis,
} from './internal'

/**
 * Gives `x` a new shape with the same elements in row-major order. One dim may be -1 (inferred).
 * A view when the strides allow; a copy for transposed, strided or expanded views that cannot
 * be viewed (NumPy semantics).
 *
 * @param x - input tensor
 * @param shape - new dims, product equal to `x.size` (one may be -1)
 * @returns the reshaped tensor
 * @throws ShapeError when the sizes differ
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x)
  const unknown = shape.filter((d) => d === -1).length
  if (unknown > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new InvalidArgumentError(
      'reshape',
      'shape',
      `must hold integers >= 0 and at most one -1, got ${fmtShape(shape)}`,
    )
  }
  const known = sizeOf(shape.filter((d) => d !== -1))
  const resolved = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d))
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(
      'reshape',
      `new shape must hold ${x.size} elements, got ${fmtShape(shape)} for input ${fmtShape(x.shape)}`,
      [x.shape, shape],
    )
  }
  return reshapeP(x, resolved)
}

/**
 * Flattens to 1-D.
 *
 * @param x - input tensor
 * @returns a 1-D tensor of `x.size` elements
 * @example
 * ```ts
 * flatten(zeros([2, 3])).shape // [6]
 * ```
 */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [-1])
}

/**
 * Reorders the dims: `out.shape[i] = x.shape[perm[i]]` (a view).
 *
 * @param x - input tensor
 * @param perm - a permutation of 0..rank-1 (negative axes allowed)
 * @returns the permuted view
 * @throws InvalidArgumentError when perm is not a permutation
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor('permute', 'x', x)
  if (perm.length !== x.rank) {
    throw new InvalidArgumentError(
      'permute',
      'perm',
      `must have one entry per dim (${x.rank}), got [${perm.join(',')}]`,
    )
  }
  const axes = perm.map((p) => normalizeAxis('permute', p, x.rank, 'perm'))
  if (new Set(axes).size !== axes.length) {
    throw new InvalidArgumentError('permute', 'perm', `must be a permutation, got [${perm.join(',')}]`)
  }
  return permuteP(x, axes)
}

/**
 * Transposes: reverses the dims, or swaps `axis0` and `axis1` when given (a view).
 *
 * @param x - input tensor
 * @param axis0 - first axis to swap
 * @param axis1 - second axis to swap
 * @returns the transposed view
 * @example
 * ```ts
 * transpose(zeros([2, 3])).shape // [3, 2]
 * transpose(zeros([5, 2, 3]), -1, -2).shape // [5, 3, 2]
 * ```
 */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  checkTensor('transpose', 'x', x)
  if (axis0 === undefined || axis1 === undefined)
    return permuteP(
      x,
      x.shape.map((_, i) => x.rank - 1 - i),
    )
  const a = normalizeAxis('transpose', axis0, x.rank, 'axis0')
  const b = normalizeAxis('transpose', axis1, x.rank, 'axis1')
  const perm = x.shape.map((_, i) => i)
  perm[a] = b
  perm[b] = a
  return permuteP(x, perm)
}

/**
 * Broadcasts to `shape` by NumPy rules (a view with stride 0 along broadcast dims).
 *
 * @param x - input tensor
 * @param shape - target shape; `x.shape` must broadcast to it
 * @returns the broadcast view
 * @throws ShapeError when `x.shape` does not broadcast to `shape`
 * @example
 * ```ts
 * broadcastTo(fromArray([1, 2, 3]), [2, 3]).toArray() // [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', 'x', x)
  const out = broadcastShapes('expand', x.shape, shape)
  if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      'expand',
      `input must broadcast to the target shape, got ${fmtShape(x.shape)} to ${fmtShape(shape)}`,
      [x.shape, shape],
    )
  }
  return broadcastToShape(x, shape)
}

/**
 * Alias of `expand`, NumPy's name.
 *
 * @param x - input tensor
 * @param shape - target shape
 * @returns the broadcast view
 * @example
 * ```ts
 * broadcastTo(ones([1, 3]), [4, 3]).shape // [4, 3]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape)
}

/**
 * One axis of a slice: a number picks one index and drops the axis; `null` keeps the whole
 * axis; `{ start, stop, step }` follows Python slice rules (negative indices count from the
 * end; a negative step walks backwards).
 */
export type SliceSpec = number | null | { start?: number; stop?: number; step?: number }

/**
 * Python-style slicing, a view: `slice(x, [{ start: 2, step: 3 }])` is `x[2::3]`. Specs apply
 * to leading axes; the rest are kept whole.
 *
 * @param x - input tensor
 * @param specs - one spec per leading axis
 * @returns the sliced view
 * @throws InvalidArgumentError for a step of 0, an index out of range, or too many specs
 * @example
 * ```ts
 * slice(arange(10), [{ start: 2, step: 3 }]).toArray() // [2, 5, 8]
 * slice(arange(5), [{ step: -1 }]).toArray() // [4, 3, 2, 1, 0]
 * slice(eye(3), [1]).toArray() // [0, 1, 0]
 * ```
 */
export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  checkTensor('slice', 'x', x)
  if (specs.length > x.rank) {
    throw new InvalidArgumentError(
      'slice',
      'specs',
      `must have at most one entry per dim (${x.rank}), got ${specs.length}`,
    )
  }
  const axes: SliceAxis[] = []
  const dropped: number[] = []
  x.shape.forEach((n, d) => {
    const spec = d < specs.length ? specs[d] : null
    if (spec === null) {
      axes.push({ start: 0, step: 1, size: n })
    } else if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) {
        throw new InvalidArgumentError(
          'slice',
          `specs[${d}]`,
          `must be an index in [${-n}, ${n - 1}], got ${spec}`,
        )
      }
      axes.push({ start: spec < 0 ? spec + n : spec, step: 1, size: 1 })
      dropped.push(d)
    } else {
      const step = spec.step ?? 1
      if (!Number.isInteger(step) || step === 0) {
        throw new InvalidArgumentError('slice', `specs[${d}].step`, `must be a nonzero integer, got ${step}`)
      }
      // Python's slice.indices(n)
      const clampIndex = (v: number | undefined, fallback: number, lo: number, hi: number): number => {
        if (v === undefined) return fallback
        if (!Number.isInteger(v))
          throw new InvalidArgumentError('slice', `specs[${d}]`, `start and stop must be integers, got ${v}`)
        const w = v < 0 ? v + n : v
        return Math.min(Math.max(w, lo), hi)
      }
      const start = step > 0 ? clampIndex(spec.start, 0, 0, n) : clampIndex(spec.start, n - 1, -1, n - 1)
      const stop = step > 0 ? clampIndex(spec.stop, n, 0, n) : clampIndex(spec.stop, -1, -1, n - 1)
      const size =
        step > 0
          ? Math.max(0, Math.ceil((stop - start) / step))
          : Math.max(0, Math.ceil((start - stop) / -step))
      axes.push({ start, step, size })
    }
  })
  const sliced = sliceP(x, axes)
  if (dropped.length === 0) return sliced
  return reshapeP(
    sliced,
    sliced.shape.filter((_, d) => !dropped.includes(d)),
  )
}

/**
 * Removes dims of size 1 (all of them, or those named by `axis`), a view.
 *
 * @param x - input tensor
 * @param axis - axes to remove; each must have size 1
 * @returns the squeezed view
 * @throws ShapeError when a named axis does not have size 1
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape // [3]
 * ```
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor('squeeze', 'x', x)
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.rank)
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new ShapeError('squeeze', `axis ${a} must have size 1, got ${fmtShape(x.shape)}`, [x.shape])
  }
  return reshapeP(
    x,
    x.shape.filter((_, d) => !axes.includes(d)),
  )
}

/**
 * Inserts a dim of size 1 at `axis` (in the output's numbering), a view.
 *
 * @param x - input tensor
 * @param axis - position of the new dim, in [-rank-1, rank]
 * @returns the view with one more dim
 * @example
 * ```ts
 * unsqueeze(zeros([3]), 0).shape // [1, 3]
 * unsqueeze(zeros([3]), -1).shape // [3, 1]
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', 'x', x)
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1)
  const shape = [...x.shape]
  shape.splice(a, 0, 1)
  return reshapeP(x, shape)
}

/**
 * A contiguous (row-major, gap-free) copy, or `x` itself when already contiguous.
 *
 * @param x - input tensor
 * @returns a contiguous tensor with the same values
 * @example
 * ```ts
 * contiguous(transpose(zeros([2, 3]))).isContiguous // true
 * ```
 */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', 'x', x)
  return x.isContiguous && x.offset === 0 && x.size === x.storage.handle.size ? x : contiguousP(x)
}

/**
 * The same values with no gradient: tapes do not follow it (JAX `stop_gradient`).
 *
 * @param x - input tensor
 * @returns a view of `x` cut from the tape
 * @example
 * ```ts
 * grad((w: Tensor) => sum(mul(w, stopGradient(w))))(w) // equals w, not 2w
 * ```
 */
export function stopGradient(x: Tensor): Tensor {
  checkTensor('stopGradient', 'x', x)
  return detachP(x)
}
