/**
 * Indexing: indexSelect, gather (take-along-axis), scatterAdd, oneHot, tril/triu.
 */
import { sizeOf } from '../backend/strided'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { castP, constantP, gatherP, reshapeP, scatterAddP, sameBackend } from '../primitives'
import type { Tensor } from '../tensor'
import { add, equal, lessEqual, mul, sub } from './binary'
import { arange } from './creation'
import { checkTensor, fmtShape, normalizeAxis } from './internal'
import { contiguous } from './views'
import { where } from './where'

/** Checks index values in [-n, n) and returns them with negatives counted from the end, or null when none is negative. */
function checkIndexValues(
  op: string,
  argument: string,
  values: ArrayLike<number>,
  n: number,
): Int32Array | null {
  let negative = false
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v < -n || v >= n) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must lie in [${-n}, ${n - 1}], got ${v} at flat index ${i}`,
      )
    }
    if (v < 0) negative = true
  }
  return negative ? Int32Array.from(values, (v) => (v < 0 ? v + n : v)) : null
}

/**
 * Validates int32 indices in [0, n) (and accepts negative ones, counted from the end). On a
 * backend without a synchronous read (GPU) tensor indices are not read back to check them.
 */
function checkIndices(op: string, indices: Tensor, n: number, argument = 'indices'): Tensor {
  checkTensor(op, argument, indices)
  if (indices.dtype !== 'int32') {
    throw new DTypeError(op, `${argument} must be int32, got ${indices.dtype}`, indices.dtype)
  }
  if (indices.backend.readSync === undefined) return indices
  const fixed = checkIndexValues(op, argument, indices.dataSync(), n)
  return fixed === null ? indices : constantP(indices.backend, fixed, indices.shape, 'int32')
}

/** Indices as an int32 tensor; a plain array is checked (and negatives resolved) on the host. */
function asIndexTensor(indices: Tensor | readonly number[], like: Tensor, n: number): Tensor {
  if (Array.isArray(indices)) {
    const values = Int32Array.from(indices as number[])
    const fixed = checkIndexValues('indexSelect', 'indices', values, n)
    return constantP(like.backend, fixed ?? values, [indices.length], 'int32')
  }
  return indices as Tensor
}

/**
 * Picks entries along `axis`: out[..., j, ...] = x[..., indices[j], ...] (NumPy `take`).
 * The gradient adds back into the picked rows (repeated indices accumulate).
 *
 * @param x - input tensor
 * @param axis - the axis to index
 * @param indices - 1-D int32 tensor or number list, each in [-n, n)
 * @returns a tensor with `axis` resized to indices.length
 * @throws InvalidArgumentError for an out-of-range index
 * @example
 * ```ts
 * indexSelect(fromArray([[1, 2], [3, 4], [5, 6]]), 0, [2, 0]).toArray() // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  checkTensor('indexSelect', 'x', x)
  const a = normalizeAxis('indexSelect', axis, x.rank)
  const index = asIndexTensor(indices, x, x.shape[a])
  if (index.rank !== 1)
    throw new ShapeError('indexSelect', `indices must be 1-D, got ${fmtShape(index.shape)}`, [index.shape])
  sameBackend('indexSelect', [x, index])
  return gatherP(x, checkIndices('indexSelect', index, x.shape[a]), a)
}

/** Row-major flat positions of `index` entries along `axis` in a tensor of shape `shape`. */
function flatPositions(shape: readonly number[], axis: number, index: Tensor): Tensor {
  const backend = index.backend
  let flat: Tensor | null = null
  let stride = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    const coordinate =
      d === axis
        ? index
        : reshapeP(
            arange(index.shape[d], undefined, 1, { backend, dtype: 'int32' }),
            index.shape.map((n, i) => (i === d ? n : 1)),
          )
    const term = mul(coordinate, stride)
    flat = flat === null ? term : add(flat, term)
    stride *= shape[d]
  }
  return reshapeP(flat!, [index.size])
}

/**
 * Take-along-axis: out[i][j][k] = x[i][index[i][j][k]][k] for axis 1 (PyTorch `gather`).
 * `index` has x's rank, and its dims other than `axis` must not exceed x's.
 *
 * @param x - input tensor
 * @param axis - the indexed axis
 * @param index - int32 tensor of x's rank
 * @returns a tensor of index's shape
 * @throws ShapeError when ranks differ or a dim of index exceeds x's
 * @throws InvalidArgumentError for an out-of-range index
 * @example
 * ```ts
 * gather(fromArray([[1, 2], [3, 4]]), 1, fromArray([[1], [0]], { dtype: 'int32' })).toArray() // [[2], [3]]
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor('gather', 'x', x)
  checkTensor('gather', 'index', index)
  const a = normalizeAxis('gather', axis, x.rank)
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(
      'gather',
      `index must have x's rank and dims no larger than x's off the axis, got x=${fmtShape(x.shape)} and index=${fmtShape(index.shape)}`,
      [x.shape, index.shape],
    )
  }
  sameBackend('gather', [x, index])
  const checked = checkIndices('gather', index, x.shape[a], 'index')
  const positions = flatPositions(x.shape, a, checked)
  return reshapeP(gatherP(reshapeP(contiguous(x), [x.size]), positions, 0), index.shape)
}

/**
 * Scatter-add (PyTorch `scatter_add`): a copy of x where, for axis 1,
 * out[i][index[i][j][k]][k] += src[i][j][k]. Differentiable in x and src.
 *
 * @param x - the tensor added into
 * @param axis - the indexed axis
 * @param index - int32 tensor with src's shape
 * @param src - the values added
 * @returns x plus the scattered src
 * @throws ShapeError when index and src shapes differ or exceed x's
 * @example
 * ```ts
 * scatterAdd(zeros([3]), 0, fromArray([0, 2, 0], { dtype: 'int32' }), fromArray([1, 2, 3])).toArray() // [4, 0, 2]
 * ```
 */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor('scatterAdd', 'x', x)
  checkTensor('scatterAdd', 'index', index)
  checkTensor('scatterAdd', 'src', src)
  const a = normalizeAxis('scatterAdd', axis, x.rank)
  if (
    index.rank !== src.rank ||
    index.shape.some((d, i) => d !== src.shape[i]) ||
    index.rank !== x.rank ||
    index.shape.some((d, i) => i !== a && d > x.shape[i])
  ) {
    throw new ShapeError(
      'scatterAdd',
      `index must have src's shape and x's rank, got x=${fmtShape(x.shape)}, index=${fmtShape(index.shape)}, src=${fmtShape(src.shape)}`,
      [x.shape, index.shape, src.shape],
    )
  }
  sameBackend('scatterAdd', [x, index, src])
  const checked = checkIndices('scatterAdd', index, x.shape[a], 'index')
  const positions = flatPositions(x.shape, a, checked)
  const flatSrc = reshapeP(castP(src, x.dtype), [src.size])
  return add(x, reshapeP(scatterAddP(flatSrc, positions, 0, sizeOf(x.shape)), x.shape))
}

/**
 * One-hot encoding: out[..., c] = 1 where indices[...] = c, else 0 (float32).
 *
 * @param indices - int32 class indices in [0, depth)
 * @param depth - number of classes, integer >= 1
 * @returns a float32 tensor with a trailing dim of size depth
 * @throws InvalidArgumentError for an out-of-range index or bad depth
 * @example
 * ```ts
 * oneHot(fromArray([0, 2], { dtype: 'int32' }), 3).toArray() // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number): Tensor {
  if (!Number.isInteger(depth) || depth < 1)
    throw new InvalidArgumentError('oneHot', 'depth', `must be an integer >= 1, got ${depth}`)
  const checked = checkIndices('oneHot', indices, depth)
  const classes = arange(depth, undefined, 1, { backend: indices.backend, dtype: 'int32' })
  return castP(equal(reshapeP(checked, [...checked.shape, 1]), classes), 'float32')
}

function triangle(op: string, x: Tensor, k: number, lower: boolean): Tensor {
  checkTensor(op, 'x', x)
  if (x.rank < 2) throw new ShapeError(op, `x must have rank >= 2, got ${fmtShape(x.shape)}`, [x.shape])
  if (!Number.isInteger(k)) throw new InvalidArgumentError(op, 'k', `must be an integer, got ${k}`)
  const [n, m] = x.shape.slice(-2)
  const rows = reshapeP(arange(n, undefined, 1, { backend: x.backend, dtype: 'int32' }), [n, 1])
  const cols = reshapeP(arange(m, undefined, 1, { backend: x.backend, dtype: 'int32' }), [1, m])
  // lower: j - i <= k; upper: i - j <= -k
  const keep = lower ? lessEqual(sub(cols, rows), k) : lessEqual(sub(rows, cols), -k)
  return where(keep, x, 0)
}

/**
 * Lower triangle of the last two dims: keeps x[..., i, j] where j - i <= k, zeros elsewhere.
 *
 * @param x - tensor of rank >= 2
 * @param k - diagonal offset (0: main diagonal, > 0 above, < 0 below)
 * @returns the masked tensor
 * @example
 * ```ts
 * tril(ones([2, 2])).toArray() // [[1, 0], [1, 1]]
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k, true)
}

/**
 * Upper triangle of the last two dims: keeps x[..., i, j] where j - i >= k, zeros elsewhere.
 *
 * @param x - tensor of rank >= 2
 * @param k - diagonal offset
 * @returns the masked tensor
 * @example
 * ```ts
 * triu(ones([2, 2])).toArray() // [[1, 1], [0, 1]]
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k, false)
}
