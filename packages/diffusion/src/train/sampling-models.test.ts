import {
  fromArray,
  InvalidArgumentError,
  key,
  memoryStats,
  normalFloats,
  reference,
  type Tensor,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { applyDenoiser, type DenoiserConfig, initDenoiser } from '../nets/denoiser'
import { scheduleFromBetas } from '../schedule/index'
import { noiseLevelTime } from './objectives'
import { noisePredictor, scoreFunction, velocityField } from './sampling-models'

const on = { backend: reference }
const config: DenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [8], embedDim: 4, numClasses: 3 }
const params = initDenoiser(config, { key: key(0), ...on })
const x = fromArray(normalFloats(key(1), 4, 'float64'), { shape: [2, 2], ...on })
const values = (t: Tensor) => Array.from(t.dataSync())
const labels = fromArray(Int32Array.from([2, 2]), { dtype: 'int32', ...on })
const raw = (t: number[], y = labels) =>
  values(applyDenoiser(config, params, x, { t: fromArray(t, on), labels: y }))

describe('sampling models', () => {
  const schedule = scheduleFromBetas([0.1, 0.5]) // alphaBar = [0.9, 0.45]
  const t = fromArray([1, 0], on)
  it('turn an ε, x₀ or v net into a noise predictor', () => {
    expect(values(noisePredictor(config, params, { labels: 2 })(x, t))).toEqual(raw([1, 0]))
    const out = raw([1, 0])
    const xs = values(x)
    const ab = [0.45, 0.45, 0.9, 0.9]
    // v: ε = √(1 − ᾱ) x_t + √ᾱ v̂
    const fromV = values(noisePredictor(config, params, { prediction: 'v', schedule, labels })(x, t))
    fromV.forEach((e, i) =>
      expect(e).toBeCloseTo(Math.sqrt(1 - ab[i]) * xs[i] + Math.sqrt(ab[i]) * out[i], 12),
    )
    // x₀: ε = (x_t − √ᾱ x̂₀) / √(1 − ᾱ)
    const fromX0 = values(noisePredictor(config, params, { prediction: 'x0', schedule, labels })(x, t))
    fromX0.forEach((e, i) =>
      expect(e).toBeCloseTo((xs[i] - Math.sqrt(ab[i]) * out[i]) / Math.sqrt(1 - ab[i]), 12),
    )
    expect(() => noisePredictor(config, params, { prediction: 'v' })).toThrow(/schedule must be given/)
  })

  it('give the velocity field and the score output / σ, without leaking tensors', () => {
    expect(values(velocityField(config, params, { labels })(x, fromArray([0.2, 0.9], on)))).toEqual(
      raw([0.2, 0.9]),
    )
    const sigmas = [1, 0.1, 0.01]
    const score = scoreFunction(config, params, { sigmas, labels: 2 })
    const sigma = fromArray([0.1, 1], on)
    const before = memoryStats().tensors
    const s = score(x, sigma)
    expect(memoryStats().tensors - before).toBe(1) // only the result stays
    const out = raw([noiseLevelTime(0.1, sigmas), noiseLevelTime(1, sigmas)])
    values(s).forEach((v, i) => expect(v).toBeCloseTo(out[i] / (i < 2 ? 0.1 : 1), 12))
    expect(() => scoreFunction(config, params, { sigmas: [] })).toThrow(InvalidArgumentError)
    expect(() => noisePredictor(config, params, { labels: 4 })(x, t)).toThrow(/at most numClasses = 3/)
    const plain: DenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [8] }
    expect(() =>
      velocityField(plain, initDenoiser(plain, { key: key(0) }), { labels: 1 })(
        fromArray([[0, 0]]),
        fromArray([0.5]),
      ),
    ).toThrow(/must be absent for an unconditional model/)
  })
})
