import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import { InvalidArgumentError, ShapeError } from '../errors'
import { key } from '../random/key'
import { computeFans, kaimingNormal, kaimingUniform, orthogonal, xavierNormal, xavierUniform } from './init'

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0
  for (let i = 0; i < values.length; i++) mean += values[i]
  mean /= values.length
  let variance = 0
  for (let i = 0; i < values.length; i++) variance += (values[i] - mean) ** 2
  return { mean, variance: variance / values.length }
}

/** The sample variance of n draws has standard error ≈ σ²·√(2/n) (normal) and less for uniform. */
function expectVariance(values: ArrayLike<number>, expected: number): void {
  const { mean, variance } = moments(values)
  const n = values.length
  expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / n))
  expect(Math.abs(variance - expected)).toBeLessThan(5 * expected * Math.sqrt(2 / n))
}

describe('initialisers', () => {
  it('fans follow PyTorch: [out, in, ...kernel]', () => {
    expect(computeFans([64, 32, 3, 3])).toEqual({ fanIn: 288, fanOut: 576 })
    expect(computeFans([10, 20])).toEqual({ fanIn: 20, fanOut: 10 })
    expect(() => computeFans([5])).toThrow(ShapeError)
  })

  it('xavier uniform: bound gain·√(6/(in+out)), variance gain²·2/(in+out)', () => {
    const w = xavierUniform(key(0), [200, 300], { gain: 2 }).dataSync()
    const bound = 2 * Math.sqrt(6 / 500)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound + 1e-7)
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound)
    expectVariance(w, (4 * 2) / 500)
  })

  it('xavier normal and kaiming: the variances of the papers', () => {
    expectVariance(xavierNormal(key(1), [200, 300]).dataSync(), 2 / 500)
    expectVariance(kaimingNormal(key(2), [300, 200]).dataSync(), 2 / 200)
    expectVariance(
      kaimingNormal(key(2), [300, 200], { mode: 'fanOut', nonlinearity: 'linear' }).dataSync(),
      1 / 300,
    )
    expectVariance(kaimingUniform(key(3), [100, 50, 2, 2]).dataSync(), 2 / 200)
    expectVariance(
      kaimingUniform(key(3), [300, 200], { nonlinearity: 'leakyRelu', negativeSlope: 1 }).dataSync(),
      1 / 200,
    )
  })

  it('are reproducible from the key and identical across backends', () => {
    const a = [...xavierUniform(key(9), [4, 5]).dataSync()]
    expect([...xavierUniform(key(9), [4, 5]).dataSync()]).toEqual(a)
    expect([...xavierUniform(key(10), [4, 5]).dataSync()]).not.toEqual(a)
    // The draws are float32, so the reference backend holds the same numbers as cpu up to
    // the float32 rounding of bound·(2u − 1).
    const r = xavierUniform(key(9), [4, 5], { backend: reference }).dataSync()
    r.forEach((v, i) => expect(Math.fround(v)).toBe(a[i]))
  })

  it.each([
    [6, 4],
    [4, 6],
    [5, 5],
    [3, 2, 2],
  ])('orthogonal %j: rows or columns orthonormal, times gain', (...shape) => {
    const gain = 1.5
    const w = orthogonal(key(4), shape, { gain, backend: reference }).dataSync()
    const rows = shape[0]
    const cols = w.length / rows
    const small = Math.min(rows, cols)
    // Gram matrix over the shorter side: G = WWᵀ (rows ≤ cols) or WᵀW (rows > cols).
    for (let a = 0; a < small; a++) {
      for (let b = 0; b < small; b++) {
        let dot = 0
        if (rows <= cols) for (let j = 0; j < cols; j++) dot += w[a * cols + j] * w[b * cols + j]
        else for (let i = 0; i < rows; i++) dot += w[i * cols + a] * w[i * cols + b]
        expect(dot).toBeCloseTo(a === b ? gain * gain : 0, 10)
      }
    }
  })

  it('reject bad gains, modes and shapes with typed errors', () => {
    expect(() => xavierUniform(key(0), [2, 2], { gain: 0 })).toThrow(
      /xavierUniform: gain must be a finite number > 0, got 0/,
    )
    expect(() => kaimingNormal(key(0), [2, 2], { mode: 'fanMiddle' as 'fanIn' })).toThrow(
      InvalidArgumentError,
    )
    expect(() => orthogonal(key(0), [3])).toThrow(
      /orthogonal: shape must be a list of at least 2 integers >= 1, got \[3\]/,
    )
  })
})
