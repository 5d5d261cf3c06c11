import { InvalidArgumentError, fromArray, key, normalFloats, reference } from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { pca, pcaFit, pcaInverseTransform, pcaTransform } from './pca'
import { symmetricEigen } from './symmetric-eigen'

// correlated 4-D data: x = A z, z ~ N(0, I)
function data(n: number): { data: Float64Array; shape: [number, number] } {
  const z = normalFloats(key(3), n * 4, 'float64')
  const a = [2, 0, 0, 0, 1, 1, 0, 0, 0.5, -0.5, 0.3, 0, 0.1, 0.2, 0.1, 0.05]
  const x = new Float64Array(n * 4)
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 4; r++) {
      let s = 3 - r
      for (let c = 0; c < 4; c++) s += a[r * 4 + c] * z[i * 4 + c]
      x[i * 4 + r] = s
    }
  }
  return { data: x, shape: [n, 4] }
}

test('explained variance equals the exact eigenvalues of the covariance (independent Jacobi, hand-written covariance)', () => {
  const x = data(50)
  const [n, d] = x.shape
  const mean = [0, 1, 2, 3].map((c) => x.data.filter((_, i) => i % d === c).reduce((s, v) => s + v, 0) / n)
  const cov = new Float64Array(d * d)
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++)
        cov[r * d + c] += ((x.data[i * d + r] - mean[r]) * (x.data[i * d + c] - mean[c])) / (n - 1)
    }
  }
  const exact = symmetricEigen({ data: cov, shape: [d, d] }, { method: 'jacobi' })
  const model = pcaFit(x, { components: 4, backend: reference })
  model.explainedVariance.forEach((v, j) => expect(v).toBeCloseTo(exact.values[j], 12))
  Array.from(model.mean).forEach((m, c) => expect(m).toBeCloseTo(mean[c], 13))
  expect(model.totalVariance).toBeCloseTo(
    exact.values.reduce((s, v) => s + v, 0),
    12,
  )
  expect(model.explainedVarianceRatio.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14)
  // each component is an eigenvector: C w = λ w
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < d; r++) {
      let cw = 0
      for (let c = 0; c < d; c++) cw += cov[r * d + c] * model.components.data[j * d + c]
      expect(cw).toBeCloseTo(model.explainedVariance[j] * model.components.data[j * d + r], 12)
    }
  }
})

test('hand case: points (±2, 0), (0, ±1) have variances 8/3 and 2/3 along the axes', () => {
  const x = { data: [2, 0, -2, 0, 0, 1, 0, -1], shape: [4, 2] as [number, number] }
  const { embedding, model } = pca(x, { components: 2, backend: reference })
  expectClose(model.explainedVariance, [8 / 3, 2 / 3], 14)
  expectClose(model.explainedVarianceRatio, [0.8, 0.2], 14)
  expectClose(model.components.data, [1, 0, 0, 1], 14)
  expectClose(embedding.data, [2, 0, -2, 0, 0, 1, 0, -1], 14)
})

test('scores are centred with the explained variances, and all components reconstruct the data', () => {
  const x = data(40)
  const model = pcaFit(x, { components: 4, backend: reference })
  const z = pcaTransform(model, x, { backend: reference })
  for (let j = 0; j < 4; j++) {
    let s = 0
    let s2 = 0
    for (let i = 0; i < 40; i++) {
      s += z.data[i * 4 + j]
      s2 += z.data[i * 4 + j] ** 2
    }
    expect(s / 40).toBeCloseTo(0, 12)
    expect(s2 / 39).toBeCloseTo(model.explainedVariance[j], 11)
  }
  const back = pcaInverseTransform(model, z)
  back.data.forEach((v, k) => expect(v).toBeCloseTo(x.data[k], 11))
  // with fewer axes the reconstruction is the projection: its residual is orthogonal to the axes
  const two = pcaFit(x, { components: 2, backend: reference })
  const partial = pcaInverseTransform(two, pcaTransform(two, x, { backend: reference }))
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 2; j++) {
      let dot = 0
      for (let c = 0; c < 4; c++)
        dot += (x.data[i * 4 + c] - partial.data[i * 4 + c]) * two.components.data[j * 4 + c]
      expect(dot).toBeCloseTo(0, 11)
    }
  }
  expect(() => pcaInverseTransform(two, z)).toThrow(/z must have the model's 2 columns, got 4/)
})

test('the float32 cpu backend agrees with the float64 reference to float32 precision', () => {
  const x = data(200)
  const exact = pcaFit(x, { components: 2, backend: reference })
  const fast = pcaFit(x, { components: 2 })
  fast.explainedVariance.forEach((v, j) =>
    expect(Math.abs(v - exact.explainedVariance[j]) / v).toBeLessThan(1e-5),
  )
})

test('a 2-D tensor is accepted like plain rows', () => {
  const x = data(30)
  const fromTensor = pcaFit(fromArray(x.data, { shape: [30, 4], backend: reference }), { backend: reference })
  const fromRows = pcaFit(x, { backend: reference })
  expect(Array.from(fromTensor.explainedVariance)).toEqual(Array.from(fromRows.explainedVariance))
  expect(() => pcaFit(fromArray([1, 2, 3]))).toThrow(/x must be a 2-D tensor \[rows, cols\], got shape \[3\]/)
})

test('bad input: typed errors naming the argument', () => {
  const x = data(10)
  expect(() => pcaFit(x, { components: 5 })).toThrow(/components must be an integer in \[1, d = 4\], got 5/)
  expect(() => pcaFit({ data: [1, 2], shape: [1, 2] })).toThrow(/x must have at least 2 rows, got 1/)
  expect(() => pcaFit({ data: [1, 2, 3], shape: [2, 2] })).toThrow(InvalidArgumentError)
  expect(() => pcaTransform(pcaFit(x), { data: [1, 2, 3], shape: [1, 3] })).toThrow(
    /x must have the model's 4 columns, got 3/,
  )
  // @ts-expect-error options must be an object
  expect(() => pcaFit(x, 3)).toThrow(/options must be an options object/)
})

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits: number): void {
  expect(actual.length).toBe(expected.length)
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, digits))
}
