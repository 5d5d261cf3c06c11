import { arange, fromArray, key, reshape } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { epochBatches, randomShift, toImageDataset } from './data'

describe('data', () => {
  const set = {
    images: Uint8Array.from({ length: 5 * 4 }, (_, i) => i * 10),
    labels: Uint8Array.from([0, 1, 2, 3, 4]),
    count: 5,
    height: 2,
    width: 2,
  }

  test('toImageDataset scales bytes, normalises and slices', () => {
    const d = toImageDataset(set, { start: 1, count: 2, mean: 0.5, std: 0.25 })
    expect(d.images.shape).toEqual([2, 1, 2, 2])
    expect(d.labels.dtype).toBe('int32')
    expect(Array.from(d.labels.dataSync())).toEqual([1, 2])
    expect(d.images.dataSync()[0]).toBeCloseTo((40 / 255 - 0.5) / 0.25, 6)
    expect(() => toImageDataset(set, { start: 4, count: 2 })).toThrow(
      /toImageDataset: count must pick, from start, a non-empty range of the 5 images, got start 4, count 2/,
    )
  })

  test('epochBatches: keyed shuffles are permutations, batches are views of one shuffled copy', () => {
    const data = toImageDataset(set)
    const { batches, order, shuffled } = epochBatches(data, { batchSize: 2, key: key(3) })
    expect(batches).toHaveLength(2) // last partial batch dropped
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4])
    expect(Array.from(batches[1].labels.dataSync())).toEqual([order[2], order[3]])
    expect(batches[1].images.isContiguous).toBe(true)
    expect(shuffled?.labels.shape).toEqual([5])
    // same key, same order; another key, another order (for 5! = 120 orders)
    expect(epochBatches(data, { batchSize: 2, key: key(3) }).order).toEqual(order)
    expect(epochBatches(data, { batchSize: 2, key: key(4) }).order).not.toEqual(order)
    const plain = epochBatches(data, { batchSize: 2, dropLast: false })
    expect(plain.batches.map((b) => b.labels.shape[0])).toEqual([2, 2, 1])
    expect(plain.shuffled).toBeUndefined()
    expect(() => epochBatches(data, { batchSize: 6 })).toThrow(
      /batchSize must be an integer in \[1, 5\], got 6/,
    )
  })

  test('randomShift moves each image by a keyed integer offset and fills the border', () => {
    const x = reshape(arange(1, 1 + 2 * 9), [2, 1, 3, 3])
    expect(randomShift(x, { maxShift: 0, key: key(0) }).toArray()).toEqual(x.toArray())
    const moved = randomShift(x, { maxShift: 1, key: key(0), fill: -1 })
    const again = randomShift(x, { maxShift: 1, key: key(0), fill: -1 })
    expect(moved.toArray()).toEqual(again.toArray())
    // every output pixel is the fill or an input pixel of the same image, in order
    const out = moved.dataSync()
    for (let n = 0; n < 2; n++) {
      const kept = Array.from(out.slice(n * 9, n * 9 + 9)).filter((v) => v !== -1)
      expect(kept.length).toBeGreaterThanOrEqual(4)
      expect(kept.every((v) => v > n * 9 && v <= n * 9 + 9)).toBe(true)
    }
    // a known shift: one image, maxShift 1, find which (dy, dx) was drawn and check exactly
    const one = fromArray([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ])
    const r = randomShift(one, { maxShift: 1, key: key(5) }).toArray() as number[][][][]
    const flat = r[0][0].flat()
    const candidates = [-1, 0, 1].flatMap((dy) =>
      [-1, 0, 1].map((dx) =>
        [0, 1].flatMap((i) =>
          [0, 1].map((j) =>
            i - dy >= 0 && i - dy < 2 && j - dx >= 0 && j - dx < 2 ? [1, 2, 3, 4][(i - dy) * 2 + j - dx] : 0,
          ),
        ),
      ),
    )
    expect(candidates).toContainEqual(flat)
    expect(() => randomShift(one, { maxShift: -1, key: key(0) })).toThrow(
      /randomShift: maxShift must be an integer >= 0/,
    )
  })
})
