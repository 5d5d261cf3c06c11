import { describe, expect, test } from 'vitest'
import { IdxFormatError } from './errors.js'
import { encodeIdx, parseIdx, parseIdxHeader, type IdxArray } from './idx.js'

const header = (type: number, shape: number[]): number[] => [
  0,
  0,
  type,
  shape.length,
  ...shape.flatMap((s) => [(s >>> 24) & 255, (s >>> 16) & 255, (s >>> 8) & 255, s & 255]),
]

describe('parseIdx', () => {
  test('reads a hand-written uint8 file as a view on the bytes', () => {
    const bytes = new Uint8Array([...header(0x08, [2, 3]), 1, 2, 3, 4, 5, 250])
    const array = parseIdx(bytes)
    expect(array.dtype).toBe('uint8')
    expect(array.shape).toEqual([2, 3])
    expect(Array.from(array.data)).toEqual([1, 2, 3, 4, 5, 250])
    expect(array.data.buffer).toBe(bytes.buffer)
  })

  test('decodes big-endian int16, int32, float32 and float64', () => {
    const i16 = parseIdx(new Uint8Array([...header(0x0b, [2]), 0xff, 0xfe, 0x01, 0x00]))
    expect(Array.from(i16.data)).toEqual([-2, 256])
    const i32 = parseIdx(new Uint8Array([...header(0x0c, [1]), 0x80, 0, 0, 1]))
    expect(Array.from(i32.data)).toEqual([-2147483647])
    const f32 = parseIdx(new Uint8Array([...header(0x0d, [1]), 0x3f, 0xc0, 0, 0]))
    expect(Array.from(f32.data)).toEqual([1.5])
    const f64 = parseIdx(
      new Uint8Array([...header(0x0e, [1]), 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]),
    )
    expect(f64.data[0]).toBe(-Math.PI)
    const i8 = parseIdx(new Uint8Array([...header(0x09, [2]), 0xff, 0x7f]))
    expect(Array.from(i8.data)).toEqual([-1, 127])
  })

  test('encodeIdx is the inverse of parseIdx for every dtype', () => {
    const arrays: IdxArray[] = [
      { dtype: 'uint8', shape: [2, 2], data: new Uint8Array([0, 1, 254, 255]) },
      { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
      { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
      { dtype: 'int32', shape: [1, 2], data: new Int32Array([-5, 123456789]) },
      { dtype: 'float32', shape: [2], data: new Float32Array([0.1, -3e38]) },
      { dtype: 'float64', shape: [2], data: new Float64Array([Math.E, -1e-300]) },
    ]
    for (const array of arrays) {
      const back = parseIdx(encodeIdx(array))
      expect(back.dtype).toBe(array.dtype)
      expect(back.shape).toEqual(array.shape)
      expect(Array.from(back.data)).toEqual(Array.from(array.data))
    }
  })

  test('each malformed input gets its own error, naming what must hold and what it got', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0, 0]), /4-byte magic number, got 2 bytes/],
      [new Uint8Array([0x1f, 0x8b, 8, 0, 0]), /uncompressed IDX, got gzip magic 0x1f8b0800/],
      [
        new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]),
        /magic number must start with two zero bytes, got 0x01000801/,
      ],
      [new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), /type code must be one of .*got 0x0a/],
      [new Uint8Array([0, 0, 8, 0]), /rank must be at least 1, got 0/],
      [
        new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]),
        /header must hold 16 bytes for rank 3, got 8 \(truncated file\?\)/,
      ],
      [
        new Uint8Array([...header(8, [2, 2]), 1, 2, 3]),
        /data must hold 4 bytes for shape \[2,2\] uint8, got 3 \(truncated file\?\)/,
      ],
      [new Uint8Array([...header(8, [2]), 1, 2, 3]), /data must hold 2 bytes .* got 3 \(trailing bytes\)/],
      [
        new Uint8Array([...header(0x0b, [2]), 1, 2, 3]),
        /data must hold 4 bytes for shape \[2\] int16, got 3/,
      ],
    ]
    for (const [bytes, message] of cases) {
      let error: unknown
      try {
        parseIdx(bytes, 'file.idx')
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(IdxFormatError)
      expect((error as IdxFormatError).message).toMatch(/^parseIdx: /)
      expect((error as IdxFormatError).message).toMatch(message)
      expect((error as IdxFormatError).source).toBe('file.idx')
    }
  })

  test('parseIdxHeader sizes the data from the header alone', () => {
    expect(parseIdxHeader(new Uint8Array(header(8, [60000, 28, 28])))).toEqual({
      dtype: 'uint8',
      shape: [60000, 28, 28],
      headerBytes: 16,
      dataBytes: 47040000,
    })
  })

  test('encodeIdx rejects data that does not fit the shape', () => {
    expect(() => encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow(
      /data length must equal the product of shape \[3\].*got 2/,
    )
  })
})
