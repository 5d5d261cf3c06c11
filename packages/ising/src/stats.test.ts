import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { enumerateDensityOfStates, exactObservables } from './exact/dos'
import { squareLattice } from './lattice'
import { createRng, type Xoshiro128 } from './rng'
import { autocorrelationTime, binnedMean, jackknife, measureObservables, type Estimate } from './stats'

/** Standard normal deviates by Box–Muller from the package generator. */
function normals(rng: Xoshiro128, n: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.nextFloat53()
    const v = rng.nextFloat53()
    const r = Math.sqrt(-2 * Math.log(u))
    out[i] = r * Math.cos(2 * Math.PI * v)
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v)
  }
  return out
}

/** x_t = ρ x_{t−1} + √(1−ρ²) ξ_t, started in equilibrium (unit variance). */
function ar1(rho: number, n: number, seed: number): Float64Array {
  const xi = normals(createRng(key(seed)), n)
  const x = new Float64Array(n)
  x[0] = xi[0]
  const s = Math.sqrt(1 - rho * rho)
  for (let t = 1; t < n; t++) x[t] = rho * x[t - 1] + s * xi[t]
  return x
}

/** |estimate − exact| within k standard errors. */
function expectWithin(est: Estimate, exact: number, k = 4): void {
  expect(est.error).toBeGreaterThan(0)
  expect(Math.abs(est.value - exact)).toBeLessThan(k * est.error)
}

describe('autocorrelationTime (F12)', () => {
  test('AR(1) with rho = 0.9 and 1e6 samples: tau_int = (1+rho)/(2(1-rho)) = 9.5', () => {
    const x = ar1(0.9, 1_000_000, 12)
    const t = autocorrelationTime(x)
    expect(t.converged).toBe(true)
    // Madras–Sokal error τ√((4W+2)/n) ≈ 0.14 here. (It is too wide to tell 9.5 from 9.0 at
    // this n; the ½ is pinned by the white-noise test below.)
    expect(t.error).toBeGreaterThan(0.1)
    expect(t.error).toBeLessThan(0.2)
    expect(Math.abs(t.tau - 9.5)).toBeLessThan(3 * t.error)
    expect(t.window).toBeGreaterThanOrEqual(6 * t.tau)
    expect(t.window).toBeLessThan(6 * t.tau + 2)
  })
  test('white noise gives 1/2 (not 0: the ½ is there); a constant series gives 1/2 with window 0', () => {
    const t = autocorrelationTime(normals(createRng(key(3)), 100_000))
    expect(Math.abs(t.tau - 0.5)).toBeLessThan(3 * t.error + 0.01)
    expect(autocorrelationTime([2, 2, 2, 2, 2])).toEqual({ tau: 0.5, window: 0, error: 0, converged: true })
  })
  test('a series far shorter than tau does not converge', () => {
    expect(autocorrelationTime(ar1(0.999, 400, 4)).converged).toBe(false)
  })
  test('bad input', () => {
    expect(() => autocorrelationTime([1, 2])).toThrow(
      'autocorrelationTime: x must be a series of at least 4 numbers, got length 2',
    )
    expect(() => autocorrelationTime([1, 2, 3, 4], 0)).toThrow('autocorrelationTime: c must be > 0, got 0')
  })
})

describe('binnedMean and jackknife', () => {
  test('binned error of AR(1) matches sqrt(2 tau sigma^2 / n)', () => {
    const n = 1_000_000
    const x = ar1(0.9, n, 21)
    const b = binnedMean(x, 50)
    const expected = Math.sqrt((2 * 9.5) / n)
    // 50 bins: the error estimate itself has a relative spread of 1/sqrt(2·49) = 10%.
    expect(b.error / expected).toBeGreaterThan(0.7)
    expect(b.error / expected).toBeLessThan(1.3)
    expectWithin(b, 0)
  })
  test('small hand example', () => {
    // Bin means 1.5, 3.5, 5.5 (the 7th value is dropped): mean 3.5, error sqrt(8/6)/... = 1.1547
    const b = binnedMean([1, 2, 3, 4, 5, 6, 100], 3)
    expect(b.value).toBe(3.5)
    expect(b.error).toBeCloseTo(Math.sqrt(8 / 6), 14)
  })
  test('jackknife of the identity reproduces the binned mean and error', () => {
    const x = ar1(0.5, 10_000, 5)
    const a = binnedMean(x, 20)
    const j = jackknife([x], ([m]) => m, 20)
    expect(j.value).toBeCloseTo(a.value, 14)
    expect(j.error).toBeCloseTo(a.error, 14)
  })
  test('jackknife variance of iid normals: value 1, error sqrt(2/n), bias corrected', () => {
    const n = 200_000
    const x = normals(createRng(key(8)), n)
    const x2 = x.map((v) => v * v)
    const v = jackknife([x, x2], ([a, b]) => b - a * a, 40)
    expectWithin(v, 1)
    expect(v.error / Math.sqrt(2 / n)).toBeGreaterThan(0.75)
    expect(v.error / Math.sqrt(2 / n)).toBeLessThan(1.25)
  })
  test('bad input', () => {
    expect(() => binnedMean([1, 2, 3], 1)).toThrow('binnedMean: bins must be an integer >= 2, got 1')
    expect(() => binnedMean([1, 2, 3], 4)).toThrow(/at least 4 numbers, got length 3/)
    expect(() => jackknife([], () => 0)).toThrow('jackknife: columns must hold at least one series, got none')
    expect(() =>
      jackknife(
        [
          [1, 2, 3, 4],
          [1, 2, 3],
        ],
        () => 0,
        2,
      ),
    ).toThrow(/columns\[1\] must have the length/)
  })
})

describe('measureObservables on exact independent samples (F10)', () => {
  // Draw (E, M) cells of the 4×4 torus independently from the exact Boltzmann law: this tests
  // the observable formulas and error bars with no Markov chain involved.
  const g = enumerateDensityOfStates(squareLattice(4))
  const sample = (T: number, h: number, n: number, seed: number): [Float64Array, Float64Array] => {
    const beta = 1 / T
    const cells = g.energies.length
    const lw = Array.from(
      { length: cells },
      (_, k) => g.logCounts[k] - beta * (g.energies[k] - h * g.magnetisations[k]),
    )
    const max = Math.max(...lw)
    const cdf = new Float64Array(cells)
    let acc = 0
    for (let k = 0; k < cells; k++) cdf[k] = acc += Math.exp(lw[k] - max)
    const rng = createRng(key(seed))
    const E = new Float64Array(n)
    const M = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat53() * acc
      let lo = 0
      let hi = cells - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cdf[mid] > u) hi = mid
        else lo = mid + 1
      }
      E[i] = g.energies[lo] - h * g.magnetisations[lo]
      M[i] = g.magnetisations[lo]
    }
    return [E, M]
  }
  test.each([
    [2, 0],
    [2.5, 0],
    [2.2, 0.3],
  ])('T = %d, h = %d: e, c, <m>, <|m|>, <m²>, U4, chi, chi0 within 4 standard errors', (T, h) => {
    const [E, M] = sample(T, h, 200_000, 100 + T * 10)
    const o = measureObservables(E, M, { size: 16, temperature: T })
    const ex = exactObservables(g, T, h)
    expectWithin(o.e, ex.e)
    expectWithin(o.c, ex.c)
    expectWithin(o.m, ex.m)
    expectWithin(o.absM, ex.absM)
    expectWithin(o.m2, ex.m2)
    expectWithin(o.u4, ex.u4)
    expectWithin(o.chi, ex.chi)
    expectWithin(o.chi0, ex.chi0)
    expect(o.tauE.tau).toBeLessThan(0.6)
    expect(o.samples).toBe(200_000)
  })
  test('T = 2: chi uses <|m|>^2, chi0 uses <m> = 0, and they differ by N<|m|>^2/T', () => {
    const [E, M] = sample(2, 0, 50_000, 7)
    const o = measureObservables(E, M, { size: 16, temperature: 2 })
    expect(o.chi0.value - o.chi.value).toBeCloseTo((16 * o.absM.value ** 2) / 2, 1)
    expect(o.chi.value).toBeLessThan(0.3) // 0.1957, not chi0 = 6.95
  })
  test('bad input', () => {
    const x = new Float64Array(64)
    expect(() => measureObservables(x, x, { size: 0, temperature: 1 })).toThrow(
      'measureObservables: size must be a positive integer, got 0',
    )
    expect(() => measureObservables(x, x, { size: 4, temperature: -1 })).toThrow(/temperature must be > 0/)
    expect(() => measureObservables(x, x.subarray(1), { size: 4, temperature: 1 })).toThrow(
      /magnetisations must have the length of energies \(64\), got 63/,
    )
  })
})

test('statistics refuse non-finite samples, naming the index', () => {
  expect(() => autocorrelationTime([1, Number.NaN, 2, 3])).toThrow(
    'autocorrelationTime: x must hold finite numbers, got NaN at index 1',
  )
  expect(() => binnedMean([1, 2, Infinity, 4, 5, 6, 7, 8], 2)).toThrow(
    /must hold finite numbers, got Infinity at index 2/,
  )
})
