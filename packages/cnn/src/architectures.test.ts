import {
  add,
  fromArray,
  InvalidArgumentError,
  key,
  mul,
  normalFloats,
  reference,
  type Tensor,
} from '@gen/core-tensor'
import { conv2dLayer } from '@gen/core-tensor/nn'
import { checkGradients } from '@gen/core-tensor/testing'
import { describe, expect, test } from 'vitest'
import { alexnetConfig, resnetConfig } from './architectures'
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint'
import { measureReceptiveField, receptiveFieldBox, receptiveFields } from './receptive-field'
import {
  applySequential,
  forwardSequential,
  initSequential,
  initSequentialState,
  localResponseNorm,
  parameterCount,
  parameterSlots,
  type SequentialConfig,
  type SequentialParams,
  validateSequentialConfig,
} from './sequential'

const randomInput = (shape: number[], seed = 1): Tensor =>
  fromArray(
    normalFloats(
      key(seed),
      shape.reduce((a, b) => a * b, 1),
    ),
    { shape, backend: reference },
  )

const countLeaves = (params: SequentialParams): number =>
  Object.values(params).reduce((n, p) => n + p.weight.size + (p.bias?.size ?? 0), 0)

describe('alexnetConfig', () => {
  test('parameter counts by hand, LRN and batch-norm forms, 28×28 and 32×32', () => {
    // conv O·C·k² + O; linear out·in + out
    const lrn28 =
      16 * 1 * 25 +
      16 +
      (32 * 16 * 25 + 32) +
      (48 * 32 * 9 + 48) +
      (48 * 48 * 9 + 48) +
      (32 * 48 * 9 + 32) +
      (128 * (32 * 2 * 2) + 128) +
      (128 * 128 + 128) +
      (10 * 128 + 10)
    expect(lrn28).toBe(96074)
    expect(parameterCount(alexnetConfig())).toBe(lrn28)
    // 32×32 colour: 3 input channels, 3×3 final maps
    const lrn32 = lrn28 + 16 * 2 * 25 + 128 * 32 * (9 - 4)
    expect(parameterCount(alexnetConfig({ inputSize: 32, inputChannels: 3 }))).toBe(lrn32)
    // batch norm: conv biases go (−16−32−48−48−32), γ and β come (2·(16+32+48+48+32))
    expect(parameterCount(alexnetConfig({ normalization: 'batchNorm' }))).toBe(lrn28 - 176 + 352)
    const config = alexnetConfig({ normalization: 'batchNorm' })
    expect(countLeaves(initSequential(config, { key: key(0), backend: reference }))).toBe(lrn28 + 176)
  })

  test('forward shapes: 28 → 13 → 6 → 2 and 32 → 15 → 7 → 3; dropout only in training', () => {
    for (const [inputSize, maps] of [
      [28, [28, 13, 13, 6, 6, 6, 6, 2]],
      [32, [32, 15, 15, 7, 7, 7, 7, 3]],
    ] as const) {
      const config = alexnetConfig({ inputSize })
      const spatial = validateSequentialConfig(config)
        .filter((l) => l.type === 'conv2d' || l.type === 'maxPool2d')
        .map((l) => l.outputShape[1])
      expect(spatial).toEqual(maps)
      const params = initSequential(config, { key: key(0), backend: reference })
      const x = randomInput([2, 1, inputSize, inputSize])
      expect(applySequential(config, params, x).shape).toEqual([2, 10])
      const a = applySequential(config, params, x).dataSync()
      const b = applySequential(config, params, x, { training: true, key: key(5) }).dataSync()
      expect(Array.from(a)).not.toEqual(Array.from(b))
    }
  })

  test('bad options name the argument', () => {
    expect(() => alexnetConfig({ inputSize: 30 as 28 })).toThrow(
      /alexnetConfig: inputSize must be 28 or 32, got 30/,
    )
    expect(() => alexnetConfig({ dropout: 1 })).toThrow(InvalidArgumentError)
    expect(() => alexnetConfig({ widths: [1, 2, 3] as unknown as [1, 2, 3, 4, 5] })).toThrow(
      /widths must be five/,
    )
  })
})

describe('localResponseNorm', () => {
  test('matches the formula element by element (n = 3, zeros past the channel ends)', () => {
    const x = randomInput([2, 4, 3, 3], 7)
    const [alpha, beta, k, n] = [0.3, 0.75, 2, 3]
    const y = localResponseNorm(x, { size: n, alpha, beta, k }).dataSync()
    const v = x.dataSync()
    const at = (b: number, c: number, p: number): number => v[(b * 4 + c) * 9 + p]
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 4; c++) {
        for (let p = 0; p < 9; p++) {
          let s = 0
          for (let d = c - 1; d <= c + 1; d++) if (d >= 0 && d < 4) s += at(b, d, p) ** 2
          const expected = at(b, c, p) * (k + (alpha / n) * s) ** -beta
          expect(y[(b * 4 + c) * 9 + p]).toBeCloseTo(expected, 12)
        }
      }
    }
  })

  test('even size: PyTorch window c − n/2 … c + n/2 − 1; gradient against central differences', () => {
    const x = randomInput([1, 3, 2, 2], 8)
    const y = localResponseNorm(x, { size: 2, alpha: 1, beta: 0.5, k: 1 }).dataSync()
    const v = x.dataSync()
    // channel 1 sees channels 0 and 1
    expect(y[4]).toBeCloseTo(v[4] / Math.sqrt(1 + (v[0] ** 2 + v[4] ** 2) / 2), 12)
    expect(
      checkGradients((t) => localResponseNorm(t, { size: 3, alpha: 0.5, beta: 0.75, k: 1 }), [x]),
    ).toBeLessThan(1e-6)
  })
})

describe('residual layers', () => {
  const block: SequentialConfig = {
    inputShape: [2, 6, 6],
    layers: [
      {
        type: 'residual',
        layers: [
          { type: 'conv2d', outChannels: 3, kernelSize: 3, stride: 2, padding: 1 },
          { type: 'batchNorm' },
          { type: 'tanh' },
          { type: 'conv2d', outChannels: 3, kernelSize: 3, padding: 1 },
        ],
        shortcut: 'projection',
      },
      { type: 'relu' },
    ],
  }

  test('names, shapes and count: body convs, batchNorm and the 1×1 projection of stride 2', () => {
    expect(parameterSlots(block).map((s) => [s.name, s.weight])).toEqual([
      ['0.body.0', [3, 2, 3, 3]],
      ['0.body.1', [3]],
      ['0.body.3', [3, 3, 3, 3]],
      ['0.shortcut', [3, 2, 1, 1]],
    ])
    // 3·2·9 + 3, 2·3, 3·3·9 + 3, 3·2 + 3
    expect(parameterCount(block)).toBe(57 + 6 + 84 + 9)
    expect(validateSequentialConfig(block)[0].outputShape).toEqual([3, 3, 3])
    expect(Object.keys(initSequentialState(block))).toEqual(['0.body.1'])
  })

  test('forward is body(x) + conv1×1(x, stride 2), and the gradient agrees with central differences', () => {
    const params = initSequential(block, { key: key(2), backend: reference })
    const x = randomInput([2, 2, 6, 6], 3)
    const bodyOnly: SequentialConfig = {
      inputShape: [2, 6, 6],
      layers: block.layers[0].type === 'residual' ? block.layers[0].layers : [],
    }
    const bodyParams = Object.fromEntries(
      Object.entries(params)
        .filter(([k]) => k.startsWith('0.body.'))
        .map(([k, v]) => [k.slice('0.body.'.length), v]),
    )
    const manual = add(
      applySequential(bodyOnly, bodyParams, x, { training: true }),
      conv2dLayer(params['0.shortcut'], x, { stride: 2 }),
    )
    const { output: blockOut, state } = forwardSequential(block, params, x, { training: true, numLayers: 1 })
    expect(Array.from(blockOut.dataSync())).toEqual(Array.from(manual.dataSync()))
    expect(Object.keys(state)).toEqual(['0.body.1'])
    // d/dx and d/dθ of the block (training-mode batchNorm), float64 central differences
    const names = Object.keys(params)
    const f = (input: Tensor, ...leaves: Tensor[]): Tensor => {
      const p: Record<string, { weight: Tensor; bias?: Tensor }> = {}
      names.forEach((name, i) => {
        p[name] = { weight: leaves[2 * i], bias: leaves[2 * i + 1] }
      })
      return applySequential(block, p, input, { training: true, numLayers: 1 })
    }
    const leaves = names.flatMap((n) => [params[n].weight, params[n].bias!])
    expect(checkGradients(f, [x, ...leaves], { tolerance: 1e-6 })).toBeLessThan(1e-6)
  })

  test('identity shortcut: a block with zero weights is the identity', () => {
    const config: SequentialConfig = {
      inputShape: [2, 5, 5],
      layers: [{ type: 'residual', layers: [{ type: 'conv2d', outChannels: 2, kernelSize: 3, padding: 1 }] }],
    }
    const params = initSequential(config, { key: key(0), backend: reference })
    const zero = {
      '0.body.0': {
        weight: mul(params['0.body.0'].weight, 0),
        bias: mul(params['0.body.0'].bias!, 0),
      },
    }
    const x = randomInput([1, 2, 5, 5], 4)
    expect(Array.from(applySequential(config, zero, x).dataSync())).toEqual(Array.from(x.dataSync()))
  })

  test('shape mismatches need a projection; a projection must land on the body grid', () => {
    const bad = (
      layers: SequentialConfig['layers'],
      shortcut?: 'identity' | 'projection',
    ): SequentialConfig => ({
      inputShape: [2, 6, 6],
      layers: [{ type: 'residual', layers, shortcut }],
    })
    expect(() =>
      validateSequentialConfig(bad([{ type: 'conv2d', outChannels: 3, kernelSize: 3, padding: 1 }])),
    ).toThrow(
      /layers\[0\]\.shortcut 'identity' needs the body to keep the shape \[2, 6, 6\], got \[3, 6, 6\]/,
    )
    expect(() =>
      validateSequentialConfig(bad([{ type: 'conv2d', outChannels: 3, kernelSize: 3 }], 'projection')),
    ).toThrow(/1×1 projection of stride \[1, 1\] gives \[3, 6, 6\], not the body's \[3, 4, 4\]/)
    expect(() => validateSequentialConfig(bad([{ type: 'flatten' }]))).toThrow(
      /must end in a \[C, H, W\] map/,
    )
  })

  test('checkpoints keep nested names and batchNorm state', () => {
    const config = resnetConfig()
    const params = initSequential(config, { key: key(1) })
    const state = initSequentialState(config)
    const bytes = encodeCheckpoint({ config, params, state, step: 3, epoch: 0 })
    const back = decodeCheckpoint(bytes)
    expect(Object.keys(back.params).sort()).toEqual(Object.keys(params).sort())
    expect(Object.keys(back.state).sort()).toEqual(Object.keys(state).sort())
    expect(Array.from(back.params['5.shortcut'].weight.dataSync())).toEqual(
      Array.from(params['5.shortcut'].weight.dataSync()),
    )
  })
})

describe('resnetConfig', () => {
  test('19,762 parameters by hand; 28 → 28 → 14 → 7 → pooled; 32×32 too', () => {
    const stem = 8 * 9 + 16
    const stage0 = 2 * (8 * 8 * 9) + 2 * 16
    const stage1 = 16 * 8 * 9 + 16 * 16 * 9 + 2 * 32 + (16 * 8 + 16)
    const stage2 = 32 * 16 * 9 + 32 * 32 * 9 + 2 * 64 + (32 * 16 + 32)
    const head = 32 * 10 + 10
    expect(parameterCount(resnetConfig())).toBe(stem + stage0 + stage1 + stage2 + head)
    expect(stem + stage0 + stage1 + stage2 + head).toBe(19762)
    for (const [inputSize, maps] of [
      [28, [28, 14, 7]],
      [32, [32, 16, 8]],
    ] as const) {
      const config = resnetConfig({ inputSize })
      const infos = validateSequentialConfig(config)
      expect(infos.filter((l) => l.type === 'residual').map((l) => l.outputShape[1])).toEqual(maps)
      const params = initSequential(config, { key: key(0), backend: reference })
      const out = forwardSequential(config, params, randomInput([2, 1, inputSize, inputSize]), {
        training: true,
      })
      expect(out.output.shape).toEqual([2, 10])
    }
    // ResNet-20 of He et al. §4.2 with 10 classes: 0.27 M parameters
    expect(
      parameterCount(
        resnetConfig({ inputSize: 32, inputChannels: 3, widths: [16, 32, 64], blocksPerStage: 3 }),
      ),
    ).toBe(272378)
  })

  test('receptive fields: residual blocks add two 3×3 convs of their stride; measured support agrees', () => {
    const config = resnetConfig()
    const fields = receptiveFields(config)
    // stem 3; block 1: +2 +2 = 7; block 2 (stride 2 first): 7 + 2 + 2·2 = 13, jump 2; block 3: 13 + 2·2 + 4·2 = 25, jump 4
    const blocks = fields.filter((f) => f.type === 'residual')
    expect(blocks.map((f) => f.size[0])).toEqual([7, 13, 25])
    expect(blocks.map((f) => f.jump[0])).toEqual([1, 2, 4])
    expect(blocks.map((f) => f.start[0])).toEqual([-3, -6, -12])
    for (const [layer, unit] of [
      [3, [10, 4]],
      [5, [0, 13]],
      [7, [3, 3]],
    ] as const) {
      const m = measureReceptiveField(config, { layer, unit: [unit[0], unit[1]] })
      const box = receptiveFieldBox(config, { layer, unit: [unit[0], unit[1]] })
      expect({ rows: m.rows, cols: m.cols }).toEqual(box)
    }
  })
})
