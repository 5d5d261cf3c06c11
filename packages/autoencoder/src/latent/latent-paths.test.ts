import { InvalidArgumentError } from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { latentGrid, latentTraversal, lerp, slerp } from './latent-paths'
import { normalQuantile } from './normal-quantile'

const row = (m: { data: Float64Array; shape: readonly [number, number] }, r: number): number[] =>
  Array.from(m.data.subarray(r * m.shape[1], (r + 1) * m.shape[1]))
const norm = (v: number[]): number => Math.hypot(...v)
const angle = (u: number[], v: number[]): number =>
  Math.acos(u.reduce((s, x, k) => s + x * v[k], 0) / (norm(u) * norm(v)))

test('latentGrid: normal quantiles along columns, falling along rows, other dims at base', () => {
  const grid = latentGrid({ rows: 3, cols: 4, latentSize: 3, dims: [2, 0], base: [7, 8, 9] })
  expect(grid.shape).toEqual([12, 3])
  const q = (i: number, count: number): number => normalQuantile((i + 0.5) / count)
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      expect(row(grid, r * 4 + c)).toEqual([q(2 - r, 3), 8, q(c, 4)])
    }
  }
  // the middle row of an odd grid is the prior's mean; quantiles are symmetric
  expect(row(grid, 4)[0]).toBe(0)
  expect(q(0, 4)).toBeCloseTo(-q(3, 4), 14)
  expect(q(0, 4)).toBeCloseTo(-1.1503493803760079, 12)
})

test('latentGrid: a linear range runs from low to high', () => {
  const grid = latentGrid({ rows: 2, cols: 3, range: [-2, 2] })
  expect(Array.from(grid.data)).toEqual([-2, 2, 0, 2, 2, 2, -2, -2, 0, -2, 2, -2])
})

test('lerp: endpoints exactly, evenly spaced between', () => {
  const path = lerp([1, -2, 3], [4, 0, -3], 4)
  expect(row(path, 0)).toEqual([1, -2, 3])
  expect(row(path, 3)).toEqual([4, 0, -3])
  row(path, 1).forEach((x, k) => expect(x).toBeCloseTo([2, -4 / 3, 1][k], 14))
})

test('slerp: endpoints, unit norm kept for unit endpoints, the midpoint at half the angle', () => {
  const a = [0.6, 0.8, 0, 0]
  const b = [0, 0.28, 0.96, 0]
  const omega = angle(a, b)
  const path = slerp(a, b, 11)
  expect(row(path, 0)).toEqual(a)
  expect(row(path, 10)).toEqual(b)
  for (let s = 0; s <= 10; s++) {
    expect(norm(row(path, s))).toBeCloseTo(1, 14)
    expect(angle(a, row(path, s))).toBeCloseTo((s / 10) * omega, 7)
  }
  const mid = row(path, 5)
  expect(angle(a, mid)).toBeCloseTo(omega / 2, 7)
  expect(angle(mid, b)).toBeCloseTo(omega / 2, 7)
  // a quarter circle: the midpoint of (1, 0) → (0, 1) is (√½, √½)
  const quarter = slerp([1, 0], [0, 1], 3)
  row(quarter, 1).forEach((x) => expect(x).toBeCloseTo(Math.SQRT1_2, 15))
})

test('slerp: parallel codes fall back to lerp, opposite codes are refused', () => {
  expect(Array.from(slerp([1, 1], [2, 2], 3).data)).toEqual([1, 1, 1.5, 1.5, 2, 2])
  expect(() => slerp([1, 0], [-1, 0], 3)).toThrow(/b must not point opposite to a/)
  expect(() => slerp([0, 0], [1, 0], 3)).toThrow(/a must be a non-zero code/)
})

test('latentTraversal: one dimension at a time through the values', () => {
  const t = latentTraversal([0.5, -1, 2], { dims: [2, 0], values: [-1, 0, 1] })
  expect(t.shape).toEqual([6, 3])
  expect(Array.from(t.data)).toEqual([0.5, -1, -1, 0.5, -1, 0, 0.5, -1, 1, -1, -1, 2, 0, -1, 2, 1, -1, 2])
  const all = latentTraversal([0, 0])
  expect(all.shape).toEqual([18, 2])
  expect(row(all, 0)).toEqual([-3, 0])
  expect(row(all, 17)).toEqual([0, 3])
})

test('bad input: typed errors naming the argument', () => {
  expect(() => latentGrid({ rows: 0 })).toThrow(/rows must be a positive integer, got 0/)
  expect(() => latentGrid({ dims: [0, 0] })).toThrow(/dims must be two different integers in \[0, 1\]/)
  expect(() => latentGrid({ range: [1, 1] })).toThrow(/range must be 'quantile' or \[low, high\]/)
  expect(() => latentGrid({ latentSize: 3, base: [0, 0] })).toThrow(
    /base must have latentSize = 3 values, got 2/,
  )
  expect(() => lerp([0, 0], [1], 3)).toThrow(/b must have a's length 2, got 1/)
  expect(() => lerp([0], [1], 1)).toThrow(/steps must be an integer >= 2, got 1/)
  expect(() => lerp([Number.NaN], [1], 3)).toThrow(InvalidArgumentError)
  expect(() => latentTraversal([0, 0], { dims: [2] })).toThrow(
    /dims must be a non-empty list of integers in \[0, 1\]/,
  )
})
