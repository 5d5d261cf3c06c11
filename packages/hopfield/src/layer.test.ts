import {
  InvalidArgumentError,
  ShapeError,
  fromArray,
  key,
  matmul,
  normalFloats,
  reference,
  tidy,
  valueAndGrad,
  type Tensor,
} from '@gen/core-tensor'
import { crossEntropyWithLogits } from '@gen/core-tensor/nn'
import { adam, applyUpdates } from '@gen/core-tensor/optim'
import { checkGradients } from '@gen/core-tensor/testing'
import { describe, expect, test } from 'vitest'
import {
  hopfieldAttention,
  hopfieldLayer,
  hopfieldLayerInit,
  validateHopfieldLayerConfig,
  type HopfieldLayerConfig,
  type HopfieldLayerParams,
} from './layer'
import { modernHopfieldMemory, modernHopfieldUpdate } from './modern'

const backend = reference

function tensorOf(values: ArrayLike<number>, shape: number[]): Tensor {
  return fromArray(values, { shape, backend })
}

describe('hopfieldAttention = softmax(β R Yᵀ) V', () => {
  test('equals the array update ξ_new = X softmax(β Xᵀ ξ) when V = Y, for one and for three updates', () => {
    const d = 5
    const k = 7
    const y = normalFloats(key(1), k * d, 'float64')
    const r = normalFloats(key(2), 3 * d, 'float64')
    const rows = Array.from({ length: k }, (_, i) => y.slice(i * d, (i + 1) * d))
    const memory = modernHopfieldMemory(rows)
    for (const steps of [1, 3]) {
      const out = tidy(() =>
        hopfieldAttention(tensorOf(r, [3, d]), tensorOf(y, [k, d]), tensorOf(y, [k, d]), {
          beta: 0.8,
          updateSteps: steps,
        }).dataSync(),
      )
      for (let q = 0; q < 3; q++) {
        let xi: Float64Array = r.slice(q * d, (q + 1) * d)
        for (let s = 0; s < steps; s++) xi = modernHopfieldUpdate(memory, xi, { beta: 0.8 })
        for (let j = 0; j < d; j++) expect(out[q * d + j]).toBeCloseTo(xi[j], 12)
      }
    }
  })

  test('rank-1 states give a rank-1 result; shapes are checked', () => {
    const y = tensorOf([1, 0, 0, 1], [2, 2])
    const v = tensorOf([1, 2, 3, 4, 5, 6], [2, 3])
    const z = hopfieldAttention(tensorOf([50, 0], [2]), y, v, { beta: 1 })
    expect(z.shape).toEqual([3])
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3].map((x) => expect.closeTo(x, 9) as number))
    expect(() => hopfieldAttention(tensorOf([1, 2, 3], [1, 3]), y, v, { beta: 1 })).toThrow(ShapeError)
    expect(() => hopfieldAttention(tensorOf([1, 2], [1, 2]), y, v, { beta: 1 })).not.toThrow()
    expect(() => hopfieldAttention(tensorOf([1, 2], [1, 2]), y, v, { beta: -1 })).toThrow(
      /hopfieldAttention: beta must be > 0, got -1/,
    )
    expect(() =>
      hopfieldAttention(tensorOf([1, 2], [1, 2]), y, tensorOf([1, 2, 3], [1, 3]), { beta: 1 }),
    ).toThrow(
      /hopfieldAttention: states \[n, d\], storedPatterns \[K, d\] and storedValues \[K, v\] must agree, got \[1,2\], \[2,2\] and \[1,3\]/,
    )
  })
})

describe('Hopfield layer', () => {
  const config: HopfieldLayerConfig = {
    inputSize: 3,
    hiddenSize: 4,
    patternCount: 5,
    outputSize: 2,
    beta: 0.7,
  }

  test('gradients with respect to input, W_Q, Y and V match central differences in float64 (1 and 2 updates)', () => {
    for (const updateSteps of [1, 2]) {
      const c = { ...config, updateSteps }
      const p = hopfieldLayerInit(c, { key: key(3), backend })
      const x = tensorOf(normalFloats(key(4), 6 * 3, 'float64'), [6, 3])
      const worst = checkGradients(
        (input, queryWeight, storedPatterns, storedValues) =>
          hopfieldLayer({ queryWeight, storedPatterns, storedValues }, input, c),
        [x, p.queryWeight, p.storedPatterns, p.storedValues],
        { epsilon: 1e-6, tolerance: 1e-7 },
      )
      expect(worst).toBeLessThan(1e-7)
    }
  })

  test('config validation and shape checks', () => {
    expect(
      validateHopfieldLayerConfig({ inputSize: 2, hiddenSize: 16, patternCount: 3, outputSize: 1 }),
    ).toEqual({
      inputSize: 2,
      hiddenSize: 16,
      patternCount: 3,
      outputSize: 1,
      beta: 0.25,
      updateSteps: 1,
    })
    expect(() => validateHopfieldLayerConfig({ ...config, patternCount: 0 })).toThrow(
      /validateHopfieldLayerConfig: patternCount must be a positive integer, got 0/,
    )
    expect(() => hopfieldLayerInit(config, { key: 3 as never })).toThrow(InvalidArgumentError)
    const p = hopfieldLayerInit(config, { key: key(0), backend })
    expect(p.queryWeight.shape).toEqual([3, 4])
    expect(p.storedPatterns.shape).toEqual([5, 4])
    expect(p.storedValues.shape).toEqual([5, 2])
    expect(() => hopfieldLayer(p, tensorOf([1, 2], [1, 2]), config)).toThrow(
      /hopfieldLayer: input must have shape \[B, 3\], got \[1,2\]/,
    )
    expect(() => hopfieldLayer(p, tensorOf([1, 2, 3], [1, 3]), { ...config, outputSize: 3 })).toThrow(
      /hopfieldLayer: params.storedValues must have shape \[5,3\], got \[5,2\]/,
    )
  })

  test('learns XOR of four noisy clusters with Adam: cross-entropy from ≈ ln 2 to < 0.05, where a linear model stays ≥ 0.6', () => {
    // 64 points around (±1, ±1), σ = 0.25; class 1 when the signs differ. No line separates them.
    const count = 64
    const noise = normalFloats(key(10), 2 * count, 'float64')
    const xs = new Float64Array(2 * count)
    const labels = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const a = i % 2 === 0 ? 1 : -1
      const b = i % 4 < 2 ? 1 : -1
      xs[2 * i] = a + 0.25 * noise[2 * i]
      xs[2 * i + 1] = b + 0.25 * noise[2 * i + 1]
      labels[i] = a === b ? 0 : 1
    }
    const input = tensorOf(xs, [count, 2])
    const targets = fromArray(labels, { backend })
    const layerConfig: HopfieldLayerConfig = {
      inputSize: 2,
      hiddenSize: 8,
      patternCount: 8,
      outputSize: 2,
      beta: 1,
    }

    function train<T extends HopfieldLayerParams | { w: Tensor }>(
      start: T,
      lossOf: (p: T) => Tensor,
      steps: number,
    ): number[] {
      const optimizer = adam({ learningRate: 0.05 })
      let params = start
      let state = optimizer.init(params)
      const losses: number[] = []
      const step = valueAndGrad(lossOf)
      for (let t = 0; t < steps; t++) {
        const { value, grads } = step(params)
        losses.push(value.item())
        const result = optimizer.update(grads, state, params)
        params = applyUpdates(params, result.updates) as T
        state = result.state
      }
      return losses
    }

    const losses = train(
      hopfieldLayerInit(layerConfig, { key: key(11), backend }),
      (p) => crossEntropyWithLogits(hopfieldLayer(p, input, layerConfig), targets),
      150,
    )
    console.log(`Hopfield layer XOR: loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}`)
    expect(Math.abs(losses[0] - Math.LN2)).toBeLessThan(0.2)
    expect(losses[losses.length - 1]).toBeLessThan(0.05)

    const linear = train(
      { w: tensorOf(new Float64Array(4), [2, 2]) },
      (p) => crossEntropyWithLogits(matmul(input, p.w), targets),
      150,
    )
    expect(linear[linear.length - 1]).toBeGreaterThan(0.6)
  })
})
