import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors'
import {
  decodeSafetensors,
  decodeWith,
  encodeSafetensors,
  encodeWith,
  type SafetensorsEntry,
} from './safetensors'

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

/** A file assembled from its parts, as the spec describes it. */
function file(header: string, data: number[], declaredLength?: number): Uint8Array {
  const length = declaredLength ?? header.length
  const lengthBytes = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.floor(length / 2 ** (8 * i)) % 256)
  return new Uint8Array([...lengthBytes, ...ascii(header), ...data])
}

function expectDecodeError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown
  try {
    decodeSafetensors(bytes)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError)
  expect((caught as InvalidArgumentError).argument).toBe('bytes')
  expect((caught as Error).message).toMatch(/^decodeSafetensors: bytes /)
  expect((caught as Error).message).toMatch(pattern)
}

describe('encodeSafetensors', () => {
  it('writes the file byte for byte: length, sorted header padded to 8, gapless little-endian data', () => {
    // Built by hand from the spec. F32 (alignment 4, rank above I32) comes before I32;
    // the header is 139 bytes, so 5 spaces pad it to 144 = 0x90.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"b":{"dtype":"I32","shape":[2],"data_offsets":[4,12]}}'
    expect(header.length).toBe(139)
    const expected = [
      0x90,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii(header),
      0x20,
      0x20,
      0x20,
      0x20,
      0x20,
      0x00,
      0x00,
      0xc0,
      0x3f, // 1.5 as float32 LE
      0x01,
      0x00,
      0x00,
      0x00, // 1 as int32 LE
      0xfe,
      0xff,
      0xff,
      0xff, // -2 as int32 LE
    ]
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'I32', shape: [2], data: new Int32Array([1, -2]) },
        a: { dtype: 'F32', shape: [1], data: new Float32Array([1.5]) },
      },
      { format: 'pt' },
    )
    expect([...bytes]).toEqual(expected)
    expect(bytes.length).toBe(164)
  })

  it('matches the reference implementation test vectors', () => {
    // huggingface/safetensors tensor.rs test_empty: `{}` padded with 6 spaces.
    expect([...encodeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
    // test_empty with metadata { framework: pt }: 35 bytes of JSON padded to 40.
    expect([...encodeSafetensors({}, { framework: 'pt' })]).toEqual([
      40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"__metadata__":{"framework":"pt"}}'),
      32,
      32,
      32,
      32,
      32,
    ])
    // test_serialization_forced_alignement: "attn0" F32 [1,1,2,3] = 0..5, header padded to 72.
    const bytes = encodeSafetensors({
      attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    })
    expect([...bytes]).toEqual([
      72,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'),
      32,
      32,
      32,
      32,
      32,
      32,
      32,
      0,
      0,
      0,
      0,
      0,
      0,
      128,
      63,
      0,
      0,
      0,
      64,
      0,
      0,
      64,
      64,
      0,
      0,
      128,
      64,
      0,
      0,
      160,
      64,
    ])
  })

  it('orders integer-like names as text, not first as a JS object would', () => {
    const one = new Float32Array([1])
    const bytes = encodeSafetensors({
      b: { dtype: 'F32', shape: [1], data: one },
      '10': { dtype: 'F32', shape: [1], data: one },
      '2': { dtype: 'F32', shape: [1], data: one },
    })
    const text = new TextDecoder().decode(bytes.subarray(8))
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"2"'))
    expect(text.indexOf('"2"')).toBeLessThan(text.indexOf('"b"'))
  })

  it('aligns every tensor to its element size by sorting on alignment', () => {
    const bytes = encodeSafetensors({
      flag: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      half: { dtype: 'F16', shape: [1], data: new Float32Array([1]) },
      big: { dtype: 'I64', shape: [1], data: new BigInt64Array([-3n]) },
      w: { dtype: 'F64', shape: [1], data: new Float64Array([0.1]) },
    })
    const { tensors } = decodeSafetensors(bytes)
    expect(Object.keys(tensors)).toEqual(['big', 'w', 'half', 'flag'])
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + bytes[0]))) as Record<
      string,
      { data_offsets: [number, number] }
    >
    expect(header.big.data_offsets).toEqual([0, 8])
    expect(header.w.data_offsets).toEqual([8, 16])
    expect(header.half.data_offsets).toEqual([16, 18])
    expect(header.flag.data_offsets).toEqual([18, 21])
  })

  it('rounds F16 and BF16 to nearest even, with overflow, subnormals and NaN', () => {
    const values = [1, -2, 65504, 65520, 2 ** -24, 2 ** -25, 1.5 * 2 ** -25, NaN, 1 / 3, -0, Infinity]
    const f16 = encodeSafetensors({
      h: { dtype: 'F16', shape: [values.length], data: new Float32Array(values) },
    })
    const view = new DataView(f16.buffer, f16.length - 2 * values.length)
    const bits = values.map((_, i) => view.getUint16(2 * i, true))
    expect(bits).toEqual([
      0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x0001, 0x7e00, 0x3555, 0x8000, 0x7c00,
    ])

    const bvalues = [1, 1 / 3, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -Infinity, NaN]
    const bf16 = encodeSafetensors({
      b: { dtype: 'BF16', shape: [bvalues.length], data: new Float32Array(bvalues) },
    })
    const bview = new DataView(bf16.buffer, bf16.length - 2 * bvalues.length)
    const bbits = bvalues.map((_, i) => bview.getUint16(2 * i, true))
    expect(bbits).toEqual([0x3f80, 0x3eab, 0x3f80, 0x3f82, 0xff80, 0x7fc0])
  })

  it('rejects bad tensors and metadata with typed errors naming the argument', () => {
    const f = new Float32Array([1, 2])
    const cases: [Parameters<typeof encodeSafetensors>, string, RegExp][] = [
      [
        [{ x: { dtype: 'F8' as 'F32', shape: [2], data: f } }],
        'tensors["x"].dtype',
        /must be one of BOOL, U8, .*got "F8"/,
      ],
      [
        [{ x: { dtype: 'F32', shape: [2.5], data: f } }],
        'tensors["x"].shape',
        /non-negative integers, got \[2.5\]/,
      ],
      [
        [{ x: { dtype: 'F32', shape: [3], data: f } }],
        'tensors["x"].data',
        /must hold 3 elements for shape \[3\], got 2/,
      ],
      [
        [{ x: { dtype: 'F64', shape: [2], data: f } }],
        'tensors["x"].data',
        /must be a Float64Array for dtype F64, got Float32Array/,
      ],
      [
        [{ x: { dtype: 'BOOL', shape: [1], data: new Uint8Array([2]) } }],
        'tensors["x"].data',
        /only 0 or 1.*got 2/,
      ],
      [[{ __metadata__: { dtype: 'F32', shape: [2], data: f } }], 'tensors', /not "__metadata__"/],
      [[{}, { format: 1 as unknown as string }], 'metadata["format"]', /must be a string, got 1/],
    ]
    for (const [args, argument, pattern] of cases) {
      let caught: unknown
      try {
        encodeSafetensors(...args)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError)
      expect((caught as InvalidArgumentError).argument).toBe(argument)
      expect((caught as Error).message).toMatch(pattern)
    }
  })
})

describe('decodeSafetensors', () => {
  it('reads a hand-built file exactly, including metadata and tensor order', () => {
    const header =
      '{"b":{"dtype":"I32","shape":[2],"data_offsets":[4,12]},' +
      '"__metadata__":{"format":"pt"},' +
      '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    const bytes = file(header, [0x00, 0x00, 0xc0, 0x3f, 0x01, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff])
    const { tensors, metadata } = decodeSafetensors(bytes)
    expect({ ...metadata }).toEqual({ format: 'pt' })
    expect(Object.keys(tensors)).toEqual(['a', 'b'])
    expect(tensors.a.dtype).toBe('F32')
    expect(tensors.a.shape).toEqual([1])
    expect(tensors.a.data).toEqual(new Float32Array([1.5]))
    expect(tensors.b.data).toEqual(new Int32Array([1, -2]))
  })

  it('reads from an unaligned view inside a larger buffer', () => {
    const inner = encodeSafetensors({ w: { dtype: 'F64', shape: [2], data: new Float64Array([0.1, -3]) } })
    const outer = new Uint8Array(inner.length + 3)
    outer.set(inner, 3)
    const { tensors } = decodeSafetensors(outer.subarray(3))
    expect(tensors.w.data).toEqual(new Float64Array([0.1, -3]))
  })

  it('widens F16 and BF16 exactly', () => {
    // F16 0x3555 = 0.333251953125; 0x0001 = 2^-24; 0xfc00 = -Inf; 0x7e00 = NaN. BF16 0x3eab.
    const header =
      '{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}'
    const bytes = file(header, [0x55, 0x35, 0x01, 0x00, 0x00, 0xfc, 0x00, 0x7e, 0xab, 0x3e])
    const { tensors } = decodeSafetensors(bytes)
    expect([...tensors.h.data]).toEqual([0.333251953125, 2 ** -24, -Infinity, NaN])
    expect(tensors.b.data).toEqual(new Float32Array([0.333984375]))
  })

  it('round-trips every dtype, scalars, empty tensors and non-finite values bit for bit', () => {
    const nanWithPayload = new Float32Array(new Uint32Array([0x7fc00123]).buffer)[0]
    const tensors: Record<string, SafetensorsEntry> = {
      f64: { dtype: 'F64', shape: [2, 2], data: new Float64Array([NaN, Infinity, -Infinity, -0]) },
      f32: { dtype: 'F32', shape: [3], data: new Float32Array([nanWithPayload, 1e-45, 3.4e38]) },
      f16: { dtype: 'F16', shape: [2], data: new Float32Array([0.5, -Infinity]) },
      bf16: { dtype: 'BF16', shape: [1], data: new Float32Array([-1.5]) },
      i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n]) },
      u64: { dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      i32: { dtype: 'I32', shape: [], data: new Int32Array([-7]) },
      u32: { dtype: 'U32', shape: [1], data: new Uint32Array([4294967295]) },
      i16: { dtype: 'I16', shape: [1], data: new Int16Array([-32768]) },
      u16: { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
      i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      u8: { dtype: 'U8', shape: [0, 3], data: new Uint8Array([]) },
      flags: { dtype: 'BOOL', shape: [2], data: new Uint8Array([0, 1]) },
    }
    for (const littleEndianHost of [true, false]) {
      const bytes = encodeWith(tensors, { note: 'ünïcödé ✓' }, littleEndianHost)
      expect(bytes).toEqual(encodeSafetensors(tensors, { note: 'ünïcödé ✓' }))
      const back = decodeWith(bytes, littleEndianHost)
      expect(back.metadata.note).toBe('ünïcödé ✓')
      for (const [name, entry] of Object.entries(tensors)) {
        expect(back.tensors[name].dtype).toBe(entry.dtype)
        expect(back.tensors[name].shape).toEqual(entry.shape)
        expect(back.tensors[name].data).toEqual(entry.data)
      }
      if (littleEndianHost) {
        // The payload of a NaN survives, which needs a byte copy rather than number reads.
        const f32 = back.tensors.f32.data as Float32Array
        expect(new Uint32Array(f32.buffer)[0]).toBe(0x7fc00123)
      }
    }
  })

  it('rejects a truncated length field', () => {
    expectDecodeError(new Uint8Array([8, 0, 0]), /must start with an 8-byte header length, got 3 bytes/)
  })

  it('rejects a header length past the end of the file', () => {
    expectDecodeError(
      file('{}      ', [], 9),
      /header length must fit in the 8 bytes after the length field, got 9/,
    )
    // A length with the high bytes set (2^56) must not wrap around.
    const huge = file('{}      ', [])
    huge[7] = 1
    expectDecodeError(huge, /header length must fit .*got 72057594037927944/)
  })

  it('rejects invalid UTF-8, non-object JSON and broken JSON', () => {
    const bad = file('{}      ', [])
    bad[9] = 0xff
    expectDecodeError(bad, /valid UTF-8/)
    expectDecodeError(file('[1]     ', []), /JSON object starting with "\{", got "\[1\]/)
    expectDecodeError(file('{"a":   ', []), /valid JSON/)
  })

  it('rejects an unknown dtype, a bad shape and bad offsets', () => {
    expectDecodeError(
      file('{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [0]),
      /tensor "x" dtype must be one of BOOL, .*got "F8_E4M3"/,
    )
    expectDecodeError(
      file('{"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [0]),
      /tensor "x" shape must be an array of non-negative integers, got \[-1\]/,
    )
    expectDecodeError(
      file('{"x":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}', [0]),
      /data_offsets must be \[begin, end\] with 0 <= begin <= end, got \[1,0\]/,
    )
    expectDecodeError(file('{"x":[1]}', []), /tensor "x" must be \{ dtype, shape, data_offsets \}/)
  })

  it('rejects offsets that do not match shape × dtype size', () => {
    expectDecodeError(
      file('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      /tensor "x" data_offsets must span 8 bytes for F32 \[2\], got \[0,4\] \(4 bytes\)/,
    )
  })

  it('rejects gaps, overlaps and uncovered or missing data', () => {
    expectDecodeError(
      file('{"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]),
      /tensor "x" must start where the previous one ends \(no gap\), got begin 1, expected 0/,
    )
    expectDecodeError(
      file(
        '{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"y":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}',
        [0, 0, 0],
      ),
      /tensor "y" must not overlap the previous tensor, got begin 1 < 2/,
    )
    expectDecodeError(
      file('{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [0, 0]),
      /data section must be exactly covered by the tensors \(1 bytes\), got 2 bytes/,
    )
    expectDecodeError(
      file('{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', [0]),
      /data section must be exactly covered by the tensors \(2 bytes\), got 1 bytes/,
    )
  })

  it('rejects bad metadata and BOOL bytes other than 0 and 1', () => {
    expectDecodeError(file('{"__metadata__":{"k":1}}', []), /__metadata__\["k"\] must be a string, got 1/)
    expectDecodeError(file('{"__metadata__":[]}', []), /__metadata__ must be an object of strings/)
    expectDecodeError(
      file('{"x":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', [1, 7]),
      /dtype BOOL must hold only 0 or 1, got 7 at index 1/,
    )
  })

  it('accepts an unpadded header from writers that do not align (e.g. MLX)', () => {
    const { tensors } = decodeSafetensors(
      file('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]),
    )
    expect(tensors.x.data).toEqual(new Float32Array([1]))
  })
})
