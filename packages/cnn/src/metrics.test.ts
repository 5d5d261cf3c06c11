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
