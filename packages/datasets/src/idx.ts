/**
 * The IDX format (LeCun's MNIST files): a 4-byte magic number `00 00 TT NN` (TT the element
 * type, NN the number of dimensions), NN big-endian uint32 sizes, then the elements in
 * row-major order, big-endian. This module parses bytes already in memory and works in any
 * JavaScript runtime; `@gen/datasets/node` reads files (and gunzips them).
 */
import { IdxFormatError } from './errors.js'

/** The element types IDX defines, by their type code (0x08 ... 0x0e). */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64'

/** The typed array that holds each IDX element type. */
export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array

/**
 * A parsed IDX array: element type, shape and row-major data (native byte order).
 * For `uint8` data, `data` is a view on the input bytes (no copy).
 */
export interface IdxArray {
  /** Element type from the magic number. */
  readonly dtype: IdxDataType
  /** Sizes of each dimension, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[]
  /** The elements in row-major order; `data.length` is the product of `shape`. */
  readonly data: IdxTypedArray
}

/** The header of an IDX file: enough to size the data before reading it. */
export interface IdxHeader {
  /** Element type from the magic number. */
  readonly dtype: IdxDataType
  /** Sizes of each dimension. */
  readonly shape: readonly number[]
  /** Bytes taken by the magic number and the sizes: `4 + 4 * rank`. */
  readonly headerBytes: number
  /** Bytes the data must take: `product(shape) * bytesPerElement`. */
  readonly dataBytes: number
}

const typeCodes: Readonly<Record<number, { dtype: IdxDataType; size: number }>> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
}

const hex = (bytes: Uint8Array, count: number): string =>
  '0x' + Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * Reads and checks an IDX header (magic number, type code, rank, sizes).
 *
 * @param bytes - at least the first `4 + 4 * rank` bytes of the file
 * @param source - the file name for error messages
 * @returns the element type, shape, header length and expected data length
 * @throws IdxFormatError for gzip input, a wrong magic number, an unknown type code, a rank
 *   of 0 or a header cut short
 * @example
 * ```ts
 * const header = parseIdxHeader(bytes) // { dtype: 'uint8', shape: [60000, 28, 28], headerBytes: 16, dataBytes: 47040000 }
 * ```
 */
export function parseIdxHeader(bytes: Uint8Array, source = '<bytes>'): IdxHeader {
  const op = 'parseIdx'
  if (bytes.length < 4) {
    throw new IdxFormatError(op, `file must hold a 4-byte magic number, got ${bytes.length} bytes`, source)
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new IdxFormatError(
      op,
      `data must be uncompressed IDX, got gzip magic ${hex(bytes, 4)} — gunzip it first (readIdxFile does)`,
      source,
    )
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(op, `magic number must start with two zero bytes, got ${hex(bytes, 4)}`, source)
  }
  const type = typeCodes[bytes[2]] as { dtype: IdxDataType; size: number } | undefined
  if (type === undefined) {
    throw new IdxFormatError(
      op,
      `type code must be one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, got 0x${bytes[2].toString(16).padStart(2, '0')}`,
      source,
    )
  }
  const rank = bytes[3]
  if (rank === 0) throw new IdxFormatError(op, 'rank must be at least 1, got 0', source)
  const headerBytes = 4 + 4 * rank
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(
      op,
      `header must hold ${headerBytes} bytes for rank ${rank}, got ${bytes.length} (truncated file?)`,
      source,
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes)
  const shape: number[] = []
  let count = 1
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false)
    shape.push(size)
    count *= size
  }
  return { dtype: type.dtype, shape, headerBytes, dataBytes: count * type.size }
}

/**
 * Parses a whole IDX file held in memory.
 *
 * Formula: element i of type T sits at byte `headerBytes + i * sizeof(T)`, big-endian.
 *
 * @param bytes - the file's bytes (uncompressed)
 * @param source - the file name for error messages
 * @returns dtype, shape and data; `uint8` data is a view on `bytes`, other types are decoded into a new array
 * @throws IdxFormatError for a bad header (see {@link parseIdxHeader}), a truncated file, or trailing bytes
 * @example
 * ```ts
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9])
 * parseIdx(bytes) // { dtype: 'uint8', shape: [3], data: Uint8Array [7, 8, 9] }
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = '<bytes>'): IdxArray {
  const header = parseIdxHeader(bytes, source)
  const got = bytes.length - header.headerBytes
  if (got !== header.dataBytes) {
    const why = got < header.dataBytes ? 'truncated file?' : 'trailing bytes'
    throw new IdxFormatError(
      'parseIdx',
      `data must hold ${header.dataBytes} bytes for shape [${header.shape.join(',')}] ${header.dtype}, got ${got} (${why})`,
      source,
    )
  }
  return {
    dtype: header.dtype,
    shape: header.shape,
    data: decodeIdxData(bytes.subarray(header.headerBytes), header.dtype),
  }
}

/** Decodes big-endian elements of `dtype` into a native typed array (uint8 data stays a view). */
export function decodeIdxData(bytes: Uint8Array, dtype: IdxDataType): IdxTypedArray {
  if (dtype === 'uint8') return bytes
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  switch (dtype) {
    case 'int16': {
      const out = new Int16Array(bytes.length / 2)
      for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, false)
      return out
    }
    case 'int32': {
      const out = new Int32Array(bytes.length / 4)
      for (let i = 0; i < out.length; i++) out[i] = view.getInt32(4 * i, false)
      return out
    }
    case 'float32': {
      const out = new Float32Array(bytes.length / 4)
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, false)
      return out
    }
    case 'float64': {
      const out = new Float64Array(bytes.length / 8)
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, false)
      return out
    }
  }
}

/**
 * Encodes an array as IDX bytes (the inverse of {@link parseIdx}); handy for tests and for
 * writing slices of a data set.
 *
 * @param array - dtype, shape and row-major data (`data.length` = product of `shape`)
 * @returns the file's bytes
 * @throws IdxFormatError when `data.length` does not match `shape` or the rank exceeds 255
 * @example
 * ```ts
 * const bytes = encodeIdx({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array([0, 1, 2, 3]) })
 * ```
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const given = array as Partial<Record<keyof IdxArray, unknown>> | null
  if (
    typeof given !== 'object' ||
    given === null ||
    typeof given.shape !== 'object' ||
    typeof given.data !== 'object'
  ) {
    throw new IdxFormatError(
      'encodeIdx',
      `array must be { dtype, shape, data }, got ${given === null ? 'null' : typeof given}`,
    )
  }
  const code = Number(Object.keys(typeCodes).find((k) => typeCodes[Number(k)].dtype === array.dtype))
  if (!Number.isFinite(code)) {
    throw new IdxFormatError(
      'encodeIdx',
      `array.dtype must be one of ${Object.values(typeCodes)
        .map((t) => t.dtype)
        .join(', ')}, got ${String(array.dtype)}`,
    )
  }
  const size = typeCodes[code].size
  const count = array.shape.reduce((a, b) => a * b, 1)
  if (count !== array.data.length || array.shape.length === 0 || array.shape.length > 255) {
    throw new IdxFormatError(
      'encodeIdx',
      `data length must equal the product of shape [${array.shape.join(',')}] (rank 1..255), got ${array.data.length}`,
    )
  }
  const headerBytes = 4 + 4 * array.shape.length
  const out = new Uint8Array(headerBytes + count * size)
  const view = new DataView(out.buffer)
  out[2] = code
  out[3] = array.shape.length
  array.shape.forEach((s, d) => view.setUint32(4 + 4 * d, s, false))
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * size
    const v = array.data[i]
    switch (array.dtype) {
      case 'uint8':
        view.setUint8(at, v)
        break
      case 'int8':
        view.setInt8(at, v)
        break
      case 'int16':
        view.setInt16(at, v, false)
        break
      case 'int32':
        view.setInt32(at, v, false)
        break
      case 'float32':
        view.setFloat32(at, v, false)
        break
      case 'float64':
        view.setFloat64(at, v, false)
        break
    }
  }
  return out
}
