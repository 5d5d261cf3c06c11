/**
 * Element types of a tensor.
 *
 * - `float32`: IEEE single precision on the `cpu` backend; the `reference` backend stores it
 *   in float64 so that it can serve as the oracle.
 * - `int32`: two's-complement 32-bit integers (indices, counts).
 * - `bool`: 0 or 1, stored one byte per element (masks, comparison results).
 *
 * @example
 * ```ts
 * const dtype: DType = 'float32'
 * ```
 */
export type DType = 'float32' | 'int32' | 'bool'

/** Every dtype, in promotion order (bool < int32 < float32). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32']

/**
 * The dtype two operands are promoted to, NumPy-style: bool < int32 < float32.
 *
 * @param a - dtype of the first operand
 * @param b - dtype of the second operand
 * @returns the wider of the two
 * @example
 * ```ts
 * promoteTypes('int32', 'float32') // 'float32'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b
}

/**
 * Bytes per element that a dtype occupies on a backend with the given float precision.
 *
 * @param dtype - the element type
 * @param floatPrecision - 32 or 64 bits for float storage
 * @returns bytes per element
 * @example
 * ```ts
 * bytesPerElement('float32', 64) // 8 on the reference backend
 * ```
 */
export function bytesPerElement(dtype: DType, floatPrecision: 16 | 32 | 64): number {
  if (dtype === 'float32') return floatPrecision / 8
  return dtype === 'int32' ? 4 : 1
}
