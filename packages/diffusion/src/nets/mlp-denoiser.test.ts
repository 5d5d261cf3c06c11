import {
  fromArray,
  InvalidArgumentError,
  key,
  mul,
  normalFloats,
  reference,
  ShapeError,
  sum,
  type TensorTree,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { initMlpDenoiser, mlpDenoiser, type MlpDenoiserConfig, type MlpDenoiserParams } from './mlp-denoiser'
import { expectGradientsMatch } from './test-helpers'

const config: MlpDenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [16, 16], embedDim: 8, numClasses: 3 }
const x = fromArray(normalFloats(key(1), 8), { shape: [4, 2] })

describe('mlpDenoiser', () => {
  it('maps [N, D] to [N, D], conditioned on t and the label', () => {
    const params = initMlpDenoiser(config, { key: key(0) })
    const t = fromArray([0, 10, 500, 999])
    const out = mlpDenoiser(config, params, x, { t })
    expect(out.shape).toEqual([4, 2])
    // the time embedding changes the output: the same points at other times
    const later = mlpDenoiser(config, params, x, { t: fromArray([999, 500, 10, 0]) })
    const timeChange = Array.from(out.dataSync()).reduce(
      (s, v, i) => s + Math.abs(v - later.dataSync()[i]),
      0,
    )
    expect(timeChange).toBeGreaterThan(1e-2)
    // no labels = the null label (numClasses) for every example; a real label changes the output
    const nullLabels = fromArray(Int32Array.from([3, 3, 3, 3]), { dtype: 'int32' })
    expect(Array.from(mlpDenoiser(config, params, x, { t, labels: nullLabels }).dataSync())).toEqual(
      Array.from(out.dataSync()),
    )
    const labelled = mlpDenoiser(config, params, x, {
      t,
      labels: fromArray(Int32Array.from([0, 1, 2, 0]), { dtype: 'int32' }),
    })
    const labelChange = Array.from(out.dataSync()).reduce(
      (s, v, i) => s + Math.abs(v - labelled.dataSync()[i]),
      0,
    )
    expect(labelChange).toBeGreaterThan(1e-2)
  })

  it('has gradients that match central differences (reference backend, float64)', () => {
    const params = initMlpDenoiser(config, { key: key(2), backend: reference })
    const xr = fromArray(normalFloats(key(3), 6), { shape: [3, 2], backend: reference })
    const t = fromArray([3.5, 40, 800], { backend: reference })
    const labels = fromArray(Int32Array.from([0, 2, 3]), { dtype: 'int32', backend: reference })
    const w = fromArray(normalFloats(key(4), 6), { shape: [3, 2], backend: reference })
    const loss = (p: TensorTree) =>
      sum(mul(mlpDenoiser(config, p as unknown as MlpDenoiserParams, xr, { t, labels }), w))
    const worst = expectGradientsMatch(loss, params as unknown as TensorTree, { entriesPerLeaf: 3 })
    expect(worst).toBeLessThan(1e-6)
  })

  it('applies relu between the hidden layers when asked', () => {
    const relu: MlpDenoiserConfig = { ...config, activation: 'relu' }
    const params = initMlpDenoiser(relu, { key: key(0) })
    const t = fromArray([1, 2, 3, 4])
    // same parameters, other nonlinearity: relu(h) = h for h > 0, silu(h) = h σ(h) < h
    const a = Array.from(mlpDenoiser(relu, params, x, { t }).dataSync())
    const b = Array.from(mlpDenoiser(config, params, x, { t }).dataSync())
    expect(a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0)).toBeGreaterThan(1e-3)
    expect(() => initMlpDenoiser({ ...config, activation: 'tanh' as never }, { key: key(0) })).toThrow(
      /config.activation must be one of 'silu', 'relu', got "tanh"/,
    )
  })

  it('rejects bad configs and inputs with typed errors', () => {
    expect(() => initMlpDenoiser({ ...config, hidden: [] }, { key: key(0) })).toThrow(InvalidArgumentError)
    expect(() => initMlpDenoiser({ ...config, embedDim: 7 }, { key: key(0) })).toThrow(
      /embedDim must be an even integer >= 2, got 7/,
    )
    expect(() => initMlpDenoiser({ ...config, timeScale: 0 }, { key: key(0) })).toThrow(/timeScale/)
    const params = initMlpDenoiser(config, { key: key(0) })
    expect(() => mlpDenoiser(config, params, fromArray([[1, 2, 3]]), { t: fromArray([1]) })).toThrow(
      ShapeError,
    )
    expect(() => mlpDenoiser(config, params, x, { t: fromArray([1, 2]) })).toThrow(
      /t must be \[4\], got \[2\]/,
    )
    expect(() =>
      mlpDenoiser(config, params, x, { t: fromArray([1, 2, 3, 4]), labels: fromArray([0, 1, 2, 0]) }),
    ).toThrow(/labels must be an int32 tensor/)
  })
})
