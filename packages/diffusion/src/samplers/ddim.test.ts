import {
  cpu,
  fromArray,
  InvalidArgumentError,
  key,
  memoryStats,
  normalFloats,
  reference,
  ShapeError,
  sub,
  type Tensor,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { cosineSchedule, linearSchedule, posteriorMean, qSample } from '../schedule/index'
import {
  ddimSample,
  ddimSigma,
  ddimStep,
  ddpmSample,
  dpmSolverSample,
  evenlySpacedTimesteps,
  flowSample,
  gaussianMixture,
  gaussianMixtureNoisePredictor,
  probabilityFlowSample,
  type NoisePredictor,
} from './index'

const schedule = cosineSchedule({ numTimesteps: 1000 })
const B = 8
const D = 3
const x0Values = Float64Array.from({ length: B * D }, (_, i) => Math.sin(i + 1) * 2)

/** The exact noise predictor for data that is one point per example: eps = (x_t - sqrt(abar) x0) / sqrt(1 - abar). */
function pointOracle(target: Tensor): NoisePredictor {
  return (x, t) => {
    const step = t.dataSync()[0]
    const xt = x.dataSync()
    const x0 = target.dataSync()
    const a = schedule.alphaBars[step]
    const out = new Float64Array(xt.length)
    for (let i = 0; i < xt.length; i++) out[i] = (xt[i] - Math.sqrt(a) * x0[i]) / Math.sqrt(1 - a)
    return fromArray(out, { shape: x.shape, backend: x.backend })
  }
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('DDIM exactness with an oracle noise predictor for one data point', () => {
  const target = fromArray(x0Values, { shape: [B, D], backend: reference })
  const oracle = pointOracle(target)

  it('eta = 0 recovers x0 to float64 precision for any step count and subsequence', () => {
    const subsequences: (readonly number[])[] = [
      [999],
      [0, 999],
      Array.from(evenlySpacedTimesteps(1000, 7)),
      Array.from(evenlySpacedTimesteps(1000, 50)),
      [3, 17, 18, 400, 401, 402, 998, 999],
      Array.from(evenlySpacedTimesteps(1000, 1000)),
    ]
    for (const timesteps of subsequences) {
      const x = ddimSample(oracle, { schedule, key: key(1), shape: [B, D], backend: reference, timesteps })
      expect(maxAbs(x.dataSync(), x0Values), `${timesteps.length} steps`).toBeLessThan(1e-9)
    }
  })

  it('eta = 0 recovers x0 to float32 precision on the cpu backend', () => {
    const cpuTarget = fromArray(x0Values, { shape: [B, D], backend: cpu })
    const x = ddimSample(pointOracle(cpuTarget), { schedule, key: key(1), shape: [B, D], numSteps: 20 })
    expect(maxAbs(x.dataSync(), x0Values)).toBeLessThan(1e-5)
  })

  it('eta = 1 on all steps has sigma^2 = the DDPM posterior variance and the DDPM posterior mean', () => {
    for (let t = 1; t < 1000; t++) {
      const sigma = ddimSigma(schedule.alphaBars[t], schedule.alphaBars[t - 1], 1)
      expect(Math.abs(sigma * sigma - schedule.posteriorVariance[t])).toBeLessThan(
        1e-12 * schedule.posteriorVariance[t] + 1e-300,
      )
    }
    expect(ddimSigma(schedule.alphaBars[0], 1, 1)).toBe(0)
    // with zero noise, one eta = 1 step lands on the posterior mean coefX0 x0 + coefXt x_t
    const eps = fromArray(normalFloats(key(2), B * D, 'float64'), { shape: [B, D], backend: reference })
    const zero = fromArray(new Float64Array(B * D), { shape: [B, D], backend: reference })
    for (const t of [1, 2, 500, 998, 999]) {
      const xt = qSample(schedule, target, t, eps)
      const predicted = oracle(xt, fromArray(new Float64Array(B).fill(t), { backend: reference }))
      const step = ddimStep(xt, predicted, {
        alphaBar: schedule.alphaBars[t],
        alphaBarPrev: schedule.alphaBarPrev[t],
        eta: 1,
        noise: zero,
      })
      expect(
        maxAbs(step.x.dataSync(), posteriorMean(schedule, target, xt, t).dataSync()),
        `t = ${t}`,
      ).toBeLessThan(1e-9)
      expect(maxAbs(step.x0Prediction.dataSync(), x0Values)).toBeLessThan(1e-6)
      // the noise enters with scale sigma = sqrt(posterior variance)
      const noisy = ddimStep(xt, predicted, {
        alphaBar: schedule.alphaBars[t],
        alphaBarPrev: schedule.alphaBarPrev[t],
        eta: 1,
        noise: eps,
      })
      const difference = sub(noisy.x, step.x).dataSync()
      const e = eps.dataSync()
      const sigma = Math.sqrt(schedule.posteriorVariance[t])
      for (let i = 0; i < e.length; i++) expect(Math.abs(difference[i] - sigma * e[i])).toBeLessThan(1e-12)
    }
  })

  it('fails when the update uses the previous alpha-bar for the current step (off by one)', () => {
    const timesteps = Array.from(evenlySpacedTimesteps(1000, 50)).map((t) => Math.max(t, 1))
    let x: Tensor = fromArray(normalFloats(key(3), B * D, 'float64'), { shape: [B, D], backend: reference })
    for (let i = timesteps.length - 1; i >= 0; i--) {
      const t = timesteps[i]
      const eps = oracle(x, fromArray(new Float64Array(B).fill(t), { backend: reference }))
      // wrong: alphaBarPrev[t] = alphaBars[t - 1] where alphaBars[t] is meant
      const alphaBar = schedule.alphaBarPrev[t]
      const alphaBarPrev = i > 0 ? schedule.alphaBarPrev[timesteps[i - 1]] : 1
      x = ddimStep(x, eps, { alphaBar, alphaBarPrev }).x
    }
    // the exact sampler recovers x0 to 1e-9 (above); the flipped one misses by orders of magnitude more
    expect(maxAbs(x.dataSync(), x0Values)).toBeGreaterThan(1e-4)
  })
})

describe('probability-flow ODE', () => {
  const mixture = gaussianMixture([
    { weight: 1, mean: [-1, 0.5], std: 0.4 },
    { weight: 2, mean: [1.5, -0.5], std: [0.6, 0.3] },
  ])
  const model = gaussianMixtureNoisePredictor(mixture, schedule)

  it('Euler equals DDIM with eta = 0 (the same update in sigma = sqrt((1 - abar)/abar))', () => {
    const options = { schedule, key: key(4), shape: [64, 2], backend: reference, numSteps: 30 }
    const euler = probabilityFlowSample(model, { ...options, method: 'euler' }).dataSync()
    const ddim = ddimSample(model, options).dataSync()
    expect(maxAbs(euler, ddim)).toBeLessThan(1e-9)
  })

  it('Heun converges at second order and Euler at first (errors against a 999-step Heun solution)', () => {
    const start = fromArray(normalFloats(key(5), 128, 'float64'), { shape: [64, 2], backend: reference })
    // from t = 999, the cosine schedule's clipped last step (sigma from 22,000 down)
    const grid = (n: number): number[] => Array.from(evenlySpacedTimesteps(1000, n))
    const run = (n: number, method: 'euler' | 'heun'): ArrayLike<number> =>
      probabilityFlowSample(model, {
        schedule,
        key: key(0),
        initialNoise: start,
        timesteps: grid(n),
        method,
      }).dataSync()
    const fine = run(1000, 'heun')
    const error = (n: number, method: 'euler' | 'heun'): number => maxAbs(run(n, method), fine)
    // halving the step divides the error by about 2 (Euler) and 4 (Heun); measured 2.1 (80 -> 160)
    // and 3.8 (160 -> 320; 3.5 from 80 to 160, where the first, clipped step still weighs)
    expect(error(80, 'euler') / error(160, 'euler')).toBeGreaterThan(1.7)
    expect(error(80, 'euler') / error(160, 'euler')).toBeLessThan(2.6)
    expect(error(160, 'heun') / error(320, 'heun')).toBeGreaterThan(3.5)
    expect(error(160, 'heun')).toBeLessThan(error(160, 'euler') / 5)
  })
})

describe('sampler argument checks', () => {
  const model: NoisePredictor = (x) => sub(x, x)
  const base = { schedule, key: key(0), shape: [4, 2] }

  it('refuses timesteps and numSteps together (it used to take timesteps and drop numSteps)', () => {
    const both = { ...base, timesteps: [0, 500, 999], numSteps: 10 }
    expect(() => ddimSample(model, both)).toThrow(InvalidArgumentError)
    expect(() => ddimSample(model, both)).toThrow(
      'ddimSample: timesteps must not be given together with numSteps (each chooses the steps; pass one), got 3 timesteps and numSteps 10',
    )
    expect(() => dpmSolverSample(model, both)).toThrow(/^dpmSolverSample: timesteps must not be given/)
    expect(() => probabilityFlowSample(model, both)).toThrow(
      /^probabilityFlowSample: timesteps must not be given/,
    )
  })

  it('rejects non-increasing timesteps, step counts > T, eta < 0 and bad shapes with typed errors', () => {
    expect(() => ddimSample(model, { ...base, timesteps: [0, 5, 5] })).toThrow(
      'ddimSample: timesteps must be strictly increasing, got 5 then 5 at index 2',
    )
    expect(() => ddimSample(model, { ...base, timesteps: [10, 3] })).toThrow(InvalidArgumentError)
    expect(() => ddimSample(model, { ...base, timesteps: [0, 1000] })).toThrow(
      'ddimSample: timesteps must be integers in [0, 999], got 1000 at index 1',
    )
    expect(() => ddimSample(model, { ...base, numSteps: 1001 })).toThrow(
      'ddimSample: numSteps must be at most T = 1000, got 1001',
    )
    expect(() => dpmSolverSample(model, { ...base, numSteps: 0 })).toThrow(
      'dpmSolverSample: numSteps must be an integer >= 1, got 0',
    )
    expect(() => ddimSample(model, { ...base, eta: -0.5 })).toThrow(
      'ddimSample: eta must be a finite number >= 0, got -0.5',
    )
    expect(() => ddimSample(model, { ...base, shape: [0, 2] })).toThrow(InvalidArgumentError)
    expect(() => ddimSample(model, { ...base, shape: undefined })).toThrow(
      'ddimSample: shape must be an array [B, ...] of integers >= 1 (or pass initialNoise), got undefined',
    )
    expect(() => ddpmSample(model, { ...base, variance: 'large' as never })).toThrow(
      `ddpmSample: variance must be 'posterior' or 'beta', got "large"`,
    )
    expect(() => ddpmSample(model, { ...base, key: 3 as never })).toThrow(InvalidArgumentError)
    expect(() => ddimSample(model, undefined as never)).toThrow(
      'ddimSample: options must be an options object, got undefined',
    )
    expect(() => probabilityFlowSample(model, { ...base, method: 'rk4' as never })).toThrow(
      InvalidArgumentError,
    )
    expect(() =>
      flowSample((x) => sub(x, x), { key: key(0), shape: [4, 2], times: [0, 0.5, 0.4, 1] }),
    ).toThrow('flowSample: times must be strictly increasing, got 0.5 then 0.4 at index 2')
    expect(() => flowSample((x) => sub(x, x), { key: key(0), shape: [4, 2], times: [0.1, 1] })).toThrow(
      InvalidArgumentError,
    )
    expect(() => evenlySpacedTimesteps(10, 11)).toThrow(
      'evenlySpacedTimesteps: numSteps must be at most T = 10, got 11',
    )
    expect(() =>
      ddimStep(fromArray([[1, 2]]), fromArray([[1, 2]]), { alphaBar: 0.5, alphaBarPrev: 0.9, eta: 1 }),
    ).toThrow('ddimStep: noise must be given when sigma > 0 (eta = 1), got undefined')
    expect(() =>
      ddimStep(fromArray([[1, 2]]), fromArray([[1, 2]]), { alphaBar: 0.5, alphaBarPrev: 0.4 }),
    ).toThrow('ddimStep: alphaBarPrev must be a finite number >= 0.5 and <= 1, got 0.4')
  })

  it('rejects a model whose output has the wrong shape', () => {
    const bad: NoisePredictor = (x) => fromArray(new Float32Array(x.shape[0]), { backend: x.backend })
    expect(() => ddimSample(bad, { ...base, numSteps: 2 })).toThrow(ShapeError)
    expect(() => ddimSample(bad, { ...base, numSteps: 2 })).toThrow(
      "ddimSample: model output must have the input's shape [4, 2], got [4]",
    )
  })

  it('evenlySpacedTimesteps matches its docs and starts every run at T - 1', () => {
    expect(Array.from(evenlySpacedTimesteps(1000, 5))).toEqual([0, 250, 500, 749, 999])
    expect(Array.from(evenlySpacedTimesteps(1000, 1))).toEqual([999])
    expect(Array.from(evenlySpacedTimesteps(4, 4))).toEqual([0, 1, 2, 3])
  })

  it('frees every tensor it made except the result and calls onStep once per update', () => {
    const linear = linearSchedule({ numTimesteps: 50 })
    const oracle = gaussianMixtureNoisePredictor(
      gaussianMixture([{ weight: 1, mean: [0, 0], std: 1 }]),
      linear,
    )
    const before = memoryStats().tensors
    const seen: number[] = []
    const x = ddpmSample(oracle, {
      schedule: linear,
      key: key(0),
      shape: [4, 2],
      onStep: ({ step, x: state }) => {
        expect(state.disposed).toBe(false)
        seen.push(step)
      },
    })
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(memoryStats().tensors).toBe(before + 1)
    x.dispose()
    for (const sampler of [ddimSample, dpmSolverSample, probabilityFlowSample]) {
      const y = sampler(oracle, { schedule: linear, key: key(0), shape: [4, 2], numSteps: 10 })
      y.dispose()
      expect(memoryStats().tensors).toBe(before)
    }
  })
})
