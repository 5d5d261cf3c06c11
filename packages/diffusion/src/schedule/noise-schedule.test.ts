import { InvalidArgumentError } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import {
  cosineSchedule,
  linearSchedule,
  scheduleFromBetas,
  sigmoidSchedule,
  type NoiseSchedule,
} from './index'

const relClose = (a: number, b: number, rtol = 1e-12): boolean => Math.abs(a - b) <= rtol * Math.abs(b)

/** Posterior q(x_{t-1} | x_t, x_0) by Gaussian conditioning, written independently of the schedule code. */
function directPosterior(
  betas: readonly number[],
  t: number,
): { coefX0: number; coefXt: number; variance: number } {
  let prev = 1
  for (let s = 0; s < t; s++) prev *= 1 - betas[s]
  const beta = betas[t]
  const alpha = 1 - beta
  // x_{t-1} ~ N(sqrt(prev) x0, 1 - prev); x_t = sqrt(alpha) x_{t-1} + sqrt(beta) z.
  // Precision of x_{t-1} given both: 1/(1-prev) + alpha/beta.
  if (t === 0) return { coefX0: 1, coefXt: 0, variance: 0 }
  const precision = 1 / (1 - prev) + alpha / beta
  const variance = 1 / precision
  return {
    coefX0: (variance * Math.sqrt(prev)) / (1 - prev),
    coefXt: (variance * Math.sqrt(alpha)) / beta,
    variance,
  }
}

function checkPosterior(schedule: NoiseSchedule, steps: readonly number[]): void {
  const betas = Array.from(schedule.betas)
  for (const t of steps) {
    const direct = directPosterior(betas, t)
    expect(
      relClose(schedule.posteriorVariance[t] + 1e-300, direct.variance + 1e-300, 1e-10),
      `variance at ${t}`,
    ).toBe(true)
    expect(Math.abs(schedule.posteriorMeanCoefX0[t] - direct.coefX0), `coefX0 at ${t}`).toBeLessThan(1e-11)
    expect(Math.abs(schedule.posteriorMeanCoefXt[t] - direct.coefXt), `coefXt at ${t}`).toBeLessThan(1e-11)
  }
}

describe('scheduleFromBetas', () => {
  it('gives alphaBar_t = (1 - beta)^(t + 1) for constant betas, and alphaBarPrev shifted by one', () => {
    const s = scheduleFromBetas([0.1, 0.1, 0.1, 0.1, 0.1])
    for (let t = 0; t < 5; t++) {
      expect(relClose(s.alphaBars[t], 0.9 ** (t + 1))).toBe(true)
      expect(relClose(s.oneMinusAlphaBars[t], 1 - 0.9 ** (t + 1))).toBe(true)
      expect(s.alphaBarPrev[t]).toBe(t === 0 ? 1 : s.alphaBars[t - 1])
      expect(relClose(s.snr[t], 0.9 ** (t + 1) / (1 - 0.9 ** (t + 1)))).toBe(true)
      expect(relClose(s.logSnr[t], Math.log(s.snr[t]))).toBe(true)
    }
    expect(s.kind).toBe('custom')
    expect(s.numTimesteps).toBe(5)
  })

  it('matches the docs example', () => {
    const s = scheduleFromBetas([0.1, 0.2, 0.3])
    expect(Array.from(s.alphaBars).map((v) => Number(v.toFixed(12)))).toEqual([0.9, 0.72, 0.504])
  })

  it('posterior mean coefficients and variance equal direct Gaussian conditioning', () => {
    const betas = [0.02, 0.3, 0.5, 0.01, 0.9, 0.15]
    checkPosterior(scheduleFromBetas(betas), [0, 1, 2, 3, 4, 5])
  })

  it('clips the log posterior variance at the first step (DDPM code) and handles T = 1', () => {
    const s = scheduleFromBetas([0.1, 0.2, 0.3])
    expect(s.posteriorVariance[0]).toBe(0)
    expect(s.posteriorLogVarianceClipped[0]).toBe(Math.log(s.posteriorVariance[1]))
    expect(s.posteriorLogVarianceClipped[2]).toBe(Math.log(s.posteriorVariance[2]))
    const one = scheduleFromBetas([0.25])
    expect(one.posteriorLogVarianceClipped[0]).toBe(Math.log(0.25))
    expect(one.posteriorMeanCoefX0[0]).toBe(1)
    expect(one.posteriorMeanCoefXt[0]).toBe(0)
  })

  it('rejects empty input and betas outside (0, 1) with typed errors', () => {
    expect(() => scheduleFromBetas([])).toThrow(
      'scheduleFromBetas: betas must hold at least one step (T >= 1), got T = 0',
    )
    for (const bad of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => scheduleFromBetas([0.1, bad])).toThrow(InvalidArgumentError)
    }
    expect(() => scheduleFromBetas([0.1, 1])).toThrow(
      'scheduleFromBetas: betas must lie in (0, 1), got 1 at t = 1',
    )
    expect(() => scheduleFromBetas(null as unknown as number[])).toThrow(
      'scheduleFromBetas: betas must be an array of numbers, got null',
    )
  })
})

describe('linearSchedule', () => {
  const s = linearSchedule({ numTimesteps: 1000 })

  it('has the DDPM end points at T = 1000 and exact strided betas', () => {
    expect(s.betas[0]).toBeCloseTo(1e-4, 15)
    expect(s.betas[999]).toBeCloseTo(0.02, 15)
    for (const t of [0, 1, 250, 500, 998, 999]) {
      expect(Math.abs(s.betas[t] - (1e-4 + ((0.02 - 1e-4) * t) / 999))).toBeLessThan(1e-17)
    }
  })

  it('keeps 1 - alphaBar exact at the first step and alphaBar exact at strided and last steps', () => {
    expect(relClose(s.oneMinusAlphaBars[0], s.betas[0], 1e-15)).toBe(true)
    expect(s.alphaBarPrev[0]).toBe(1)
    let logProduct = 0
    for (let t = 0; t < 1000; t++) {
      logProduct += Math.log(1 - s.betas[t])
      if (t % 37 === 0 || t === 999) expect(relClose(s.alphaBars[t], Math.exp(logProduct), 1e-11)).toBe(true)
    }
    // closed form of sum log(1 - beta) is not elementary; the known value for DDPM's schedule:
    expect(s.alphaBars[999]).toBeGreaterThan(4.0e-5)
    expect(s.alphaBars[999]).toBeLessThan(4.1e-5)
  })

  it('posterior formulas equal direct conditioning at the first, last and strided steps', () => {
    checkPosterior(s, [0, 1, 2, 100, 500, 998, 999])
  })

  it('scales its default betas with T, and rejects a default betaEnd >= 1', () => {
    const small = linearSchedule({ numTimesteps: 100 })
    expect(small.betas[0]).toBeCloseTo(1e-3, 15)
    expect(small.betas[99]).toBeCloseTo(0.2, 15)
    expect(() => linearSchedule({ numTimesteps: 10 })).toThrow(
      'linearSchedule: betaEnd must be a finite number > 0 and < 1, got 2',
    )
    expect(linearSchedule({ numTimesteps: 10, betaStart: 0.01, betaEnd: 0.5 }).betas[9]).toBeCloseTo(0.5, 15)
    expect(linearSchedule({ numTimesteps: 1, betaStart: 0.3, betaEnd: 0.3 }).alphaBars[0]).toBeCloseTo(
      0.7,
      15,
    )
  })

  it('rejects T < 1 and missing options', () => {
    expect(() => linearSchedule({ numTimesteps: 0 })).toThrow(
      'linearSchedule: numTimesteps must be an integer >= 1, got 0',
    )
    expect(() => linearSchedule({ numTimesteps: 2.5 })).toThrow(InvalidArgumentError)
    expect(() => linearSchedule(undefined as unknown as { numTimesteps: number })).toThrow(
      'linearSchedule: options must be an options object, got undefined',
    )
  })
})

describe('cosineSchedule', () => {
  const T = 1000
  const s = cosineSchedule({ numTimesteps: T })
  const f = (u: number): number => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2

  it('follows alphaBar(u) = f(u)/f(0) where unclipped and clips the last beta at 0.999', () => {
    expect(s.betas[T - 1]).toBe(0.999)
    const clipped = Array.from(s.betas).filter((b) => b === 0.999).length
    expect(clipped).toBe(1)
    expect(relClose(s.betas[0], 1 - f(1 / T) / f(0), 1e-9)).toBe(true)
    for (const t of [0, 1, 100, 500, 900, 998]) {
      expect(relClose(s.alphaBars[t], f((t + 1) / T) / f(0), 1e-9), `t = ${t}`).toBe(true)
    }
    // the last alphaBar is the product of the clipped betas, not f(1) = 0
    expect(relClose(s.alphaBars[T - 1], s.alphaBars[T - 2] * 0.001, 1e-12)).toBe(true)
    expect(s.alphaBars[T - 1]).toBeGreaterThan(0)
  })

  it('clips every step past the threshold for small T and a low maxBeta', () => {
    const low = cosineSchedule({ numTimesteps: 10, maxBeta: 0.5 })
    for (let t = 0; t < 10; t++) expect(low.betas[t]).toBeLessThanOrEqual(0.5)
    expect(low.betas[9]).toBe(0.5)
    expect(low.betas[8]).toBe(0.5)
  })

  it('posterior formulas equal direct conditioning, clipped step included', () => {
    checkPosterior(s, [0, 1, 2, 500, 998, 999])
  })

  it('rejects bad options', () => {
    expect(() => cosineSchedule({ numTimesteps: 10, maxBeta: 1 })).toThrow(
      'cosineSchedule: maxBeta must be a finite number > 0 and < 1, got 1',
    )
    expect(() => cosineSchedule({ numTimesteps: 10, offset: 0 })).toThrow(InvalidArgumentError)
    expect(() => cosineSchedule({ numTimesteps: -1 })).toThrow(InvalidArgumentError)
  })
})

describe('sigmoidSchedule', () => {
  it('decreases alphaBar from near 1 to near 0 along the sigmoid and stays in (0, 1)', () => {
    const T = 500
    const s = sigmoidSchedule({ numTimesteps: T })
    const g = (u: number): number => 1 / (1 + Math.exp(-(6 * u - 3)))
    for (let t = 0; t < T; t++) {
      expect(s.betas[t]).toBeGreaterThan(0)
      expect(s.betas[t]).toBeLessThanOrEqual(0.999)
      if (t > 0) expect(s.alphaBars[t]).toBeLessThan(s.alphaBars[t - 1])
    }
    for (const t of [0, 10, 250, 400]) {
      expect(relClose(s.alphaBars[t], (g(1) - g((t + 1) / T)) / (g(1) - g(0)), 1e-9), `t = ${t}`).toBe(true)
    }
    expect(s.betas[T - 1]).toBe(0.999)
    checkPosterior(s, [0, 1, 250, T - 2, T - 1])
  })

  it('rejects start >= end and tau <= 0', () => {
    expect(() => sigmoidSchedule({ numTimesteps: 10, start: 3, end: 3 })).toThrow(
      'sigmoidSchedule: end must be a finite number > 3, got 3',
    )
    expect(() => sigmoidSchedule({ numTimesteps: 10, tau: 0 })).toThrow(InvalidArgumentError)
  })
})
