import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { labeledImages } from './labeled-images.js'
import {
  binarize,
  binarizeStochastic,
  classCounts,
  downsample,
  oneHot,
  splitTrainValidation,
  subset,
  take,
  toFloat,
  toSpins,
} from './views.js'

// Three 4×4 images; image n has pixels 16n + k (k = 0..15) and label n.
const set = labeledImages(
  Uint8Array.from({ length: 48 }, (_, i) => i),
  Uint8Array.from([0, 1, 2]),
  { height: 4, width: 4 },
)

describe('pixel views', () => {
  test('toFloat divides by 255', () => {
    expect(Array.from(toFloat(new Uint8Array([0, 51, 255])))).toEqual([0, Math.fround(0.2), 1])
  })

  test('binarize cuts at threshold * 255 inclusive', () => {
    expect(Array.from(binarize(new Uint8Array([0, 127, 128, 255])))).toEqual([0, 0, 1, 1])
    expect(Array.from(binarize(new Uint8Array([50, 51, 52]), { threshold: 0.2 }))).toEqual([0, 1, 1])
    expect(() => binarize(set, { threshold: 1.5 })).toThrow('binarize: threshold must be in [0, 1], got 1.5')
  })

  test('toSpins maps to ±1', () => {
    expect(Array.from(toSpins(new Uint8Array([0, 127, 128, 255])))).toEqual([-1, -1, 1, 1])
  })

  test('binarizeStochastic gives 1 with probability p/255 (within 4 standard errors)', () => {
    const n = 100_000
    const pixels = new Uint8Array(3 * n)
    pixels.fill(0, 0, n)
    pixels.fill(64, n, 2 * n)
    pixels.fill(255, 2 * n)
    const bits = binarizeStochastic(pixels, { seed: 11 })
    const mean = (from: number): number => bits.subarray(from, from + n).reduce((a, b) => a + b, 0) / n
    expect(mean(0)).toBe(0)
    expect(mean(2 * n)).toBe(1)
    const p = 64 / 255
    expect(Math.abs(mean(n) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n))
    expect(Array.from(binarizeStochastic(pixels.subarray(n, n + 50), { seed: 11 }))).toEqual(
      Array.from(binarizeStochastic(pixels.subarray(n, n + 50), { seed: 11 })),
    )
    expect(() => binarizeStochastic(pixels, { seed: 0.5 })).toThrow(
      'binarizeStochastic: seed must be a safe integer, got 0.5',
    )
  })
})

describe('labels', () => {
  test('oneHot puts a single 1 per row', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0])
    let error: unknown
    try {
      oneHot([1, 10])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as InvalidArgumentError).argument).toBe('labels[1]')
    expect((error as Error).message).toBe('oneHot: labels[1] must be an integer in [0, 10), got 10')
  })

  test('classCounts counts each class', () => {
    expect(classCounts([0, 2, 2], 3)).toEqual([1, 0, 2])
    expect(() => classCounts([4], 3)).toThrow('classCounts: labels[0] must be in [0, 3), got 4')
  })
})

describe('downsample', () => {
  test('averages 2x2 blocks, rounding half up', () => {
    const small = downsample(set)
    expect(small.shape).toEqual([3, 2, 2])
    // Image 0 block (0,0) holds 0, 1, 4, 5: mean 2.5 → 3; block (1,1) holds 10, 11, 14, 15: 12.5 → 13.
    expect(Array.from(small.images.subarray(0, 4))).toEqual([3, 5, 11, 13])
    expect(Array.from(small.images.subarray(8, 12))).toEqual([35, 37, 43, 45])
    expect(small.labels).toBe(set.labels)
  })

  test('a factor that does not divide the size is rejected', () => {
    expect(() => downsample(set, { factor: 3 })).toThrow(
      'downsample: factor must be a positive integer dividing 4x4, got 3',
    )
  })
})

describe('subsets and splits', () => {
  test('subset copies images in the given order; take is a view', () => {
    const picked = subset(set, [2, 0])
    expect(Array.from(picked.labels)).toEqual([2, 0])
    expect(picked.images[0]).toBe(32)
    expect(picked.images[16]).toBe(0)
    expect(() => subset(set, [3])).toThrow('subset: indices[0] must be an integer in [0, 3), got 3')
    const first = take(set, 2)
    expect(first.count).toBe(2)
    expect(first.images.buffer).toBe(set.images.buffer)
  })

  test('splitTrainValidation is a seeded, disjoint partition', () => {
    const big = labeledImages(
      Uint8Array.from({ length: 100 }, (_, i) => i),
      Uint8Array.from({ length: 100 }, (_, i) => i),
      { height: 1, width: 1 },
    )
    const { train, validation } = splitTrainValidation(big, { validationSize: 0.2, seed: 3 })
    expect(validation.count).toBe(20)
    expect(train.count).toBe(80)
    const all = [...train.labels, ...validation.labels].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(Array.from(train.images)).toEqual(Array.from(train.labels))
    const again = splitTrainValidation(big, { validationSize: 20, seed: 3 })
    expect(Array.from(again.validation.labels)).toEqual(Array.from(validation.labels))
    const other = splitTrainValidation(big, { validationSize: 20, seed: 4 })
    expect(Array.from(other.validation.labels)).not.toEqual(Array.from(validation.labels))
    expect(() => splitTrainValidation(big, { validationSize: 100, seed: 0 })).toThrow(
      /validationSize must be a fraction in \(0, 1\) or an integer in \[1, 100\).*got 100/,
    )
  })
})
