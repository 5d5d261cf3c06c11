import { fold, key, normalFloats, uniformFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { createRbm, initRbm, rbmGibbsSample, rbmLogProbability, type Rbm } from '../rbm'
import {
  initTemperingChains,
  linearInverseTemperatures,
  rbmParallelTemperingStep,
  rbmTemperingSwaps,
  temperingSwapProbability,
  temperingSwapRates,
  type TemperingState,
} from './parallel-tempering'

function randomRbm(V: number, H: number, seed: number, scale: number): Rbm {
  const rbm = initRbm({ numVisible: V, numHidden: H }, { key: key(seed), initScale: scale })
  const biases = normalFloats(fold(key(seed), 1), V + H, 'float64')
  for (let i = 0; i < V; i++) rbm.visibleBias[i] = 0.5 * biases[i]
  for (let j = 0; j < H; j++) rbm.hiddenBias[j] = 0.5 * biases[V + j]
  return rbm
}

/** The RBM of exp(−β E): every parameter times β. */
const scaled = (rbm: Rbm, beta: number): Rbm =>
  createRbm({
    numVisible: rbm.numVisible,
    numHidden: rbm.numHidden,
    weights: rbm.weights.map((w) => beta * w),
    visibleBias: rbm.visibleBias.map((b) => beta * b),
    hiddenBias: rbm.hiddenBias.map((c) => beta * c),
  })

const bits = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => (s >>> i) & 1)

/** Pearson χ² of the rows' visible patterns against p(v) of every pattern. */
function chiSquare(rows: Float64Array, V: number, logP: Float64Array): number {
  const count = new Float64Array(2 ** V)
  const n = rows.length / V
  for (let r = 0; r < n; r++) {
    let s = 0
    for (let i = 0; i < V; i++) s |= rows[r * V + i] << i
    count[s]++
  }
  let chi = 0
  for (let s = 0; s < 2 ** V; s++) {
    const e = n * Math.exp(logP[s])
    chi += (count[s] - e) ** 2 / e
  }
  return chi
}

// χ²(15) upper 0.1% point: 37.70
const CHI2_15_999 = 37.7

describe('parallel tempering', () => {
  test('linearInverseTemperatures and the Metropolis swap probability', () => {
    expect(Array.from(linearInverseTemperatures(5))).toEqual([1, 0.75, 0.5, 0.25, 0])
    expect(Array.from(linearInverseTemperatures(3, 0.2))).toEqual([1, 0.6, 0.2])
    // exp((β_a − β_b)(E_a − E_b))
    expect(temperingSwapProbability(1, 0.5, -2, -4)).toBe(1)
    expect(temperingSwapProbability(1, 0.5, -4, -2)).toBeCloseTo(Math.exp(-1), 15)
    expect(temperingSwapProbability(0.8, 0.2, 1, 3.5)).toBeCloseTo(Math.exp(0.6 * -2.5), 15)
    expect(() => linearInverseTemperatures(1)).toThrow(/count must be at least 2, got 1/)
  })

  test('a hand case: one swap per chain exactly when u < exp((β_0 − β_1)(E_0 − E_1))', () => {
    // V = 2, H = 1, W = [1, −1]ᵀ, b = [0.5, 0], c = [0.2].
    const rbm = createRbm({
      numVisible: 2,
      numHidden: 1,
      weights: [1, -1],
      visibleBias: [0.5, 0],
      hiddenBias: [0.2],
    })
    const C = 20000
    // β = 1 replicas hold (v, h) = (11, 1): E = −(0.5 + 0.2 + 1 − 1) = −0.7
    // β = 0.4 replicas hold (v, h) = (10, 1): E = −(0.5 + 0.2 + 1) = −1.7
    const visible = new Float64Array(2 * C * 2)
    const hidden = new Float64Array(2 * C).fill(1)
    for (let c = 0; c < C; c++) visible.set([1, 1], 2 * c)
    for (let c = 0; c < C; c++) visible.set([1, 0], 2 * (C + c))
    const state: TemperingState = {
      inverseTemperatures: Float64Array.of(1, 0.4),
      numChains: C,
      visible,
      hidden,
      swapAttempts: new Float64Array(1),
      swapAccepts: new Float64Array(1),
    }
    expect(temperingSwapProbability(1, 0.4, -0.7, -1.7)).toBe(1)
    // the other way round the swap is uphill: the lower-energy state (10, 1) at β = 1,
    // (11, 1) at β = 0.4, so E_0 − E_1 = −1 and p = exp(0.6 · (−1))
    const p = Math.exp(-0.6)
    const reversed: TemperingState = {
      ...state,
      visible: Float64Array.from({ length: 4 * C }, (_, q) => (q < 2 * C ? [1, 0] : [1, 1])[q % 2]),
    }
    const k = key(77)
    const next = rbmTemperingSwaps(rbm, reversed, k)
    const u = uniformFloats(k, C, 'float64')
    let accepted = 0
    for (let c = 0; c < C; c++) {
      const swapped = next.visible[2 * c + 1] === 1
      expect(swapped).toBe(u[c] < p)
      if (swapped) accepted++
    }
    expect(next.swapAttempts[0]).toBe(C)
    expect(next.swapAccepts[0]).toBe(accepted)
    const rate = temperingSwapRates(next)[0]
    expect(Math.abs(rate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / C))
    // downhill swaps are always taken
    expect(temperingSwapRates(rbmTemperingSwaps(rbm, state, k))[0]).toBe(1)
  })

  test('the β = 1 replicas reproduce exact p(v), the β = 1/3 ones exp(−E/3) (χ², fixed key)', () => {
    const rbm = randomRbm(4, 3, 5, 2)
    const betas = linearInverseTemperatures(4)
    let state = initTemperingChains(rbm, { key: key(1), numChains: 4000, inverseTemperatures: betas })
    state = rbmParallelTemperingStep(rbm, state, { key: key(2), numSteps: 30 })
    const allV = Float64Array.from(Array.from({ length: 16 }, (_, s) => bits(s, 4)).flat())
    const C = state.numChains
    const chi1 = chiSquare(state.visible.subarray(0, C * 4), 4, rbmLogProbability(rbm, allV))
    const beta = betas[2] // 1/3
    const chiBeta = chiSquare(
      state.visible.subarray(2 * C * 4, 3 * C * 4),
      4,
      rbmLogProbability(scaled(rbm, beta), allV),
    )
    expect(chi1).toBeLessThan(CHI2_15_999)
    expect(chiBeta).toBeLessThan(CHI2_15_999)
    const rates = temperingSwapRates(state)
    expect(rates.length).toBe(3)
    for (const r of rates) expect(r).toBeGreaterThan(0.05)
  })

  test('a two-mode RBM: plain Gibbs chains stay in their mode, tempered chains find both with the exact weights', () => {
    // V = 6, H = 1, W_i = 8, b_i = −4, c = −24: h = 0 pulls every v_i off, h = 1 pulls every v_i on;
    // leaving the off mode needs 3 units on at once (p ≈ 1e-4 per step), so a Gibbs chain stays put
    const rbm = createRbm({
      numVisible: 6,
      numHidden: 1,
      weights: new Array(6).fill(8),
      visibleBias: new Array(6).fill(-4),
      hiddenBias: [-24],
    })
    const allV = Float64Array.from(Array.from({ length: 64 }, (_, s) => bits(s, 6)).flat())
    const logP = rbmLogProbability(rbm, allV)
    // exact probability of the "on" mode: at least 3 of the 6 units on
    let onMode = 0
    for (let s = 0; s < 64; s++) if (bits(s, 6).reduce((a, b) => a + b, 0) >= 3) onMode += Math.exp(logP[s])
    expect(onMode).toBeGreaterThan(0.3)
    expect(onMode).toBeLessThan(0.7)
    const fractionOn = (rows: Float64Array, C: number): number => {
      let n = 0
      for (let r = 0; r < C; r++) {
        let on = 0
        for (let i = 0; i < 6; i++) on += rows[6 * r + i]
        if (on >= 3) n++
      }
      return n / C
    }
    const C = 2000
    const se = Math.sqrt((onMode * (1 - onMode)) / C)
    // every chain starts in the "off" mode (v = 0)
    const gibbs = rbmGibbsSample(rbm, new Float64Array(C * 6), { key: key(20), numSteps: 100 })
    expect(fractionOn(gibbs.visible, C)).toBeLessThan(0.03)
    let state = initTemperingChains(rbm, {
      key: key(21),
      numChains: C,
      inverseTemperatures: linearInverseTemperatures(12),
      start: new Float64Array(C * 6),
    })
    state = rbmParallelTemperingStep(rbm, state, { key: key(22), numSteps: 100 })
    const tempered = fractionOn(state.visible.subarray(0, C * 6), C)
    console.info(
      `two-mode RBM: exact p(on mode) ${onMode.toFixed(3)}, PT ${tempered.toFixed(3)}, Gibbs ${fractionOn(gibbs.visible, C).toFixed(3)}; swap rates ${Array.from(temperingSwapRates(state), (r) => r.toFixed(2)).join(' ')}`,
    )
    expect(Math.abs(tempered - onMode)).toBeLessThan(4 * se)
  })

  test('a wrong-size state is a typed error', () => {
    const rbm = randomRbm(4, 3, 5, 1)
    const state = initTemperingChains(rbm, { key: key(1), numChains: 3, inverseTemperatures: [1, 0.5] })
    expect(() => rbmParallelTemperingStep(randomRbm(5, 3, 1, 1), state, { key: key(0) })).toThrow(
      /rbmParallelTemperingStep: state must hold \[M·C, V\] = \[6, 5\] visible/,
    )
    expect(() =>
      initTemperingChains(rbm, { key: key(1), numChains: 3, inverseTemperatures: [1, 1] }),
    ).toThrow(/inverseTemperatures must decrease strictly/)
  })
})
