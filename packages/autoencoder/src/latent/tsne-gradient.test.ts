import { key, normalFloats, reference, uniformFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { conditionalAffinities, jointAffinities } from './affinities'
import { tsneGradient, tsneKlDivergence } from './tsne-gradient'

function problem(n: number, dims: number, seed: number) {
  const x = { data: normalFloats(key(seed), n * 6, 'float64'), shape: [n, 6] as [number, number] }
  const p = jointAffinities(
    conditionalAffinities(x, { perplexity: Math.min(5, (n - 2) / 2), backend: reference }),
  )
  const y = { data: normalFloats(key(seed + 1), n * dims, 'float64'), shape: [n, dims] as [number, number] }
  return { p, y }
}

describe.each([1, 2, 3])('%i-D embedding', (dims) => {
  test('exact gradient equals central finite differences of KL(P‖Q)', () => {
    const { p, y } = problem(9, dims, 20 + dims)
    const { gradient, klDivergence } = tsneGradient(y, p)
    expect(klDivergence).toBeCloseTo(tsneKlDivergence(y, p), 13)
    const h = 1e-5
    for (let k = 0; k < y.data.length; k++) {
      const plus = Float64Array.from(y.data)
      const minus = Float64Array.from(y.data)
      plus[k] += h
      minus[k] -= h
      const numeric =
        (tsneKlDivergence({ data: plus, shape: y.shape }, p) -
          tsneKlDivergence({ data: minus, shape: y.shape }, p)) /
        (2 * h)
      expect(Math.abs(gradient[k] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)))
    }
  })

  test('Barnes-Hut with θ = 0 equals the exact gradient and cost', () => {
    const { p, y } = problem(80, dims, 40 + dims)
    // two coincident points exercise the tree's shared leaves
    y.data.copyWithin(0, dims, 2 * dims)
    const exact = tsneGradient(y, p, { method: 'exact', exaggeration: 4 })
    const bh = tsneGradient(y, p, { method: 'barnes-hut', theta: 0, exaggeration: 4 })
    exact.gradient.forEach((g, k) =>
      expect(Math.abs(bh.gradient[k] - g)).toBeLessThan(1e-12 * Math.max(1, Math.abs(g))),
    )
    expect(bh.klDivergence).toBeCloseTo(exact.klDivergence, 12)
  })
})

test('Barnes-Hut with θ = 0.5 stays within 2% of the exact gradient on 600 points', () => {
  const n = 600
  const x = { data: normalFloats(key(5), n * 6, 'float64'), shape: [n, 6] as [number, number] }
  const p = jointAffinities(conditionalAffinities(x, { perplexity: 20, neighbors: 60 }))
  // a spread-out embedding, as after the early iterations
  const y = {
    data: uniformFloats(key(6), n * 2, 'float64').map((u) => 40 * (u - 0.5)),
    shape: [n, 2] as [number, number],
  }
  const exact = tsneGradient(y, p, { method: 'exact' })
  const bh = tsneGradient(y, p, { method: 'barnes-hut', theta: 0.5 })
  let diff = 0
  let norm = 0
  exact.gradient.forEach((g, k) => {
    diff += (bh.gradient[k] - g) ** 2
    norm += g * g
  })
  const relative = Math.sqrt(diff / norm)
  expect(relative).toBeLessThan(0.02)
  expect(relative).toBeGreaterThan(0) // it is an approximation: θ = 0.5 does skip points
  expect(Math.abs(bh.klDivergence - exact.klDivergence) / exact.klDivergence).toBeLessThan(0.01)
})

test('bad input: typed errors naming the argument', () => {
  const { p, y } = problem(9, 2, 1)
  expect(() => tsneGradient({ data: y.data.subarray(0, 16), shape: [8, 2] }, p)).toThrow(
    /p must be 8 × 8 like the embedding, got size 9/,
  )
  expect(() => tsneGradient(y, p, { theta: -1 })).toThrow(/theta must be >= 0, got -1/)
  expect(() =>
    tsneGradient({ data: new Float64Array(36), shape: [9, 4] }, p, { method: 'barnes-hut' }),
  ).toThrow(/embedding must have at most 3 columns for Barnes-Hut, got 4/)
})
