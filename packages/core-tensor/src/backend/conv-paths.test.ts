import { describe, expect, it } from 'vitest'
import * as T from '../index'
import { key, fold } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { expectAllClose } from '../testing/tolerance'
import { cpu } from './cpu'
import { reference } from './reference'
import { conv2dInputGrad, conv2dWeightGrad } from '../ops/conv-core'
import type { Conv2dParams } from './spec'
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

// The input gradient: stride 1 with one group takes the direct kernel on the flipped filter
// (paddings d·(k−1) − pad >= 0), the rest GEMM + col2im.
const gradConfigs: { label: string; xs: number[]; ws: number[]; params: Conv2dParams }[] = [
  {
    label: 'direct, LeNet conv1 (valid)',
    xs: [3, 1, 28, 28],
    ws: [6, 1, 5, 5],
    params: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
  },
  {
    label: 'direct, same padding, 32 -> 9 channels',
    xs: [2, 32, 14, 14],
    ws: [9, 32, 3, 3],
    params: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  },
  {
    label: 'direct, uneven padding and dilation',
    xs: [2, 3, 9, 13],
    ws: [5, 3, 3, 2],
    params: { stride: [1, 1], padding: [2, 0, 1, 0], dilation: [2, 1], groups: 1 },
  },
  {
    label: 'GEMM, padding wider than the kernel',
    xs: [2, 2, 6, 7],
    ws: [3, 2, 2, 2],
    params: { stride: [1, 1], padding: [2, 2, 0, 0], dilation: [1, 1], groups: 1 },
  },
  {
    label: 'GEMM, stride 2 and groups',
    xs: [2, 4, 9, 8],
    ws: [6, 2, 3, 3],
    params: { stride: [2, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 2 },
  },
]

describe('cpu conv2d gradients agree with the reference backend', () => {
  for (const { label, xs, ws, params } of gradConfigs) {
    it(label, () => {
      const on = (backend: BackendV1) => {
        const x = draws(backend, 3, xs)
        const w = draws(backend, 4, ws)
        const [top, bottom, left, right] = params.padding
        const size = (d: number, lo: number, hi: number, k: number, axis: 0 | 1): number =>
          Math.floor((d + lo + hi - params.dilation[axis] * (k - 1) - 1) / params.stride[axis]) + 1
        const yShape = [xs[0], ws[0], size(xs[2], top, bottom, ws[2], 0), size(xs[3], left, right, ws[3], 1)]
        const dy = draws(backend, 5, yShape)
        return { dx: conv2dInputGrad(dy, w, params, xs), dw: conv2dWeightGrad(x, dy, params, ws) }
      }
      const fast = on(cpu)
      const slow = on(reference)
      expect(fast.dx.shape).toEqual(xs)
      const terms = ws[0] * ws[2] * ws[3]
      expectAllClose(fast.dx.dataSync(), slow.dx.dataSync(), { rtol: 0, atol: terms * 2 ** -21 })
      expectAllClose(fast.dw.dataSync(), slow.dw.dataSync(), { rtol: 1e-5, atol: 1e-4 })
    })
  }
})
