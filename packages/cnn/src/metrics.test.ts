import { fromArray, key, normalFloats, reference } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { lenet5Config } from './lenet'
import {
  classifierScore,
  confusionMatrix,
  extractFeatures,
  filterGrid,
  frechetClassifierDistance,
  frechetDistance,
  gaussianFit,
} from './metrics'
import { initSequential, type SequentialConfig, type SequentialParams } from './sequential'

describe('Fréchet distance', () => {
  test('1-D Gaussians: (μ₁ − μ₂)² + (σ₁ − σ₂)²', () => {
    const a = { mean: new Float64Array([1]), covariance: new Float64Array([4]), dim: 1, count: 10 }
    const b = { mean: new Float64Array([3]), covariance: new Float64Array([9]), dim: 1, count: 10 }
    expect(frechetDistance(a, b)).toBeCloseTo(4 + 1, 12)
  })

  test('diagonal and rotated covariances against the closed form; identical fits give 0', () => {
    // Σ₁ = diag(1, 4), Σ₂ = diag(9, 1): Tr = 15, 2·Tr√(Σ₁Σ₂) = 2·(3 + 2) = 10
    const a = { mean: new Float64Array([0, 0]), covariance: new Float64Array([1, 0, 0, 4]), dim: 2, count: 5 }
    const b = { mean: new Float64Array([1, 2]), covariance: new Float64Array([9, 0, 0, 1]), dim: 2, count: 5 }
    expect(frechetDistance(a, b)).toBeCloseTo(5 + 15 - 10, 10)
    // rotating both by 45° changes nothing
    const r = (d0: number, d1: number): Float64Array =>
      new Float64Array([(d0 + d1) / 2, (d0 - d1) / 2, (d0 - d1) / 2, (d0 + d1) / 2])
    const ra = { ...a, covariance: r(1, 4) }
    const rb = { ...b, covariance: r(9, 1) }
    expect(frechetDistance(ra, rb)).toBeCloseTo(10, 10)
    const f = normalFloats(key(0), 300 * 6, 'float64')
    const fit = gaussianFit(f, 6)
    expect(frechetDistance(fit, fit)).toBeCloseTo(0, 9)
  })

  test('gaussianFit: mean and unbiased covariance', () => {
    const fit = gaussianFit(new Float64Array([0, 0, 2, 2, 4, 1]), 2)
    expect(Array.from(fit.mean)).toEqual([2, 1])
    expect(Array.from(fit.covariance)).toEqual([4, 1, 1, 1])
    expect(() => gaussianFit(new Float64Array(3), 2)).toThrow(
      /gaussianFit: features must hold N >= 2 vectors of dim 2/,
    )
  })
})

describe('classifier metrics on an untrained LeNet-5', () => {
  const config = lenet5Config({ variant: 'modern' })
  const params: SequentialParams = initSequential(config, { key: key(0), backend: reference })
  const images = fromArray(normalFloats(key(1), 40 * 784), { shape: [40, 1, 28, 28], backend: reference })

  test('penultimate features are F6 (84 values); identical sets give FD 0', () => {
    const { dim, count } = extractFeatures(config, params, images, { batchSize: 16 })
    expect([count, dim]).toEqual([40, 84])
    expect(frechetClassifierDistance(config, params, [images, images])).toBeCloseTo(0, 6)
  })

  test('classifier score lies in [1, classes]; a one-class classifier scores 1', () => {
    const { score, marginal } = classifierScore(config, params, images)
    expect(score).toBeGreaterThanOrEqual(1)
    expect(score).toBeLessThanOrEqual(10)
    expect(marginal.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    // logits that ignore the input: every p(y|x) equals p̂(y), KL 0
    const constant: SequentialConfig = {
      inputShape: [1, 2, 2],
      layers: [{ type: 'flatten' }, { type: 'linear', outFeatures: 3 }],
    }
    const flat = {
      '1': {
        weight: fromArray([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], { shape: [3, 4], backend: reference }),
        bias: fromArray([1, 2, 3], { backend: reference }),
      },
    }
    const x = fromArray(normalFloats(key(2), 8), { shape: [2, 1, 2, 2], backend: reference })
    expect(classifierScore(constant, flat, x).score).toBeCloseTo(1, 12)
  })

  test('confusion matrix and filter grid as plain data', () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 1, 0, 2], 3)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ])
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      /confusionMatrix: labels must be classes in \[0, 3\)/,
    )
    const grid = filterGrid(params['0'].weight)
    expect([grid.rows, grid.columns, grid.height, grid.width]).toEqual([2, 3, 11, 17])
    expect(Math.min(...grid.pixels)).toBe(0)
    expect(Math.max(...grid.pixels)).toBe(1)
    expect(grid.pixels[5]).toBe(1) // the gap column after the first filter
  })
})

describe('sample-size bias of the Fréchet distance (two samples of one Gaussian)', () => {
  // For two sets of N draws from N(0, I_D), E‖μ̂₁ − μ̂₂‖² = 2D/N exactly, and to second order
  // Tr(Σ̂₁ + Σ̂₂ − 2(Σ̂₁^½Σ̂₂Σ̂₁^½)^½) ≈ ¼‖Σ̂₁ − Σ̂₂‖²_F, whose mean is D(D + 1)/(2(N − 1)):
  // the distance between two samples of one distribution falls like 1/N, so only FDs at the
  // same N compare (case P21: 1k vs 10k real images is not 10k vs 10k).
  const dim = 8
  const meanFd = (n: number, m: number, seed: number): number => {
    const reps = 30
    let total = 0
    for (let r = 0; r < reps; r++) {
      const a = Float64Array.from(normalFloats(key(seed + 2 * r), n * dim))
      const b = Float64Array.from(normalFloats(key(seed + 2 * r + 1), m * dim))
      total += frechetDistance(gaussianFit(a, dim), gaussianFit(b, dim))
    }
    return total / reps
  }
  const predicted = (n: number): number => (2 * dim) / n + (dim * (dim + 1)) / (2 * (n - 1))

  test('the mean FD at N = 200 and N = 2000 matches 2D/N + D(D+1)/(2(N−1)); ten times the sample, a tenth the distance', () => {
    const small = meanFd(200, 200, 1000)
    const large = meanFd(2000, 2000, 3000)
    // one FD here is a sum of ~D(D+3)/2 = 44 squared Gaussian terms (relative sd ≈ √(2/44) =
    // 0.21), so the mean of 30 has a relative standard error of 0.04: 15% is about 4 of them
    expect(small / predicted(200)).toBeGreaterThan(0.85)
    expect(small / predicted(200)).toBeLessThan(1.15)
    expect(large / predicted(2000)).toBeGreaterThan(0.85)
    expect(large / predicted(2000)).toBeLessThan(1.15)
    expect(small / large).toBeGreaterThan(7)
    expect(small / large).toBeLessThan(13)
    // unequal sizes: 200 vs 2000 sits between (each set contributes about half of the bias)
    const mixed = meanFd(200, 2000, 5000)
    expect(mixed).toBeGreaterThan(1.5 * large)
    expect(mixed).toBeLessThan(0.8 * small)
  })
})
