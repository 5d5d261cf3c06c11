import { describe, expect, test } from 'vitest'
import { InvalidArgumentError, ShapeError, VizError } from './errors.js'
import { toImage, toPixels, toRgb, upscale } from './image.js'

describe('toPixels (case H8)', () => {
  test("'0..1' clamps roundoff outside the range, scales by 255 and rounds half up", () => {
    expect(Array.from(toPixels([-4.73e-6, 1.000494, 0.25, 0.5], '0..1'))).toEqual([0, 255, 64, 128])
  })

  test("'-1..1' maps -1, 0, 1 to 0, 128, 255", () => {
    expect(Array.from(toPixels([-1, 0, 1], '-1..1'))).toEqual([0, 128, 255])
  })

  test('values far outside the range clamp to 0 and 255', () => {
    expect(Array.from(toPixels(new Float32Array([-7, 3, 0.998]), '0..1'))).toEqual([0, 255, 254])
  })

  test("'0..255' rounds half up and clamps, so 0..1 data given as 0..255 is visibly dark, not garbled", () => {
    expect(Array.from(toPixels([0.5, 1, 127.5, 254.49, 300], '0..255'))).toEqual([1, 1, 128, 254, 255])
  })

  test("'auto' stretches min..max and 'symmetric' centres zero", () => {
    expect(Array.from(toPixels([2, 4, 6], 'auto'))).toEqual([0, 128, 255])
    expect(Array.from(toPixels([-0.5, 0, 0.25], 'symmetric'))).toEqual([0, 128, 191])
    expect(Array.from(toPixels([3, 3], 'auto'))).toEqual([128, 128])
    expect(Array.from(toPixels([0, 0], 'symmetric'))).toEqual([128, 128])
  })

  test('a [low, high] pair is an explicit linear range', () => {
    expect(Array.from(toPixels([10, 15, 20], [10, 20]))).toEqual([0, 128, 255])
  })

  test('a NaN throws an InvalidArgumentError naming its index', () => {
    const call = (): Uint8Array => toPixels([0, 0.5, Number.NaN, 1], '0..1')
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow('toPixels: values must be finite numbers, got NaN at index 2')
  })

  test("NaN throws under 'auto' too (where it would otherwise poison min/max), and Infinity throws", () => {
    expect(() => toPixels(new Float64Array([1, 2, 3, Number.NaN]), 'auto')).toThrow(/got NaN at index 3/)
    expect(() => toPixels([Infinity], '0..1')).toThrow(/got Infinity at index 0/)
  })

  test('a bad range throws', () => {
    expect(() => toPixels([0], [1, 1])).toThrow(/toPixels: range must be/)
    expect(() => toPixels([0], '0..100' as never)).toThrow(InvalidArgumentError)
  })

  test('reads tensor-likes through dataSync() and shaped arrays through data', () => {
    const tensor = { shape: [2, 2], dataSync: () => new Float32Array([0, 0.25, 0.5, 1]) }
    expect(Array.from(toPixels(tensor, '0..1'))).toEqual([0, 64, 128, 255])
    expect(Array.from(toPixels({ shape: [3], data: new Int8Array([-1, 1, -1]) }, '-1..1'))).toEqual([
      0, 255, 0,
    ])
  })

  test('a shape that disagrees with the data throws a ShapeError', () => {
    expect(() => toPixels({ shape: [2, 3], data: [1, 2, 3] }, 'auto')).toThrow(ShapeError)
    expect(() => toPixels({ shape: [2, 3], data: [1, 2, 3] }, 'auto')).toThrow(
      'toPixels: input must hold product(shape) = 6 values for shape [2,3], got 3',
    )
  })
})

describe('toImage', () => {
  test('a plain array needs width and height; the image keeps row-major order', () => {
    const image = toImage([0, 0.5, 1, 0.25, 0.75, 1], { width: 3, height: 2, range: '0..1' })
    expect(image).toEqual({
      width: 3,
      height: 2,
      channels: 1,
      data: new Uint8Array([0, 128, 255, 64, 191, 255]),
    })
    expect(() => toImage([0, 1], { range: '0..1' })).toThrow(/toImage: options must give width and height/)
  })

  test('the element count must match width*height*channels', () => {
    expect(() => toImage([0, 1, 1], { width: 2, height: 2, range: '0..1' })).toThrow(
      'toImage: values must hold width*height*channels = 2*2*1 = 4 numbers, got 3',
    )
  })

  test('[H, W, 3] is read as interleaved RGB', () => {
    const image = toImage({ shape: [1, 2, 3], data: [1, 0, 0, 0, 0, 1] }, { range: '0..1' })
    expect(image.channels).toBe(3)
    expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 0, 255])
  })

  test('[C, H, W] (channels first) is interleaved', () => {
    // Planes: R = [1, 0], G = [0, 0], B = [0, 1] for a 1x2 image.
    const image = toImage({ shape: [3, 1, 2], dataSync: () => [1, 0, 0, 0, 0, 1] }, { range: '0..1' })
    expect([image.width, image.height, image.channels]).toEqual([2, 1, 3])
    expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 0, 255])
  })

  test('a shape that is not an image throws a ShapeError', () => {
    expect(() => toImage({ shape: [2, 2, 2], data: new Float32Array(8) }, { range: '0..1' })).toThrow(
      ShapeError,
    )
    expect(() => toImage({ shape: [8], data: new Float32Array(8) }, { range: '0..1' })).toThrow(/got \[8\]/)
  })

  test("spins under 'symmetric' + 'diverging': -1 blue, +1 red, and a zero weight is exactly white", () => {
    const image = toImage({ shape: [1, 3], data: [-1, 0, 1] }, { range: 'symmetric', colormap: 'diverging' })
    expect(image.channels).toBe(3)
    expect(Array.from(image.data)).toEqual([33, 102, 172, 247, 247, 247, 178, 24, 43])
  })

  test("colormap positions use the value itself: 'auto' maps the midpoint to viridis(0.5)", () => {
    const image = toImage([0, 5, 10], { width: 3, height: 1, range: 'auto', colormap: 'viridis' })
    expect(Array.from(image.data)).toEqual([68, 1, 84, 33, 144, 141, 253, 231, 37])
  })

  test('a NaN throws from toImage under its own name', () => {
    expect(() => toImage([0, Number.NaN], { width: 2, height: 1, range: '0..1' })).toThrow(
      'toImage: values must be finite numbers, got NaN at index 1',
    )
  })

  test('a colormap needs one channel; NaN throws with its index', () => {
    expect(() => toImage({ shape: [1, 1, 3], data: [0, 0, 0] }, { range: '0..1', colormap: 'gray' })).toThrow(
      'toImage: colormap needs one channel, got 3',
    )
    expect(() => toImage([0, Number.NaN], { width: 2, height: 1, range: 'auto', colormap: 'magma' })).toThrow(
      /at index 1/,
    )
  })
})

describe('upscale', () => {
  test('each pixel becomes a factor x factor block', () => {
    const image = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([10, 200]) }
    expect(upscale(image, 2)).toEqual({
      width: 4,
      height: 2,
      channels: 1,
      data: new Uint8Array([10, 10, 200, 200, 10, 10, 200, 200]),
    })
  })

  test('keeps RGB channels together', () => {
    const image = { width: 1, height: 1, channels: 3 as const, data: new Uint8Array([1, 2, 3]) }
    expect(Array.from(upscale(image, 2).data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
  })

  test('factor must be a positive integer', () => {
    const image = { width: 1, height: 1, channels: 1 as const, data: new Uint8Array(1) }
    expect(() => upscale(image, 1.5)).toThrow('upscale: factor must be a positive integer, got 1.5')
    expect(() => upscale(image, 0)).toThrow(InvalidArgumentError)
  })

  test('a malformed image throws a ShapeError that is a VizError', () => {
    const error = (() => {
      try {
        upscale({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) }, 2)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ShapeError)
    expect(VizError.isInstance(error)).toBe(true)
    expect((error as ShapeError).code).toBe('SHAPE')
    expect((error as Error).message).toBe('upscale: image.data must be a Uint8Array of 4 bytes, got 3 bytes')
  })
})

describe('toRgb', () => {
  test('repeats gray and composites RGBA on white', () => {
    expect(Array.from(toRgb({ width: 1, height: 1, channels: 1, data: new Uint8Array([7]) }).data)).toEqual([
      7, 7, 7,
    ])
    // alpha 51/255 = 0.2: 0.2*100 + 0.8*255 = 224
    const rgba = { width: 1, height: 1, channels: 4 as const, data: new Uint8Array([100, 0, 255, 51]) }
    expect(Array.from(toRgb(rgba).data)).toEqual([224, 204, 255])
  })
})

test('toImage without options names the missing range', () => {
  expect(() => (toImage as (x: unknown) => unknown)([0, 1])).toThrow(
    "toImage: options must be an object with a range such as { range: '0..1' }, got undefined",
  )
})

test('upscale refuses a factor whose image cannot be allocated', () => {
  const image = toImage([0, 1, 1, 0], { range: '0..1', width: 2, height: 2 })
  expect(upscale(image, 3).width).toBe(6)
  expect(() => upscale(image, 1e6)).toThrow(
    'upscale: factor must keep the image within 2^30 bytes, got 1000000, which makes 2000000×2000000×1',
  )
})
