import { key, normalFloats } from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { keyedRandom } from './keyed-random'
import { knnAccuracy } from './scores'
import { umap } from './umap'

const n = 90
const labels = Array.from({ length: n }, (_, i) => i % 3)
const noise = normalFloats(key(9), n * 10, 'float64')
const x = {
  data: noise.map((z, k) => z + (Math.floor(k / 10) % 3 === Math.floor((k % 10) / 3) ? 10 : 0)),
  shape: [n, 10] as [number, number],
}

test('umap separates three clusters; the key fixes the result', () => {
  const epochs: number[] = []
  const a = umap(x, { key: key(1), neighbors: 10, epochs: 150, onProgress: (p) => epochs.push(p.epoch) })
  expect(a.embedding.shape).toEqual([n, 2])
  expect(epochs).toHaveLength(150)
  expect(knnAccuracy(a.embedding, labels, { k: 5 })).toBe(1)
  const b = umap(x, { key: key(1), neighbors: 10, epochs: 150 })
  expect(b.embedding.data).toEqual(a.embedding.data)
  const c = umap(x, { key: key(2), neighbors: 10, epochs: 150 })
  expect(c.embedding.data).not.toEqual(a.embedding.data)
})

test('keyedRandom: a reproducible uniform stream across chunk boundaries', () => {
  const r1 = keyedRandom(key(3))
  const r2 = keyedRandom(key(3))
  const values = Array.from({ length: 10000 }, () => r1())
  expect(Array.from({ length: 10000 }, () => r2())).toEqual(values)
  expect(values.every((u) => u >= 0 && u < 1)).toBe(true)
  // mean 1/2 within 4 standard errors (σ = 1/√12)
  const mean = values.reduce((s, u) => s + u, 0) / values.length
  expect(Math.abs(mean - 0.5)).toBeLessThan(4 / Math.sqrt(12 * values.length))
  // the chunks differ
  expect(values.slice(4096, 4196)).not.toEqual(values.slice(0, 100))
})

test('bad input: typed errors naming the argument', () => {
  expect(() => umap(x, { key: key(0), neighbors: 90 })).toThrow(
    /neighbors must be an integer in \[2, n - 1 = 89\], got 90/,
  )
  expect(() => umap(x, { key: key(0), minDist: 2 })).toThrow(/minDist must be in \[0, spread\]/)
  expect(() => umap(x, { key: key(0), epochs: 0 })).toThrow(/epochs must be a positive integer, got 0/)
})
