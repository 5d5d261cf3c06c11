import { InvalidArgumentError } from '../errors'

/**
 * Element type names of the safetensors format (the `dtype` field of a header entry).
 * `F16` and `BF16` are half-precision floats held as float32 in memory; the 8-bit float types
 * of the format (`F8_E4M3`, `F8_E5M2`) are not supported.
 *
 * @example
 * ```ts
 * const dtype: SafetensorsDType = 'F32'
 * ```
 */
export type SafetensorsDType =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL'

/**
 * The in-memory array of each safetensors dtype: `F64` Float64Array; `F32`, `F16` and `BF16`
 * Float32Array (half floats are widened on read and rounded to nearest even on write); `I64`
 * BigInt64Array; `U64` BigUint64Array; `I32` Int32Array; `U32` Uint32Array; `I16` Int16Array;
 * `U16` Uint16Array; `I8` Int8Array; `U8` and `BOOL` (0 or 1) Uint8Array.
 *
 * @example
 * ```ts
 * const data: SafetensorsArray = new Float32Array([1, 2, 3])
 * ```
 */
export type SafetensorsArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array

/**
 * One tensor of a safetensors file as plain data: row-major (C order) elements.
 * `data.length` equals the product of `shape` (1 for a scalar, `shape = []`).
 *
 * @example
 * ```ts
 * const entry: SafetensorsEntry = { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }
 * ```
 */
export interface SafetensorsEntry {
  /** Element type as written in the header. */
  readonly dtype: SafetensorsDType
  /** Dimensions, outermost first. */
  readonly shape: readonly number[]
  /** Elements in row-major order, in the array type that {@link SafetensorsArray} assigns the dtype. */
  readonly data: SafetensorsArray
}

/**
 * The contents of a safetensors file: tensors by name, in file order, and the string
 * `__metadata__` map (empty when the file has none).
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes)
 * ```
 */
export interface SafetensorsContents {
  /** Tensors by name, in the order of their data in the file. */
  readonly tensors: Record<string, SafetensorsEntry>
  /** The header's `__metadata__` object: string keys to string values. */
  readonly metadata: Record<string, string>
}

interface DTypeInfo {
  /** Bytes per element in the file. */
  readonly size: number
  /** Rank in the reference writer's ordering (ascending alignment); writers sort descending. */
  readonly rank: number
  /** The in-memory array constructor. */
  readonly array: new (length: number) => SafetensorsArray
}

// Ranks follow the `Dtype` enum of the reference implementation (huggingface/safetensors),
// whose writer lays tensors out by descending rank, then by name, so that every tensor's
// data starts at a multiple of its element size.
const DTYPES: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  BOOL: { size: 1, rank: 0, array: Uint8Array },
  U8: { size: 1, rank: 1, array: Uint8Array },
  I8: { size: 1, rank: 2, array: Int8Array },
  I16: { size: 2, rank: 5, array: Int16Array },
  U16: { size: 2, rank: 6, array: Uint16Array },
  F16: { size: 2, rank: 7, array: Float32Array },
  BF16: { size: 2, rank: 8, array: Float32Array },
  I32: { size: 4, rank: 9, array: Int32Array },
  U32: { size: 4, rank: 10, array: Uint32Array },
  F32: { size: 4, rank: 11, array: Float32Array },
  F64: { size: 8, rank: 12, array: Float64Array },
  I64: { size: 8, rank: 13, array: BigInt64Array },
  U64: { size: 8, rank: 14, array: BigUint64Array },
}

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000
const METADATA_KEY = '__metadata__'

/** True where typed arrays store little-endian, so file bytes can be copied as they are. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function isDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value)
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (ArrayBuffer.isView(value)) return value.constructor.name
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function elementCount(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Float32 bits → IEEE binary16 bits, rounding to nearest, ties to even. */
function halfFromFloatBits(x: number): number {
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  let mantissa = x & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13))
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal half: value / 2^-24 = (2^23 + mantissa) >> (14 - e).
    const shift = 14 - e
    if (shift > 24) return sign
    mantissa |= 0x800000
    let half = mantissa >>> shift
    const rest = mantissa & ((1 << shift) - 1)
    const halfway = 1 << (shift - 1)
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++
    return sign | half
  }
  let half = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // A carry out of the mantissa bumps the exponent, which is the right rounding (up to Inf).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++
  return sign | half
}

/** IEEE binary16 bits → the number it denotes (exact in float32). */
function floatFromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >>> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** Float32 bits → bfloat16 bits (the top half), rounding to nearest, ties to even. */
function bfloat16FromFloatBits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff
}

function checkEntry(op: string, name: string, entry: SafetensorsEntry): void {
  const where = `tensors[${JSON.stringify(name)}]`
  if (typeof entry !== 'object' || entry === null) {
    throw new InvalidArgumentError(op, where, `must be { dtype, shape, data }, got ${describe(entry)}`)
  }
  if (!isDType(entry.dtype)) {
    throw new InvalidArgumentError(
      op,
      `${where}.dtype`,
      `must be one of ${Object.keys(DTYPES).join(', ')}, got ${describe(entry.dtype)}`,
    )
  }
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(
      op,
      `${where}.shape`,
      `must be an array of non-negative integers, got ${describe(entry.shape)}`,
    )
  }
  const info = DTYPES[entry.dtype]
  if (!(entry.data instanceof info.array)) {
    throw new InvalidArgumentError(
      op,
      `${where}.data`,
      `must be a ${info.array.name} for dtype ${entry.dtype}, got ${describe(entry.data)}`,
    )
  }
  const count = elementCount(entry.shape)
  if (entry.data.length !== count) {
    throw new InvalidArgumentError(
      op,
      `${where}.data`,
      `must hold ${count} elements for shape [${entry.shape.join(',')}], got ${entry.data.length}`,
    )
  }
  if (entry.dtype === 'BOOL') {
    const bad = (entry.data as Uint8Array).findIndex((v) => v > 1)
    if (bad >= 0) {
      throw new InvalidArgumentError(
        op,
        `${where}.data`,
        `must hold only 0 or 1 for dtype BOOL, got ${entry.data[bad]} at index ${bad}`,
      )
    }
  }
}

/** Writes `entry.data` as little-endian bytes of its file dtype into `out`. */
function writeData(entry: SafetensorsEntry, out: Uint8Array, littleEndianHost: boolean): void {
  const { dtype, data } = entry
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  if (dtype === 'F16' || dtype === 'BF16') {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length)
    const convert = dtype === 'F16' ? halfFromFloatBits : bfloat16FromFloatBits
    for (let i = 0; i < bits.length; i++) view.setUint16(2 * i, convert(bits[i]), true)
    return
  }
  if (littleEndianHost) {
    // A byte copy keeps NaN payloads, which a round trip through JS numbers may not.
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    return
  }
  const size = DTYPES[dtype].size
  for (let i = 0; i < data.length; i++) {
    const value = data[i]
    switch (dtype) {
      case 'F64':
        view.setFloat64(i * size, value as number, true)
        break
      case 'F32':
        view.setFloat32(i * size, value as number, true)
        break
      case 'I64':
        view.setBigInt64(i * size, value as bigint, true)
        break
      case 'U64':
        view.setBigUint64(i * size, value as bigint, true)
        break
      case 'I32':
        view.setInt32(i * size, value as number, true)
        break
      case 'U32':
        view.setUint32(i * size, value as number, true)
        break
      case 'I16':
        view.setInt16(i * size, value as number, true)
        break
      case 'U16':
        view.setUint16(i * size, value as number, true)
        break
      default:
        out[i] = value as number
    }
  }
}

/** Reads little-endian `bytes` of a file dtype into a fresh, aligned array. */
function readData(dtype: SafetensorsDType, bytes: Uint8Array, littleEndianHost: boolean): SafetensorsArray {
  const info = DTYPES[dtype]
  const count = bytes.byteLength / info.size
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dtype === 'F16' || dtype === 'BF16') {
    const out = new Float32Array(count)
    if (dtype === 'F16') {
      for (let i = 0; i < count; i++) out[i] = floatFromHalfBits(view.getUint16(2 * i, true))
    } else {
      const bits = new Uint32Array(out.buffer)
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16
    }
    return out
  }
  const out = new info.array(count)
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(bytes)
    return out
  }
  for (let i = 0; i < count; i++) {
    const at = i * info.size
    switch (dtype) {
      case 'F64':
        out[i] = view.getFloat64(at, true)
        break
      case 'F32':
        out[i] = view.getFloat32(at, true)
        break
      case 'I64':
        out[i] = view.getBigInt64(at, true)
        break
      case 'U64':
        out[i] = view.getBigUint64(at, true)
        break
      case 'I32':
        out[i] = view.getInt32(at, true)
        break
      case 'U32':
        out[i] = view.getUint32(at, true)
        break
      case 'I16':
        out[i] = view.getInt16(at, true)
        break
      case 'U16':
        out[i] = view.getUint16(at, true)
        break
      default:
        out[i] = bytes[i]
    }
  }
  return out
}

/**
 * Encodes tensors as a safetensors file, byte for byte as the reference writer
 * (huggingface/safetensors) does:
 *
 * ```
 * [ N: u64 little-endian ][ header: N bytes of UTF-8 JSON, padded with spaces to N ≡ 0 mod 8 ][ data ]
 * header = { "__metadata__": { str: str }?, name: { "dtype", "shape", "data_offsets": [begin, end] }, ... }
 * ```
 *
 * Tensors are laid out without gaps, sorted by descending element alignment (U64, I64, F64,
 * F32, U32, I32, BF16, F16, U16, I16, I8, U8, BOOL) and then by name, so each one starts at a
 * multiple of its element size; `data_offsets` count from the start of the data section.
 * Elements are little-endian; NaN and ±Inf are stored as they are (F32/F64 bit for bit).
 *
 * @param tensors - tensors by name; each `{ dtype, shape, data }` with `data.length = Π shape`
 * @param metadata - optional `__metadata__` strings (e.g. `{ format: 'pt' }`)
 * @returns the file's bytes
 * @throws InvalidArgumentError when a name is empty or `__metadata__`, a dtype is unknown, a
 *   shape is not a list of non-negative integers, `data` has the wrong array type or length,
 *   a BOOL holds a value other than 0 or 1, or a metadata value is not a string
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { weight: { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
 *   { format: 'pt' },
 * )
 * ```
 * @see https://github.com/huggingface/safetensors (format specification)
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsEntry>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  return encodeWith(tensors, metadata, HOST_LITTLE_ENDIAN)
}

/**
 * {@link encodeSafetensors} with the host byte order as a parameter, so tests can run the
 * big-endian path on a little-endian machine. Not exported from the subpath.
 *
 * @internal
 */
export function encodeWith(
  tensors: Readonly<Record<string, SafetensorsEntry>>,
  metadata: Readonly<Record<string, string>> | undefined,
  littleEndianHost: boolean,
): Uint8Array {
  const op = 'encodeSafetensors'
  if (typeof tensors !== 'object' || tensors === null) {
    throw new InvalidArgumentError(
      op,
      'tensors',
      `must be an object of { dtype, shape, data }, got ${describe(tensors)}`,
    )
  }
  const names = Object.keys(tensors)
  for (const name of names) {
    if (name === '' || name === METADATA_KEY) {
      throw new InvalidArgumentError(
        op,
        'tensors',
        `names must be non-empty and not "${METADATA_KEY}", got ${describe(name)}`,
      )
    }
    checkEntry(op, name, tensors[name])
  }
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new InvalidArgumentError(
        op,
        'metadata',
        `must be an object of strings, got ${describe(metadata)}`,
      )
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new InvalidArgumentError(
          op,
          `metadata[${JSON.stringify(k)}]`,
          `must be a string, got ${describe(v)}`,
        )
      }
    }
  }

  // Descending alignment, then name (code-unit order, as Rust's byte-wise order for BMP text).
  const order = [...names].sort((a, b) => {
    const byRank = DTYPES[tensors[b].dtype].rank - DTYPES[tensors[a].dtype].rank
    return byRank !== 0 ? byRank : a < b ? -1 : a > b ? 1 : 0
  })

  // The JSON is assembled by hand: a JS object would move integer-like names ("0") first.
  const parts: string[] = []
  if (metadata !== undefined) {
    const meta = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${meta.join(',')}}`)
  }
  let offset = 0
  const begins: number[] = []
  for (const name of order) {
    const { dtype, shape } = tensors[name]
    const end = offset + elementCount(shape) * DTYPES[dtype].size
    parts.push(
      `${JSON.stringify(name)}:{"dtype":${JSON.stringify(dtype)},"shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    )
    begins.push(offset)
    offset = end
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`)
  const headerLength = Math.ceil(json.byteLength / 8) * 8
  const out = new Uint8Array(8 + headerLength + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true)
  out.set(json, 8)
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength)
  const dataStart = 8 + headerLength
  order.forEach((name, i) => {
    const entry = tensors[name]
    const begin = dataStart + begins[i]
    const bytes = elementCount(entry.shape) * DTYPES[entry.dtype].size
    writeData(entry, out.subarray(begin, begin + bytes), littleEndianHost)
  })
  return out
}

/**
 * Decodes a safetensors file into plain arrays, checking every field of the header against
 * the format: the 8-byte little-endian header length N must fit in the file; the header is
 * UTF-8 JSON of an object; each entry has a known `dtype`, a `shape` of non-negative integers
 * and `data_offsets = [begin, end]` with `end - begin = Π shape · sizeof(dtype)`; sorted by
 * `begin`, the entries tile the data section from 0 to its end with no gap and no overlap;
 * `__metadata__`, when present, maps strings to strings.
 *
 * F16 and BF16 are widened to Float32Array exactly; other dtypes keep their width (see
 * {@link SafetensorsArray}). Each returned array is a fresh copy, aligned and owned by the caller.
 *
 * @param bytes - the whole file
 * @returns tensors by name in file order, and the metadata map (empty if absent)
 * @throws InvalidArgumentError (argument `bytes`) naming the first rule the file breaks:
 *   truncated length field, header past the end, header over 100 MB, invalid UTF-8 or JSON,
 *   an unknown dtype, a bad shape or offsets, a size mismatch, a gap, an overlap, trailing
 *   bytes, or a BOOL byte other than 0 or 1
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await file.arrayBuffer()))
 * tensors['weight'].shape // [2, 3]
 * ```
 * @see https://github.com/huggingface/safetensors (format specification)
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  return decodeWith(bytes, HOST_LITTLE_ENDIAN)
}

/**
 * {@link decodeSafetensors} with the host byte order as a parameter, for tests. Not exported
 * from the subpath.
 *
 * @internal
 */
export function decodeWith(bytes: Uint8Array, littleEndianHost: boolean): SafetensorsContents {
  const op = 'decodeSafetensors'
  const fail = (message: string): never => {
    throw new InvalidArgumentError(op, 'bytes', message)
  }
  if (!(bytes instanceof Uint8Array)) fail(`must be a Uint8Array, got ${describe(bytes)}`)
  if (bytes.byteLength < 8) fail(`must start with an 8-byte header length, got ${bytes.byteLength} bytes`)
  const headerLengthBig = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
  const available = bytes.byteLength - 8
  if (headerLengthBig > BigInt(available)) {
    fail(`header length must fit in the ${available} bytes after the length field, got ${headerLengthBig}`)
  }
  const headerLength = Number(headerLengthBig)
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length must be at most ${MAX_HEADER_BYTES}, got ${headerLength}`)
  let text = ''
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    )
  } catch {
    fail('header must be valid UTF-8, got invalid bytes')
  }
  if (!text.startsWith('{'))
    fail(`header must be a JSON object starting with "{", got ${describe(text.slice(0, 20))}`)
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch (error) {
    fail(`header must be valid JSON, got ${(error as Error).message}`)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${describe(header)}`)
  }
  const record = header as Record<string, unknown>

  const metadata = Object.create(null) as Record<string, string>
  const rawMetadata = record[METADATA_KEY]
  if (rawMetadata !== undefined) {
    if (typeof rawMetadata !== 'object' || rawMetadata === null || Array.isArray(rawMetadata)) {
      fail(`__metadata__ must be an object of strings, got ${describe(rawMetadata)}`)
    }
    for (const [k, v] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof v !== 'string')
        fail(`__metadata__[${JSON.stringify(k)}] must be a string, got ${describe(v)}`)
      metadata[k] = v as string
    }
  }

  interface Parsed {
    name: string
    dtype: SafetensorsDType
    shape: number[]
    begin: number
    end: number
  }
  const entries: Parsed[] = []
  for (const [name, raw] of Object.entries(record)) {
    if (name === METADATA_KEY) continue
    const where = `tensor ${JSON.stringify(name)}`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      fail(`${where} must be { dtype, shape, data_offsets }, got ${describe(raw)}`)
    }
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>
    if (!isDType(dtype))
      fail(`${where} dtype must be one of ${Object.keys(DTYPES).join(', ')}, got ${describe(dtype)}`)
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(`${where} shape must be an array of non-negative integers, got ${describe(shape)}`)
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      fail(`${where} data_offsets must be [begin, end] with 0 <= begin <= end, got ${describe(offsets)}`)
    }
    const [begin, end] = offsets as [number, number]
    const shapeNumbers = shape as number[]
    const expected = elementCount(shapeNumbers) * DTYPES[dtype as SafetensorsDType].size
    if (end - begin !== expected) {
      fail(
        `${where} data_offsets must span ${expected} bytes for ${dtype as string} [${shapeNumbers.join(',')}], got [${begin},${end}] (${end - begin} bytes)`,
      )
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shapeNumbers, begin, end })
  }

  // Sorted by offset, the entries must tile the data section exactly. Empty tensors sort
  // before any tensor starting at the same offset, so they never read as an overlap.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
  const dataLength = available - headerLength
  let cursor = 0
  for (const entry of entries) {
    if (entry.begin < cursor) {
      fail(
        `tensor ${JSON.stringify(entry.name)} must not overlap the previous tensor, got begin ${entry.begin} < ${cursor}`,
      )
    }
    if (entry.begin > cursor) {
      fail(
        `tensor ${JSON.stringify(entry.name)} must start where the previous one ends (no gap), got begin ${entry.begin}, expected ${cursor}`,
      )
    }
    cursor = entry.end
  }
  if (cursor !== dataLength) {
    fail(`data section must be exactly covered by the tensors (${cursor} bytes), got ${dataLength} bytes`)
  }

  const tensors = Object.create(null) as Record<string, SafetensorsEntry>
  const dataStart = 8 + headerLength
  for (const entry of entries) {
    const raw = bytes.subarray(dataStart + entry.begin, dataStart + entry.end)
    if (entry.dtype === 'BOOL') {
      const bad = raw.findIndex((v) => v > 1)
      if (bad >= 0)
        fail(
          `tensor ${JSON.stringify(entry.name)} of dtype BOOL must hold only 0 or 1, got ${raw[bad]} at index ${bad}`,
        )
    }
    tensors[entry.name] = {
      dtype: entry.dtype,
      shape: entry.shape,
      data: readData(entry.dtype, raw, littleEndianHost),
    }
  }
  return { tensors, metadata }
}
