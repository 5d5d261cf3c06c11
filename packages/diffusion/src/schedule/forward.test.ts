import {
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  ShapeError,
  split,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import {
  cosineSchedule,
  epsFromV,
  epsFromX0,
  posteriorMean,
  predictX0FromEps,
  predictX0FromV,
  qSample,
  scoreFromEps,
  vTarget,
} from './index'

const schedule = cosineSchedule({ numTimesteps: 100 })
const [k0, k1] = split(key(3))
const B = 6
const D = 3
const x0Values = normalFloats(k0, B * D, 'float64')
const epsValues = normalFloats(k1, B * D, 'float64')
const x0 = fromArray(x0Values, { shape: [B, D], backend: reference })
const eps = fromArray(epsValues, { shape: [B, D], backend: reference })
const steps = [0, 1, 37, 50, 98, 99]

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('qSample', () => {
  it('computes sqrt(abar_t) x0 + sqrt(1 - abar_t) eps per example (reference backend, float64)', () => {
    const xt = qSample(schedule, x0, steps, eps).dataSync()
    const expected = new Float64Array(B * D)
    for (let i = 0; i < B; i++) {
      const a = schedule.alphaBars[steps[i]]
      for (let j = 0; j < D; j++) {
        expected[i * D + j] = Math.sqrt(a) * x0Values[i * D + j] + Math.sqrt(1 - a) * epsValues[i * D + j]
      }
    }
    expect(maxAbsDiff(xt, expected)).toBeLessThan(1e-14)
  })

  it('takes one timestep for the whole batch, an Int32Array or an int32 tensor', () => {
    const all = qSample(schedule, x0, 37, eps).dataSync()
    const same = qSample(schedule, x0, new Int32Array(B).fill(37), eps).dataSync()
    const tensor = qSample(schedule, x0, fromArray(new Int32Array(B).fill(37)), eps).dataSync()
    expect(Array.from(all)).toEqual(Array.from(same))
    expect(Array.from(all)).toEqual(Array.from(tensor))
  })

  it('rejects timesteps outside [0, T), the wrong count and mismatched shapes', () => {
    expect(() => qSample(schedule, x0, 100, eps)).toThrow(
      'qSample: t must be integers in [0, 99], got 100 at index 0',
    )
    expect(() => qSample(schedule, x0, -1, eps)).toThrow(InvalidArgumentError)
    expect(() => qSample(schedule, x0, 1.5, eps)).toThrow(InvalidArgumentError)
    expect(() => qSample(schedule, x0, [1, 2], eps)).toThrow(
      'qSample: t must hold one timestep per example (6), got length 2',
    )
    const wrong = fromArray(new Float64Array(B * 2), { shape: [B, 2], backend: reference })
    expect(() => qSample(schedule, x0, 3, wrong)).toThrow(ShapeError)
    expect(() => qSample(schedule, x0, 3, wrong)).toThrow(
      'qSample: eps must have the shape of x0 [6, 3], got [6, 2]',
    )
    expect(() => qSample({} as typeof schedule, x0, 3, eps)).toThrow(InvalidArgumentError)
    expect(() => qSample(schedule, [1, 2] as never, 3, eps)).toThrow(
      'qSample: x0 must be a Tensor, got an array of length 2',
    )
  })
})

describe('prediction conversions', () => {
  const xt = qSample(schedule, x0, steps, eps)

  it('recover x0 and eps from each other and from v (round trips in float64)', () => {
    expect(maxAbsDiff(predictX0FromEps(schedule, xt, steps, eps).dataSync(), x0Values)).toBeLessThan(1e-9)
    expect(maxAbsDiff(epsFromX0(schedule, xt, steps, x0).dataSync(), epsValues)).toBeLessThan(1e-9)
    const v = vTarget(schedule, x0, steps, eps)
    expect(maxAbsDiff(predictX0FromV(schedule, xt, steps, v).dataSync(), x0Values)).toBeLessThan(1e-12)
    expect(maxAbsDiff(epsFromV(schedule, xt, steps, v).dataSync(), epsValues)).toBeLessThan(1e-12)
  })

  it('v = sqrt(abar) eps - sqrt(1 - abar) x0', () => {
    const v = vTarget(schedule, x0, steps, eps).dataSync()
    for (let i = 0; i < B; i++) {
      const a = schedule.alphaBars[steps[i]]
      for (let j = 0; j < D; j++) {
        const expected = Math.sqrt(a) * epsValues[i * D + j] - Math.sqrt(1 - a) * x0Values[i * D + j]
        expect(Math.abs(v[i * D + j] - expected)).toBeLessThan(1e-14)
      }
    }
  })

  it('scoreFromEps gives the exact score of q_t for a point mass at x0: -(x - sqrt(abar) x0) / (1 - abar)', () => {
    const score = scoreFromEps(schedule, steps, eps).dataSync()
    const xtValues = xt.dataSync()
    for (let i = 0; i < B; i++) {
      const a = schedule.alphaBars[steps[i]]
      for (let j = 0; j < D; j++) {
        const expected = -(xtValues[i * D + j] - Math.sqrt(a) * x0Values[i * D + j]) / (1 - a)
        expect(Math.abs(score[i * D + j] - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)))
      }
    }
  })

  it('posteriorMean is x0 at t = 0 and coefX0 x0 + coefXt xt elsewhere', () => {
    const mean = posteriorMean(schedule, x0, xt, steps).dataSync()
    const xtValues = xt.dataSync()
    for (let j = 0; j < D; j++) expect(Math.abs(mean[j] - x0Values[j])).toBeLessThan(1e-14)
    for (let i = 1; i < B; i++) {
      const t = steps[i]
      for (let j = 0; j < D; j++) {
        const expected =
          schedule.posteriorMeanCoefX0[t] * x0Values[i * D + j] +
          schedule.posteriorMeanCoefXt[t] * xtValues[i * D + j]
        expect(Math.abs(mean[i * D + j] - expected)).toBeLessThan(1e-14)
      }
    }
  })
})
