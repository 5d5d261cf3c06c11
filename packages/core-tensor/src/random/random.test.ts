import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors'
import {
  boxMuller,
  fold,
  key,
  normalFloats,
  permutation,
  philox4x32,
  randomBits,
  randomIntegers,
  split,
  uniformFloats,
} from './index'

const hex = (words: Uint32Array) => [...words].map((w) => w.toString(16).padStart(8, '0'))

describe('philox4x32-10', () => {
  // Known-answer vectors of Random123 (kat_vectors): counter, key -> output.
  it.each([
    [
      [0, 0, 0, 0],
      [0, 0],
      ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
    ],
  ] as const)('matches the Random123 answer for counter %j key %j', (counter, keyWords, expected) => {
    const out = new Uint32Array(4)
    philox4x32(counter, keyWords, out)
    expect(hex(out)).toEqual(expected)
  })
})

describe('keys', () => {
  it('the same key gives the same bits, and a longer draw extends a shorter one', () => {
    const a = randomBits(key(42), 10)
    const b = randomBits(key(42), 10)
    expect(a).toEqual(b)
    expect(randomBits(key(42), 17).subarray(0, 10)).toEqual(a)
    expect(randomBits(key(43), 10)).not.toEqual(a)
  })

  it('split gives distinct keys and drawing from one does not change another', () => {
    const [k1, k2, k3] = split(key(0), 3)
    expect(new Set([k1, k2, k3].map((k) => `${k.k0}:${k.k1}`)).size).toBe(3)
    const before = randomBits(k2, 8)
    randomBits(k1, 1000)
    expect(randomBits(k2, 8)).toEqual(before)
    expect(split(key(0), 3)).toEqual([k1, k2, k3])
  })

  it('fold derives keys that differ by data and from split', () => {
    const root = key(7)
    const folded = [0, 1, 2, 2 ** 40].map((d) => fold(root, d))
    expect(new Set(folded.map((k) => `${k.k0}:${k.k1}`)).size).toBe(4)
    expect(fold(root, 1)).toEqual(folded[1])
    const splits = split(root, 3)
    for (const f of folded) expect(splits).not.toContainEqual(f)
  })

  it('seeds above 2^32 use the high word', () => {
    expect(key(2 ** 32 + 5)).toEqual({ k0: 5, k1: 1 })
  })

  it('rejects bad seeds, keys and counts with a typed error that names the argument', () => {
    expect(() => key(-1)).toThrow(InvalidArgumentError)
    expect(() => key(1.5)).toThrow('key: seed must be an integer in [0, 2^53), got 1.5')
    expect(() => split(key(1), 0)).toThrow('split: count must be a positive integer, got 0')
    expect(() => randomBits({ k0: -1, k1: 0 }, 4)).toThrow(/randomBits: key must be a Key/)
    expect(() => uniformFloats(key(1), -3)).toThrow(
      'uniformFloats: count must be a non-negative integer, got -3',
    )
  })
})

describe('distributions', () => {
  it('uniform floats lie in [0, 1) and never reach 1, in float32 and float64', () => {
    const u32 = uniformFloats(key(1), 100_000)
    const u64 = uniformFloats(key(1), 100_000, 'float64')
    for (const u of [u32, u64]) {
      let min = Infinity
      let max = -Infinity
      for (const x of u) {
        min = Math.min(min, x)
        max = Math.max(max, x)
      }
      expect(min).toBeGreaterThanOrEqual(0)
      expect(max).toBeLessThan(1)
    }
    // The largest float32 value the mapping can give is 1 - 2^-24, still below 1.
    expect(Math.fround((0xffffffff >>> 8) / 2 ** 24)).toBeLessThan(1)
  })

  it('uniform mean and variance match 1/2 and 1/12 within 4 standard errors', () => {
    const n = 200_000
    const u = uniformFloats(key(11), n, 'float64')
    let s = 0
    let s2 = 0
    for (const x of u) {
      s += x
      s2 += x * x
    }
    const mean = s / n
    const variance = s2 / n - mean * mean
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n))
    // var of (U - 1/2)^2 is 1/180, so the variance estimate has sd sqrt(1/180/n).
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt(1 / 180 / n))
  })

  it('Box–Muller survives a uniform of exactly 0 (case H9)', () => {
    const stub = [0, 0.25, 0.5, 0.5]
    const out = new Float64Array(4)
    boxMuller(stub[0], stub[1], out, 0)
    boxMuller(stub[2], stub[3], out, 2)
    for (const z of out) expect(Number.isFinite(z)).toBe(true)
    expect(out[0] === 0).toBe(true)
    // u1 = 0.5: radius sqrt(2 ln 2), angle pi.
    expect(out[2]).toBeCloseTo(-Math.sqrt(2 * Math.log(2)), 12)
  })

  it('10^6 normal draws (seed 42) are finite with |mean| < 0.005 and |std - 1| < 0.005 (case H9)', () => {
    const n = 1_000_000
    const z = normalFloats(key(42), n, 'float64')
    let s = 0
    let s2 = 0
    let nonFinite = 0
    for (const x of z) {
      if (!Number.isFinite(x)) nonFinite += 1
      s += x
      s2 += x * x
    }
    expect(nonFinite).toBe(0)
    const mean = s / n
    const std = Math.sqrt(s2 / n - mean * mean)
    expect(Math.abs(mean)).toBeLessThan(0.005)
    expect(Math.abs(std - 1)).toBeLessThan(0.005)
  })

  it('normal fourth moment is 3 within 4 standard errors (catches a wrong radius)', () => {
    const n = 200_000
    const z = normalFloats(key(5), n, 'float64')
    let m4 = 0
    for (const x of z) m4 += x ** 4
    m4 /= n
    // var(z^4) = E z^8 - 9 = 105 - 9 = 96.
    expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n))
  })

  it('random integers are unbiased: chi-square over 7 bins is within the 0.999 quantile', () => {
    const n = 70_000
    const v = randomIntegers(key(3), n, -2, 5)
    const counts = new Array<number>(7).fill(0)
    let outside = 0
    for (const x of v) {
      if (x < -2 || x >= 5) outside += 1
      else counts[x + 2] += 1
    }
    expect(outside).toBe(0)
    const expected = n / 7
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
    expect(chi2).toBeLessThan(22.46) // chi-square(6 dof) 0.999 quantile
    expect(v).toBeInstanceOf(Int32Array)
    expect(() => randomIntegers(key(3), 4, 5, 5)).toThrow(/high must be an integer with 1 <= high - low/)
  })

  it('permutation holds each index once and each position is uniform', () => {
    const p = permutation(key(8), 1000)
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    // Where element 0 lands, over 4000 permutations of 4: each position with probability 1/4.
    const counts = [0, 0, 0, 0]
    for (let t = 0; t < 4000; t++) counts[permutation(fold(key(8), t), 4).indexOf(0)] += 1
    const chi2 = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0)
    expect(chi2).toBeLessThan(16.27) // chi-square(3 dof) 0.999 quantile
  })
})
