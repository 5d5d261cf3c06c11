// AIS and reverse AIS against exact log Z on small RBMs (fixed keys; tolerances from the
// estimators' own standard errors), closed-form cases, the schedule and the bad-input paths.
import { key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'

import { createRbm, rbmLogPartition, type Rbm } from '../rbm'
import {
  SALAKHUTDINOV_MURRAY_SCHEDULE,
  aisInverseTemperatures,
  combineAisResults,
  rbmAis,
  rbmExactSamples,
  rbmReverseAis,
} from './index'

function randomRbm(numVisible: number, numHidden: number, weightScale: number, seed: number): Rbm {
  const scale = (xs: Float64Array, s: number): Float64Array => xs.map((x) => x * s)
  return createRbm({
    numVisible,
    numHidden,
    weights: scale(normalFloats(key(seed), numVisible * numHidden, 'float64'), weightScale),
    visibleBias: scale(normalFloats(key(seed + 1), numVisible, 'float64'), 0.5),
    hiddenBias: scale(normalFloats(key(seed + 2), numHidden, 'float64'), 0.5),
  })
}

/** Standard deviation of the mean of the log-weights (the spread of the Jensen bounds). */
function meanLogStdErr(logWeights: Float64Array): number {
  const n = logWeights.length
  const mean = logWeights.reduce((a, b) => a + b, 0) / n
  const variance = logWeights.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
  return Math.sqrt(variance / n)
}

describe('aisInverseTemperatures', () => {
  test("the 'salakhutdinov-murray' schedule: 14,501 points, spacing 1e-3, 1e-4, 1e-5", () => {
    const betas = aisInverseTemperatures(SALAKHUTDINOV_MURRAY_SCHEDULE)
    expect(betas.length).toBe(14501)
    expect([betas[0], betas[500], betas[4500], betas[14500]]).toEqual([0, 0.5, 0.9, 1])
    for (let k = 1; k < betas.length; k++) expect(betas[k]).toBeGreaterThan(betas[k - 1])
    expect(betas[251] - betas[250]).toBeCloseTo(1e-3, 12)
    expect(betas[2001] - betas[2000]).toBeCloseTo(1e-4, 12)
    expect(betas[10001] - betas[10000]).toBeCloseTo(1e-5, 12)
  })

  test('linear and explicit schedules; bad ones name what must hold', () => {
    expect(Array.from(aisInverseTemperatures({ numTemperatures: 5 }))).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(Array.from(aisInverseTemperatures([0, 0.3, 1]))).toEqual([0, 0.3, 1])
    expect(() => aisInverseTemperatures({ numTemperatures: 1 })).toThrow(
      /aisInverseTemperatures: numTemperatures must be an integer >= 2, got 1/,
    )
    expect(() => aisInverseTemperatures([0, 0.5, 0.4, 1])).toThrow(
      /schedule must rise strictly, got 0.5 then 0.4/,
    )
    expect(() => aisInverseTemperatures([0.1, 1])).toThrow(
      /from exactly 0 to exactly 1, got 2 values from 0.1/,
    )
    expect(() => aisInverseTemperatures('neal' as 'salakhutdinov-murray')).toThrow(
      /schedule must be 'salakhutdinov-murray'/,
    )
  })
})

describe('rbmAis', () => {
  test('W = 0 and b^A = b: every weight is Σ softplus(c_j) − H ln 2, so ln Z is exact and ESS = M', () => {
    const rbm = createRbm({
      numVisible: 3,
      numHidden: 2,
      weights: [0, 0, 0, 0, 0, 0],
      visibleBias: [0.3, -1, 2],
      hiddenBias: [1.5, -0.5],
    })
    const result = rbmAis(rbm, {
      key: key(0),
      numRuns: 10,
      schedule: { numTemperatures: 50 },
      baseVisibleBias: rbm.visibleBias,
    })
    expect(result.logZ).toBeCloseTo(rbmLogPartition(rbm), 12)
    expect(result.effectiveSampleSize).toBeCloseTo(10, 10)
    expect(result.logZStdErr).toBeLessThan(1e-12)
    expect(result.stochasticLowerBound).toBeCloseTo(rbmLogPartition(rbm), 12)
  })

  // the runs of three random RBMs, up to 30 × 12 with weights of scale 3
  const cases = [
    { numVisible: 12, numHidden: 8, weightScale: 1, seed: 10 },
    { numVisible: 20, numHidden: 10, weightScale: 2, seed: 20 },
    { numVisible: 30, numHidden: 12, weightScale: 3, seed: 30 },
  ]
  test.each(cases)(
    'forward and reverse AIS bracket and match exact ln Z ($numVisible × $numHidden, weight scale $weightScale)',
    ({ numVisible, numHidden, weightScale, seed }) => {
      const rbm = randomRbm(numVisible, numHidden, weightScale, seed)
      const exact = rbmLogPartition(rbm)
      const schedule = { numTemperatures: 1000 }
      const forward = rbmAis(rbm, { key: key(seed + 5), numRuns: 200, schedule })
      const samples = rbmExactSamples(rbm, { count: 200, key: key(seed + 6) })
      const reverse = rbmReverseAis(rbm, samples, { key: key(seed + 7), schedule })
      // measured: |error| ≤ 1.2 SE, SE ≤ 0.04 nats, ESS ≥ 150 of 200
      for (const estimate of [forward, reverse]) {
        expect(Math.abs(estimate.logZ - exact)).toBeLessThan(4 * estimate.logZStdErr)
        expect(estimate.logZStdErr).toBeLessThan(0.06)
        expect(estimate.effectiveSampleSize).toBeGreaterThan(100)
        expect(estimate.effectiveSampleSize).toBeLessThanOrEqual(200)
        expect(estimate.logZInterval.lower).toBeLessThan(exact)
        expect(estimate.logZInterval.upper).toBeGreaterThan(exact)
        expect(estimate.numTemperatures).toBe(1000)
      }
      // Jensen: lower ≤ ln Z ≤ upper in expectation, up to the spread of the mean log-weight
      expect(forward.stochasticLowerBound).toBeLessThan(exact + 3 * meanLogStdErr(forward.logWeights))
      expect(reverse.stochasticUpperBound).toBeGreaterThan(exact - 3 * meanLogStdErr(reverse.logWeights))
      expect(forward.stochasticLowerBound).toBeLessThan(reverse.stochasticUpperBound)
    },
  )

  test('the ESS collapses on a sharp model with a short schedule, where the spread alone misleads', () => {
    const schedule = { numTemperatures: 30 }
    const smooth = rbmAis(randomRbm(30, 12, 1, 40), { key: key(1), numRuns: 100, schedule })
    const sharpRbm = randomRbm(30, 12, 10, 40)
    const sharp = rbmAis(sharpRbm, { key: key(1), numRuns: 100, schedule })
    const error = sharp.logZ - rbmLogPartition(sharpRbm)
    console.info(
      `30×12, 30 temperatures: smooth ESS ${smooth.effectiveSampleSize.toFixed(1)}; sharp (scale 10) ESS ` +
        `${sharp.effectiveSampleSize.toFixed(2)}, error ${error.toFixed(2)} nats, SE ${sharp.logZStdErr.toFixed(2)}`,
    )
    // measured: smooth (scale 1) ESS 30.7, sharp ESS 3.5 with an error of −2.9 nats against an SE of 0.53
    expect(smooth.effectiveSampleSize).toBeGreaterThan(20)
    expect(smooth.effectiveSampleSize).toBeGreaterThan(5 * sharp.effectiveSampleSize)
    expect(sharp.effectiveSampleSize).toBeLessThan(10)
    expect(sharp.effectiveSampleSize).toBeGreaterThanOrEqual(1)
    // confidently wrong: the error is several of its own standard errors, and below (AIS underestimates)
    expect(error).toBeLessThan(-3 * sharp.logZStdErr)
  })

  test('keyed: the same key repeats the weights exactly, another key changes them', () => {
    const rbm = randomRbm(10, 6, 1, 50)
    const options = { numRuns: 4, schedule: { numTemperatures: 40 } }
    const a = rbmAis(rbm, { ...options, key: key(3) })
    const b = rbmAis(rbm, { ...options, key: key(3) })
    const c = rbmAis(rbm, { ...options, key: key(4) })
    expect(Array.from(a.logWeights)).toEqual(Array.from(b.logWeights))
    expect(Array.from(c.logWeights)).not.toEqual(Array.from(a.logWeights))
    // runs split by firstRun and joined equal one call
    const halves = [0, 2].map((firstRun) => rbmAis(rbm, { ...options, numRuns: 2, firstRun, key: key(3) }))
    const joined = combineAisResults(halves)
    expect(Array.from(joined.logWeights)).toEqual(Array.from(a.logWeights))
    expect([joined.logZ, joined.effectiveSampleSize]).toEqual([a.logZ, a.effectiveSampleSize])
    expect(() => combineAisResults([])).toThrow(/combineAisResults: results must be non-empty/)
  })

  test('bad input: typed errors naming the argument', () => {
    const rbm = randomRbm(4, 3, 1, 60)
    expect(() => rbmAis(rbm, { key: key(0), numRuns: 1 })).toThrow(/rbmAis: numRuns must be at least 2/)
    expect(() => rbmAis(rbm, { key: key(0), baseVisibleBias: [0, 0] })).toThrow(
      /rbmAis: baseVisibleBias must have length 4, got 2/,
    )
    expect(() => rbmAis(rbm, { key: key(0), baseVisibleBias: [0, 0, Number.NaN, 0] })).toThrow(
      /baseVisibleBias must hold finite numbers, got NaN at index 2/,
    )
    expect(() => rbmAis(rbm, undefined as never)).toThrow(/rbmAis: options must be an options object/)
    expect(() => rbmReverseAis(rbm, [1, 0, 1, 0.5], { key: key(0) })).toThrow(
      /rbmReverseAis: startVisible must hold only 0 and 1, got 0.5/,
    )
    expect(() => rbmReverseAis(rbm, [1, 0, 1, 1], { key: key(0) })).toThrow(/numRuns must be at least 2/)
  })
})
