import {
  fold,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  ShapeError,
  uniformFloats,
} from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import {
  createRbm,
  initRbm,
  rbmContrastiveDivergence,
  rbmExactGradient,
  rbmFreeEnergy,
  rbmGibbsSample,
  rbmGradientStep,
  rbmHiddenProbabilities,
  rbmLogLikelihood,
  rbmLogPartition,
  rbmLogProbability,
  rbmPersistentContrastiveDivergence,
  rbmPseudoLikelihood,
  rbmVisibleProbabilities,
  type Rbm,
} from './rbm'

const sig = (x: number): number => 1 / (1 + Math.exp(-x))

/** An RBM with W ~ N(0, scale²) and biases ~ N(0, 0.5²), all from one seed. */
function randomRbm(numVisible: number, numHidden: number, seed: number, scale = 1): Rbm {
  const rbm = initRbm({ numVisible, numHidden }, { key: key(seed), initScale: scale })
  const biases = normalFloats(fold(key(seed), 1), numVisible + numHidden, 'float64')
  for (let i = 0; i < numVisible; i++) rbm.visibleBias[i] = 0.5 * biases[i]
  for (let j = 0; j < numHidden; j++) rbm.hiddenBias[j] = 0.5 * biases[numVisible + j]
  return rbm
}

const bits = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => (s >>> i) & 1)

/** Every v as rows [2^V, V], pattern s at row s. */
function allVisible(numVisible: number): number[] {
  return Array.from({ length: 2 ** numVisible }, (_, s) => bits(s, numVisible)).flat()
}

/** Brute force over (v, h): E(v, h) = −bᵀv − cᵀh − vᵀWh; returns ln Z and p(v) for every v. */
function bruteForce(rbm: Rbm): { logZ: number; pv: number[] } {
  const { numVisible: V, numHidden: H } = rbm
  const unnormalised: number[] = []
  for (let s = 0; s < 2 ** V; s++) {
    const v = bits(s, V)
    let total = 0
    for (let t = 0; t < 2 ** H; t++) {
      const h = bits(t, H)
      let negE = 0
      for (let i = 0; i < V; i++) negE += rbm.visibleBias[i] * v[i]
      for (let j = 0; j < H; j++) negE += rbm.hiddenBias[j] * h[j]
      for (let i = 0; i < V; i++) for (let j = 0; j < H; j++) negE += v[i] * rbm.weights[i * H + j] * h[j]
      total += Math.exp(negE)
    }
    unnormalised.push(total)
  }
  const z = unnormalised.reduce((a, b) => a + b, 0)
  return { logZ: Math.log(z), pv: unnormalised.map((u) => u / z) }
}

describe('exact log Z and p(v) against enumeration over (v, h)', () => {
  for (const [V, H] of [
    [4, 3],
    [6, 4],
    [3, 5],
    [5, 5],
  ] as const) {
    test(`${V}×${H} (sums over the ${V <= H ? 'visible' : 'hidden'} layer)`, () => {
      const rbm = randomRbm(V, H, 10 * V + H)
      const { logZ, pv } = bruteForce(rbm)
      expect(rbmLogPartition(rbm)).toBeCloseTo(logZ, 11)
      const lp = rbmLogProbability(rbm, allVisible(V))
      for (let s = 0; s < 2 ** V; s++) expect(lp[s]).toBeCloseTo(Math.log(pv[s]), 11)
      // −F(v) − ln Z = ln p(v)
      const f = rbmFreeEnergy(rbm, allVisible(V))
      for (let s = 0; s < 2 ** V; s++) expect(-f[s] - logZ).toBeCloseTo(Math.log(pv[s]), 11)
    })
  }

  test('free energy of large fields stays finite (softplus, not log(1 + e^x))', () => {
    const rbm = createRbm({
      numVisible: 1,
      numHidden: 2,
      weights: [800, -800],
      visibleBias: [0],
      hiddenBias: [0, 0],
    })
    const f = rbmFreeEnergy(rbm, [1, 0])
    expect(f[0]).toBeCloseTo(-800, 9)
    expect(f[1]).toBeCloseTo(-2 * Math.LN2, 12)
    expect(Number.isFinite(rbmLogPartition(rbm))).toBe(true)
  })

  test('conditionals are the sigmoids of the fields', () => {
    const rbm = createRbm({
      numVisible: 2,
      numHidden: 1,
      weights: [1.5, -2],
      visibleBias: [0.25, -0.5],
      hiddenBias: [0.3],
    })
    expect(rbmHiddenProbabilities(rbm, [1, 1])[0]).toBeCloseTo(sig(0.3 + 1.5 - 2), 14)
    const pv = rbmVisibleProbabilities(rbm, [1])
    expect(pv[0]).toBeCloseTo(sig(0.25 + 1.5), 14)
    expect(pv[1]).toBeCloseTo(sig(-0.5 - 2), 14)
  })
})

describe('exact log-likelihood gradient', () => {
  for (const [V, H] of [
    [4, 3],
    [3, 5],
  ] as const) {
    test(`${V}×${H}: equals central differences of the exact mean log-likelihood`, () => {
      const rbm = randomRbm(V, H, 7)
      const data = allVisible(V).slice(0, 5 * V)
      const { gradient, logLikelihood } = rbmExactGradient(rbm, data)
      expect(logLikelihood).toBeCloseTo(rbmLogLikelihood(rbm, data), 12)
      const eps = 1e-5
      const numeric = (field: 'weights' | 'visibleBias' | 'hiddenBias', k: number): number => {
        const plus = structuredClone(rbm)
        const minus = structuredClone(rbm)
        plus[field][k] += eps
        minus[field][k] -= eps
        return (rbmLogLikelihood(plus, data) - rbmLogLikelihood(minus, data)) / (2 * eps)
      }
      for (let k = 0; k < V * H; k++) expect(gradient.weights[k]).toBeCloseTo(numeric('weights', k), 8)
      for (let i = 0; i < V; i++) expect(gradient.visibleBias[i]).toBeCloseTo(numeric('visibleBias', i), 8)
      for (let j = 0; j < H; j++) expect(gradient.hiddenBias[j]).toBeCloseTo(numeric('hiddenBias', j), 8)
    })
  }
})

describe('CD-1 (P1: h⁰ sampled drives the reconstruction, both phases use hidden probabilities)', () => {
  const rbm = randomRbm(4, 3, 21)
  const { numVisible: V, numHidden: H } = rbm
  const v0 = [1, 0, 1, 1, 0, 1, 0, 0]
  const B = 2
  const k = key(99)
  const W = (i: number, j: number): number => rbm.weights[i * H + j]
  const hiddenProb = (v: number[]): number[] =>
    Array.from({ length: H }, (_, j) => sig(rbm.hiddenBias[j] + v.reduce((a, x, i) => a + x * W(i, j), 0)))
  const visibleProb = (h: number[]): number[] =>
    Array.from({ length: V }, (_, i) => sig(rbm.visibleBias[i] + h.reduce((a, x, j) => a + x * W(i, j), 0)))

  test('one step from fixed v⁰ with the documented uniforms equals (v⁰ᵀσ(v⁰W+c) − v¹ᵀσ(v¹W+c))/B', () => {
    const uh = uniformFloats(fold(k, 0), B * H, 'float64')
    const uv = uniformFloats(fold(k, 1), B * V, 'float64')
    const expectedW = new Float64Array(V * H)
    const expectedB = new Float64Array(V)
    const expectedC = new Float64Array(H)
    const wrongW = new Float64Array(V * H) // last hidden sampled instead of probabilities
    const v1All: number[] = []
    for (let b = 0; b < B; b++) {
      const x0 = v0.slice(b * V, (b + 1) * V)
      const p0 = hiddenProb(x0)
      const h0 = p0.map((p, j) => (uh[b * H + j] < p ? 1 : 0))
      const x1 = visibleProb(h0).map((p, i) => (uv[b * V + i] < p ? 1 : 0))
      v1All.push(...x1)
      const p1 = hiddenProb(x1)
      const h1 = p1.map((p) => (p > 0.5 ? 1 : 0))
      for (let i = 0; i < V; i++) {
        expectedB[i] += (x0[i] - x1[i]) / B
        for (let j = 0; j < H; j++) {
          expectedW[i * H + j] += (x0[i] * p0[j] - x1[i] * p1[j]) / B
          wrongW[i * H + j] += (x0[i] * p0[j] - x1[i] * h1[j]) / B
        }
      }
      for (let j = 0; j < H; j++) expectedC[j] += (p0[j] - p1[j]) / B
    }
    const { gradient, negative } = rbmContrastiveDivergence(rbm, v0, {
      key: k,
      numSteps: 1,
      backend: reference,
    })
    expect(Array.from(negative)).toEqual(v1All)
    // the reconstruction must differ from v⁰, or the check would be empty
    expect(v1All).not.toEqual(v0)
    for (let m = 0; m < V * H; m++) expect(gradient.weights[m]).toBeCloseTo(expectedW[m], 14)
    for (let i = 0; i < V; i++) expect(gradient.visibleBias[i]).toBeCloseTo(expectedB[i], 14)
    for (let j = 0; j < H; j++) expect(gradient.hiddenBias[j]).toBeCloseTo(expectedC[j], 14)
    expect(Array.from(gradient.weights)).not.toEqual(Array.from(wrongW))
  })

  test('the mean of 10⁴ stochastic CD-1 updates equals the exact expectation within 4 standard errors', () => {
    // E[ΔW] = v⁰ᵀσ(v⁰W+c)/B − Σ_{h⁰} p(h⁰|v⁰) Σ_{v¹} p(v¹|h⁰) v¹ᵀσ(v¹W+c)/B, by enumeration
    const exact = new Float64Array(V * H)
    for (let b = 0; b < B; b++) {
      const x0 = v0.slice(b * V, (b + 1) * V)
      const p0 = hiddenProb(x0)
      for (let i = 0; i < V; i++) for (let j = 0; j < H; j++) exact[i * H + j] += (x0[i] * p0[j]) / B
      for (let t = 0; t < 2 ** H; t++) {
        const h0 = bits(t, H)
        const ph = h0.reduce((a, x, j) => a * (x === 1 ? p0[j] : 1 - p0[j]), 1)
        const pvGivenH = visibleProb(h0)
        for (let s = 0; s < 2 ** V; s++) {
          const x1 = bits(s, V)
          const p = ph * x1.reduce((a, x, i) => a * (x === 1 ? pvGivenH[i] : 1 - pvGivenH[i]), 1)
          const p1 = hiddenProb(x1)
          for (let i = 0; i < V; i++) for (let j = 0; j < H; j++) exact[i * H + j] -= (p * x1[i] * p1[j]) / B
        }
      }
    }
    const numDraws = 10_000
    const sum = new Float64Array(V * H)
    const sumSq = new Float64Array(V * H)
    for (let d = 0; d < numDraws; d++) {
      const { gradient } = rbmContrastiveDivergence(rbm, v0, { key: fold(key(5), d) })
      for (let m = 0; m < V * H; m++) {
        sum[m] += gradient.weights[m]
        sumSq[m] += gradient.weights[m] ** 2
      }
    }
    let maxZ = 0
    for (let m = 0; m < V * H; m++) {
      const mean = sum[m] / numDraws
      const se = Math.sqrt((sumSq[m] / numDraws - mean * mean) / (numDraws - 1))
      expect(Math.abs(mean - exact[m])).toBeLessThan(4 * se)
      maxZ = Math.max(maxZ, Math.abs(mean - exact[m]) / se)
    }
    expect(maxZ).toBeGreaterThan(0) // the updates really are random
  })
})

describe('pseudo-likelihood (P2)', () => {
  test('6×4: equals V × the exact mean over i of ln p(v_i | v_−i), by enumeration', () => {
    const rbm = randomRbm(6, 4, 33)
    const V = 6
    const { pv } = bruteForce(rbm)
    const pl = rbmPseudoLikelihood(rbm, allVisible(V))
    for (let s = 0; s < 2 ** V; s++) {
      let meanCond = 0
      for (let i = 0; i < V; i++) meanCond += Math.log(pv[s] / (pv[s] + pv[s ^ (1 << i)])) / V
      expect(pl[s]).toBeCloseTo(V * meanCond, 11)
    }
    // not the log-likelihood
    expect(Math.abs(pl[5] - Math.log(pv[5]))).toBeGreaterThan(0.1)
  })
})

describe('block Gibbs sampling', () => {
  test('4×3: 4000 chains after 30 steps reproduce p(v) (chi-square, 15 dof, below the 0.001 quantile 37.7)', () => {
    const rbm = randomRbm(4, 3, 41)
    const { pv } = bruteForce(rbm)
    const numChains = 4000
    const { visible, hidden } = rbmGibbsSample(rbm, new Float64Array(numChains * 4), {
      key: key(42),
      numSteps: 30,
    })
    expect(hidden.length).toBe(numChains * 3)
    const counts = new Array<number>(16).fill(0)
    for (let c = 0; c < numChains; c++) {
      let s = 0
      for (let i = 0; i < 4; i++) s |= visible[c * 4 + i] << i
      counts[s] += 1
    }
    let chi2 = 0
    for (let s = 0; s < 16; s++) chi2 += (counts[s] - numChains * pv[s]) ** 2 / (numChains * pv[s])
    expect(chi2).toBeLessThan(37.7)
    // and the test has power: a model with other biases is rejected by the same samples
    const other = structuredClone(rbm)
    other.visibleBias[0] += 0.5
    const pOther = bruteForce(other).pv
    let chiOther = 0
    for (let s = 0; s < 16; s++)
      chiOther += (counts[s] - numChains * pOther[s]) ** 2 / (numChains * pOther[s])
    expect(chiOther).toBeGreaterThan(37.7)
  })

  test('the same key gives the same chain', () => {
    const rbm = randomRbm(5, 3, 1)
    const start = new Float64Array(10).fill(1)
    const a = rbmGibbsSample(rbm, start, { key: key(8), numSteps: 3 })
    expect(rbmGibbsSample(rbm, start, { key: key(8), numSteps: 3 })).toEqual(a)
    expect(rbmGibbsSample(rbm, start, { key: key(9), numSteps: 3 }).visible).not.toEqual(a.visible)
  })
})

describe('PCD', () => {
  test('the estimate is data statistics minus the statistics of the advanced chains', () => {
    const rbm = randomRbm(4, 3, 3)
    const data = [1, 1, 0, 0, 0, 0, 1, 1]
    const chains = new Float64Array(3 * 4)
    const backend = reference
    const { gradient, negative } = rbmPersistentContrastiveDivergence(rbm, data, chains, {
      key: key(6),
      numSteps: 2,
      backend,
    })
    expect(negative).toEqual(rbmGibbsSample(rbm, chains, { key: key(6), numSteps: 2, backend }).visible)
    const pd = rbmHiddenProbabilities(rbm, data, { backend })
    const pn = rbmHiddenProbabilities(rbm, negative, { backend })
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        let expected = 0
        for (let b = 0; b < 2; b++) expected += (data[b * 4 + i] * pd[b * 3 + j]) / 2
        for (let c = 0; c < 3; c++) expected -= (negative[c * 4 + i] * pn[c * 3 + j]) / 3
        expect(gradient.weights[i * 3 + j]).toBeCloseTo(expected, 14)
      }
    }
  })

  test('with the model held fixed, persistent chains give the exact gradient within 4 standard errors', () => {
    const rbm = randomRbm(4, 3, 12)
    const data = [1, 0, 1, 0, 0, 1, 1, 1]
    const numChains = 5000
    let chains: Float64Array = new Float64Array(numChains * 4)
    let estimate = rbmPersistentContrastiveDivergence(rbm, data, chains, { key: fold(key(13), 0) })
    for (let t = 1; t < 30; t++) {
      chains = estimate.negative
      estimate = rbmPersistentContrastiveDivergence(rbm, data, chains, { key: fold(key(13), t) })
    }
    const exact = rbmExactGradient(rbm, data).gradient
    // each negative-phase term is a mean of numChains values in [0, 1]: sd ≤ 1/2
    const se = 0.5 / Math.sqrt(numChains)
    for (let m = 0; m < 12; m++)
      expect(Math.abs(estimate.gradient.weights[m] - exact.weights[m])).toBeLessThan(4 * se)
    for (let i = 0; i < 4; i++)
      expect(Math.abs(estimate.gradient.visibleBias[i] - exact.visibleBias[i])).toBeLessThan(4 * se)
  })
})

describe('learning smoke test', () => {
  test('CD-1 on four 6-bit patterns raises the exact log-likelihood from 6 ln ½ to near ln ¼', () => {
    const data = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]
    let rbm = initRbm({ numVisible: 6, numHidden: 4 }, { key: key(2), initScale: 0.01 })
    const start = rbmLogLikelihood(rbm, data)
    expect(start).toBeCloseTo(6 * Math.log(0.5), 2)
    for (let step = 0; step < 1500; step++) {
      const { gradient } = rbmContrastiveDivergence(rbm, data, { key: fold(key(3), step) })
      rbm = rbmGradientStep(rbm, gradient, { learningRate: 0.1 })
    }
    const end = rbmLogLikelihood(rbm, data)
    console.info(
      `CD-1 6×4, four patterns: mean ln p(v) ${start.toFixed(3)} → ${end.toFixed(3)} (optimum ln ¼ = ${Math.log(0.25).toFixed(3)})`,
    )
    expect(end).toBeGreaterThan(-2.2)
  })
})

describe('validation', () => {
  test('bad shapes throw ShapeError and bad values InvalidArgumentError, with the op and what must hold', () => {
    const rbm = randomRbm(4, 3, 0)
    expect(() => rbmFreeEnergy(rbm, [1, 0, 1])).toThrow(ShapeError)
    expect(() => rbmFreeEnergy(rbm, [1, 0, 1])).toThrow(
      'rbmFreeEnergy: visible must be a non-empty row-major [batch, 4] array',
    )
    expect(() => rbmLogProbability(rbm, [1, 0, 0.5, 1])).toThrow(
      'rbmLogProbability: visible must hold only 0 and 1, got 0.5 at index 2',
    )
    expect(() => rbmHiddenProbabilities(rbm, [1, 0, 2, 1])).toThrow(InvalidArgumentError)
    expect(() =>
      createRbm({ numVisible: 2, numHidden: 2, weights: [1, 2, 3], visibleBias: [0, 0], hiddenBias: [0, 0] }),
    ).toThrow('createRbm: rbm.weights must have shape [2, 2] (4 entries), got 3 entries')
    expect(() => rbmContrastiveDivergence(rbm, [1, 0, 1, 1], { key: key(0), numSteps: 0 })).toThrow(
      'rbmContrastiveDivergence: numSteps must be a positive integer, got 0',
    )
    expect(() =>
      rbmGradientStep(rbm, rbmExactGradient(rbm, [1, 0, 1, 1]).gradient, { learningRate: -1 }),
    ).toThrow(InvalidArgumentError)
    const wide = initRbm({ numVisible: 26, numHidden: 26 }, { key: key(0) })
    expect(() => rbmLogPartition(wide)).toThrow(
      'rbmLogPartition: rbm must have a layer of at most 25 units for exact enumeration, got min(V, H) = 26',
    )
    expect(() => initRbm({ numVisible: 0, numHidden: 2 }, { key: key(0) })).toThrow(
      'validateRbmConfig: numVisible must be a positive integer, got 0',
    )
  })
})
