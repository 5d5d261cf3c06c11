import { InvalidArgumentError } from '@gen/core-tensor'
import { eightGaussians } from '@gen/datasets'
import { describe, expect, it } from 'vitest'
import { energyDistance, mmd, mmdSquared, modeCoverage } from './sample-metrics'

const centers = Array.from({ length: 8 }, (_, k) => [
  2 * Math.cos((Math.PI * k) / 4),
  2 * Math.sin((Math.PI * k) / 4),
])

// Φ via erf (Abramowitz–Stegun 7.1.26 is too coarse here; use a series/continued fraction)
function erf(x: number): number {
  // Taylor series, converges fast for |x| < 3
  let sum = x
  let term = x
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n
    sum += term / (2 * n + 1)
  }
  return (2 / Math.sqrt(Math.PI)) * sum
}
const normalCdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2))

describe('modeCoverage', () => {
  it('assigns each sample to its nearest mode within 3σ and counts covered modes', () => {
    const points: number[] = []
    // 10 samples exactly on mode 0, 6 at 2.5σ from mode 1 (in), 4 at 3.5σ from mode 2 (out)
    for (let i = 0; i < 10; i++) points.push(2, 0)
    for (let i = 0; i < 6; i++) points.push(centers[1][0] + 0.25, centers[1][1])
    for (let i = 0; i < 4; i++) points.push(centers[2][0], centers[2][1] - 0.35)
    const m = modeCoverage(points, { centers, std: 0.1 })
    expect(m.counts).toEqual([10, 6, 0, 0, 0, 0, 0, 0])
    expect(m.highQualityFraction).toBe(16 / 20)
    // default minFraction 1/(4·8) = 0.03125: modes 0 and 1 are covered
    expect(m.coveredCount).toBe(2)
    expect(m.covered.slice(0, 3)).toEqual([true, true, false])
    // a larger radius takes mode 2's samples in; a higher bar drops mode 1 (6/20 = 0.3)
    expect(modeCoverage(points, { centers, std: 0.1, radius: 4 }).counts[2]).toBe(4)
    expect(modeCoverage(points, { centers, std: 0.1, minFraction: 0.35 }).coveredCount).toBe(1)
  })

  it('on exact samples of 8 Gaussians: all modes covered, 1 − e^{−4.5} of samples within 3σ', () => {
    const n = 8000
    const m = modeCoverage(eightGaussians().sample(n, { seed: 3 }), { centers, std: 0.1 })
    expect(m.coveredCount).toBe(8)
    const p = 1 - Math.exp(-4.5) // P(χ²₂ ≤ 9)
    expect(Math.abs(m.highQualityFraction - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n))
    // each mode holds 1/8: within 4 binomial standard errors
    for (const f of m.fractions)
      expect(Math.abs(f - p / 8)).toBeLessThan(4 * Math.sqrt(((p / 8) * (1 - p / 8)) / n))
  })

  it('names the bad argument', () => {
    expect(() => modeCoverage([1, 2, 3], { centers, std: 0.1 })).toThrow(
      /samples must hold at least 1 points of dim 2/,
    )
    expect(() => modeCoverage([1, 2], { centers, std: 0 })).toThrow(InvalidArgumentError)
    expect(() => modeCoverage([1, Number.NaN], { centers, std: 0.1 })).toThrow(
      /finite numbers, got NaN at index 1/,
    )
  })
})

describe('energyDistance', () => {
  it('equals its definition on a hand example', () => {
    // x = {0, 1}, y = {3, 5}: 2·mean|x−y| − |0−1| − |3−5| = 2·(3 + 5 + 2 + 4)/4 − 1 − 2 = 4
    expect(energyDistance([0, 1], [3, 5], 1)).toBeCloseTo(4, 14)
    expect(energyDistance([0, 0, 1, 1], [0, 0, 1, 1], 2)).toBeCloseTo(
      2 * (Math.SQRT2 / 2) - 2 * Math.SQRT2,
      14,
    )
  })

  it('estimates the closed form for N(0, 1) against N(δ, 1) within 4 standard errors', () => {
    // X − Y ~ N(δ, 2): E|X − Y| = 2/√π·e^{−δ²/4} + δ(1 − 2Φ(−δ/√2)); E|X − X'| = 2/√π
    const delta = 1
    const exact =
      2 *
        ((2 / Math.sqrt(Math.PI)) * Math.exp(-(delta ** 2) / 4) +
          delta * (1 - 2 * normalCdf(-delta / Math.SQRT2))) -
      4 / Math.sqrt(Math.PI)
    const normal = eightGaussians({ radius: 1e-9, std: 1 }) // N(0, I₂): take the first coordinate
    const estimates: number[] = []
    for (let r = 0; r < 8; r++) {
      const a = normal.sample(600, { seed: 2 * r }).filter((_, i) => i % 2 === 0)
      const b = normal
        .sample(600, { seed: 2 * r + 1 })
        .filter((_, i) => i % 2 === 0)
        .map((v) => v + delta)
      estimates.push(energyDistance(a, b, 1))
    }
    const mean = estimates.reduce((s, v) => s + v, 0) / estimates.length
    const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (estimates.length - 1))
    expect(Math.abs(mean - exact)).toBeLessThan(4 * (sd / Math.sqrt(estimates.length)))
    expect(exact).toBeCloseTo(0.5417, 3) // 2·(0.8788 + 0.5204) − 2.2568
  })
})

describe('MMD² (unbiased) and MMD', () => {
  it('equals its definition on a hand example', () => {
    // x = {0, 1}, y = {0, 2}, h = 1: k(0,1) + k(0,2) − 2·(1 + k(0,2) + 2k(0,1))/4
    const k1 = Math.exp(-0.5)
    const k2 = Math.exp(-2)
    const expected = k1 + k2 - (2 * (1 + k2 + 2 * k1)) / 4
    expect(mmdSquared([0, 1], [0, 2], { dim: 1, bandwidth: 1 })).toBeCloseTo(expected, 14)
    expect(expected).toBeLessThan(0) // an unbiased estimate below 0 (case P17)
    expect(mmd([0, 1], [0, 2], { dim: 1, bandwidth: 1 })).toBe(0)
  })

  it('two samples of one distribution: MMD² scatters around 0, sometimes below it, and MMD stays a number (P17)', () => {
    const dist = eightGaussians()
    const values: number[] = []
    for (let r = 0; r < 12; r++) {
      values.push(
        mmdSquared(dist.sample(150, { seed: 100 + r }), dist.sample(150, { seed: 200 + r }), {
          dim: 2,
          bandwidth: 0.5,
        }),
      )
    }
    const sd = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length)
    expect(values.some((v) => v < 0)).toBe(true)
    for (let r = 0; r < 12; r++) {
      expect(Math.abs(values[r])).toBeLessThan(3.5 * sd)
      const m = mmd(dist.sample(150, { seed: 100 + r }), dist.sample(150, { seed: 200 + r }), {
        dim: 2,
        bandwidth: 0.5,
      })
      expect(Number.isNaN(m)).toBe(false)
      expect(m).toBe(Math.sqrt(Math.max(0, values[r])))
    }
    // a different distribution stands far outside that scatter
    const shifted = Array.from(dist.sample(150, { seed: 7 }), (v) => v + 0.5)
    expect(mmdSquared(dist.sample(150, { seed: 8 }), shifted, { dim: 2, bandwidth: 0.5 })).toBeGreaterThan(
      10 * sd,
    )
  })

  it('rejects a bad bandwidth', () => {
    expect(() => mmdSquared([0, 1], [0, 1], { dim: 1, bandwidth: -1 })).toThrow(
      /options.bandwidth must be a finite number > 0, got -1/,
    )
  })
})
