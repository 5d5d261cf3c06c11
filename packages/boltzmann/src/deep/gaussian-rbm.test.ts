import { fold, key, normalFloats, uniformFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  createGaussianRbm,
  gaussianRbmContrastiveDivergence,
  gaussianRbmEnergy,
  gaussianRbmExactGradient,
  gaussianRbmExactSamples,
  gaussianRbmFreeEnergy,
  gaussianRbmGibbsSample,
  gaussianRbmHiddenProbabilities,
  gaussianRbmLogDensity,
  gaussianRbmLogPartition,
  gaussianRbmVisibleMean,
  initGaussianRbm,
  type GaussianRbm,
  type GaussianRbmGradient,
} from './gaussian-rbm'
import { trainGaussianRbm } from './train-gaussian-rbm'

function randomGaussianRbm(V: number, H: number, seed: number, scale = 0.7): GaussianRbm {
  const u = normalFloats(key(seed), V * H + 2 * V + H, 'float64')
  return createGaussianRbm({
    numVisible: V,
    numHidden: H,
    weights: u.subarray(0, V * H).map((x) => scale * x),
    visibleBias: u.subarray(V * H, V * H + V).map((x) => 0.5 * x),
    hiddenBias: u.subarray(V * H + V, V * H + V + H).map((x) => 0.5 * x),
    logSigma: u.subarray(V * H + V + H).map((x) => 0.3 * x),
  })
}

const bits = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => (s >>> i) & 1)
const sigmaOf = (rbm: GaussianRbm, i: number): number => Math.exp(rbm.logSigma[i])

/** Simpson weights for n (odd) points on [lo, hi]. */
function simpson(lo: number, hi: number, n: number): { x: Float64Array; w: Float64Array } {
  const h = (hi - lo) / (n - 1)
  const x = Float64Array.from({ length: n }, (_, k) => lo + k * h)
  const w = Float64Array.from(
    { length: n },
    (_, k) => ((k === 0 || k === n - 1 ? 1 : k % 2 === 1 ? 4 : 2) * h) / 3,
  )
  return { x, w }
}

/** A box that holds all but a negligible part of the mass: every mixture mean ± 12 σ. */
function box(rbm: GaussianRbm, i: number): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (let s = 0; s < 2 ** rbm.numHidden; s++) {
    const mean = gaussianRbmVisibleMean(rbm, bits(s, rbm.numHidden))[i]
    lo = Math.min(lo, mean - 12 * sigmaOf(rbm, i))
    hi = Math.max(hi, mean + 12 * sigmaOf(rbm, i))
  }
  return [lo, hi]
}

describe('Gaussian–Bernoulli RBM against enumeration and numerical integration', () => {
  test('F(v) = −ln Σ_h exp(−E(v, h))', () => {
    const rbm = randomGaussianRbm(3, 4, 1)
    const v = normalFloats(key(2), 3 * 5, 'float64')
    const f = gaussianRbmFreeEnergy(rbm, v)
    for (let r = 0; r < 5; r++) {
      const row = v.subarray(3 * r, 3 * r + 3)
      const hs = Array.from({ length: 16 }, (_, s) => bits(s, 4))
      const e = gaussianRbmEnergy(
        rbm,
        hs.flatMap(() => Array.from(row)),
        hs.flat(),
      )
      const z = e.reduce((a, x) => a + Math.exp(-x), 0)
      expect(f[r]).toBeCloseTo(-Math.log(z), 12)
    }
  })

  test('ln Z equals ∫ exp(−F(v)) dv by Simpson quadrature (V = 1 and V = 2)', () => {
    const one = randomGaussianRbm(1, 3, 3, 1.2)
    const [lo1, hi1] = box(one, 0)
    const q1 = simpson(lo1, hi1, 4001)
    const f1 = gaussianRbmFreeEnergy(one, q1.x)
    let z1 = 0
    for (let k = 0; k < q1.x.length; k++) z1 += q1.w[k] * Math.exp(-f1[k])
    expect(gaussianRbmLogPartition(one)).toBeCloseTo(Math.log(z1), 9)

    const two = randomGaussianRbm(2, 3, 4)
    const [a0, a1] = box(two, 0)
    const [b0, b1] = box(two, 1)
    const n = 801
    const qa = simpson(a0, a1, n)
    const qb = simpson(b0, b1, n)
    const grid = new Float64Array(2 * n * n)
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        grid[2 * (p * n + q)] = qa.x[p]
        grid[2 * (p * n + q) + 1] = qb.x[q]
      }
    }
    const f2 = gaussianRbmFreeEnergy(two, grid)
    let z2 = 0
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) z2 += qa.w[p] * qb.w[q] * Math.exp(-f2[p * n + q])
    expect(gaussianRbmLogPartition(two)).toBeCloseTo(Math.log(z2), 7)
    // the density integrates to 1 by construction: ln p = −F − ln Z
    expect(gaussianRbmLogDensity(two, [0.1, -0.2])[0]).toBeCloseTo(
      -gaussianRbmFreeEnergy(two, [0.1, -0.2])[0] - Math.log(z2),
      7,
    )
  })

  test('conditionals: p(h_j | v) from the energy, and the mean and variance of p(v_i | h) by quadrature', () => {
    const rbm = randomGaussianRbm(2, 3, 5)
    const v = [0.4, -1.3]
    const hs = Array.from({ length: 8 }, (_, s) => bits(s, 3))
    const e = gaussianRbmEnergy(
      rbm,
      hs.flatMap(() => v),
      hs.flat(),
    )
    const z = e.reduce((a, x) => a + Math.exp(-x), 0)
    const p = gaussianRbmHiddenProbabilities(rbm, v)
    for (let j = 0; j < 3; j++) {
      const on = hs.reduce((a, h, s) => a + (h[j] === 1 ? Math.exp(-e[s]) : 0), 0)
      expect(p[j]).toBeCloseTo(on / z, 12)
    }
    const h = [1, 0, 1]
    const mean = gaussianRbmVisibleMean(rbm, h)
    for (let i = 0; i < 2; i++) {
      // p(v_i | h) ∝ exp(−E(v, h)) as a function of v_i alone (the other unit held at 0)
      const [lo, hi] = [mean[i] - 12 * sigmaOf(rbm, i), mean[i] + 12 * sigmaOf(rbm, i)]
      const q = simpson(lo, hi, 2001)
      const rows = Array.from(q.x).flatMap((x) => (i === 0 ? [x, 0] : [0, x]))
      const energies = gaussianRbmEnergy(
        rbm,
        rows,
        Array.from(q.x).flatMap(() => h),
      )
      const shift = Math.min(...energies)
      let m0 = 0
      let m1 = 0
      let m2 = 0
      for (let k = 0; k < q.x.length; k++) {
        const w = q.w[k] * Math.exp(shift - energies[k])
        m0 += w
        m1 += w * q.x[k]
        m2 += w * q.x[k] ** 2
      }
      expect(m1 / m0).toBeCloseTo(mean[i], 9)
      expect(m2 / m0 - (m1 / m0) ** 2).toBeCloseTo(sigmaOf(rbm, i) ** 2, 9)
    }
  })

  test('the exact gradient matches central differences of the mean log density (every parameter, σ included)', () => {
    const rbm = randomGaussianRbm(3, 3, 6)
    const data = normalFloats(key(7), 3 * 6, 'float64')
    const { gradient, logLikelihood } = gaussianRbmExactGradient(rbm, data)
    const mean = (m: GaussianRbm) => gaussianRbmLogDensity(m, data).reduce((a, b) => a + b, 0) / 6
    expect(logLikelihood).toBeCloseTo(mean(rbm), 12)
    const eps = 1e-5
    for (const name of ['weights', 'visibleBias', 'hiddenBias', 'logSigma'] as const) {
      for (let k = 0; k < rbm[name].length; k++) {
        const shifted = (d: number) => {
          const copy = createGaussianRbm(rbm)
          copy[name][k] += d
          return mean(copy)
        }
        const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps)
        expect(Math.abs(gradient[name][k] - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)))
      }
    }
  })

  test('CD-30 from the data averages to the exact gradient within 4.5 standard errors (15 components)', () => {
    const rbm = randomGaussianRbm(2, 3, 8, 0.5)
    const data = normalFloats(key(9), 2 * 4, 'float64')
    const { gradient: exact } = gaussianRbmExactGradient(rbm, data)
    const reps = 400
    const names = ['weights', 'visibleBias', 'hiddenBias', 'logSigma'] as const
    const sum = Object.fromEntries(
      names.map((n) => [n, new Float64Array(rbm[n].length)]),
    ) as unknown as GaussianRbmGradient
    const sumSq = Object.fromEntries(
      names.map((n) => [n, new Float64Array(rbm[n].length)]),
    ) as unknown as GaussianRbmGradient
    for (let r = 0; r < reps; r++) {
      const { gradient } = gaussianRbmContrastiveDivergence(rbm, data, {
        key: fold(key(10), r),
        numSteps: 30,
      })
      for (const n of names) {
        for (let k = 0; k < gradient[n].length; k++) {
          sum[n][k] += gradient[n][k]
          sumSq[n][k] += gradient[n][k] ** 2
        }
      }
    }
    let worst = 0
    for (const n of names) {
      for (let k = 0; k < exact[n].length; k++) {
        const m = sum[n][k] / reps
        const se = Math.sqrt((sumSq[n][k] / reps - m * m) / (reps - 1))
        worst = Math.max(worst, Math.abs(m - exact[n][k]) / se)
      }
    }
    console.info(
      `Gaussian RBM, CD-30 vs exact gradient: largest deviation ${worst.toFixed(2)} standard errors`,
    )
    // 15 components: 4.5 SE is the two-sided 1e-4 level after a Bonferroni correction
    expect(worst).toBeLessThan(4.5)
  })

  test('one CD-1 step equals the hand computation from the documented draws', () => {
    const rbm = randomGaussianRbm(2, 2, 11)
    const v0 = [0.3, -0.8]
    const k = key(12)
    const { gradient, negative } = gaussianRbmContrastiveDivergence(rbm, v0, { key: k })
    const s = [0, 1].map((i) => sigmaOf(rbm, i))
    const W = rbm.weights
    const sig = (x: number) => 1 / (1 + Math.exp(-x))
    const hiddenP = (v: number[]) =>
      [0, 1].map((j) => sig(rbm.hiddenBias[j] + (v[0] / s[0]) * W[j] + (v[1] / s[1]) * W[2 + j]))
    const p0 = hiddenP(v0)
    const u = uniformFloats(fold(k, 0), 2, 'float64')
    const h0 = p0.map((p, j) => (u[j] < p ? 1 : 0))
    const z = normalFloats(fold(k, 1), 2, 'float64')
    const v1 = [0, 1].map(
      (i) => rbm.visibleBias[i] + s[i] * (W[2 * i] * h0[0] + W[2 * i + 1] * h0[1]) + s[i] * z[i],
    )
    expect(negative[0]).toBeCloseTo(v1[0], 14)
    expect(negative[1]).toBeCloseTo(v1[1], 14)
    const p1 = hiddenP(v1)
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        expect(gradient.weights[2 * i + j]).toBeCloseTo((v0[i] / s[i]) * p0[j] - (v1[i] / s[i]) * p1[j], 13)
      }
      expect(gradient.visibleBias[i]).toBeCloseTo((v0[i] - v1[i]) / s[i] ** 2, 13)
      const stat = (v: number[], p: number[]) =>
        ((v[i] - rbm.visibleBias[i]) / s[i]) ** 2 - (v[i] / s[i]) * (W[2 * i] * p[0] + W[2 * i + 1] * p[1])
      expect(gradient.logSigma[i]).toBeCloseTo(stat(v0, p0) - stat(v1, p1), 13)
    }
    expect(gradient.hiddenBias[1]).toBeCloseTo(p0[1] - p1[1], 13)
  })

  test('exact samples and long Gibbs chains both have the exact mean of v (4 SE)', () => {
    const rbm = randomGaussianRbm(2, 3, 13, 1)
    let exactMean = [0, 0]
    const logZ = gaussianRbmLogPartition(rbm)
    // E[v] = Σ_h p(h) μ(h), with p(h) from the hidden marginal: p(h) = Σ-term / Z
    for (let s = 0; s < 8; s++) {
      const h = bits(s, 3)
      const mu = gaussianRbmVisibleMean(rbm, h)
      let lw = 0
      for (let j = 0; j < 3; j++) lw += rbm.hiddenBias[j] * h[j]
      for (let i = 0; i < 2; i++) {
        const a = (mu[i] - rbm.visibleBias[i]) / sigmaOf(rbm, i)
        lw +=
          (rbm.visibleBias[i] * a) / sigmaOf(rbm, i) +
          (a * a) / 2 +
          0.5 * Math.log(2 * Math.PI) +
          rbm.logSigma[i]
      }
      const p = Math.exp(lw - logZ)
      exactMean = exactMean.map((m, i) => m + p * mu[i])
    }
    const n = 20000
    const exact = gaussianRbmExactSamples(rbm, n, key(14))
    const { visible: gibbs } = gaussianRbmGibbsSample(rbm, new Float64Array(2 * 4000), {
      key: key(15),
      numSteps: 60,
    })
    for (const [samples, count] of [
      [exact, n],
      [gibbs, 4000],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        let m = 0
        let m2 = 0
        for (let r = 0; r < count; r++) {
          m += samples[2 * r + i] / count
          m2 += samples[2 * r + i] ** 2 / count
        }
        const se = Math.sqrt((m2 - m * m) / count)
        expect(Math.abs(m - exactMean[i])).toBeLessThan(4 * se)
      }
    }
  })

  test('trainGaussianRbm: a student trained by CD-1 on a teacher’s samples nears the teacher’s likelihood', () => {
    const teacher = randomGaussianRbm(2, 3, 16, 1.5)
    const data = gaussianRbmExactSamples(teacher, 2000, key(17))
    const init = initGaussianRbm({ numVisible: 2, numHidden: 6 }, { key: key(18), initScale: 0.1 })
    const mean = (m: GaussianRbm) => gaussianRbmLogDensity(m, data).reduce((a, b) => a + b, 0) / 2000
    const { rbm, reconstructionErrors } = trainGaussianRbm(init, data, {
      key: key(19),
      numEpochs: 40,
      batchSize: 20,
      learningRate: { kind: 'linear', initial: 0.02, final: 0.002 },
      momentum: 0.5,
      learnSigma: true,
      sigmaRateFactor: 1,
    })
    const [before, after, best] = [mean(init), mean(rbm), mean(teacher)]
    console.info(
      `Gaussian RBM teacher–student: mean ln p ${before.toFixed(3)} → ${after.toFixed(3)} (teacher ${best.toFixed(3)})`,
    )
    expect(after).toBeGreaterThan(before + 0.3)
    expect(after).toBeGreaterThan(best - 0.15)
    expect(reconstructionErrors.length).toBe(40)
  })

  test('bad input is a typed error naming the argument', () => {
    expect(() => initGaussianRbm({ numVisible: 2, numHidden: 1 }, { key: key(0), sigma: [1, 0] })).toThrow(
      /initGaussianRbm: sigma must hold finite numbers > 0, got 0 at index 1/,
    )
    const rbm = randomGaussianRbm(2, 2, 1)
    expect(() => gaussianRbmFreeEnergy(rbm, [0, NaN])).toThrow(
      /visible must hold finite numbers, got NaN at index 1/,
    )
    expect(() => gaussianRbmLogPartition(randomGaussianRbm(1, 26, 1))).toThrow(/at most 25 hidden units/)
  })
})
