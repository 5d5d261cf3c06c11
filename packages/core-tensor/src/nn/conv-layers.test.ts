import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import { InvalidArgumentError, ShapeError } from '../errors'
import { mul } from '../ops/binary'
import { conv2d, convTranspose2d } from '../ops/conv'
import { fromArray } from '../ops/creation'
import { mean, sum, variance } from '../ops/reduce'
import { key } from '../random/key'
import { uniformFloats } from '../random/distributions'
import type { Tensor } from '../tensor'
import {
  batchNorm,
  batchNormInit,
  conv2dInit,
  conv2dLayer,
  convTranspose2dInit,
  convTranspose2dLayer,
  groupNorm,
  groupNormInit,
} from './conv-layers'
import { layerNorm, layerNormInit } from './layers'
import { checkGradients } from './test-helpers'

const sizeOf = (shape: number[]): number => shape.reduce((p, d) => p * d, 1)
const data = (seed: number, shape: number[]): number[] =>
  Array.from(uniformFloats(key(seed), sizeOf(shape), 'float64'), (u) => 2 * u - 1)
const ref = (seed: number, shape: number[]): Tensor =>
  fromArray(data(seed, shape), { shape, backend: reference })
const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 10): void => {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], digits)
}

describe('conv2dLayer / convTranspose2dLayer', () => {
  it('add the bias per output channel to the convolution', () => {
    const x = ref(1, [2, 4, 5, 6])
    const params = conv2dInit(key(3), {
      inChannels: 4,
      outChannels: 6,
      kernelSize: [3, 2],
      groups: 2,
      backend: reference,
    })
    expect(params.weight.shape).toEqual([6, 2, 3, 2])
    expect(params.bias!.shape).toEqual([6])
    const y = conv2dLayer(params, x, { padding: 1, groups: 2 })
    const plain = conv2d(x, params.weight, { padding: 1, groups: 2 }).dataSync()
    const b = params.bias!.dataSync()
    const [, o, oh, ow] = y.shape
    const want = Array.from(plain, (v, i) => v + b[Math.floor(i / (oh * ow)) % o])
    close(y.dataSync(), want)
    const up = convTranspose2dInit(key(4), {
      inChannels: 6,
      outChannels: 3,
      kernelSize: 4,
      backend: reference,
    })
    expect(up.weight.shape).toEqual([6, 3, 4, 4])
    const z = convTranspose2dLayer(up, y, { stride: 2, padding: 1 })
    expect(z.shape).toEqual([2, 3, 2 * oh, 2 * ow])
    const zPlain = convTranspose2d(y, up.weight, { stride: 2, padding: 1 }).dataSync()
    const ub = up.bias!.dataSync()
    close(
      z.dataSync(),
      Array.from(zPlain, (v, i) => v + ub[Math.floor(i / (4 * oh * ow)) % 3]),
    )
  })

  it('init: PyTorch bound 1/√(weight.shape[1]·kH·kW), reproducible from the key, optional bias', () => {
    const p = conv2dInit(key(7), { inChannels: 3, outChannels: 16, kernelSize: 5, backend: reference })
    const bound = 1 / Math.sqrt(3 * 25)
    const w = Array.from(p.weight.dataSync())
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound)
    // 1200 uniform draws: the largest |w| is within 1% of the bound
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound)
    expect(
      Array.from(
        conv2dInit(key(7), {
          inChannels: 3,
          outChannels: 16,
          kernelSize: 5,
          backend: reference,
        }).weight.dataSync(),
      ),
    ).toEqual(w)
    expect(
      conv2dInit(key(7), { inChannels: 3, outChannels: 16, kernelSize: 5, bias: false }).bias,
    ).toBeUndefined()
    const t = convTranspose2dInit(key(8), {
      inChannels: 8,
      outChannels: 4,
      kernelSize: 3,
      groups: 2,
      backend: reference,
    })
    expect(t.weight.shape).toEqual([8, 2, 3, 3])
    const tb = 1 / Math.sqrt(2 * 9)
    expect(Math.max(...Array.from(t.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(tb)
    expect(() => conv2dInit(key(0), { inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 })).toThrow(
      new InvalidArgumentError(
        'conv2dInit',
        'groups',
        'must divide inChannels and outChannels, got groups=2, inChannels=3, outChannels=4',
      ),
    )
    expect(() => conv2dLayer({ weight: p.weight, bias: ref(1, [3]) }, ref(2, [1, 3, 8, 8]))).toThrow(
      'conv2dLayer: bias must be [16], got [3]',
    )
  })

  it('gradients match central differences (weight, bias, input)', () => {
    const x = data(11, [1, 2, 4, 5])
    const v = ref(12, [1, 3, 1, 5])
    checkGradients(
      (p) => sum(mul(conv2dLayer({ weight: p.w, bias: p.b }, p.x, { stride: [2, 1], padding: [0, 1] }), v)),
      {
        w: { data: data(13, [3, 2, 3, 3]), shape: [3, 2, 3, 3] },
        b: { data: data(14, [3]), shape: [3] },
        x: { data: x, shape: [1, 2, 4, 5] },
      },
    )
  })
})

describe('batchNorm', () => {
  it('training normalises each channel over N, H, W and returns the updated running statistics', () => {
    const x = ref(21, [3, 2, 2, 3])
    const { params, state } = batchNormInit(2, { backend: reference })
    const { y, state: next } = batchNorm(params, state, x, { training: true, momentum: 0.25 })
    expect(y.shape).toEqual([3, 2, 2, 3])
    close(mean(y, { axis: [0, 2, 3] }).dataSync(), [0, 0], 12)
    // population variance of the normalised values is σ²/(σ² + ε)
    const xs = x.dataSync()
    for (let c = 0; c < 2; c++) {
      const vals: number[] = []
      for (let n = 0; n < 3; n++) for (let i = 0; i < 6; i++) vals.push(xs[(n * 2 + c) * 6 + i])
      const mu = vals.reduce((a, b) => a + b, 0) / 18
      const pop = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / 18
      expect(variance(y, { axis: [0, 2, 3] }).dataSync()[c]).toBeCloseTo(pop / (pop + 1e-5), 10)
      expect(next.runningMean.dataSync()[c]).toBeCloseTo(0.25 * mu, 12)
      expect(next.runningVar.dataSync()[c]).toBeCloseTo(0.75 + 0.25 * ((pop * 18) / 17), 12)
    }
    // the old state is untouched
    expect(Array.from(state.runningMean.dataSync())).toEqual([0, 0])
    expect(Array.from(state.runningVar.dataSync())).toEqual([1, 1])
  })

  it('evaluation uses the running statistics and returns the state as it was', () => {
    const params = {
      weight: fromArray([2, 0.5], { backend: reference }),
      bias: fromArray([1, -1], { backend: reference }),
    }
    const state = {
      runningMean: fromArray([1, -2], { backend: reference }),
      runningVar: fromArray([4, 0.25], { backend: reference }),
    }
    const x = fromArray(
      [
        [3, 0],
        [-1, -2],
      ],
      { backend: reference },
    )
    const { y, state: same } = batchNorm(params, state, x, { training: false, epsilon: 0 })
    // (3−1)/2·2+1 = 3, (0+2)/0.5·0.5−1 = 1, (−1−1)/2·2+1 = −1, (−2+2)/0.5·0.5−1 = −1
    close(y.dataSync(), [3, 1, -1, -1], 12)
    expect(same).toBe(state)
  })

  it('gradients match central differences in training mode', () => {
    const v = ref(31, [2, 3, 2, 2])
    checkGradients(
      (p) =>
        sum(
          mul(
            batchNorm({ weight: p.g, bias: p.b }, batchNormInit(3, { backend: reference }).state, p.x, {
              training: true,
            }).y,
            v,
          ),
        ),
      {
        g: { data: [1.2, 0.7, -0.4], shape: [3] },
        b: { data: [0.1, -0.3, 0.2], shape: [3] },
        x: { data: data(32, [2, 3, 2, 2]), shape: [2, 3, 2, 2] },
      },
    )
  })

  it('rejects one value per channel in training', () => {
    const { params, state } = batchNormInit(2, { backend: reference })
    expect(() => batchNorm(params, state, ref(1, [1, 2]), { training: true })).toThrow(
      new InvalidArgumentError(
        'batchNorm',
        'x',
        'must hold more than 1 value per channel when training, got [1,2]',
      ),
    )
  })
})

describe('groupNorm', () => {
  it('normalises each (sample, group) over its channels and positions; G = 1 is a layer norm', () => {
    const x = ref(41, [2, 4, 3, 2])
    const params = {
      weight: fromArray([1, 2, 3, 4], { backend: reference }),
      bias: fromArray([0, 1, 0, -1], { backend: reference }),
    }
    const y = groupNorm(params, x, { numGroups: 2 }).dataSync()
    const xs = x.dataSync()
    const gamma = [1, 2, 3, 4]
    const beta = [0, 1, 0, -1]
    for (let n = 0; n < 2; n++)
      for (let g = 0; g < 2; g++) {
        const start = (n * 4 + g * 2) * 6
        const vals = Array.from(xs.subarray(start, start + 12))
        const mu = vals.reduce((a, b) => a + b, 0) / 12
        const v = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / 12
        for (let i = 0; i < 12; i++) {
          const c = g * 2 + Math.floor(i / 6)
          expect(y[start + i]).toBeCloseTo(((vals[i] - mu) / Math.sqrt(v + 1e-5)) * gamma[c] + beta[c], 10)
        }
      }
    const ln = layerNorm(layerNormInit([4, 3, 2], { backend: reference }), x).dataSync()
    close(groupNorm(groupNormInit(4, { backend: reference }), x, { numGroups: 1 }).dataSync(), ln, 10)
    expect(() => groupNorm(groupNormInit(4), fromArray([[[1]]]), { numGroups: 3 })).toThrow(ShapeError)
    expect(() => groupNorm(groupNormInit(4, { backend: reference }), x, { numGroups: 3 })).toThrow(
      new InvalidArgumentError(
        'groupNorm',
        'numGroups',
        'must be an integer >= 1 that divides the 4 channels, got 3',
      ),
    )
  })

  it('gradients match central differences', () => {
    const v = ref(51, [2, 4, 2, 2])
    checkGradients((p) => sum(mul(groupNorm({ weight: p.g, bias: p.b }, p.x, { numGroups: 2 }), v)), {
      g: { data: [1.1, 0.6, -0.8, 1.3], shape: [4] },
      b: { data: [0.2, 0, -0.1, 0.4], shape: [4] },
      x: { data: data(52, [2, 4, 2, 2]), shape: [2, 4, 2, 2] },
    })
  })
})
