import {
  cpu,
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  type Tensor,
} from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { lenet5Config } from './lenet'
import { receptiveFieldBox } from './receptive-field'
import { applySequential, initSequential, type SequentialConfig, type SequentialParams } from './sequential'
import {
  effectiveReceptiveField,
  featureMaps,
  firstLayerFilters,
  misclassified,
  saliencyMaps,
} from './visualize'

const randomImages = (n: number, shape: number[], seed = 1, backend = reference): Tensor => {
  const size = shape.reduce((a, b) => a * b, 1)
  return fromArray(normalFloats(key(seed), n * size), { shape: [n, ...shape], backend })
}

describe('firstLayerFilters', () => {
  test("each filter scaled by its own range; 'shared' maps 0 to 0.5 and the largest |w| to 0 or 1", () => {
    // two 1×2 filters on 2 input channels: [O=2, C=2, 1, 2]
    const w = fromArray([1, 3, 9, 9, -2, 0, 5, 6], { shape: [2, 2, 1, 2], backend: reference })
    expect(Array.from(firstLayerFilters(w).data)).toEqual([0, 1, 0, 1])
    expect(firstLayerFilters(w).shape).toEqual([2, 1, 2])
    expect(Array.from(firstLayerFilters(w, { channel: 1 }).data)).toEqual([0.5, 0.5, 0, 1])
    // channel 0 values 1, 3, −2, 0; max |w| = 3
    expect(Array.from(firstLayerFilters(w, { scale: 'shared' }).data)).toEqual(
      [0.5 + 1 / 6, 1, 0.5 - 2 / 6, 0.5].map((v) => Math.fround(v)),
    )
    expect(() => firstLayerFilters(w, { channel: 2 })).toThrow(
      /firstLayerFilters: channel must be an integer in \[0, 2\), got 2/,
    )
  })
})

describe('featureMaps', () => {
  test('a conv whose filters are centred deltas (zero bias) returns the input, scaled per channel', () => {
    const config: SequentialConfig = {
      inputShape: [1, 6, 6],
      layers: [{ type: 'conv2d', outChannels: 2, kernelSize: 3, padding: 1 }, { type: 'relu' }],
    }
    const delta = new Float64Array(18)
    delta[4] = 1 // filter 0: centre 1
    delta[9 + 4] = -2 // filter 1: centre −2
    const params: SequentialParams = {
      '0': {
        weight: fromArray(delta, { shape: [2, 1, 3, 3], backend: reference }),
        bias: fromArray([0, 0], { backend: reference }),
      },
    }
    const x = randomImages(1, [1, 6, 6], 3)
    const v = Array.from(x.dataSync())
    const conv = featureMaps(config, params, x, { layer: 0 })
    expect(conv.shape).toEqual([2, 6, 6])
    expect(Array.from(conv.data)).toEqual([...v, ...v.map((a) => -2 * a)].map((a) => Math.fround(a)))
    const relu = featureMaps(config, params, x, { layer: 1 }).data
    expect(Array.from(relu.subarray(0, 36))).toEqual(v.map((a) => Math.fround(Math.max(a, 0))))
    expect(() => featureMaps(config, params, randomImages(2, [1, 6, 6]), { layer: 0 })).toThrow(
      /featureMaps: image must be one input/,
    )
    expect(() =>
      featureMaps(lenet5Config(), initSequential(lenet5Config(), { key: key(0) }), x, { layer: 9 }),
    ).toThrow(InvalidArgumentError)
  })
})

describe('misclassified', () => {
  test('indices, predicted and true classes of the wrong ones, limited, with the total', () => {
    const labels = [0, 1, 2, 3, 4, 5]
    const predictions = [0, 2, 2, 1, 4, 0]
    expect(misclassified(labels, predictions)).toEqual({
      indices: Int32Array.from([1, 3, 5]),
      predicted: Int32Array.from([2, 1, 0]),
      actual: Int32Array.from([1, 3, 5]),
      total: 3,
    })
    const two = misclassified(labels, predictions, { limit: 2 })
    expect(Array.from(two.indices)).toEqual([1, 3])
    expect(two.total).toBe(3)
    expect(() => misclassified(labels, [0])).toThrow(
      /misclassified: predictions must have one entry per label, got 1 for 6/,
    )
  })
})

describe('saliencyMaps', () => {
  const linearNet: SequentialConfig = {
    inputShape: [2, 3, 3],
    layers: [{ type: 'flatten' }, { type: 'linear', outFeatures: 4 }],
  }

  test('of a linear model: |W_t| as a picture, max over channels; signed: the channel sum of W_t', () => {
    const params = initSequential(linearNet, { key: key(4), backend: reference })
    const w = params['1'].weight.dataSync() // [4, 18]
    const x = randomImages(3, [2, 3, 3], 5)
    const targets = [2, 0, 3]
    const { shape, data } = saliencyMaps(linearNet, params, x, { targets })
    expect(shape).toEqual([3, 3, 3])
    const signed = saliencyMaps(linearNet, params, x, { targets, signed: true }).data
    targets.forEach((t, k) => {
      for (let p = 0; p < 9; p++) {
        const a = w[t * 18 + p]
        const b = w[t * 18 + 9 + p]
        expect(data[k * 9 + p]).toBeCloseTo(Math.max(Math.abs(a), Math.abs(b)), 6)
        expect(signed[k * 9 + p]).toBeCloseTo(a + b, 6)
      }
    })
    expect(() => saliencyMaps(linearNet, params, x, { targets: [0, 4, 1] })).toThrow(
      /saliencyMaps: targets must hold 3 classes in \[0, 4\)/,
    )
  })

  test('by default the predicted class; on LeNet-5 the maps match a finite difference of the logit', () => {
    const config = lenet5Config({ variant: 'classic' })
    const params = initSequential(config, { key: key(1), backend: reference })
    const x = randomImages(2, [1, 28, 28], 6)
    const maps = saliencyMaps(config, params, x, { signed: true })
    // central difference at one pixel of image 1 for its predicted class
    const logits = (input: Tensor): Float64Array =>
      Float64Array.from(applySequential(config, params, input).dataSync())
    const base = logits(x)
    const predicted = [0, 1].map((k) => {
      let best = 0
      for (let c = 1; c < 10; c++) if (base[k * 10 + c] > base[k * 10 + best]) best = c
      return best
    })
    const pixel = 14 * 28 + 13
    const eps = 1e-6
    const bump = (sign: number): Float64Array => {
      const v = Float64Array.from(x.dataSync())
      v[784 + pixel] += sign * eps
      return logits(fromArray(v, { shape: x.shape, backend: reference }))
    }
    const fd = (bump(1)[10 + predicted[1]] - bump(-1)[10 + predicted[1]]) / (2 * eps)
    expect(maps.data[784 + pixel]).toBeCloseTo(fd, 6)
  })
})

describe('effectiveReceptiveField', () => {
  test('two 3×3 convs of ones, no activation: the gradient counts paths, (1 2 3 2 1)ᵀ(1 2 3 2 1)', () => {
    const config: SequentialConfig = {
      inputShape: [1, 9, 9],
      layers: [
        { type: 'conv2d', outChannels: 1, kernelSize: 3, bias: false },
        { type: 'conv2d', outChannels: 1, kernelSize: 3, bias: false },
      ],
    }
    const ones = (): Tensor =>
      fromArray(new Float64Array(9).fill(1), { shape: [1, 1, 3, 3], backend: reference })
    const params: SequentialParams = { '0': { weight: ones() }, '1': { weight: ones() } }
    const erf = effectiveReceptiveField(config, params, randomImages(3, [1, 9, 9]), { layer: 1 })
    // output map 5×5, centre unit (2, 2) sees input rows/cols 2..6
    const tri = [0, 0, 1, 2, 3, 2, 1, 0, 0]
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(erf.data[i * 9 + j]).toBe(tri[i] * tri[j])
  })

  test('an untrained LeNet-5: the ERF of a C3 unit lies inside its analytic box, peaks inside it and is not flat', () => {
    const config = lenet5Config({ variant: 'modern' })
    const params = initSequential(config, { key: key(2), backend: cpu })
    const images = randomImages(16, [1, 28, 28], 7, cpu)
    const unit: [number, number] = [4, 5]
    const erf = effectiveReceptiveField(config, params, images, { layer: 3, unit })
    const box = receptiveFieldBox(config, { layer: 3, unit })
    let inside = 0
    let peak = { v: -1, i: 0, j: 0 }
    for (let i = 0; i < 28; i++) {
      for (let j = 0; j < 28; j++) {
        const v = erf.data[i * 28 + j]
        const within = i >= box.rows[0] && i <= box.rows[1] && j >= box.cols[0] && j <= box.cols[1]
        if (!within) expect(v).toBe(0)
        else if (v > 0) inside += 1
        if (v > peak.v) peak = { v, i, j }
      }
    }
    expect(box).toEqual({ rows: [6, 19], cols: [8, 21] })
    // with 16 random images and max pooling, almost every pixel of the 14×14 box is reached
    expect(inside).toBeGreaterThan(0.9 * 14 * 14)
    expect(peak.i).toBeGreaterThanOrEqual(box.rows[0])
    expect(peak.i).toBeLessThanOrEqual(box.rows[1])
    expect(() => effectiveReceptiveField(config, params, images, { layer: 3, unit: [10, 0] })).toThrow(
      /effectiveReceptiveField: unit must be \[row, col\] inside the 10×10 map/,
    )
    expect(() => effectiveReceptiveField(config, params, images, { layer: 9 })).toThrow(
      /must produce \[C, H, W\] maps/,
    )
  })
})
