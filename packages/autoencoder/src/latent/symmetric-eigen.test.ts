import { InvalidArgumentError, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { symmetricEigen } from './symmetric-eigen'

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = normalFloats(key(seed), n * n, 'float64')
  const a = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = r[i * n + j] + r[j * n + i]
  return a
}

describe.each(['tridiagonal', 'jacobi'] as const)('symmetricEigen (%s)', (method) => {
  test('2×2 closed form: λ = (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
    const [a, b, c] = [3, -1.5, 0.25]
    const { values, vectors } = symmetricEigen({ data: [a, b, b, c], shape: [2, 2] }, { method })
    const mid = (a + c) / 2
    const radius = Math.hypot((a - c) / 2, b)
    expect(values[0]).toBeCloseTo(mid + radius, 14)
    expect(values[1]).toBeCloseTo(mid - radius, 14)
    // (A − λ1) v = 0 ⇒ v ∝ (b, λ1 − a)
    const v = [b, values[0] - a]
    const norm = Math.hypot(v[0], v[1])
    const sign = Math.abs(v[0]) > Math.abs(v[1]) ? Math.sign(v[0]) : Math.sign(v[1])
    expect(vectors.data[0]).toBeCloseTo((sign * v[0]) / norm, 14)
    expect(vectors.data[1]).toBeCloseTo((sign * v[1]) / norm, 14)
  })

  test('3×3 closed form: the path-graph matrix tridiag(1, 2, 1) has λ = 2 + √2, 2, 2 − √2', () => {
    const { values, vectors } = symmetricEigen(
      { data: [2, 1, 0, 1, 2, 1, 0, 1, 2], shape: [3, 3] },
      { method },
    )
    expectClose(values, [2 + Math.SQRT2, 2, 2 - Math.SQRT2], 14)
    const expected = [
      [0.5, Math.SQRT1_2, 0.5],
      [Math.SQRT1_2, 0, -Math.SQRT1_2],
      [0.5, -Math.SQRT1_2, 0.5],
    ]
    expected.forEach((row, r) => {
      // fix the sign the way the solver does: largest-magnitude entry positive
      row.forEach((x, k) => expect(Math.abs(vectors.data[r * 3 + k])).toBeCloseTo(Math.abs(x), 14))
      const dot = row.reduce((s, x, k) => s + x * vectors.data[r * 3 + k], 0)
      expect(Math.abs(dot)).toBeCloseTo(1, 14)
    })
  })

  test.each([1, 2, 5, 17, 40])('random symmetric n = %i: A v = λ v, V orthonormal, Σλ = trace', (n) => {
    const a = randomSymmetric(n, 100 + n)
    const { values, vectors } = symmetricEigen({ data: a, shape: [n, n] }, { method })
    const v = vectors.data
    let trace = 0
    for (let i = 0; i < n; i++) trace += a[i * n + i]
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10)
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]).toBeLessThanOrEqual(values[j - 1])
      for (let i = 0; i < n; i++) {
        let av = 0
        for (let k = 0; k < n; k++) av += a[i * n + k] * v[j * n + k]
        expect(Math.abs(av - values[j] * v[j * n + i])).toBeLessThan(1e-12 * n)
      }
      for (let l = 0; l < n; l++) {
        let dot = 0
        for (let k = 0; k < n; k++) dot += v[j * n + k] * v[l * n + k]
        expect(Math.abs(dot - (j === l ? 1 : 0))).toBeLessThan(1e-13 * n)
      }
    }
  })

  test('repeated eigenvalues: 3 I has λ = 3, 3, 3 and an orthonormal basis', () => {
    const { values, vectors } = symmetricEigen(
      { data: [3, 0, 0, 0, 3, 0, 0, 0, 3], shape: [3, 3] },
      { method },
    )
    expect(Array.from(values)).toEqual([3, 3, 3])
    for (let j = 0; j < 3; j++) {
      expect(Math.hypot(...vectors.data.subarray(j * 3, j * 3 + 3))).toBeCloseTo(1, 15)
    }
  })
})

test('the two methods agree on a 30×30 matrix', () => {
  const a = { data: randomSymmetric(30, 7), shape: [30, 30] as [number, number] }
  const t = symmetricEigen(a, { method: 'tridiagonal' })
  const j = symmetricEigen(a, { method: 'jacobi' })
  t.values.forEach((x, i) => expect(x).toBeCloseTo(j.values[i], 11))
  // eigenvectors up to sign (the eigenvalues of a random matrix are distinct)
  for (let r = 0; r < 30; r++) {
    let dot = 0
    for (let k = 0; k < 30; k++) dot += t.vectors.data[r * 30 + k] * j.vectors.data[r * 30 + k]
    expect(Math.abs(dot)).toBeCloseTo(1, 10)
  }
})

test('bad input: typed errors naming the argument', () => {
  expect(() => symmetricEigen({ data: [1, 2, 3, 4, 5, 6], shape: [2, 3] })).toThrow(
    /a must be square, got \[2, 3\]/,
  )
  expect(() => symmetricEigen({ data: [1, 2, 3, 4], shape: [2, 2] })).toThrow(InvalidArgumentError)
  expect(() => symmetricEigen({ data: [1, 2, 3, 4], shape: [2, 2] })).toThrow(/must be symmetric/)
  expect(() => symmetricEigen({ data: [1, NaN, NaN, 1], shape: [2, 2] })).toThrow(
    /must hold finite values, got NaN/,
  )
  // @ts-expect-error an unknown method
  expect(() => symmetricEigen({ data: [1], shape: [1, 1] }, { method: 'qr' })).toThrow(/method must be/)
})

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits: number): void {
  expect(actual.length).toBe(expected.length)
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, digits))
}
