import { expect, test } from 'vitest'
import { labeledImages } from './labeled-images.js'
import { flipSpins, glyphAlphabet, glyphPatterns, imageSpinPatterns, randomSpinPatterns } from './patterns.js'

test('random patterns are ±1 with mean equal to the bias (within 4 standard errors)', () => {
  const n = 100 * 1000
  for (const bias of [0, 0.5]) {
    const { patterns, shape } = randomSpinPatterns(100, 1000, { seed: 2, bias })
    expect(shape).toEqual([100, 1000])
    let sum = 0
    let other = 0
    for (const s of patterns) {
      if (s !== 1 && s !== -1) other++
      sum += s
    }
    expect(other).toBe(0)
    // Var s = 1 - bias².
    expect(Math.abs(sum / n - bias)).toBeLessThan(4 * Math.sqrt((1 - bias * bias) / n))
  }
  expect(randomSpinPatterns(2, 5, { seed: 1 }).patterns).toEqual(
    randomSpinPatterns(2, 5, { seed: 1 }).patterns,
  )
  expect(() => randomSpinPatterns(2, 0, { seed: 1 })).toThrow(
    'randomSpinPatterns: size must be a positive integer, got 0',
  )
})

test('glyphs are 7x5 letters with the expected dots', () => {
  const { patterns, shape, count } = glyphPatterns('TL')
  expect(shape).toEqual([2, 7, 5])
  expect(count).toBe(2)
  // T: a full top row, then the centre column only.
  expect(Array.from(patterns.subarray(0, 10))).toEqual([1, 1, 1, 1, 1, -1, -1, 1, -1, -1])
  // L: the left column and a full bottom row.
  expect(Array.from(patterns.subarray(35 + 30, 70))).toEqual([1, 1, 1, 1, 1])
  expect(patterns[35 + 4]).toBe(-1)
  // All 26 letters are distinct pictures.
  const all = glyphPatterns(glyphAlphabet)
  const pictures = new Set(
    Array.from({ length: 26 }, (_, i) => all.patterns.subarray(i * 35, (i + 1) * 35).join(',')),
  )
  expect(pictures.size).toBe(26)
  expect(() => glyphPatterns('A1')).toThrow("glyphPatterns: letters[1] must be a letter A-Z, got '1'")
})

test('scaled glyphs repeat each dot in a block', () => {
  const { patterns, shape } = glyphPatterns('I', { scale: 2 })
  expect(shape).toEqual([1, 14, 10])
  const small = glyphPatterns('I').patterns
  for (let y = 0; y < 14; y++)
    for (let x = 0; x < 10; x++) expect(patterns[y * 10 + x]).toBe(small[(y >> 1) * 5 + (x >> 1)])
})

test('imageSpinPatterns thresholds images and picks one per class', () => {
  const labels = Uint8Array.from([3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 0])
  const set = labeledImages(
    Uint8Array.from({ length: 11 * 2 }, (_, i) => (i % 2 === 0 ? 200 : 10)),
    labels,
    {
      height: 1,
      width: 2,
    },
  )
  const perClass = imageSpinPatterns(set, { onePerClass: true })
  expect(perClass.shape).toEqual([10, 1, 2])
  expect(Array.from(perClass.patterns.subarray(0, 2))).toEqual([1, -1])
  expect(imageSpinPatterns(set, { indices: [1] }).patterns).toEqual(Int8Array.from([1, -1]))
  expect(() => imageSpinPatterns(set, { indices: [11] })).toThrow(
    'imageSpinPatterns: indices[0] must be an integer in [0, 11), got 11',
  )
})

test('flipSpins flips a noise fraction of spins', () => {
  const pattern = new Int8Array(100_000).fill(1)
  const flipped = flipSpins(pattern, { noise: 0.1, seed: 5 })
  const count = flipped.reduce((a, s) => a + (s === -1 ? 1 : 0), 0)
  expect(Math.abs(count / 1e5 - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / 1e5))
  expect(() => flipSpins(pattern, { noise: 2, seed: 5 })).toThrow('flipSpins: noise must be in [0, 1], got 2')
})
