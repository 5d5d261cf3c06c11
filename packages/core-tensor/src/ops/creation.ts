/**
 * Creation functions. Each takes `{ backend, dtype }` options; the backend defaults to the
 * exported `cpu` instance (there is no settable global default).
 */
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { sizeOf } from '../backend/strided'
import type { DType } from '../dtype'
import { InvalidArgumentError, ShapeError } from '../errors'
import { constantP } from '../primitives'
import type { NestedArray, Tensor } from '../tensor'
import { checkElementCount, checkTensor, fmtShape } from './internal'

/** Where and as what a new tensor is created. */
export interface CreationOptions {
  /** Backend that owns the tensor; defaults to the exported `cpu` instance. */
  backend?: BackendV1
  /** Element type; defaults to float32 (bool for boolean input, int32 for an Int32Array). */
  dtype?: DType
}

function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InvalidArgumentError(
      op,
      'shape',
      `must be a list of integers >= 0, got ${JSON.stringify(shape)}`,
    )
  }
  checkElementCount(op, 'shape', shape)
}

function checkDType(op: string, dtype: unknown): void {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new InvalidArgumentError(op, 'dtype', `must be 'float32', 'int32' or 'bool', got ${String(dtype)}`)
  }
}

/** Infers the shape of nested arrays, rejecting ragged ones. */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = []
  let level: NestedArray = values
  while (Array.isArray(level)) {
    shape.push(level.length)
    level = (level as NestedArray[])[0]
  }
  return shape
}

function flatten(op: string, values: NestedArray, shape: readonly number[], out: number[]): void {
  flattenAt(op, values, { shape, out, dim: 0 })
}

function flattenAt(
  op: string,
  values: NestedArray,
  at: { shape: readonly number[]; out: number[]; dim: number },
): void {
  const { shape, out, dim } = at
  if (dim === shape.length) {
    if (Array.isArray(values))
      throw new ShapeError(op, `nested arrays must not be ragged, got a deeper array at depth ${dim}`)
    if (typeof values !== 'number' && typeof values !== 'boolean') {
      throw new InvalidArgumentError(op, 'values', `must hold numbers or booleans, got ${typeof values}`)
    }
    out.push(typeof values === 'boolean' ? (values ? 1 : 0) : values)
    return
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    const got = Array.isArray(values) ? `length ${values.length}` : typeof values
    throw new ShapeError(
      op,
      `nested arrays must not be ragged, expected length ${shape[dim]} at depth ${dim}, got ${got}`,
      [shape],
    )
  }
  for (const v of values as readonly NestedArray[]) flattenAt(op, v, { shape, out, dim: dim + 1 })
}

/**
 * A tensor from nested arrays, or from a flat array / typed array and `shape`.
 *
 * @param values - nested arrays of numbers or booleans, or flat values with `options.shape`
 * @param options - `shape` for flat values, `dtype`, `backend`
 * @returns a contiguous tensor
 * @throws ShapeError for ragged nested arrays or a shape whose size differs from the values'
 * @example
 * ```ts
 * fromArray([[1, 2], [3, 4]]).shape // [2, 2]
 * fromArray(new Float32Array(6), { shape: [2, 3] })
 * ```
 */
export function fromArray(
  values: NestedArray | ArrayLike<number>,
  options: CreationOptions & { shape?: readonly number[] } = {},
): Tensor {
  const op = 'fromArray'
  const backend = options.backend ?? cpu
  let flat: ArrayLike<number>
  let shape: readonly number[]
  let inferred: DType = 'float32'
  if (ArrayBuffer.isView(values)) {
    flat = values as unknown as ArrayLike<number>
    if (values instanceof Int32Array) inferred = 'int32'
    shape = options.shape ?? [flat.length]
  } else if (options.shape !== undefined && Array.isArray(values) && !values.some((v) => Array.isArray(v))) {
    const list: number[] = []
    flatten(op, values as NestedArray, [values.length], list)
    flat = list
    shape = options.shape
    if (values.length > 0 && typeof values[0] === 'boolean') inferred = 'bool'
  } else {
    const nested = values as NestedArray
    shape = inferShape(nested)
    const list: number[] = []
    flatten(op, nested, shape, list)
    flat = list
    let first: NestedArray = nested
    while (Array.isArray(first)) first = (first as NestedArray[])[0]
    if (typeof first === 'boolean') inferred = 'bool'
  }
  checkShape(op, shape)
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(
      op,
      `shape must hold as many elements as values, got ${fmtShape(shape)} for ${flat.length} values`,
      [shape],
    )
  }
  const dtype = options.dtype ?? inferred
  checkDType(op, dtype)
  if (dtype === 'int32') {
    // NaN and ±Infinity have no int32 value (a typed array would silently store 0)
    for (let i = 0; i < flat.length; i++) {
      if (!Number.isFinite(flat[i])) {
        throw new InvalidArgumentError(
          op,
          'values',
          `must be finite for dtype int32, got ${flat[i]} at index ${i}`,
        )
      }
    }
  }
  return constantP(backend, flat, shape, dtype)
}

/**
 * A tensor filled with `value`.
 *
 * @param shape - dims of the result
 * @param value - the fill value
 * @param options - backend and dtype
 * @returns a contiguous tensor
 * @throws InvalidArgumentError for a bad shape or dtype
 * @example
 * ```ts
 * full([2, 2], 7).toArray() // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  return fullAs('full', shape, value, options)
}

/** {@link full}, validating under the public name `op` (zeros and ones report as themselves). */
function fullAs(op: string, shape: readonly number[], value: number, options: CreationOptions): Tensor {
  checkShape(op, shape)
  const dtype = options.dtype ?? 'float32'
  checkDType(op, dtype)
  const values = new Float64Array(sizeOf(shape)).fill(value)
  return constantP(options.backend ?? cpu, values, shape, dtype)
}

/**
 * A tensor of zeros.
 *
 * @param shape - dims of the result
 * @param options - backend and dtype
 * @returns a contiguous tensor of zeros
 * @example
 * ```ts
 * zeros([2, 3]).shape // [2, 3]
 * ```
 */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return fullAs('zeros', shape, 0, options)
}

/**
 * A tensor of ones.
 *
 * @param shape - dims of the result
 * @param options - backend and dtype
 * @returns a contiguous tensor of ones
 * @example
 * ```ts
 * ones([3]).toArray() // [1, 1, 1]
 * ```
 */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return fullAs('ones', shape, 1, options)
}

/**
 * Zeros with the shape, dtype and backend of `x`.
 *
 * @param x - the template tensor
 * @returns zeros like `x`
 * @example
 * ```ts
 * zerosLike(fromArray([1, 2])).toArray() // [0, 0]
 * ```
 */
export function zerosLike(x: Tensor): Tensor {
  checkTensor('zerosLike', 'x', x)
  return full(x.shape, 0, { backend: x.backend, dtype: x.dtype })
}

/**
 * Ones with the shape, dtype and backend of `x`.
 *
 * @param x - the template tensor
 * @returns ones like `x`
 * @example
 * ```ts
 * onesLike(fromArray([1, 2])).toArray() // [1, 1]
 * ```
 */
export function onesLike(x: Tensor): Tensor {
  checkTensor('onesLike', 'x', x)
  return full(x.shape, 1, { backend: x.backend, dtype: x.dtype })
}

/**
 * Evenly spaced values in [start, stop) with `step`, like `np.arange`: `start + i·step` for
 * `i < ceil((stop - start) / step)`. `arange(n)` is `0, 1, ..., n-1`.
 *
 * @param start - first value (or the stop when `stop` is omitted)
 * @param stop - exclusive end
 * @param step - increment, nonzero
 * @param options - backend and dtype (default float32)
 * @returns a 1-D tensor
 * @throws InvalidArgumentError when step is 0 or not finite
 * @example
 * ```ts
 * arange(5).toArray() // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).toArray() // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, stop?: number, step = 1, options: CreationOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop]
  if (step === 0 || !Number.isFinite(step))
    throw new InvalidArgumentError('arange', 'step', `must be finite and nonzero, got ${step}`)
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new InvalidArgumentError('arange', 'start', `and stop must be finite, got ${from} and ${to}`)
  }
  const n = Math.max(0, Math.ceil((to - from) / step))
  checkElementCount('arange', 'stop', [n])
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = from + i * step
  const dtype = options.dtype ?? 'float32'
  checkDType('arange', dtype)
  return constantP(options.backend ?? cpu, values, [n], dtype)
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, like `np.linspace`:
 * `start + i·(stop - start)/(num - 1)`, with the last value exactly `stop`.
 *
 * @param start - first value
 * @param stop - last value
 * @param num - number of values, integer >= 0
 * @param options - backend (dtype is float32)
 * @returns a 1-D float32 tensor
 * @throws InvalidArgumentError when num is not a non-negative integer
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray() // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number, options: CreationOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new InvalidArgumentError('linspace', 'num', `must be an integer >= 0, got ${num}`)
  checkElementCount('linspace', 'num', [num])
  const values = new Float64Array(num)
  const step = num > 1 ? (stop - start) / (num - 1) : 0
  for (let i = 0; i < num; i++) values[i] = start + i * step
  if (num > 1) values[num - 1] = stop
  return constantP(options.backend ?? cpu, values, [num], options.dtype ?? 'float32')
}

/**
 * The identity matrix: ones on the diagonal of an n×m matrix.
 *
 * @param n - rows
 * @param m - columns (default n)
 * @param options - backend and dtype
 * @returns an [n, m] tensor
 * @example
 * ```ts
 * eye(2).toArray() // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  checkShape('eye', [n, m])
  const values = new Float64Array(n * m)
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1
  return constantP(options.backend ?? cpu, values, [n, m], options.dtype ?? 'float32')
}

/**
 * Copies a tensor to another backend (float data converts between float64 and float32).
 *
 * @param x - the tensor to move
 * @param backend - the destination backend
 * @returns a new contiguous tensor on `backend` (x itself when already there)
 * @example
 * ```ts
 * const y = toBackend(fromArray([1, 2]), reference)
 * ```
 */
export function toBackend(x: Tensor, backend: BackendV1): Tensor {
  checkTensor('toBackend', 'x', x)
  if (x.backend === backend) return x
  const values = x.dataSync()
  return constantP(backend, values, x.shape, x.dtype)
}
