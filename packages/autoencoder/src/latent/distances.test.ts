import { key, normalFloats, reference } from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { nearestNeighbors, squaredDistanceMatrix } from './distances'

test('the matmul path (wide data) matches direct differences: float64 reference exactly, float32 cpu closely', () => {
  const n = 700 // more than one block of rows
  const x = { data: normalFloats(key(1), n * 40, 'float64'), shape: [n, 40] as [number, number] }
  const exactRef = squaredDistanceMatrix(x, { backend: reference })
  const fast = squaredDistanceMatrix(x)
  for (const i of [0, 1, 511, 512, 699]) {
    for (const j of [0, 3, 512, 698, 699]) {
      let d2 = 0
      for (let c = 0; c < 40; c++) d2 += (x.data[i * 40 + c] - x.data[j * 40 + c]) ** 2
      expect(exactRef[i * n + j]).toBeCloseTo(d2, 10)
      expect(Math.abs(fast[i * n + j] - d2)).toBeLessThan(1e-4 * Math.max(1, d2))
    }
  }
})

test('nearestNeighbors: nearest first, ties by index, never the point itself', () => {
  const x = { data: Float64Array.of(0, 1, 3, 4, 5), shape: [5, 1] as [number, number] }
  const { indices, squaredDistances } = nearestNeighbors(x, 2)
  expect(Array.from(indices)).toEqual([1, 2, 0, 2, 3, 1, 2, 4, 3, 2])
  expect(Array.from(squaredDistances)).toEqual([1, 9, 1, 4, 1, 4, 1, 1, 1, 4])
  expect(() => nearestNeighbors(x, 5)).toThrow(/k must be an integer in \[1, n - 1 = 4\], got 5/)
})
