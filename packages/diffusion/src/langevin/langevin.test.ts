// ULA's discretisation bias against MALA on known targets. Variances are averaged over the
// chains and over the last 100 steps; for N(0, 1) the autocorrelation of x^2 under ULA is
// (1 - h)^(2 lag), so 10,000 chains x 100 steps at h = 0.1 hold about 10^5 effective draws
// and the variance's standard error is about 0.45%: the 3% bar is over 6 standard errors,
// and the bias being tested (5.3% at h = 0.1, 33% at h = 0.5) is far outside it.
import {
  add,
  fromArray,
  InvalidArgumentError,
  key,
  mul,
  normalFloats,
  ShapeError,
  sum,
  tidy,
  type Tensor,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { energyDistance } from '../metrics/energy-distance'
import { gaussianMixture, gaussianMixtureScore } from '../samplers/exact-gaussian'
import {
  annealedLangevinSample,
  bananaTarget,
  gaussianMixtureTarget,
  geometricSigmas,
  gradLogDensity,
  malaSample,
  standardNormalTarget,
  ulaSample,
  type LangevinTarget,
} from './index'

const CHAINS = 10_000
const normal = standardNormalTarget(1)
const zeros = (count: number, dim = 1): Tensor =>
  fromArray(new Float32Array(count * dim), { shape: [count, dim] })

/** Variance of the chains averaged over the steps from `from` on (target mean 0). */
function averagedVariance(
  run: (onStep: (info: { step: number; x: Tensor }) => void) => void,
  from: number,
): number {
  let total = 0
  let count = 0
  run(({ step, x }) => {
    if (step < from) return
    const values = x.dataSync()
    let s = 0
    for (const v of values) s += v * v
    total += s / values.length
    count += 1
  })
  return total / count
}

/** ULA with the noise scale a typo would give: h instead of sqrt(2h). */
function wrongUla(
  stepSize: number,
  numSteps: number,
  onStep: (info: { step: number; x: Tensor }) => void,
): void {
  let x = zeros(CHAINS)
  for (let step = 0; step < numSteps; step++) {
    const current = x
    x = tidy(() => {
      const noise = fromArray(normalFloats(key(step + 1000), CHAINS, 'float64'), { shape: [CHAINS, 1] })
      return add(
        add(current, mul(gradLogDensity(normal.logDensity, current), stepSize)),
        mul(noise, stepSize),
      )
    })
    current.dispose()
    onStep({ step, x })
  }
  x.dispose()
}

// Chains start at exact N(0, 1) draws; the variance then relaxes to its stationary value as
// (1 - h)^(2 step), so the burn-in leaves less than 0.1% of the initial gap (wrong variant included).
const settings = [
  { stepSize: 0.1, burnIn: 40, steps: 140 },
  { stepSize: 0.5, burnIn: 15, steps: 115 },
] as const
const exactStart = (): Tensor => fromArray(normalFloats(key(4), CHAINS, 'float64'), { shape: [CHAINS, 1] })

describe('ULA and MALA on N(0, 1) with 10,000 chains', () => {
  for (const { stepSize: h, burnIn, steps } of settings) {
    it(`ULA at h = ${h} has the stationary variance 1 / (1 - h/2) within 3%, and a noise scale of h is caught`, () => {
      const expected = 1 / (1 - h / 2)
      const variance = averagedVariance(
        (onStep) =>
          ulaSample({
            logDensity: normal.logDensity,
            initial: exactStart(),
            stepSize: h,
            numSteps: steps,
            key: key(1),
            onStep,
          }).samples.dispose(),
        burnIn,
      )
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.03)
      // the bias is real: 1 / (1 - h/2) is 5.3% (h = 0.1) and 33% (h = 0.5) above the target's 1
      expect(Math.abs(variance - 1)).toBeGreaterThan(0.03)
      // h instead of sqrt(2h): the stationary variance is h / (2 - h), which the same check rejects
      const wrong = averagedVariance((onStep) => wrongUla(h, steps, onStep), burnIn)
      expect(Math.abs(wrong / (h / (2 - h)) - 1)).toBeLessThan(0.03)
      expect(Math.abs(wrong / expected - 1)).toBeGreaterThan(0.03)
    })

    it(`MALA at h = ${h} removes the bias (variance 1 within 3%) and accepts as often as a float64 estimate says`, () => {
      let acceptanceRate = 0
      const variance = averagedVariance((onStep) => {
        const result = malaSample({
          logDensity: normal.logDensity,
          initial: exactStart(),
          stepSize: h,
          numSteps: steps,
          key: key(2),
          onStep,
        })
        acceptanceRate = result.acceptanceRate
        result.samples.dispose()
      }, burnIn)
      expect(Math.abs(variance - 1)).toBeLessThan(0.03)
      // independent estimate: x ~ N(0, 1), y = x(1 - h) + sqrt(2h) xi; log ratio for pi = N(0, 1)
      const draws = 400_000
      const z = normalFloats(key(3), 2 * draws, 'float64')
      let accept = 0
      for (let i = 0; i < draws; i++) {
        const x = z[2 * i]
        const y = x * (1 - h) + Math.sqrt(2 * h) * z[2 * i + 1]
        const logRatio = (x * x - y * y) / 2 + ((y - x * (1 - h)) ** 2 - (x - y * (1 - h)) ** 2) / (4 * h)
        accept += Math.min(1, Math.exp(logRatio))
      }
      const exact = accept / draws
      // MALA from exact draws is in equilibrium from the first step: 1.15 x 10^6 accept decisions
      // (standard error < 3e-4, less with the correlation) against 4 x 10^5 float64 draws (< 8e-4)
      expect(Math.abs(acceptanceRate - exact)).toBeLessThan(0.004)
      expect(acceptanceRate).toBeLessThan(1)
      console.info(
        `MALA h = ${h}: acceptance ${acceptanceRate.toFixed(4)} (float64 estimate ${exact.toFixed(4)}), variance ${variance.toFixed(4)}`,
      )
    })
  }
})

/** Sample mean and variance per dimension, and their standard errors. */
function moments(
  values: ArrayLike<number>,
  dim: number,
): { mean: number[]; variance: number[]; meanSe: number[]; varianceSe: number[] } {
  const n = values.length / dim
  const out = {
    mean: [] as number[],
    variance: [] as number[],
    meanSe: [] as number[],
    varianceSe: [] as number[],
  }
  for (let j = 0; j < dim; j++) {
    let s = 0
    for (let i = 0; i < n; i++) s += values[i * dim + j]
    const m = s / n
    let m2 = 0
    let m4 = 0
    for (let i = 0; i < n; i++) {
      const d = values[i * dim + j] - m
      m2 += d * d
      m4 += d ** 4
    }
    m2 /= n
    m4 /= n
    out.mean.push(m)
    out.variance.push(m2)
    out.meanSe.push(Math.sqrt(m2 / n))
    out.varianceSe.push(Math.sqrt((m4 - m2 * m2) / n))
  }
  return out
}

describe('MALA leaves its target invariant', () => {
  const cases: readonly (readonly [string, LangevinTarget, number])[] = [
    ['banana', bananaTarget(), 0.05],
    [
      '2-D Gaussian mixture',
      gaussianMixtureTarget(
        gaussianMixture([
          { weight: 1, mean: [-1.5, 0], std: 0.5 },
          { weight: 2, mean: [1, 0.5], std: [0.4, 0.8] },
        ]),
      ),
      0.1,
    ],
  ]
  for (const [name, target, h] of cases) {
    it(`${name}: chains started at exact samples keep the exact moments (4 standard errors) after 50 steps`, () => {
      const chains = 2000
      const start = fromArray(target.sample(key(5), chains), { shape: [chains, 2] })
      const { samples, acceptanceRate } = malaSample({
        logDensity: target.logDensity,
        initial: start,
        stepSize: h,
        numSteps: 100,
        key: key(6),
      })
      const m = moments(samples.dataSync(), 2)
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(m.mean[j] - target.mean[j])).toBeLessThan(4 * m.meanSe[j])
        expect(Math.abs(m.variance[j] - target.variance[j])).toBeLessThan(4 * m.varianceSe[j])
      }
      expect(acceptanceRate).toBeGreaterThan(0.3)
      console.info(`MALA on ${name}, h = ${h}: acceptance ${acceptanceRate.toFixed(3)}`)
    })
  }

  it('ULA is transient on the banana where MALA is not: chains in the tails blow up (Roberts & Tweedie 1996, Sec. 3.2)', () => {
    const target = bananaTarget()
    const chains = 4000
    const start = fromArray(target.sample(key(5), chains), { shape: [chains, 2] })
    const run = (sampler: typeof ulaSample): number => {
      const { samples } = sampler({
        logDensity: target.logDensity,
        initial: start,
        stepSize: 0.05,
        numSteps: 100,
        key: key(6),
      })
      return samples.dataSync().filter((v) => !Number.isFinite(v) || Math.abs(v) > 1e6).length
    }
    // the drift grows like 8 b^2 x^3 / c^2, so one step of size h overshoots once |x| is about 2
    expect(run(ulaSample)).toBeGreaterThan(0)
    expect(run(malaSample)).toBe(0)
  })

  it('gradLogDensity is the autodiff score: -x for N(0, I) and the banana closed form', () => {
    const x = fromArray([
      [0.3, -1.2],
      [2, 0.5],
    ])
    expect(
      Array.from(gradLogDensity(standardNormalTarget(2).logDensity, x).dataSync()).map((v) =>
        Number(v.toFixed(6)),
      ),
    ).toEqual([-0.3, 1.2, -2, -0.5])
    const g = gradLogDensity(bananaTarget({ curvature: 1, scaleX: 1, scaleY: 0.5 }).logDensity, x).dataSync()
    const values = [0.3, -1.2, 2, 0.5]
    for (let b = 0; b < 2; b++) {
      const [u, v] = [values[2 * b], values[2 * b + 1]]
      const ridge = v - u * u
      expect(g[2 * b]).toBeCloseTo(-u + 8 * ridge * u, 4)
      expect(g[2 * b + 1]).toBeCloseTo(-4 * ridge, 4)
    }
  })
})

describe('annealed Langevin dynamics', () => {
  it('with the exact noise-conditional score reproduces a 2-D Gaussian mixture', () => {
    const mixture = gaussianMixture([
      { weight: 1, mean: [-1.5, 0.5], std: 0.4 },
      { weight: 2, mean: [1, -0.5], std: 0.6 },
    ])
    const target = gaussianMixtureTarget(mixture)
    const count = 1000
    // NCSN's epsilon = 2e-5 with sigma_L = 0.01: each level is ULA with h / variance below
    // 0.1, but the lowest levels do not relax in 100 steps (at sigma = 0.03 that takes about
    // 2000), so ALD keeps some of the spread of p_sigma at sigma ~ 0.1 and the ULA bias of the
    // high levels. ALD is exact only as epsilon -> 0 with ever more steps; measured here:
    // means 0.116, -0.216 (exact 0.167, -0.167), variances +0% and +5% (+2% and +12% with
    // 2000 points and another key), energy distance 6.5e-3 (an exact sample scores -0.7e-3
    // +- 1.3e-3). The bars (5% of the std, 15% of the
    // variance, plus 3 standard errors; energy distance 0.01) catch a wrong noise scale or
    // score sign, which move these by far more, not the method's own bias.
    const x = annealedLangevinSample(gaussianMixtureScore(mixture), {
      sigmas: geometricSigmas(3, 0.01, 10),
      stepsPerLevel: 100,
      stepSize: 2e-5,
      key: key(7),
      shape: [count, 2],
    })
    const values = x.dataSync()
    const m = moments(values, 2)
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(m.mean[j] - target.mean[j])).toBeLessThan(
        0.02 * Math.sqrt(target.variance[j]) + 3 * m.meanSe[j],
      )
      expect(Math.abs(m.variance[j] / target.variance[j] - 1)).toBeLessThan(
        0.03 + (3 * m.varianceSe[j]) / target.variance[j],
      )
    }
    const energy = energyDistance(values, target.sample(key(8), 1000), 2)
    console.info(
      `annealed Langevin: means ${m.mean.map((v) => v.toFixed(3)).join(', ')}, variances ${m.variance.map((v) => v.toFixed(3)).join(', ')} (exact ${Array.from(
        target.variance,
      )
        .map((v) => v.toFixed(3))
        .join(', ')}), energy distance ${energy.toExponential(2)}`,
    )
    expect(energy).toBeLessThan(0.01)
    // without the ladder (Langevin at sigma_L only, same number of steps) the modes are not mixed
    const plain = annealedLangevinSample(gaussianMixtureScore(mixture), {
      sigmas: [0.01],
      stepsPerLevel: 1000,
      stepSize: 2e-5,
      key: key(7),
      initialNoise: mul(fromArray(normalFloats(key(9), 2 * count, 'float64'), { shape: [count, 2] }), 3),
    })
    expect(energyDistance(plain.dataSync(), target.sample(key(8), 1000), 2)).toBeGreaterThan(0.1)
  })

  it('geometricSigmas matches its docs', () => {
    expect(Array.from(geometricSigmas(1, 0.01, 3)).map((v) => Number(v.toFixed(12)))).toEqual([1, 0.1, 0.01])
  })
})

describe('Langevin argument checks', () => {
  it('rejects bad step sizes, counts, keys, starts and log-densities', () => {
    const base = { logDensity: normal.logDensity, initial: zeros(4), stepSize: 0.1, numSteps: 2, key: key(0) }
    expect(() => ulaSample({ ...base, stepSize: 0 })).toThrow(
      'ulaSample: stepSize must be a finite number > 0, got 0',
    )
    expect(() => malaSample({ ...base, numSteps: 0 })).toThrow(
      'malaSample: numSteps must be an integer >= 1, got 0',
    )
    expect(() => malaSample({ ...base, key: undefined as never })).toThrow(InvalidArgumentError)
    expect(() => ulaSample({ ...base, initial: fromArray([1, 2]) })).toThrow(ShapeError)
    expect(() => ulaSample({ ...base, logDensity: (x) => sum(x) })).toThrow(
      'ulaSample: logDensity must return one value per chain [4], got a float32 tensor []',
    )
    expect(() => ulaSample(undefined as never)).toThrow(
      'ulaSample: options must be an options object, got undefined',
    )
    const score = gaussianMixtureScore(gaussianMixture([{ weight: 1, mean: [0], std: 1 }]))
    expect(() => annealedLangevinSample(score, { sigmas: [1, 1], key: key(0), shape: [2, 1] })).toThrow(
      'annealedLangevinSample: sigmas must be positive and strictly decreasing, got 1 at index 1 after 1',
    )
    expect(() => geometricSigmas(0.1, 1, 5)).toThrow(InvalidArgumentError)
  })
})
