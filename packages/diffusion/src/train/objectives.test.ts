import {
  fromArray,
  InvalidArgumentError,
  key,
  reference,
  type Tensor,
  type TensorTree,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import {
  initMlpDenoiser,
  mlpDenoiser,
  type MlpDenoiserConfig,
  type MlpDenoiserParams,
} from '../nets/mlp-denoiser'
import { expectGradientsMatch } from '../nets/test-helpers'
import { linearSchedule, scheduleFromBetas } from '../schedule/index'
import { lossWeight, makeTrainingBatch, noiseLevelTime, validateObjective, weightedMse } from './objectives'

const on = { backend: reference }
const values = (t: Tensor) => Array.from(t.dataSync())
const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length)
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12))
}
// B = 2 points in 2-D, their noise and fixed times
const x0 = fromArray([1, 2, -1, 0.5], { shape: [2, 2], ...on })
const noise = [0.5, -1, 2, 0.25]
const schedule = scheduleFromBetas([0.1, 0.5]) // alphaBar = [0.9, 0.45], SNR = [9, 9/11]
const a = [Math.sqrt(0.9), Math.sqrt(0.45)]
const s = [Math.sqrt(0.1), Math.sqrt(0.55)]
const x = [1, 2, -1, 0.5]
const row = (i: number) => Math.floor(i / 2)

describe('makeTrainingBatch: diffusion', () => {
  it('forms x_t = √ᾱ x₀ + √(1 − ᾱ) ε and the ε target, unit weights', () => {
    const batch = makeTrainingBatch({ kind: 'diffusion', schedule }, x0, {
      key: key(0),
      noise,
      timesteps: [0, 1],
    })
    close(
      values(batch.input),
      x.map((v, i) => a[row(i)] * v + s[row(i)] * noise[i]),
    )
    close(values(batch.target), noise)
    expect(values(batch.t)).toEqual([0, 1])
    expect(values(batch.weights)).toEqual([1, 1])
  })

  it('gives the v target √ᾱ ε − √(1 − ᾱ) x₀ and the x₀ target', () => {
    const v = makeTrainingBatch({ kind: 'diffusion', schedule, prediction: 'v' }, x0, {
      key: key(0),
      noise,
      timesteps: [0, 1],
    })
    close(
      values(v.target),
      x.map((xi, i) => a[row(i)] * noise[i] - s[row(i)] * xi),
    )
    const x0Batch = makeTrainingBatch({ kind: 'diffusion', schedule, prediction: 'x0' }, x0, {
      key: key(0),
      noise,
      timesteps: [1, 0],
    })
    close(values(x0Batch.target), x)
  })

  it('weights by min-SNR-γ converted to the prediction space (Hang et al. 2023)', () => {
    const snr = [9, 0.45 / 0.55]
    const cases = [
      ['epsilon', snr.map((r) => Math.min(r, 5) / r)], // [5/9, 1]
      ['x0', snr.map((r) => Math.min(r, 5))], // [5, 0.818]
      ['v', snr.map((r) => Math.min(r, 5) / (r + 1))], // [0.5, 0.45]
    ] as const
    for (const [prediction, expected] of cases) {
      const batch = makeTrainingBatch({ kind: 'diffusion', schedule, prediction, weighting: 'min-snr' }, x0, {
        key: key(0),
        noise,
        timesteps: [0, 1],
      })
      close(values(batch.weights), [...expected])
    }
    expect(lossWeight('epsilon', 'min-snr', 9)).toBeCloseTo(5 / 9, 15)
    expect(lossWeight('x0', 'truncated-snr', 0.25)).toBe(1)
    expect(lossWeight('v', 'truncated-snr', 3)).toBe(0.75)
    // all three min-SNR losses are the same x₀-space loss: λ ‖x̂₀ − x₀‖²
    const r = 2.5
    expect(lossWeight('epsilon', 'min-snr', r, 1) * r).toBeCloseTo(
      lossWeight('v', 'min-snr', r, 1) * (r + 1),
      14,
    )
  })

  it('draws timesteps uniformly from 0 … T − 1', () => {
    const big = linearSchedule({ numTimesteps: 100 })
    const data = fromArray(new Float32Array(4000 * 2), { shape: [4000, 2] })
    const t = values(makeTrainingBatch({ kind: 'diffusion', schedule: big }, data, { key: key(3) }).t)
    expect(Math.min(...t)).toBe(0)
    expect(Math.max(...t)).toBe(99)
    expect(t.every(Number.isInteger)).toBe(true)
    // mean (T − 1)/2 = 49.5, standard error √((T² − 1)/12 / n) = 0.456
    const m = t.reduce((p, q) => p + q, 0) / t.length
    expect(Math.abs(m - 49.5)).toBeLessThan(4 * 0.456)
  })
})

describe('makeTrainingBatch: flow matching and score matching', () => {
  it('puts noise at t = 0 and data at t = 1, target x₁ − x₀ (straight paths)', () => {
    const times = [0.25, 0.75]
    const batch = makeTrainingBatch({ kind: 'flow-matching' }, x0, { key: key(0), noise, timesteps: times })
    close(
      values(batch.input),
      x.map((x1, i) => (1 - times[row(i)]) * noise[i] + times[row(i)] * x1),
    )
    close(
      values(batch.target),
      x.map((x1, i) => x1 - noise[i]),
    )
    close(values(batch.t), times)
    // σ_min (Lipman et al. 2023, eq. 22): x_t = (1 − (1 − σ_min) t) x₀ + t x₁, u = x₁ − (1 − σ_min) x₀
    const lipman = makeTrainingBatch({ kind: 'flow-matching', sigmaMin: 0.1 }, x0, {
      key: key(0),
      noise,
      timesteps: times,
    })
    close(
      values(lipman.input),
      x.map((x1, i) => (1 - 0.9 * times[row(i)]) * noise[i] + times[row(i)] * x1),
    )
    close(
      values(lipman.target),
      x.map((x1, i) => x1 - 0.9 * noise[i]),
    )
    // random times lie in [0, 1)
    const drawn = values(makeTrainingBatch({ kind: 'flow-matching' }, x0, { key: key(1) }).t)
    expect(drawn.every((t) => t >= 0 && t < 1)).toBe(true)
  })

  it('perturbs by the level σ_i and asks for σ_i · score = −z (NCSN)', () => {
    const sigmas = [1, 0.1]
    const batch = makeTrainingBatch({ kind: 'score-matching', sigmas }, x0, {
      key: key(0),
      noise,
      timesteps: [1, 0],
    })
    const sigma = [0.1, 1]
    close(
      values(batch.input),
      x.map((xi, i) => xi + sigma[row(i)] * noise[i]),
    )
    close(
      values(batch.target),
      noise.map((z) => -z),
    )
    expect(values(batch.t)).toEqual([1, 0])
    // the net sees ln(σ₀/σ) / ln(σ₀/σ_min): 0 at the largest level, 1 at the smallest
    expect(noiseLevelTime(0.1, [1, 0.1, 0.01])).toBeCloseTo(0.5, 15)
    expect(noiseLevelTime(2, [2])).toBe(0)
  })

  it('drops labels to the null label with the given probability', () => {
    const n = 10_000
    const labels = fromArray(
      Int32Array.from({ length: n }, (_, i) => i % 3),
      { dtype: 'int32' },
    )
    const data = fromArray(new Float32Array(n * 2), { shape: [n, 2] })
    const objective = { kind: 'flow-matching' } as const
    const dropped = values(
      makeTrainingBatch(objective, data, { key: key(4), labels, numClasses: 3, labelDropout: 0.3 }).labels!,
    )
    const nulls = dropped.filter((y) => y === 3).length / n
    // binomial: standard error √(0.3 · 0.7 / n) = 0.0046
    expect(Math.abs(nulls - 0.3)).toBeLessThan(4 * 0.0046)
    expect(dropped.every((y, i) => y === 3 || y === i % 3)).toBe(true)
    const kept = makeTrainingBatch(objective, data, { key: key(4), labels, numClasses: 3 }).labels!
    expect(values(kept)).toEqual(values(labels))
  })
})

describe('weightedMse', () => {
  it('is (1/B) Σ_b w_b · mean_d (ŷ − y)²', () => {
    const prediction = fromArray([1, 1, 0, 3], { shape: [2, 2], ...on })
    const target = fromArray([0, 3, 1, 1], { shape: [2, 2], ...on })
    const weights = fromArray([0.5, 2], on)
    // example 0: (1 + 4)/2 = 2.5, weighted 1.25; example 1: (1 + 4)/2 = 2.5, weighted 5
    expect(weightedMse(prediction, target, weights).item()).toBeCloseTo((1.25 + 5) / 2, 14)
    expect(() => weightedMse(prediction, target, fromArray([1, 2, 3], on))).toThrow(InvalidArgumentError)
  })

  it('has the gradient of central differences through the MLP, for each family (float64)', () => {
    const config: MlpDenoiserConfig = {
      kind: 'mlp',
      dataDim: 2,
      hidden: [6],
      embedDim: 4,
      numClasses: 2,
      timeScale: 10,
    }
    const params = initMlpDenoiser(config, { key: key(7), ...on }) as unknown as TensorTree
    const labels = fromArray(Int32Array.from([1, 2]), { dtype: 'int32', ...on })
    for (const objective of [
      { kind: 'diffusion', schedule, prediction: 'v', weighting: 'min-snr' },
      { kind: 'flow-matching' },
      { kind: 'score-matching', sigmas: [1, 0.1] },
    ] as const) {
      const batch = makeTrainingBatch(objective, x0, {
        key: key(8),
        labels,
        numClasses: 2,
        labelDropout: 0.5,
      })
      const loss = (p: TensorTree) =>
        weightedMse(
          mlpDenoiser(config, p as unknown as MlpDenoiserParams, batch.input, {
            t: batch.t,
            labels: batch.labels,
          }),
          batch.target,
          batch.weights,
        )
      expect(expectGradientsMatch(loss, params, { entriesPerLeaf: 2 })).toBeLessThan(1e-6)
    }
  })
})

describe('validateObjective', () => {
  it('rejects bad objectives with typed errors', () => {
    expect(() => validateObjective({ kind: 'ddpm' } as never)).toThrow(/objective.kind must be one of/)
    expect(() => validateObjective({ kind: 'diffusion', schedule, prediction: 'score' as never })).toThrow(
      /prediction/,
    )
    expect(() => validateObjective({ kind: 'diffusion', schedule, snrGamma: 0 })).toThrow(/snrGamma/)
    expect(() => validateObjective({ kind: 'diffusion', schedule: {} as never })).toThrow(
      /schedule must be a NoiseSchedule/,
    )
    expect(() => validateObjective({ kind: 'flow-matching', sigmaMin: 1 })).toThrow(/sigmaMin/)
    expect(() => validateObjective({ kind: 'score-matching', sigmas: [0.1, 1] })).toThrow(/must decrease/)
    expect(() => validateObjective({ kind: 'score-matching', sigmas: [] })).toThrow(InvalidArgumentError)
    // a Float64Array ladder (geometricSigmas) is accepted like an array
    expect(validateObjective({ kind: 'score-matching', sigmas: Float64Array.from([1, 0.1]) }).kind).toBe(
      'score-matching',
    )
    expect(() =>
      makeTrainingBatch({ kind: 'flow-matching' }, x0, {
        key: key(0),
        labels: fromArray(Int32Array.from([0, 1]), { dtype: 'int32' }),
      }),
    ).toThrow(/numClasses/)
    expect(() => makeTrainingBatch({ kind: 'flow-matching' }, x0, { key: key(0), noise: [1, 2] })).toThrow(
      /options.noise must hold 4 numbers/,
    )
  })
})
