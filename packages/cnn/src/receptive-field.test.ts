import { describe, expect, test } from 'vitest'
import { lenet5Config } from './lenet'
import { measureReceptiveField, receptiveFieldBox, receptiveFields } from './receptive-field'
import type { SequentialConfig } from './sequential'

describe('receptiveFields', () => {
  test('LeNet-5 on 28×28 padded by 2: hand-computed sizes, jumps and starts', () => {
    const fields = receptiveFields(lenet5Config())
    const byIndex = Object.fromEntries(fields.map((f) => [f.index, f]))
    // C1 k5 p2 | S2 k2 s2 | C3 k5 | S4 k2 s2 | C5 k5
    const expected = [
      [0, 5, 1, -2, 28],
      [2, 6, 2, -2, 14],
      [3, 14, 2, -2, 10],
      [5, 16, 4, -2, 5],
      [6, 32, 4, -2, 1],
    ] as const
    for (const [index, size, jump, start, out] of expected) {
      expect(byIndex[index].size).toEqual([size, size])
      expect(byIndex[index].jump).toEqual([jump, jump])
      expect(byIndex[index].start).toEqual([start, start])
      expect(byIndex[index].outputSize).toEqual([out, out])
    }
    // activations change nothing; analysis stops at flatten
    expect(byIndex[1].size).toEqual([5, 5])
    expect(fields.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(byIndex[6].center).toEqual([13.5, 13.5])
  })

  test('32×32 LeNet-5 (no padding): C5 sees the whole input', () => {
    const c5 = receptiveFields(lenet5Config({ inputSize: 32 }))[6]
    expect(c5.size).toEqual([32, 32])
    expect(c5.start).toEqual([0, 0])
  })

  // conv k3 s2 p1 → conv k3 d2 p2 → maxpool k3 s2 p1 → conv k2, on 32×32, by hand:
  // r: 3, 3 + 4·2 = 11, 11 + 2·2 = 15, 15 + 1·4 = 19; j: 2, 2, 4, 4; start: −1, −5, −7, −7.
  const strided: SequentialConfig = {
    inputShape: [2, 32, 32],
    layers: [
      { type: 'conv2d', outChannels: 3, kernelSize: 3, stride: 2, padding: 1 },
      { type: 'relu' },
      { type: 'conv2d', outChannels: 2, kernelSize: 3, dilation: 2, padding: 2 },
      { type: 'maxPool2d', kernelSize: 3, stride: 2, padding: 1 },
      { type: 'conv2d', outChannels: 2, kernelSize: 2 },
      { type: 'flatten' },
      { type: 'linear', outFeatures: 3 },
    ],
  }

  test('a stack with stride, dilation and padding: hand-computed values', () => {
    const fields = receptiveFields(strided)
    expect(fields.map((f) => [f.index, f.size[0], f.jump[0], f.start[0], f.outputSize[0]])).toEqual([
      [0, 3, 2, -1, 16],
      [1, 3, 2, -1, 16],
      [2, 11, 2, -5, 16],
      [3, 15, 4, -7, 8],
      [4, 19, 4, -7, 7],
    ])
  })

  test('rectangular windows keep the axes apart', () => {
    const fields = receptiveFields({
      inputShape: [1, 20, 30],
      layers: [
        { type: 'conv2d', outChannels: 1, kernelSize: [3, 5], stride: [1, 2], padding: [0, 2] },
        { type: 'avgPool2d', kernelSize: [2, 3] },
      ],
    })
    expect(fields[0].size).toEqual([3, 5])
    expect(fields[0].start).toEqual([0, -2])
    expect(fields[1].size).toEqual([4, 5 + 2 * 2])
    expect(fields[1].jump).toEqual([2, 6])
  })
})

describe('measureReceptiveField: the gradient support agrees with the analysis', () => {
  const check = (config: SequentialConfig, layer: number, unit: [number, number]): void => {
    const measured = measureReceptiveField(config, { layer, unit })
    const box = receptiveFieldBox(config, { layer, unit })
    expect({ rows: measured.rows, cols: measured.cols }).toEqual(box)
  }

  test('LeNet-5: C1, S2, C3, S4 and C5 units, in the interior and at the border', () => {
    const config = lenet5Config({ variant: 'modern' })
    expect(receptiveFieldBox(config, { layer: 3, unit: [3, 3] })).toEqual({ rows: [4, 17], cols: [4, 17] })
    const m = measureReceptiveField(config, { layer: 3, unit: [3, 3] })
    expect(m.rows).toEqual([4, 17])
    expect(m.support).toBe(14 * 14)
    for (const [layer, unit] of [
      [0, [0, 0]],
      [0, [10, 27]],
      [2, [5, 6]],
      [3, [0, 9]],
      [5, [2, 4]],
      [6, [0, 0]],
    ] as const) {
      check(config, layer, [unit[0], unit[1]])
    }
    // C5 sees everything
    expect(measureReceptiveField(config, { layer: 6, unit: [0, 0], channel: 7 }).support).toBe(28 * 28)
  })

  test('stride, dilation, padding and max pooling: boxes agree; a dilated layer leaves holes', () => {
    const config: SequentialConfig = {
      inputShape: [2, 32, 32],
      layers: [
        { type: 'conv2d', outChannels: 3, kernelSize: 3, stride: 2, padding: 1 },
        { type: 'relu' },
        { type: 'conv2d', outChannels: 2, kernelSize: 3, dilation: 2, padding: 2 },
        { type: 'maxPool2d', kernelSize: 3, stride: 2, padding: 1 },
        { type: 'conv2d', outChannels: 2, kernelSize: 2 },
      ],
    }
    for (const [layer, unit] of [
      [0, [0, 0]],
      [0, [7, 15]],
      [2, [6, 6]],
      [2, [0, 15]],
      [3, [3, 4]],
      [4, [2, 2]],
      [4, [6, 0]],
    ] as const) {
      check(config, layer, [unit[0], unit[1]])
    }
    expect(receptiveFieldBox(config, { layer: 4, unit: [2, 2] })).toEqual({ rows: [1, 19], cols: [1, 19] })
    // conv k3 d2 on a jump-2 grid: taps 4 input pixels apart, each covering 3 → one row in 4 missing
    const dilated = measureReceptiveField(config, { layer: 2, unit: [6, 6] })
    expect(dilated.rows).toEqual([7, 17])
    expect(dilated.support).toBe(9 * 9)
  })

  test('bad units, layers and channels throw', () => {
    const config = lenet5Config()
    expect(() => measureReceptiveField(config, { layer: 3, unit: [10, 0] })).toThrow(
      /measureReceptiveField: unit must be \[row, col\] inside the layer's 10×10 map/,
    )
    expect(() => receptiveFieldBox(config, { layer: 9, unit: [0, 0] })).toThrow(
      /layer must index a layer before/,
    )
    expect(() => measureReceptiveField(config, { layer: 0, unit: [0, 0], channel: 6 })).toThrow(
      /channel must be an integer in \[0, 6\)/,
    )
  })
})
