import { key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { detectEquilibration } from './equilibration'
import { autocorrelationTime } from './stats'

/** AR(1) x_t = ρ x_{t−1} + √(1−ρ²) ξ_t: stationary variance 1, τ_int = (1+ρ)/(2(1−ρ)), g = 2τ. */
function ar1(rho: number, n: number, x0: number, seed: number): Float64Array {
  const z = normalFloats(key(seed), n, 'float64')
  const x = new Float64Array(n)
  x[0] = x0
  const s = Math.sqrt(1 - rho * rho)
  for (let t = 1; t < n; t++) x[t] = rho * x[t - 1] + s * z[t]
  return x
}

describe('detectEquilibration', () => {
  test('AR(1) noise (ρ = 0.9) on a slow transient 10·e^(−t/300): t0 cuts it, g ≈ 19, the kept mean is unbiased', () => {
    // When the transient decays as fast as the correlations (x0 far out, same ρ) it looks like
    // one more correlated excursion and g cannot see it; the method is for slow relaxation.
    const n = 20_000
    for (const seed of [1, 2, 3]) {
      const x = ar1(0.9, n, 0, seed).map((v, t) => v + 10 * Math.exp(-t / 300))
      const eq = detectEquilibration(x)
      // The transient falls below the noise of the final mean (0.03) after about 1700 steps.
      expect(eq.t0).toBeGreaterThanOrEqual(600)
      expect(eq.t0).toBeLessThanOrEqual(4000)
      // g = 1 + 2ρ/(1−ρ) = 19; the estimate's relative error is about √((4W+2)/n) ≈ 0.1.
      expect(Math.abs(eq.g - 19)).toBeLessThan(0.35 * 19)
      expect(eq.effectiveSamples).toBeCloseTo((n - eq.t0) / eq.g, 8)
      // The true mean is 0 (plus what is left of the transient): within 4 standard errors …
      expect(Math.abs(eq.mean)).toBeLessThan(4 * eq.error)
      // … while the whole series is biased by 10·300/n = 0.15, five standard errors.
      const all = x.reduce((a, b) => a + b, 0) / n
      expect(all - eq.mean).toBeGreaterThan(0.1)
      // Starting at 0 gives fewer effective samples: the drift inflates g.
      const g0 = 2 * autocorrelationTime(x).tau
      expect(n / g0).toBeLessThan(eq.effectiveSamples)
      // Measured (seeds 1, 2, 3): t0 = 707, 909, 909; g = 20.7, 17.0, 19.0; g(0) = 238, 221, 212.
    }
  })

  test('a stationary series keeps (almost) everything; a constant series has g = 1', () => {
    const x = ar1(0.5, 10_000, 0, 4)
    const eq = detectEquilibration(x)
    expect(eq.t0).toBeLessThan(1000)
    // g = 1 + 2·0.5/0.5 = 3.
    expect(Math.abs(eq.g - 3)).toBeLessThan(0.6)
    expect(detectEquilibration(new Float64Array(100).fill(2)).t0).toBe(0)
    expect(detectEquilibration(new Float64Array(100).fill(2)).g).toBe(1)
  })

  test('bad input is a typed error', () => {
    expect(() => detectEquilibration([1, 2, 3])).toThrow(
      'detectEquilibration: x must be a series of at least 16 numbers, got length 3',
    )
    const bad = new Float64Array(20)
    bad[7] = Number.NaN
    expect(() => detectEquilibration(bad)).toThrow(/x must hold finite numbers, got NaN at index 7/)
    expect(() => detectEquilibration(new Float64Array(20), { candidates: 1 })).toThrow(
      /candidates must be an integer >= 2/,
    )
  })
})
