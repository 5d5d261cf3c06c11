import { encode } from 'fast-png'
import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import type { Image } from './image.js'
import { decodePng, encodePng } from './png.js'

// A deterministic byte pattern that uses every value 0..255 (a multiplicative hash of the index).
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 255)
}

describe('PNG round trip (case H8)', () => {
  test.each([1, 3, 4] as const)(
    '%i-channel image: decode(encode(x)) gives identical bytes, width, height',
    (channels) => {
      const image: Image = { width: 37, height: 11, channels, data: pattern(37 * 11 * channels) }
      const png = encodePng(image)
      expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
      const back = decodePng(png)
      expect(back.width).toBe(37)
      expect(back.height).toBe(11)
      expect(back.channels).toBe(channels)
      expect(back.data).toEqual(image.data)
    },
  )

  test('numbers with a range are converted first: [0, 0.5, 1, 0.25] comes back as [0, 128, 255, 64]', () => {
    const png = encodePng([0, 0.5, 1, 0.25], { width: 2, height: 2, range: '0..1' })
    expect(decodePng(png)).toEqual({
      width: 2,
      height: 2,
      channels: 1,
      data: new Uint8Array([0, 128, 255, 64]),
    })
  })

  test('the IHDR chunk records width, height, 8-bit depth and the colour type', () => {
    const png = encodePng({ width: 300, height: 2, channels: 3, data: new Uint8Array(1800) })
    const view = new DataView(png.buffer, png.byteOffset)
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR')
    expect(view.getUint32(16)).toBe(300)
    expect(view.getUint32(20)).toBe(2)
    expect(png[24]).toBe(8) // bit depth
    expect(png[25]).toBe(2) // colour type 2 = RGB
  })

  test('a malformed image throws a ShapeError before encoding', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(5) })).toThrow(
      'encodePng: image.data must be a Uint8Array of 4 bytes, got 5 bytes',
    )
  })
})

describe('decodePng of files made elsewhere', () => {
  test('16-bit samples keep their high byte', () => {
    const png = encode({
      width: 3,
      height: 1,
      channels: 1,
      depth: 16,
      data: new Uint16Array([0, 0x80ff, 0xffff]),
    })
    expect(Array.from(decodePng(png).data)).toEqual([0, 0x80, 0xff])
  })

  test('gray + alpha is composited on white', () => {
    // alpha 0 -> white, alpha 255 -> the gray value, alpha 102 (0.4) -> 0.4*50 + 0.6*255 = 173
    const png = encode({
      width: 3,
      height: 1,
      channels: 2,
      depth: 8,
      data: new Uint8Array([9, 0, 50, 255, 50, 102]),
    })
    expect(decodePng(png)).toEqual({ width: 3, height: 1, channels: 1, data: new Uint8Array([255, 50, 173]) })
  })

  test('palette images become RGB, or RGBA when the palette has transparency', () => {
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
    ]
    const png = encode({
      width: 3,
      height: 1,
      channels: 1,
      depth: 8,
      data: new Uint8Array([1, 0, 1]),
      palette,
    })
    expect(decodePng(png)).toEqual({
      width: 3,
      height: 1,
      channels: 3,
      data: new Uint8Array([0, 0, 255, 255, 0, 0, 0, 0, 255]),
    })
  })

  test('bytes that are not a PNG throw an InvalidArgumentError with the cause attached', () => {
    const error = (() => {
      try {
        decodePng(new Uint8Array(8))
      } catch (e) {
        return e as InvalidArgumentError
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect(error?.cause).toBeInstanceOf(Error)
  })

  test('bytes that are not a PNG throw an InvalidArgumentError', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4]))).toThrow(InvalidArgumentError)
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4]))).toThrow(/^decodePng: bytes must be a PNG file/)
  })
})
