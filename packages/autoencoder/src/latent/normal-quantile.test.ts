import { expect, test } from 'vitest'
import { erfc, normalQuantile } from './normal-quantile'

// reference values: Python's statistics.NormalDist().inv_cdf and math.erfc (both float64-exact to ~1 ulp)
test.each([
  [0.975, 1.9599639845400536],
  [0.8413447460685429, 1.0],
  [0.5, 0],
  [0.3, -0.5244005127080407],
  [0.02425, -1.9729610513118845],
  [0.99, 2.3263478740408408],
  [0.001, -3.090232306167813],
  [1e-10, -6.361340902404056],
])('Φ⁻¹(%f) = %f', (p, x) => {
  expect(Math.abs(normalQuantile(p) - x)).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)))
  // 1 − p rounds to the nearest float64, which moves a far-tail quantile: check symmetry away from it
  if (p > 1e-6) expect(normalQuantile(1 - p)).toBeCloseTo(-x, 10)
})

test.each([
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.9, 0.0072095707647425325],
  [2, 0.004677734981047265],
  [3, 2.2090496998585438e-5],
  [6, 2.1519736712498916e-17],
  [-1, 1.842700792949715],
])('erfc(%f) = %f', (x, value) => {
  // the series below 2 loses about two digits to cancellation near x = 2
  expect(Math.abs(erfc(x) - value) / value).toBeLessThan(5e-14)
})

test('bad input: p outside (0, 1)', () => {
  expect(() => normalQuantile(0)).toThrow(/normalQuantile: p must be in \(0, 1\), got 0/)
  expect(() => normalQuantile(Number.NaN)).toThrow(/got NaN/)
})
