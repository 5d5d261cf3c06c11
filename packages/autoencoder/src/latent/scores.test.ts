import { key, normalFloats, permutation } from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { knnAccuracy, trustworthiness } from './scores'

const line = (values: number[]): { data: Float64Array; shape: [number, number] } => ({
  data: Float64Array.from(values),
  shape: [values.length, 1],
})

test('knnAccuracy: hand-computed leave-one-out votes', () => {
  // two clusters of three on a line
  const x = line([0, 1, 2, 10, 11, 12])
  expect(knnAccuracy(x, [0, 0, 0, 1, 1, 1], { k: 2 })).toBe(1)
  // point 2 relabelled 1: its neighbours 1, 0 vote 0 (wrong); points 0 and 1 see {1: 0, 2: 1}: a tie
  // that the nearer neighbour decides: point 0 → label of 1 = 0 (right), point 1 → label of 0 = 0 (right)
  expect(knnAccuracy(x, [0, 0, 1, 1, 1, 1], { k: 2 })).toBeCloseTo(5 / 6, 15)
  // k = 1 on an alternating line: every nearest neighbour has the other label
  expect(knnAccuracy(line([0, 1, 3, 6]), [0, 1, 0, 1], { k: 1 })).toBe(0)
})

test('trustworthiness: hand-computed values on a line, gaps 1, 2, 3, 4, 5', () => {
  const x = line([0, 1, 3, 6, 10, 15])
  // the last two points swapped in the embedding
  const y = line([0, 1, 3, 6, 15, 10])
  // k = 1: points 4 and 5 each get an intruder of original rank 2: T = 1 − 2/(6·1·8) · 2 = 11/12
  expect(trustworthiness(x, y, { k: 1 })).toBeCloseTo(11 / 12, 15)
  // k = 2: only point 3 gets an intruder (point 5, original rank 5): T = 1 − 2/(6·2·5) · 3 = 0.9
  expect(trustworthiness(x, y, { k: 2 })).toBeCloseTo(0.9, 15)
  expect(trustworthiness(x, x, { k: 2 })).toBe(1)
})

test('both scores are invariant to permuting the points and to rigid motions of the embedding', () => {
  const n = 80
  const x = { data: normalFloats(key(1), n * 6, 'float64'), shape: [n, 6] as [number, number] }
  const y = { data: normalFloats(key(2), n * 2, 'float64'), shape: [n, 2] as [number, number] }
  const labels = Array.from({ length: n }, (_, i) => i % 3)
  const order = Array.from(permutation(key(3), n))
  const px = { data: new Float64Array(n * 6), shape: x.shape }
  const py = { data: new Float64Array(n * 2), shape: y.shape }
  // rotation by 0.7 rad and a shift: distances unchanged
  const [c, s] = [Math.cos(0.7), Math.sin(0.7)]
  order.forEach((from, to) => {
    px.data.set(x.data.subarray(from * 6, from * 6 + 6), to * 6)
    const [u, v] = [y.data[2 * from], y.data[2 * from + 1]]
    py.data[2 * to] = c * u - s * v + 5
    py.data[2 * to + 1] = s * u + c * v - 3
  })
  const plabels = order.map((from) => labels[from])
  const t = trustworthiness(x, y, { k: 7 })
  expect(t).toBeGreaterThan(0.3)
  expect(t).toBeLessThan(0.8) // a random embedding is far from trustworthy
  expect(trustworthiness(px, py, { k: 7 })).toBeCloseTo(t, 12)
  expect(knnAccuracy(py, plabels, { k: 5 })).toBe(knnAccuracy(y, labels, { k: 5 }))
})

test('bad input: typed errors naming the argument', () => {
  const x = line([0, 1, 3, 6])
  expect(() => knnAccuracy(x, [0, 1], { k: 1 })).toThrow(/labels must have one label per row \(4\), got 2/)
  expect(() => knnAccuracy(x, [0, 1, 0, 1], { k: 4 })).toThrow(
    /k must be an integer in \[1, n - 1 = 3\], got 4/,
  )
  expect(() => trustworthiness(x, x, { k: 2 })).toThrow(/k must be an integer in \[1, n\/2 = 2\), got 2/)
  expect(() => trustworthiness(x, line([0, 1]), { k: 1 })).toThrow(
    /embedding must have the original's 4 rows, got 2/,
  )
})
