import { key, normalFloats, reference } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { conditionalAffinities, jointAffinities } from './affinities'
import { squaredDistanceMatrix } from './distances'

const n = 60
const x = { data: normalFloats(key(11), n * 5, 'float64'), shape: [n, 5] as [number, number] }

describe.each([
  ['all neighbours', 'all' as const],
  ['24 nearest', 24],
])('conditionalAffinities (%s)', (_name, neighbors) => {
  test.each([5, 7.5])(
    'perplexity %f: each row has entropy ln(perplexity) and p ∝ exp(−β d²)',
    (perplexity) => {
      const p = conditionalAffinities(x, { perplexity, neighbors, backend: reference })
      const d2 = squaredDistanceMatrix(x, { backend: reference })
      for (let i = 0; i < n; i++) {
        let sum = 0
        let entropy = 0
        const start = p.rowStart[i]
        for (let e = start; e < p.rowStart[i + 1]; e++) {
          sum += p.values[e]
          if (p.values[e] > 0) entropy -= p.values[e] * Math.log(p.values[e])
          expect(p.columns[e]).not.toBe(i)
          if (e > start) expect(p.columns[e]).toBeGreaterThan(p.columns[e - 1])
          // ln(p_j / p_first) = −β (d²_j − d²_first)
          const j = p.columns[e]
          const first = p.columns[start]
          expect(Math.log(p.values[e] / p.values[start])).toBeCloseTo(
            -p.betas[i] * (d2[i * n + j] - d2[i * n + first]),
            9,
          )
        }
        expect(sum).toBeCloseTo(1, 12)
        expect(Math.abs(entropy - Math.log(perplexity))).toBeLessThan(1e-5)
        expect(p.entropies[i]).toBeCloseTo(entropy, 10)
      }
    },
  )
})

test('the 24-nearest rows hold exactly the 24 nearest points', () => {
  const p = conditionalAffinities(x, { perplexity: 5, neighbors: 24, backend: reference })
  const d2 = squaredDistanceMatrix(x, { backend: reference })
  for (let i = 0; i < n; i++) {
    const sorted = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => d2[i * n + a] - d2[i * n + b])
    expect(Array.from(p.columns.subarray(i * 24, (i + 1) * 24))).toEqual(
      sorted.slice(0, 24).sort((a, b) => a - b),
    )
  }
})

test('jointAffinities: p_ij = (p_{j|i} + p_{i|j}) / 2n, symmetric, summing to 1', () => {
  const conditional = conditionalAffinities(x, { perplexity: 5, neighbors: 15, backend: reference })
  const joint = jointAffinities(conditional)
  const dense = (m: typeof joint): Float64Array => {
    const out = new Float64Array(n * n)
    for (let i = 0; i < n; i++)
      for (let e = m.rowStart[i]; e < m.rowStart[i + 1]; e++) out[i * n + m.columns[e]] = m.values[e]
    return out
  }
  const c = dense(conditional)
  const p = dense(joint)
  let total = 0
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      expect(p[i * n + j]).toBeCloseTo((c[i * n + j] + c[j * n + i]) / (2 * n), 15)
      expect(p[i * n + j]).toBe(p[j * n + i])
      total += p[i * n + j]
    }
  }
  expect(total).toBeCloseTo(1, 13)
})

test('bad input: typed errors naming the argument', () => {
  expect(() => conditionalAffinities(x, { perplexity: 59 })).toThrow(
    /perplexity must be in \(1, n - 1 = 59\), got 59/,
  )
  expect(() => conditionalAffinities(x, { perplexity: 1 })).toThrow(/perplexity must be in/)
  expect(() => conditionalAffinities(x, { perplexity: 10, neighbors: 10 })).toThrow(
    /neighbors must be 'all' or an integer in \(perplexity = 10/,
  )
  expect(() => conditionalAffinities(x, { tolerance: 0 })).toThrow(/tolerance must be positive, got 0/)
})
