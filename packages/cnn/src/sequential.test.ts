import {
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  ShapeError,
  type Tensor,
  valueAndGrad,
  sum,
  mul,
} from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { lenet5Config } from './lenet'
import {
  applySequential,
  forwardSequential,
  initSequential,
  initSequentialState,
  parameterCount,
  type SequentialConfig,
  type SequentialParams,
  validateSequentialConfig,
} from './sequential'

const countLeaves = (params: SequentialParams): number =>
  Object.values(params).reduce((n, p) => n + p.weight.size + (p.bias?.size ?? 0), 0)

const randomInput = (shape: number[], seed = 1, backend = reference): Tensor =>
  fromArray(
    normalFloats(
      key(seed),
      shape.reduce((a, b) => a * b, 1),
    ),
    { shape, backend },
  )

describe('LeNet-5', () => {
  test('exactly 61,706 parameters, by config and by the initialised tree, in both variants and sizes', () => {
    for (const variant of ['classic', 'modern'] as const) {
      for (const inputSize of [28, 32] as const) {
        const config = lenet5Config({ variant, inputSize })
        expect(parameterCount(config)).toBe(61706)
        expect(countLeaves(initSequential(config, { key: key(0), backend: reference }))).toBe(61706)
      }
    }
    // per layer: C1 156, C3 2416, C5 48120, F6 10164, output 850
    const counts = validateSequentialConfig(lenet5Config())
      .map((l) => l.parameterCount)
      .filter((n) => n > 0)
    expect(counts).toEqual([156, 2416, 48120, 10164, 850])
  })

  test('forward shapes: 28×28 → 6@28×28 → 6@14×14 → 16@10×10 → 16@5×5 → 120 → 84 → 10', () => {
    const config = lenet5Config()
    const params = initSequential(config, { key: key(0), backend: reference })
    const { output, activations } = forwardSequential(config, params, randomInput([3, 1, 28, 28]), {
      keepActivations: true,
    })
    expect(output.shape).toEqual([3, 10])
    expect(activations.map((a) => a.shape)).toEqual([
      [3, 6, 28, 28],
      [3, 6, 28, 28],
      [3, 6, 14, 14],
      [3, 16, 10, 10],
      [3, 16, 10, 10],
      [3, 16, 5, 5],
      [3, 120, 1, 1],
      [3, 120, 1, 1],
      [3, 120],
      [3, 84],
      [3, 84],
      [3, 10],
    ])
    const c32 = lenet5Config({ inputSize: 32, variant: 'modern', numClasses: 7 })
    const p32 = initSequential(c32, { key: key(2), backend: reference })
    expect(applySequential(c32, p32, randomInput([2, 1, 32, 32])).shape).toEqual([2, 7])
  })

  test('classic uses tanh and average pooling, modern ReLU and max pooling', () => {
    const types = (variant: 'classic' | 'modern'): string[] =>
      lenet5Config({ variant }).layers.map((l) => l.type)
    expect(types('classic').slice(0, 3)).toEqual(['conv2d', 'tanh', 'avgPool2d'])
    expect(types('modern').slice(0, 3)).toEqual(['conv2d', 'relu', 'maxPool2d'])
    expect(lenet5Config({ dropout: 0.5 }).layers.filter((l) => l.type === 'dropout')).toHaveLength(2)
  })

  test('init is a function of the key; penultimate features via numLayers', () => {
    const config = lenet5Config()
    const a = initSequential(config, { key: key(5), backend: reference })
    const b = initSequential(config, { key: key(5), backend: reference })
    const c = initSequential(config, { key: key(6), backend: reference })
    expect(a['3'].weight.toArray()).toEqual(b['3'].weight.toArray())
    expect(a['3'].weight.toArray()).not.toEqual(c['3'].weight.toArray())
    // PyTorch's default bound 1/√fanIn: C3 has fanIn 150
    const w = a['3'].weight.dataSync()
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(150))
    const features = applySequential(config, a, randomInput([2, 1, 28, 28]), {
      numLayers: config.layers.length - 1,
    })
    expect(features.shape).toEqual([2, 84])
  })

  test('bad options throw InvalidArgumentError', () => {
    expect(() => lenet5Config({ variant: 'new' as 'modern' })).toThrow(InvalidArgumentError)
    expect(() => lenet5Config({ inputSize: 30 as 28 })).toThrow(
      /lenet5Config: inputSize must be 28 or 32, got 30/,
    )
    expect(() => lenet5Config({ numClasses: 1 })).toThrow(/numClasses must be an integer >= 2/)
    // a missing options object or key is reported by initSequential, not by a TypeError or `fold`
    const init = initSequential as (config: unknown, options?: unknown) => unknown
    expect(() => init(lenet5Config())).toThrow(
      'initSequential: options must be an options object, got undefined',
    )
    expect(() => init(lenet5Config(), { key: 0 })).toThrow(
      'initSequential: key must be a Key made by key(seed), got 0',
    )
  })
})

describe('sequential configs', () => {
  const config: SequentialConfig = {
    inputShape: [2, 9, 9],
    layers: [
      { type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 1 },
      { type: 'batchNorm' },
      { type: 'relu' },
      { type: 'maxPool2d', kernelSize: 2 },
      { type: 'conv2d', outChannels: 3, kernelSize: [2, 3], stride: 2, bias: false },
      { type: 'sigmoid' },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.5 },
      { type: 'linear', outFeatures: 5 },
    ],
  }

  test('shape inference, parameter counts and a JSON round trip', () => {
    const infos = validateSequentialConfig(JSON.parse(JSON.stringify(config)) as SequentialConfig)
    expect(infos.map((l) => l.outputShape)).toEqual([
      [4, 9, 9],
      [4, 9, 9],
      [4, 9, 9],
      [4, 4, 4],
      [3, 2, 1],
      [3, 2, 1],
      [6],
      [6],
      [5],
    ])
    expect(parameterCount(config)).toBe(4 * 2 * 9 + 4 + 8 + 3 * 4 * 6 + 6 * 5 + 5)
    const params = initSequential(config, { key: key(0), backend: reference })
    expect(Object.keys(params)).toEqual(['0', '1', '4', '8'])
    expect(params['4'].bias).toBeUndefined()
    expect(countLeaves(params)).toBe(parameterCount(config))
  })

  test('batchNorm and dropout: training updates the state and needs a key; evaluation is deterministic', () => {
    const params = initSequential(config, { key: key(0), backend: reference })
    const state = initSequentialState(config, { backend: reference })
    const x = randomInput([4, 2, 9, 9])
    expect(() => forwardSequential(config, params, x, { training: true, state })).toThrow(
      /key must be given when training a network with dropout/,
    )
    const trained = forwardSequential(config, params, x, { training: true, state, key: key(3) })
    expect(trained.output.shape).toEqual([4, 5])
    expect(trained.state['1'].runningMean.toArray()).not.toEqual(state['1'].runningMean.toArray())
    const e1 = applySequential(config, params, x, { state })
    const e2 = applySequential(config, params, x, { state })
    expect(e1.toArray()).toEqual(e2.toArray())
    expect(() => applySequential(config, params, x)).toThrow(
      /state must hold the running statistics of batchNorm layer 1/,
    )
  })

  test('gradients flow to every parameter (valueAndGrad through the forward pass)', () => {
    const small = lenet5Config({ variant: 'classic' })
    const params = initSequential(small, { key: key(1), backend: reference })
    const x = randomInput([2, 1, 28, 28])
    const { grads } = valueAndGrad((p: SequentialParams) => {
      const y = applySequential(small, p, x)
      return sum(mul(y, y))
    })(params)
    for (const p of Object.values(grads)) {
      expect(Math.max(...p.weight.dataSync().map(Math.abs))).toBeGreaterThan(0)
    }
  })

  test('bad configs and inputs throw typed errors with the op and what must hold', () => {
    const bad =
      (layers: unknown[], inputShape = [1, 8, 8]): (() => unknown) =>
      () =>
        validateSequentialConfig({ inputShape, layers } as SequentialConfig)
    expect(bad([{ type: 'conv3d' }])).toThrow(/validateSequentialConfig: layers\[0\]\.type must be one of/)
    expect(bad([{ type: 'conv2d', outChannels: 0, kernelSize: 3 }])).toThrow(
      /outChannels must be an integer >= 1, got 0/,
    )
    expect(bad([{ type: 'conv2d', outChannels: 2, kernelSize: 9 }])).toThrow(/window must fit/)
    expect(bad([{ type: 'flatten' }, { type: 'maxPool2d', kernelSize: 2 }])).toThrow(
      /needs a \[C, H, W\] input/,
    )
    expect(bad([{ type: 'linear', outFeatures: 3 }])).toThrow(/add a flatten layer/)
    expect(bad([{ type: 'maxPool2d', kernelSize: 2, padding: 2 }])).toThrow(/at most half the kernel size/)
    expect(bad([{ type: 'dropout', rate: 1 }])).toThrow(/rate must be in \[0, 1\), got 1/)
    expect(bad([{ type: 'conv2d', outChannels: 2, kernelSize: 2, stride: 0 }])).toThrow(
      /stride must be an integer >= 1/,
    )
    expect(bad([])).toThrow(/layers must be a non-empty array/)
    expect(bad([{ type: 'relu' }], [1, 8])).toThrow(/inputShape must be/)
    const lenet = lenet5Config()
    const params = initSequential(lenet, { key: key(0), backend: reference })
    expect(() => applySequential(lenet, params, randomInput([2, 1, 32, 32]))).toThrow(ShapeError)
    expect(() => applySequential(lenet, params, randomInput([2, 1, 32, 32]))).toThrow(
      /forwardSequential: x must be \[N, 1, 28, 28\], got \[2, 1, 32, 32\]/,
    )
  })
})
