import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { flipBits, maskRegion, saltAndPepper } from './corruption'
import { glyph, glyphNames, glyphPatterns, renderPattern } from './glyphs'
import { hammingDistance, overlap, randomPatterns, toBipolar } from './patterns'

describe('patterns', () => {
  test('random patterns are ±1, keyed and about balanced', () => {
    const a = randomPatterns(key(1), 20, 500)
    const b = randomPatterns(key(1), 20, 500)
    expect(a).toEqual(b)
    let plus = 0
    for (const p of a)
      for (const v of p) {
        expect(Math.abs(v)).toBe(1)
        if (v === 1) plus++
      }
    // Binomial(10000, 1/2): sd = 50, 5 sd bound.
    expect(Math.abs(plus - 5000)).toBeLessThan(250)
    expect(randomPatterns(key(2), 0, 5)).toEqual([])
  })

  test('overlap and Hamming distance: m = 1 − 2d/N', () => {
    expect(overlap([1, 1, -1, -1], [1, 1, 1, -1])).toBe(0.5)
    expect(hammingDistance([1, 1, -1, -1], [1, 1, 1, -1])).toBe(1)
    const [x, y] = randomPatterns(key(3), 2, 101)
    expect(overlap(x, y)).toBeCloseTo(1 - (2 * hammingDistance(x, y)) / 101, 14)
    expect(
      overlap(
        x,
        Int8Array.from(x, (v) => -v),
      ),
    ).toBe(-1)
    expect(() => overlap([1, 1], [1, 1, 1])).toThrow(/overlap: pattern must have length 2, got length 3/)
  })

  test('toBipolar thresholds pixel values', () => {
    expect(Array.from(toBipolar([0, 1, 0.8, 0.1]))).toEqual([-1, 1, 1, -1])
    expect(() => toBipolar([0, Number.NaN])).toThrow(
      /toBipolar: values must hold finite numbers, got NaN at index 1/,
    )
  })
})

describe('corruption', () => {
  test('flipBits flips exactly round(fraction · N) bits', () => {
    const [x] = randomPatterns(key(4), 1, 1000)
    for (const fraction of [0, 0.1, 0.25, 0.5, 1]) {
      const probe = flipBits(x, fraction, key(5))
      expect(hammingDistance(probe, x)).toBe(Math.round(fraction * 1000))
    }
    expect(hammingDistance(flipBits(x, 0.1234, key(6)), x)).toBe(123)
    expect(() => flipBits(x, 1.5, key(1))).toThrow(/flipBits: fraction must be in \[0, 1\], got 1.5/)
  })

  test('maskRegion overwrites exactly the rectangle', () => {
    const a = glyph('A')
    const masked = maskRegion(a, { width: 10, rowStart: 5, rowEnd: 10 })
    for (let i = 0; i < 100; i++) expect(masked[i]).toBe(i >= 50 ? -1 : a[i])
    const box = maskRegion(a, { width: 10, rowStart: 1, rowEnd: 3, colStart: 2, colEnd: 4 }, 1)
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 10; c++) {
        const inside = r >= 1 && r < 3 && c >= 2 && c < 4
        expect(box[r * 10 + c]).toBe(inside ? 1 : a[r * 10 + c])
      }
    }
    const random = maskRegion(a, { width: 10, rowStart: 0, rowEnd: 10 }, 'random', key(7))
    expect(random.some((v) => v === 1) && random.some((v) => v === -1)).toBe(true)
    expect(() => maskRegion(a, { width: 10, rowStart: 0, rowEnd: 11 })).toThrow(
      /region.rowEnd must be in \[0, 10\], got 11/,
    )
    expect(() => maskRegion(a, { width: 7, rowStart: 0, rowEnd: 1 })).toThrow(
      /region.width must divide the pattern length 100, got 7/,
    )
    expect(() => maskRegion(a, { width: 10, rowStart: 0, rowEnd: 1 }, 'random')).toThrow(
      /maskRegion: key must be a Key/,
    )
  })

  test('salt-and-pepper touches a binomial share of units; overlap ≈ 1 − p', () => {
    const [x] = randomPatterns(key(8), 1, 10000)
    const noisy = saltAndPepper(x, 0.4, key(9))
    // Each unit differs with probability p/2 = 0.2: sd of m = 2·sqrt(0.2·0.8/10000) = 0.008.
    expect(Math.abs(overlap(noisy, x) - 0.6)).toBeLessThan(5 * 0.008)
    expect(saltAndPepper(x, 0, key(9))).toEqual(x)
    expect(() => saltAndPepper(x, -0.1, key(9))).toThrow(/probability must be in \[0, 1\], got -0.1/)
  })
})

describe('glyphs', () => {
  test('every glyph is 10×10 ±1 and they differ', () => {
    const glyphs = glyphPatterns()
    expect(glyphs.length).toBe(glyphNames.length)
    for (let a = 0; a < glyphs.length; a++) {
      expect(glyphs[a].length).toBe(100)
      for (let b = 0; b < a; b++) expect(hammingDistance(glyphs[a], glyphs[b])).toBeGreaterThan(5)
    }
    expect(renderPattern(glyph('T'), 10).split('\n')[0]).toBe('.#######..')
    expect(() => glyph('Q' as 'A')).toThrow(/glyph: name must be one of A, E, H, L, O, T, X, Z, got Q/)
  })
})
