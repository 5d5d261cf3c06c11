import { InvalidArgumentError, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { knnAccuracy, trustworthiness } from './scores'
import { tsne, type TsneProgress } from './tsne'

// three Gaussian clusters in 10-D, centres 10 apart, unit spread
const n = 90
const labels = Array.from({ length: n }, (_, i) => i % 3)
const noise = normalFloats(key(9), n * 10, 'float64')
const x = {
  data: noise.map((z, k) => z + (Math.floor(k / 10) % 3 === Math.floor((k % 10) / 3) ? 10 : 0)),
  shape: [n, 10] as [number, number],
}

describe.each(['exact', 'barnes-hut'] as const)('tsne (%s)', (method) => {
  test('separates three clusters, keeps neighbourhoods, and reports progress', () => {
    const progress: TsneProgress[] = []
    const result = tsne(x, {
      key: key(1),
      method,
      perplexity: 10,
      iterations: 400,
      onProgress: (p) => progress.push(p),
    })
    expect(result.embedding.shape).toEqual([n, 2])
    // a random layout scores 1/3; one point stuck in a wrong cluster (it happens, by chance) costs 0.011
    expect(knnAccuracy(result.embedding, labels, { k: 5 })).toBeGreaterThanOrEqual(0.97)
    expect(trustworthiness(x, result.embedding, { k: 5 })).toBeGreaterThan(0.9)
    expect(progress.map((p) => p.iteration)).toEqual([50, 100, 150, 200, 250, 300, 350, 400])
    expect(progress.at(-1)?.klDivergence).toBe(result.klDivergence)
    // after the exaggeration ends the cost only falls
    const late = progress.filter((p) => p.iteration >= 300).map((p) => p.klDivergence)
    late.slice(1).forEach((kl, i) => expect(kl).toBeLessThanOrEqual(late[i] + 1e-9))
    expect(result.klDivergence).toBeGreaterThan(0)
    // centred
    for (let c = 0; c < 2; c++) {
      let mean = 0
      for (let i = 0; i < n; i++) mean += result.embedding.data[i * 2 + c]
      expect(Math.abs(mean / n)).toBeLessThan(1e-9)
    }
  })

  test('the key fixes the result: same key, same embedding; another key, another one', () => {
    const run = (seed: number): Float64Array =>
      tsne(x, { key: key(seed), method, perplexity: 10, iterations: 60 }).embedding.data
    expect(run(4)).toEqual(run(4))
    expect(run(5)).not.toEqual(run(4))
  })
})

test('an init replaces the random draw, and 3-D embeddings work', () => {
  const init = { data: normalFloats(key(2), n * 3, 'float64'), shape: [n, 3] as [number, number] }
  const a = tsne(x, { key: key(0), init, dimensions: 3, perplexity: 10, iterations: 30 })
  const b = tsne(x, { key: key(99), init, dimensions: 3, perplexity: 10, iterations: 30 })
  expect(a.embedding.shape).toEqual([n, 3])
  expect(a.embedding.data).toEqual(b.embedding.data)
})

test.each(['exact', 'barnes-hut'] as const)(
  '%s: identical points give a finite embedding, not NaN',
  (method) => {
    const same = { data: new Float64Array(40 * 3).fill(0.5), shape: [40, 3] as [number, number] }
    const r = tsne(same, { key: key(1), perplexity: 5, iterations: 100, method })
    expect(r.embedding.data.every(Number.isFinite)).toBe(true)
    expect(Number.isFinite(r.klDivergence)).toBe(true)
  },
)

test('bad input: typed errors naming the argument', () => {
  const k = key(0)
  expect(() => tsne(x, { key: k, perplexity: 89 })).toThrow(/perplexity must be in \(1, n - 1 = 89\), got 89/)
  expect(() => tsne(x, { key: k, dimensions: 4 })).toThrow(/dimensions must be at most 3 for Barnes-Hut/)
  expect(() => tsne(x, { key: k, learningRate: 0 })).toThrow(/learningRate must be a positive number, got 0/)
  expect(() => tsne(x, { key: k, iterations: 1.5 })).toThrow(/iterations must be an integer >= 0, got 1.5/)
  expect(() => tsne(x, { key: k, momentum: [0.5, 1] })).toThrow(/momentum must be two numbers in \[0, 1\)/)
  expect(() => tsne(x, { key: k, init: { data: new Float64Array(4), shape: [2, 2] } })).toThrow(
    /init must have shape \[90, 2\], got \[2, 2\]/,
  )
  expect(() => tsne({ data: [1, 2, 3], shape: [3, 1] }, { key: k })).toThrow(
    /x must have at least 4 rows, got 3/,
  )
  // @ts-expect-error the key is required
  expect(() => tsne(x, {})).toThrow(InvalidArgumentError)
})
