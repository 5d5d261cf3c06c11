import { expect, test } from 'vitest'
import { batchCount, batches, batchesAsync } from './batches.js'
import { labeledImages } from './labeled-images.js'

const set = labeledImages(
  Uint8Array.from({ length: 10 * 4 }, (_, i) => Math.floor(i / 4) * 10),
  Uint8Array.from({ length: 10 }, (_, i) => i),
  { height: 2, width: 2 },
)

test('unshuffled batches follow the set order and scale pixels to [0, 1]', () => {
  const all = [...batches(set, { batchSize: 4 })]
  expect(all.map((b) => b.shape)).toEqual([
    [4, 2, 2],
    [4, 2, 2],
    [2, 2, 2],
  ])
  expect(Array.from(all[1].labels)).toEqual([4, 5, 6, 7])
  expect(all[1].images[0]).toBeCloseTo(40 / 255, 7)
  expect(batchCount(10, { batchSize: 4 })).toBe(3)
  expect(batchCount(10, { batchSize: 4, dropLast: true })).toBe(2)
  expect([...batches(set, { batchSize: 4, dropLast: true })]).toHaveLength(2)
})

test('a seeded epoch visits every image once; epochs and seeds give other orders', () => {
  const order = (seed: number, epoch: number): number[] =>
    [...batches(set, { batchSize: 3, seed, epoch })].flatMap((b) => Array.from(b.labels))
  const first = order(1, 0)
  expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i))
  expect(order(1, 0)).toEqual(first)
  expect(order(1, 1)).not.toEqual(first)
  expect(order(2, 0)).not.toEqual(first)
  // Pixels travel with their labels.
  for (const batch of batches(set, { batchSize: 3, seed: 1 })) {
    batch.labels.forEach((label, b) => expect(batch.images[4 * b]).toBeCloseTo((label * 10) / 255, 7))
  }
})

test('the async iterator yields the same batches', async () => {
  const sync = [...batches(set, { batchSize: 4, seed: 9 })].map((b) => Array.from(b.indices))
  const async: number[][] = []
  for await (const batch of batchesAsync(set, { batchSize: 4, seed: 9 }))
    async.push(Array.from(batch.indices))
  expect(async).toEqual(sync)
})

test('bad batch options are rejected by name', () => {
  expect(() => [...batches(set, { batchSize: 0 })]).toThrow(
    'batches: batchSize must be a positive integer, got 0',
  )
  expect(() => [...batches(set, { batchSize: 2, epoch: -1 })]).toThrow(
    'batches: epoch must be a non-negative integer, got -1',
  )
  expect(() => [...batches(set, { batchSize: 2, seed: Number.NaN })]).toThrow(
    'batches: seed must be a safe integer, got NaN',
  )
})
