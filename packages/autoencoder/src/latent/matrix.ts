/**
 * Plain row-major float64 matrices, the common currency of the latent-space tools: inputs are
 * data sets (one row per example), outputs are embeddings (one row per point).
 */
import { InvalidArgumentError, Tensor } from '@gen/core-tensor'

/** A row-major float64 matrix: row i is `data.subarray(i * cols, (i + 1) * cols)`. */
export interface Matrix {
  /** `rows * cols` values. */
  readonly data: Float64Array
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number]
}

/**
 * What the latent tools accept as a data set: a 2-D {@link Tensor} `[rows, cols]`, or flat
 * row-major values with their shape (a {@link Matrix}, or e.g. a Float32Array of pixels).
 */
export type MatrixInput =
  Tensor | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] }

/**
 * Reads a data set into a float64 {@link Matrix} (a copy), checking its shape and that every
 * value is finite, so that a NaN never reaches an iteration.
 *
 * @param op - the calling function, for error messages
 * @param argument - the argument's name, for error messages
 * @param input - a 2-D tensor or `{ data, shape }`
 * @returns the float64 copy
 * @throws InvalidArgumentError for another rank, a length that differs from the shape, or a non-finite value
 * @example
 * ```ts
 * toMatrix('pca', 'x', { data: [1, 2, 3, 4], shape: [2, 2] }).shape // [2, 2]
 * ```
 */
export function toMatrix(op: string, argument: string, input: MatrixInput): Matrix {
  let values: ArrayLike<number>
  let shape: readonly number[]
  if (input instanceof Tensor) {
    shape = input.shape
    if (shape.length !== 2) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must be a 2-D tensor [rows, cols], got shape [${shape.join(', ')}]`,
      )
    }
    values = input.dataSync()
  } else {
    if (
      typeof input !== 'object' ||
      input === null ||
      !Array.isArray(input.shape) ||
      input.data === undefined
    ) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must be a 2-D tensor or { data, shape: [rows, cols] }, got ${describe(input)}`,
      )
    }
    shape = input.shape
    values = input.data
  }
  const [rows, cols] = shape
  if (
    shape.length !== 2 ||
    !Number.isSafeInteger(rows) ||
    !Number.isSafeInteger(cols) ||
    rows < 1 ||
    cols < 1
  ) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must have shape [rows, cols] with positive integers, got [${shape.join(', ')}]`,
    )
  }
  if (values.length !== rows * cols) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must hold rows * cols = ${rows * cols} values, got ${values.length}`,
    )
  }
  const data = Float64Array.from(values)
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InvalidArgumentError(
        op,
        argument,
        `must hold finite values, got ${data[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`,
      )
    }
  }
  return { data, shape: [rows, cols] }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array (give { data, shape })'
  return typeof value
}

/** Squared Euclidean distance between rows i and j of a row-major array `cols` wide. */
export function squaredDistance(a: Float64Array, i: number, j: number, cols: number): number {
  let sum = 0
  const oi = i * cols
  const oj = j * cols
  for (let c = 0; c < cols; c++) {
    const diff = a[oi + c] - a[oj + c]
    sum += diff * diff
  }
  return sum
}
