import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import { toyDistribution, type ToyDistributionName } from '../src/index.js'

const names: ToyDistributionName[] = [
  'eight-gaussians',
  'twenty-five-gaussians',
  'two-moons',
  'swiss-roll',
  'checkerboard',
  'rings',
]

/** Sample mean of f over the points, and its standard error from the sample variance of f. */
function meanAndError(points: Float64Array, f: (x: number, y: number) => number): [number, number] {
  const n = points.length / 2
  let sum = 0
  let sumSq = 0
  for (let i = 0; i < n; i++) {
    const v = f(points[2 * i], points[2 * i + 1])
    sum += v
    sumSq += v * v
  }
  const mean = sum / n
  return [mean, Math.sqrt((sumSq / n - mean * mean) / n)]
}

describe('toy distributions', () => {
  const count = isFullRun() ? 2_000_000 : 100_000

  test.each(names)(
    '%s: sample moments match the exact ones within 4.5 standard errors',
    { tags: ['slow'] },
    (name) => {
      const dist = toyDistribution(name)
      const points = dist.sample(count, { seed: 2024 })
      const [mx, my] = dist.mean
      const checks: [string, (x: number, y: number) => number, number][] = [
        ['E x', (x) => x, mx],
        ['E y', (_, y) => y, my],
        ['Var x', (x) => (x - mx) ** 2, dist.covariance[0][0]],
        ['Var y', (_, y) => (y - my) ** 2, dist.covariance[1][1]],
        ['Cov', (x, y) => (x - mx) * (y - my), dist.covariance[0][1]],
      ]
      for (const [what, f, exact] of checks) {
        const [estimate, error] = meanAndError(points, f)
        expect(
          Math.abs(estimate - exact),
          `${name} ${what}: ${estimate} vs ${exact} ± ${error}`,
        ).toBeLessThan(4.5 * error + 1e-12)
      }
    },
  )

  test.each(names)(
    '%s: the density integrates to 1 and matches a histogram of samples',
    { tags: ['slow'] },
    (name) => {
      const dist = toyDistribution(name)
      // Integrate on a grid covering the support (midpoint rule); the curves' quadrature
      // densities cost ~8k exp per point, so their grid is coarser.
      const half = name === 'rings' ? 3.5 : name === 'two-moons' ? 2 : 3
      const cells = dist.densityIsExact ? 400 : isFullRun() ? 200 : 60
      const h = (2 * half) / cells
      const cx = name === 'two-moons' ? 0.5 : 0
      const cy = name === 'two-moons' ? 0.25 : 0
      let integral = 0
      for (let i = 0; i < cells; i++) {
        for (let j = 0; j < cells; j++) {
          integral += dist.density(cx - half + (i + 0.5) * h, cy - half + (j + 0.5) * h) * h * h
        }
      }
      // Midpoint-rule error on peaks of width σ = 0.05 with h = 0.0175 is well under 1%;
      // the checkerboard's edges fall on grid lines, so it is exact.
      expect(integral, name).toBeCloseTo(1, dist.densityIsExact ? 2 : 1)
      // Probability of one box from the density against the fraction of samples in it.
      const points = dist.sample(count, { seed: 7 })
      const [bx, by, size] = [dist.mean[0] + 0.3, dist.mean[1] - 0.2, 0.8]
      let inside = 0
      for (let i = 0; i < count; i++) {
        const x = points[2 * i]
        const y = points[2 * i + 1]
        if (x >= bx && x < bx + size && y >= by && y < by + size) inside++
      }
      const fine = dist.densityIsExact || isFullRun() ? 40 : 20
      let p = 0
      for (let i = 0; i < fine; i++) {
        for (let j = 0; j < fine; j++) {
          p +=
            dist.density(bx + ((i + 0.5) * size) / fine, by + ((j + 0.5) * size) / fine) * (size / fine) ** 2
        }
      }
      const fraction = inside / count
      const error = Math.sqrt((p * (1 - p)) / count)
      expect(Math.abs(fraction - p), `${name}: box fraction ${fraction} vs ${p}`).toBeLessThan(
        4.5 * error + 0.01 * p + 1e-4,
      )
    },
  )
})
