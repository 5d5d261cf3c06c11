import { describe, expect, it } from 'vitest'
import * as T from '../index'
import { key, fold } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { expectAllClose } from '../testing/tolerance'
import { cpu } from './cpu'
import { reference } from './reference'
import type { BackendV1 } from './spec'

function draws(backend: BackendV1, seed: number, shape: number[]): T.Tensor {
  const size = shape.reduce((s, d) => s * d, 1)
  const values = uniformFloats(fold(key(seed), size), size, 'float64').map((u) => 2 * u - 1)
  return T.fromArray(values, { shape, backend })
}

// Each config picks one cpu conv2d path: the direct kernel (stride 1, one group, a padded
// sample of at most 64Ki floats), the per-sample GEMM (>= 64 output positions) or the
// batch-wide GEMM.
const configs: { label: string; xs: number[]; ws: number[]; options: T.Conv2dOptions }[] = [
  { label: 'direct, LeNet conv1', xs: [3, 1, 28, 28], ws: [6, 1, 5, 5], options: {} },
  { label: 'direct, same padding', xs: [2, 1, 28, 28], ws: [32, 1, 3, 3], options: { padding: 'same' } },
  {
    label: 'direct, 3 channels, odd same padding, dilation',
    xs: [2, 3, 9, 13],
    ws: [5, 3, 3, 2],
    options: { padding: 'same', dilation: [2, 1] },
  },
  { label: 'direct, tiny', xs: [2, 4, 1, 1], ws: [7, 4, 1, 1], options: {} },
  {
    label: 'direct, LeNet conv2 shape',
    xs: [2, 32, 14, 14],
    ws: [9, 32, 3, 3],
    options: { padding: 'same' },
  },
  { label: 'per-sample GEMM, large sample', xs: [1, 80, 30, 30], ws: [5, 80, 3, 3], options: { padding: 1 } },
  {
    label: 'per-sample GEMM, groups and stride',
    xs: [2, 6, 20, 18],
    ws: [9, 2, 3, 3],
    options: { groups: 3, stride: [2, 1], padding: 1 },
  },
  { label: 'batch-wide GEMM', xs: [4, 8, 5, 6], ws: [10, 8, 3, 3], options: { padding: 1, stride: 2 } },
]

describe('cpu conv2d paths agree with the reference backend', () => {
  for (const { label, xs, ws, options } of configs) {
    it(label, () => {
      const fast = T.conv2d(draws(cpu, 1, xs), draws(cpu, 2, ws), options)
      const slow = T.conv2d(draws(reference, 1, xs), draws(reference, 2, ws), options)
      expect(fast.shape).toEqual(slow.shape)
      const terms = ws[1] * ws[2] * ws[3]
      expectAllClose(fast.dataSync(), slow.dataSync(), { rtol: 0, atol: terms * 2 ** -21 })
    })
  }
})
