/**
 * Strided-layout helpers shared by the host backends and the tensor core (internal).
 */

/** Product of a shape's dims (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1
  for (const d of shape) size *= d
  return size
}

/** Row-major (C-order) strides, in elements. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length)
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s
    s *= shape[i]
  }
  return strides
}

/** True when the view's elements sit in row-major order without gaps (size-1 dims ignored). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue
    if (strides[i] !== expected) return false
    expected *= shape[i]
  }
  return true
}

/**
 * Physical offsets of every element of a strided view, in logical row-major order. The inner
 * dimension is walked with its stride, the outer ones with an odometer.
 */
export function stridedOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array {
  const size = sizeOf(shape)
  const out = new Int32Array(size)
  if (size === 0) return out
  const rank = shape.length
  if (rank === 0) {
    out[0] = offset
    return out
  }
  const inner = shape[rank - 1]
  const innerStride = strides[rank - 1]
  const index = new Array<number>(rank).fill(0)
  let base = offset
  for (let start = 0; start < size; start += inner) {
    for (let j = 0, p = base; j < inner; j++, p += innerStride) out[start + j] = p
    // advance the odometer over dims 0..rank-2
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++
      base += strides[d]
      if (index[d] < shape[d]) break
      base -= strides[d] * shape[d]
      index[d] = 0
    }
  }
  return out
}
