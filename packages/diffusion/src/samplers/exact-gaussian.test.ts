import { fromArray, InvalidArgumentError, key, normalFloats, reference, type Tensor } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { linearSchedule } from '../schedule/index'
import {
  classifierFreeGuidance,
  gaussianMixture,
  gaussianMixtureMoments,
  gaussianMixtureNoisePredictor,
  gaussianMixtureScore,
  gaussianMixtureVelocity,
  sampleGaussianMixture,
} from './index'

const schedule = linearSchedule({ numTimesteps: 100 })
const mixture = gaussianMixture([
  { weight: 1, mean: [-1, 0.5], std: 0.4 },
  { weight: 3, mean: [1.5, -0.5], std: [0.6, 0.3] },
  { weight: 2, mean: [0, 2], std: 0.25 },
])
const B = 10
const points = Float64Array.from(normalFloats(key(1), B * 2, 'float64'), (v) => 1.5 * v)
const x = fromArray(points, { shape: [B, 2], backend: reference })
const column = (values: readonly number[]): Tensor => fromArray(values, { backend: reference })

/** log p(y) for y = c x0 + d z, written out directly. */
function logDensity(y: readonly number[], c: number, d: number): number {
  const { weights, means, stds } = mixture
  let total = 0
  for (let k = 0; k < 3; k++) {
    let p = weights[k]
    for (let j = 0; j < 2; j++) {
      const v = c * c * stds[k * 2 + j] ** 2 + d * d
      p *= Math.exp(-((y[j] - c * means[k * 2 + j]) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v)
    }
    total += p
  }
  return Math.log(total)
}

function numericalScore(y: readonly number[], c: number, d: number): number[] {
  const h = 1e-5
  return [0, 1].map((j) => {
    const plus = [...y]
    const minus = [...y]
    plus[j] += h
    minus[j] -= h
    return (logDensity(plus, c, d) - logDensity(minus, c, d)) / (2 * h)
  })
}

describe('exact Gaussian-mixture models', () => {
  it('the noise predictor is -sqrt(1 - abar) times the central-difference score of q_t', () => {
    const steps = [0, 1, 5, 20, 50, 70, 90, 99, 3, 42]
    const eps = gaussianMixtureNoisePredictor(mixture, schedule)(x, column(steps)).dataSync()
    for (let i = 0; i < B; i++) {
      const t = steps[i]
      const y = [points[2 * i], points[2 * i + 1]]
      const c = schedule.sqrtAlphaBars[t]
      const d = schedule.sqrtOneMinusAlphaBars[t]
      const expected = numericalScore(y, c, d).map((g) => -d * g)
      for (let j = 0; j < 2; j++) expect(Math.abs(eps[2 * i + j] - expected[j])).toBeLessThan(1e-6)
    }
  })

  it('for one Gaussian the noise predictor is the closed form sqrt(1-abar)(x - sqrt(abar) mu)/(abar s^2 + 1 - abar)', () => {
    const one = gaussianMixture([{ weight: 1, mean: [0.7], std: 0.3 }])
    const values = [-2, -0.5, 0, 1, 3]
    const steps = [0, 10, 50, 90, 99]
    const eps = gaussianMixtureNoisePredictor(one, schedule)(
      fromArray(values, { shape: [5, 1], backend: reference }),
      column(steps),
    ).dataSync()
    steps.forEach((t, i) => {
      const a = schedule.alphaBars[t]
      const expected = (Math.sqrt(1 - a) * (values[i] - Math.sqrt(a) * 0.7)) / (a * 0.09 + 1 - a)
      expect(Math.abs(eps[i] - expected)).toBeLessThan(1e-12)
    })
  })

  it('the NCSN score is the central-difference gradient of log p_sigma', () => {
    const sigmas = [0, 0.01, 0.1, 0.3, 0.5, 1, 2, 5, 0.05, 0.7]
    const score = gaussianMixtureScore(mixture)(x, column(sigmas)).dataSync()
    for (let i = 0; i < B; i++) {
      const expected = numericalScore([points[2 * i], points[2 * i + 1]], 1, sigmas[i])
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(score[2 * i + j] - expected[j])).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(expected[j])),
        )
      }
    }
  })

  it('the velocity is E[x_data - x_noise | x_t] and for one Gaussian the closed form', () => {
    const one = gaussianMixture([{ weight: 1, mean: [0.7], std: 0.3 }])
    const values = [-2, -0.5, 0, 1, 3]
    const times = [0, 0.25, 0.5, 0.9, 1]
    const v = gaussianMixtureVelocity(one)(
      fromArray(values, { shape: [5, 1], backend: reference }),
      column(times),
    ).dataSync()
    times.forEach((t, i) => {
      const variance = t * t * 0.09 + (1 - t) ** 2
      const expected = 0.7 + ((t * 0.09 - (1 - t)) * (values[i] - t * 0.7)) / variance
      expect(Math.abs(v[i] - expected)).toBeLessThan(1e-12)
    })
    // mixture: v = (E[x0 | y] - y) / (1 - t) for t < 1, with E[x0 | y] = (y + (1-t)^2 score) / t
    const t = 0.4
    const vm = gaussianMixtureVelocity(mixture)(x, column(new Array<number>(B).fill(t))).dataSync()
    for (let i = 0; i < B; i++) {
      const y = [points[2 * i], points[2 * i + 1]]
      const g = numericalScore(y, t, 1 - t)
      for (let j = 0; j < 2; j++) {
        const meanData = (y[j] + (1 - t) ** 2 * g[j]) / t
        expect(Math.abs(vm[2 * i + j] - (meanData - y[j]) / (1 - t))).toBeLessThan(1e-6)
      }
    }
  })

  it('moments and exact samples agree', () => {
    const { mean, variance } = gaussianMixtureMoments(
      gaussianMixture([
        { weight: 1, mean: [-2, 0], std: 0.5 },
        { weight: 1, mean: [2, 0], std: 0.5 },
      ]),
    )
    expect(Array.from(mean)).toEqual([0, 0])
    expect(Array.from(variance)).toEqual([4.25, 0.25])
    const n = 20_000
    const samples = sampleGaussianMixture(mixture, key(2), n)
    const moments = gaussianMixtureMoments(mixture)
    for (let j = 0; j < 2; j++) {
      let s = 0
      for (let i = 0; i < n; i++) s += samples[2 * i + j]
      // 4 standard errors of the mean
      expect(Math.abs(s / n - moments.mean[j])).toBeLessThan(4 * Math.sqrt(moments.variance[j] / n))
    }
  })

  it('classifier-free guidance is eps_u + s (eps_c - eps_u); for equal widths, the eps of the extrapolated mean', () => {
    const s = 0.7
    const cond = gaussianMixtureNoisePredictor(
      gaussianMixture([{ weight: 1, mean: [0.5, 1], std: s }]),
      schedule,
    )
    const uncond = gaussianMixtureNoisePredictor(
      gaussianMixture([{ weight: 1, mean: [0, 0], std: s }]),
      schedule,
    )
    const shifted = gaussianMixtureNoisePredictor(
      gaussianMixture([{ weight: 1, mean: [1.5, 3], std: s }]),
      schedule,
    )
    const steps = column([0, 10, 20, 30, 40, 50, 60, 70, 80, 99])
    const guided = classifierFreeGuidance(cond, uncond, 3)(x, steps).dataSync()
    const expected = shifted(x, steps).dataSync()
    for (let i = 0; i < guided.length; i++) expect(Math.abs(guided[i] - expected[i])).toBeLessThan(1e-12)
    expect(Array.from(classifierFreeGuidance(cond, uncond, 0)(x, steps).dataSync())).toEqual(
      Array.from(uncond(x, steps).dataSync()),
    )
    expect(() => classifierFreeGuidance(cond, uncond, Number.NaN)).toThrow(
      'classifierFreeGuidance: scale must be a finite number, got NaN',
    )
  })

  it('rejects bad components and inputs', () => {
    expect(() => gaussianMixture([])).toThrow(
      'gaussianMixture: components must be a non-empty array, got an array of length 0',
    )
    expect(() => gaussianMixture([{ weight: 0, mean: [0], std: 1 }])).toThrow(InvalidArgumentError)
    expect(() => gaussianMixture([{ weight: 1, mean: [0], std: -1 }])).toThrow(
      'gaussianMixture: components[0].std must be a number > 0 or 1 numbers > 0, got -1',
    )
    expect(() =>
      gaussianMixture([
        { weight: 1, mean: [0], std: 1 },
        { weight: 1, mean: [0, 1], std: 1 },
      ]),
    ).toThrow('gaussianMixture: components[1].mean must hold 1 finite numbers, got an array of length 2')
    const eps = gaussianMixtureNoisePredictor(mixture, schedule)
    expect(() => eps(fromArray([[1, 2, 3]]), fromArray([0]))).toThrow(
      'gaussianMixtureNoisePredictor: x must be [B, 2] for this mixture, got [1, 3]',
    )
    expect(() => eps(fromArray([[1, 2]]), fromArray([100]))).toThrow(InvalidArgumentError)
  })
})
