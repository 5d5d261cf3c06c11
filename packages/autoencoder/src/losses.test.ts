import {
  concat,
  fromArray,
  grad,
  key,
  mul,
  normalFloats,
  reference,
  ShapeError,
  sin,
  sum,
  type Tensor,
  uniformFloats,
  zeros,
} from '@gen/core-tensor'
import { checkGradients } from '@gen/core-tensor/testing'
import { describe, expect, test } from 'vitest'
import {
  bernoulliLogLik,
  continuousBernoulliLogLik,
  continuousBernoulliLogNorm,
  continuousBernoulliMean,
  gaussianLogLik,
  klToStdNormal,
  logMeanExp,
  reparameterize,
} from './losses'

const ref = (values: number[][]): Tensor => fromArray(values, { backend: reference })
const LN2PI = Math.log(2 * Math.PI)

/** Mean and standard error of the mean. */
function meanSe(values: ArrayLike<number>): { mean: number; se: number } {
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i]
  const mean = s / values.length
  let v = 0
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2
  return { mean, se: Math.sqrt(v / (values.length - 1) / values.length) }
}

describe('klToStdNormal (case H7)', () => {
  test('the table of H7, per example, to 1e-6', () => {
    const rows = [
      [0, 0, 0],
      [1, 0, 0.5],
      [0, Math.log(4), 0.8068528],
      [-2, Math.log(0.25), 2.3181472],
    ]
    const kl = klToStdNormal(ref(rows.map((r) => [r[0]])), ref(rows.map((r) => [r[1]]))).dataSync()
    rows.forEach((r, i) => expect(kl[i]).toBeCloseTo(r[2], 6))
    // one example with the last three as its three latent dims: the sum over dims
    const sum = klToStdNormal(ref([[1, 0, -2]]), ref([[0, Math.log(4), Math.log(0.25)]])).item()
    expect(sum).toBeCloseTo(3.625, 6)
    expect(klToStdNormal(zeros([1, 10]), zeros([1, 10])).item()).toBe(0)
  })

  test('gradient at (1, ln 4) is (1, 1.5), and matches central differences', () => {
    const mu = ref([[1]])
    const lv = ref([[Math.log(4)]])
    // checkGradients weighs the output by w = 0.5 for one element; the analytic gradient is (μ, ½(e^lv − 1))
    checkGradients((m, l) => klToStdNormal(m, l), [mu, lv])
    const g = grad((p: { mu: Tensor; lv: Tensor }) => sum(klToStdNormal(p.mu, p.lv)))({ mu, lv })
    expect(g.mu.item()).toBeCloseTo(1, 12)
    expect(g.lv.item()).toBeCloseTo(1.5, 12)
  })

  test('KL >= 0 on 10^4 random (mu, logVar) in [-5, 5], (case P6)', () => {
    const n = 10_000
    const mu = uniformFloats(key(1), n, 'float64').map((u) => 10 * u - 5)
    const lv = uniformFloats(key(2), n, 'float64').map((u) => 10 * u - 5)
    const kl = klToStdNormal(
      fromArray(mu, { shape: [n, 1], backend: reference }),
      fromArray(lv, { shape: [n, 1], backend: reference }),
    ).dataSync()
    let min = Infinity
    for (let i = 0; i < n; i++) min = Math.min(min, kl[i])
    expect(min).toBeGreaterThan(0)
  })

  test('matches the numerical integral of q log(q/p) to 1e-6 (case P6)', () => {
    for (const [m, l] of [
      [0.7, -1.2],
      [-1.5, 0.8],
      [2, Math.log(0.1)],
    ]) {
      const s = Math.exp(0.5 * l)
      // Simpson's rule on μ ± 12σ, 20000 intervals
      const a = m - 12 * s
      const b = m + 12 * s
      const steps = 20000
      const h = (b - a) / steps
      const f = (z: number): number => {
        const logq = -0.5 * (LN2PI + l + ((z - m) / s) ** 2)
        const logp = -0.5 * (LN2PI + z * z)
        return Math.exp(logq) * (logq - logp)
      }
      let integral = f(a) + f(b)
      for (let i = 1; i < steps; i++) integral += (i % 2 === 1 ? 4 : 2) * f(a + i * h)
      integral *= h / 3
      expect(Math.abs(klToStdNormal(ref([[m]]), ref([[l]])).item() - integral)).toBeLessThan(1e-6)
    }
  })

  test('equals a Monte Carlo estimate of E_q[log q − log p] within 4 standard errors (fixed key)', () => {
    const mu = [0.5, -1, 2]
    const lv = [Math.log(0.3), 0.4, -2]
    const n = 100_000
    const eps = normalFloats(key(3), n * 3, 'float64')
    const samples = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < 3; j++) {
        const e = eps[i * 3 + j]
        const z = mu[j] + Math.exp(0.5 * lv[j]) * e
        s += -0.5 * (lv[j] + e * e) + 0.5 * z * z // log q(z) − log p(z), the 2π terms cancel
      }
      samples[i] = s
    }
    const { mean, se } = meanSe(samples)
    const closed = klToStdNormal(ref([mu]), ref([lv])).item()
    expect(Math.abs(mean - closed)).toBeLessThan(4 * se)
    expect(se).toBeLessThan(0.02)
  })

  test('extra latent dims with mu = 0, logVar = 0 leave the KL unchanged (case P5)', () => {
    const mu = fromArray(normalFloats(key(4), 3 * 20), { shape: [3, 20] })
    const lv = fromArray(normalFloats(key(5), 3 * 20), { shape: [3, 20] })
    const base = klToStdNormal(mu, lv).dataSync()
    const wide = klToStdNormal(concat([mu, zeros([3, 20])], 1), concat([lv, zeros([3, 20])], 1)).dataSync()
    expect(Array.from(wide)).toEqual(Array.from(base))
  })

  test('rejects mismatched shapes with a ShapeError naming both', () => {
    expect(() => klToStdNormal(zeros([2, 3]), zeros([2, 4]))).toThrow(ShapeError)
    expect(() => klToStdNormal(zeros([2, 3]), zeros([2, 4]))).toThrow(/mu and logVar/)
  })
})

describe('reparameterize (case H7)', () => {
  test('z = mu + exp(½·logVar)·eps: (1, ln 4, 0.5) gives 2', () => {
    expect(reparameterize(ref([[1]]), ref([[Math.log(4)]]), ref([[0.5]])).item()).toBeCloseTo(2, 12)
  })

  test('the reparameterised gradient of E[f(z)] matches the finite-difference gradient of the fixed-noise expectation', () => {
    // f(z) = Σ sin(z)·z over 64 fixed noise draws: the estimate is a smooth function of (μ, logVar)
    const eps = fromArray(normalFloats(key(6), 64 * 3, 'float64'), { shape: [64, 3], backend: reference })
    const mu = fromArray([[0.3, -0.7, 1.1]], { backend: reference })
    const lv = fromArray([[-0.5, 0.2, 0.9]], { backend: reference })
    const worst = checkGradients(
      (m, l) => {
        const z = reparameterize(m, l, eps)
        return logMeanExp(mulSin(z), 0)
      },
      [mu, lv],
    )
    expect(worst).toBeLessThan(1e-6)
  })
})

const mulSin = (z: Tensor): Tensor => mul(sin(z), z)

describe('bernoulliLogLik', () => {
  test('x·ℓ − softplus(ℓ) summed over pixels, per example; finite at logits ±100', () => {
    const ll = bernoulliLogLik(
      ref([
        [1, 0],
        [1, 0],
      ]),
      ref([
        [0, 0],
        [100, -100],
      ]),
    ).dataSync()
    expect(ll[0]).toBeCloseTo(-2 * Math.LN2, 12)
    expect(ll[1]).toBeCloseTo(0, 12)
    const bad = bernoulliLogLik(ref([[0, 1]]), ref([[100, -100]])).item()
    expect(Number.isFinite(bad)).toBe(true)
    expect(bad).toBeCloseTo(-200, 9)
    // float32 cpu too
    const cpuBad = bernoulliLogLik(fromArray([[0, 1]]), fromArray([[100, -100]])).item()
    expect(cpuBad).toBeCloseTo(-200, 3)
  })

  test('duplicating every pixel doubles the log-likelihood (a sum, not a mean; case P5)', () => {
    const x = fromArray(
      uniformFloats(key(7), 4 * 10).map((u) => (u < 0.4 ? 1 : 0)),
      { shape: [4, 10] },
    )
    const l = fromArray(
      normalFloats(key(8), 40).map((v) => 3 * v),
      { shape: [4, 10] },
    )
    const once = bernoulliLogLik(x, l).dataSync()
    const twice = bernoulliLogLik(concat([x, x], 1), concat([l, l], 1)).dataSync()
    once.forEach((v, i) => expect(twice[i]).toBeCloseTo(2 * v, 4))
  })

  test('its mean under x ~ Bernoulli(σ(ℓ)) is the negative entropy, within 4 standard errors', () => {
    const logit = 0.8
    const p = 1 / (1 + Math.exp(-logit))
    const n = 50_000
    const u = uniformFloats(key(9), n, 'float64')
    const x = fromArray(
      Array.from(u, (v) => (v < p ? 1 : 0)),
      { shape: [n, 1], backend: reference },
    )
    const ll = bernoulliLogLik(
      x,
      fromArray(new Float64Array(n).fill(logit), { shape: [n, 1], backend: reference }),
    ).dataSync()
    const { mean, se } = meanSe(ll)
    expect(Math.abs(mean - (p * Math.log(p) + (1 - p) * Math.log(1 - p)))).toBeLessThan(4 * se)
  })
})

describe('gaussianLogLik', () => {
  test('matches −½ Σ (log 2π + logVar + (x − μ)² e^−logVar), fixed and per-pixel variance', () => {
    const x = ref([[0.5, -1]])
    const m = ref([[0, 1]])
    const expected = -0.5 * (2 * LN2PI + 2 * Math.log(0.25) + (0.25 + 4) / 0.25)
    expect(gaussianLogLik(x, m, Math.log(0.25)).item()).toBeCloseTo(expected, 10)
    expect(gaussianLogLik(x, m, ref([[Math.log(0.25), Math.log(0.25)]])).item()).toBeCloseTo(expected, 10)
  })

  test('its mean under x ~ N(μ, σ²) is the negative entropy −½(log 2πσ² + 1), within 4 standard errors', () => {
    const n = 50_000
    const sigma = 0.3
    const eps = normalFloats(key(10), n, 'float64')
    const x = fromArray(
      Array.from(eps, (e) => 1 + sigma * e),
      { shape: [n, 1], backend: reference },
    )
    const mean1 = fromArray(new Float64Array(n).fill(1), { shape: [n, 1], backend: reference })
    const { mean, se } = meanSe(gaussianLogLik(x, mean1, 2 * Math.log(sigma)).dataSync())
    expect(Math.abs(mean - -0.5 * (LN2PI + 2 * Math.log(sigma) + 1))).toBeLessThan(4 * se)
  })
})

describe('continuous Bernoulli (Loaiza-Ganem & Cunningham 2019)', () => {
  test('log C is ln 2 at ℓ = 0 and log(ℓ / tanh(ℓ/2)) elsewhere, smooth across the Taylor switch', () => {
    const l = [0, 1e-3, 0.0099, 0.0101, 0.5, -3, 40]
    const got = continuousBernoulliLogNorm(fromArray(l, { backend: reference })).dataSync()
    l.forEach((v, i) => {
      const exact = v === 0 ? Math.LN2 : Math.log(v / Math.tanh(v / 2))
      expect(got[i]).toBeCloseTo(exact, 10)
    })
  })

  test('the density integrates to 1 and its mean matches continuousBernoulliMean (Monte Carlo over U[0,1], 4 SE)', () => {
    for (const logit of [-4, -0.3, 0, 2.5]) {
      const n = 40_000
      const u = uniformFloats(key(11), n, 'float64')
      const x = fromArray(u, { shape: [n, 1], backend: reference })
      const ll = continuousBernoulliLogLik(
        x,
        fromArray(new Float64Array(n).fill(logit), { shape: [n, 1], backend: reference }),
      ).dataSync()
      const density = Array.from(ll, Math.exp)
      const norm = meanSe(density)
      expect(Math.abs(norm.mean - 1)).toBeLessThanOrEqual(4 * norm.se + 1e-12)
      const first = meanSe(density.map((d, i) => d * u[i]))
      const mean = continuousBernoulliMean(fromArray([logit], { backend: reference })).item()
      expect(Math.abs(first.mean - mean)).toBeLessThanOrEqual(4 * first.se + 1e-12)
    }
  })

  test('gradients match central differences, across ℓ = 0', () => {
    const x = ref([[0.2, 0.9, 0.5, 0.1]])
    const l = ref([[-2, 0.004, 0, 1.5]])
    checkGradients((a) => continuousBernoulliLogLik(x, a), [l], { tolerance: 1e-5 })
  })
})

describe('logMeanExp', () => {
  test('is stable at ±1000 and exact', () => {
    expect(logMeanExp(fromArray([1000, 1000]), 0).item()).toBeCloseTo(1000, 3)
    expect(logMeanExp(fromArray([-1000, -1000], { backend: reference }), 0).item()).toBeCloseTo(-1000, 9)
    expect(logMeanExp(fromArray([0, Math.log(3)], { backend: reference }), 0).item()).toBeCloseTo(
      Math.log(2),
      12,
    )
  })
})
