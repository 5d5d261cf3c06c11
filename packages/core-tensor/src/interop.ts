/**
 * Interop with the scijs `ndarray` package. ndarray stays out of the public types: these
 * functions speak a structural `NdarrayLike` (data, shape, stride, offset), which every
 * ndarray satisfies.
 */
import ndarray from 'ndarray'
import { cpu } from './backend/cpu'
import type { BackendV1 } from './backend/spec'
import { sizeOf, stridedOffsets } from './backend/strided'
import type { DType } from './dtype'
import { InvalidArgumentError } from './errors'
import { constantP } from './primitives'
import type { Tensor } from './tensor'

/** The fields of a scijs ndarray that interop reads: element (i...) at offset + Σ i·stride. */
export interface NdarrayLike {
  readonly data: ArrayLike<number>
  readonly shape: readonly number[]
  readonly stride: readonly number[]
  readonly offset: number
}

/**
 * A tensor copied from an ndarray (any strides, in logical order). Int32Array data gives
 * int32, Uint8Array data with `dtype: 'bool'` gives bool, anything else float32.
 *
 * @param array - an ndarray (or any object with data, shape, stride, offset)
 * @param options - backend (default cpu) and dtype
 * @returns a contiguous tensor
 * @throws InvalidArgumentError when shape and stride lengths differ
 * @example
 * ```ts
 * import ndarray from 'ndarray'
 * fromNdarray(ndarray(new Float32Array([1, 2, 3, 4]), [2, 2])).toArray() // [[1, 2], [3, 4]]
 * ```
 */
export function fromNdarray(
  array: NdarrayLike,
  options: { backend?: BackendV1; dtype?: DType } = {},
): Tensor {
  if (
    array === null ||
    typeof array !== 'object' ||
    !Array.isArray(array.shape) ||
    !Array.isArray(array.stride) ||
    array.shape.length !== array.stride.length
  ) {
    throw new InvalidArgumentError('fromNdarray', 'array', 'must have data, shape and stride of equal length')
  }
  const offsets = stridedOffsets(array.shape, array.stride, array.offset)
  const values = new Float64Array(sizeOf(array.shape))
  for (let i = 0; i < values.length; i++) values[i] = array.data[offsets[i]]
  const dtype = options.dtype ?? (array.data instanceof Int32Array ? 'int32' : 'float32')
  return constantP(options.backend ?? cpu, values, array.shape, dtype)
}

/**
 * The tensor's values as a scijs ndarray (a contiguous copy; float data is a Float32Array on
 * cpu and a Float64Array on reference). Returned as `NdarrayLike`; pass it to any ndarray
 * function, or cast to `ndarray.NdArray` in your own code.
 *
 * @param x - the tensor (on a backend with synchronous reads)
 * @returns an ndarray over a copy of the values
 * @example
 * ```ts
 * toNdarray(fromArray([[1, 2], [3, 4]])).shape // [2, 2]
 * ```
 */
export function toNdarray(x: Tensor): NdarrayLike {
  return ndarray(x.dataSync(), [...x.shape])
}
