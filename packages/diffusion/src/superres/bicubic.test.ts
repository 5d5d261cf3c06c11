import { fromArray, InvalidArgumentError, ShapeError } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { averagePoolDownsample, bicubicUpsample, cubicKernel } from './bicubic'

// an H×W image of f(row, col)
function image(h: number, w: number, f: (r: number, c: number) => number) {
  const v = new Float32Array(h * w)
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) v[r * w + c] = f(r, c)
  return fromArray(v, { shape: [1, 1, h, w] })
}

describe('cubicKernel', () => {
  it('interpolates (W(0) = 1, W(±1) = W(±2) = 0) and its four taps sum to 1', () => {
    expect(cubicKernel(0)).toBe(1)
    expect(cubicKernel(1)).toBe(0)
    expect(cubicKernel(-2)).toBe(0)
    for (const a of [-0.5, -0.75])
      for (const f of [0, 0.1, 0.25, 0.5, 0.9]) {
        const total = [-1, 0, 1, 2].reduce((s, k) => s + cubicKernel(f - k, a), 0)
        expect(total).toBeCloseTo(1, 14)
      }
  })
})

describe('bicubicUpsample', () => {
  // pixel centres: output o samples the input at (o + 1/2)/2 - 1/2
  const at = (o: number) => (o + 0.5) / 2 - 0.5

  it('reproduces polynomials of degree <= 2 exactly away from the border (a = -0.5)', () => {
    const polys = [
      () => 0.3,
      (r: number, c: number) => 0.1 * r - 0.2 * c + 1,
      (r: number, c: number) => 0.02 * r * r - 0.01 * r * c + 0.03 * c * c + 0.1 * r,
    ]
    for (const f of polys) {
      const up = bicubicUpsample(image(10, 12, f)).dataSync()
      // output rows/cols whose four taps lie inside the image: o in [4, 2·size − 5]
      for (let o = 4; o <= 15; o++)
        for (let p = 4; p <= 19; p++) expect(up[o * 24 + p]).toBeCloseTo(f(at(o), at(p)), 4)
    }
  })

  it('misses a quadratic with a = -0.75 (only degree <= 1 is exact) and keeps constants at the border', () => {
    const f = (r: number, c: number) => 0.05 * r * r + 0.05 * c * c
    const up = bicubicUpsample(image(10, 10, f), { a: -0.75 }).dataSync()
    expect(Math.abs(up[8 * 20 + 8] - f(at(8), at(8)))).toBeGreaterThan(1e-3)
    const constant = bicubicUpsample(image(6, 6, () => 0.4)).dataSync()
    for (const v of constant) expect(v).toBeCloseTo(0.4, 6)
  })

  it('is the identity at scale 1, clamps on request, and rejects bad input', () => {
    const x = image(5, 5, (r, c) => r * c)
    expect(Array.from(bicubicUpsample(x, { scale: 1 }).dataSync())).toEqual(Array.from(x.dataSync()))
    const step = image(6, 6, (r, c) => (c < 3 ? 0 : 1))
    const clamped = bicubicUpsample(step, { clamp: [0, 1] }).dataSync()
    expect(Math.min(...clamped)).toBe(0)
    expect(Math.max(...clamped)).toBe(1)
    expect(Math.min(...bicubicUpsample(step).dataSync())).toBeLessThan(0) // overshoot without clamping
    expect(() => bicubicUpsample(fromArray(new Float32Array(4), { shape: [2, 2] }))).toThrow(ShapeError)
    expect(() => bicubicUpsample(x, { scale: 1.5 })).toThrow(InvalidArgumentError)
  })
})

describe('averagePoolDownsample', () => {
  it('averages 2×2 blocks', () => {
    const x = image(4, 4, (r, c) => r * 4 + c)
    expect(Array.from(averagePoolDownsample(x).dataSync())).toEqual([2.5, 4.5, 10.5, 12.5])
    expect(() => averagePoolDownsample(image(3, 4, () => 0))).toThrow(ShapeError)
  })
})
