import {
  flatten,
  fromArray,
  key,
  matmul,
  memoryStats,
  normalFloats,
  reference,
  tanh,
  type Tensor,
} from '@gen/core-tensor'
import { expect, test } from 'vitest'
import { encodeDataset } from './encode-dataset'

const n = 23
const x = { data: normalFloats(key(1), n * 5, 'float64'), shape: [n, 5] as [number, number] }
const w = normalFloats(key(2), 5 * 3, 'float64')

test('codes equal the encoder applied row by row, across uneven batches, and nothing leaks', () => {
  const weight = fromArray(w, { shape: [5, 3], backend: reference })
  const before = memoryStats().tensors
  const encode = (batch: Tensor): Tensor => tanh(matmul(batch, weight))
  const codes = encodeDataset(x, encode, { batchSize: 10, backend: reference })
  expect(codes.shape).toEqual([n, 3])
  expect(memoryStats().tensors).toBe(before)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0
      for (let c = 0; c < 5; c++) s += x.data[i * 5 + c] * w[c * 3 + j]
      expect(codes.data[i * 3 + j]).toBeCloseTo(Math.tanh(s), 12)
    }
  }
  weight.dispose()
})

test('bad encoders: typed errors naming the batch', () => {
  expect(() => encodeDataset(x, (batch) => flatten(batch), { batchSize: 10 })).toThrow(
    /encode must return a \[10, k\] tensor for rows 0..9, got shape \[50\]/,
  )
  // @ts-expect-error an encoder returning a plain array
  expect(() => encodeDataset(x, () => [1, 2])).toThrow(
    /encode must return a \[23, k\] tensor for rows 0..22, got object/,
  )
  expect(() => encodeDataset(x, (b) => b, { batchSize: 0 })).toThrow(
    /batchSize must be a positive integer, got 0/,
  )
})
