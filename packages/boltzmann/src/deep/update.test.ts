import { fold, InvalidArgumentError, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { initRbm, type Rbm, type RbmGradient } from '../rbm'
import { learningRateAt, momentumAt, rbmMomentumStep, rbmSparsityGradient } from './update'

function randomRbm(seed: number): Rbm {
  const rbm = initRbm({ numVisible: 5, numHidden: 3 }, { key: key(seed), initScale: 1 })
  const biases = normalFloats(fold(key(seed), 1), 8, 'float64')
  rbm.visibleBias.set(biases.subarray(0, 5))
  rbm.hiddenBias.set(biases.subarray(5))
  return rbm
}

const zero = (rbm: Rbm): RbmGradient => ({
  weights: new Float64Array(rbm.weights.length),
  visibleBias: new Float64Array(rbm.numVisible),
  hiddenBias: new Float64Array(rbm.numHidden),
})

describe('rbmMomentumStep', () => {
  test('weight decay on a zero gradient shrinks W by exactly (1 − ηλ) and leaves the biases alone', () => {
    const rbm = randomRbm(1)
    const { rbm: next, velocity } = rbmMomentumStep(rbm, zero(rbm), undefined, {
      learningRate: 0.1,
      weightDecay: 0.01,
    })
    for (let k = 0; k < rbm.weights.length; k++) {
      expect(next.weights[k]).toBeCloseTo(rbm.weights[k] * (1 - 0.1 * 0.01), 15)
      expect(velocity.weights[k]).toBeCloseTo(-0.001 * rbm.weights[k], 15)
    }
    expect(Array.from(next.visibleBias)).toEqual(Array.from(rbm.visibleBias))
    expect(Array.from(next.hiddenBias)).toEqual(Array.from(rbm.hiddenBias))
  })

  test('momentum accumulates: with a constant g the t-th step moves θ by η g (1 − μ^t)/(1 − μ)', () => {
    const rbm = randomRbm(2)
    const g = zero(rbm)
    const u = normalFloats(key(9), rbm.weights.length + 8, 'float64')
    g.weights.set(u.subarray(0, 15))
    g.visibleBias.set(u.subarray(15, 20))
    g.hiddenBias.set(u.subarray(20))
    const eta = 0.1
    const mu = 0.9
    let current = rbm
    let velocity: RbmGradient | undefined
    let total = 0
    for (let t = 1; t <= 6; t++) {
      const step = rbmMomentumStep(current, g, velocity, { learningRate: eta, momentum: mu })
      current = step.rbm
      velocity = step.velocity
      total += (1 - mu ** t) / (1 - mu)
      for (let k = 0; k < 15; k++) {
        expect(velocity.weights[k]).toBeCloseTo((eta * g.weights[k] * (1 - mu ** t)) / (1 - mu), 13)
        expect(current.weights[k]).toBeCloseTo(rbm.weights[k] + eta * g.weights[k] * total, 13)
      }
      for (let j = 0; j < 3; j++) {
        expect(current.hiddenBias[j]).toBeCloseTo(rbm.hiddenBias[j] + eta * g.hiddenBias[j] * total, 13)
      }
    }
  })

  test('momentum and decay together follow Δ ← μΔ + η(g − λW) for one hand-computed entry', () => {
    const rbm = initRbm({ numVisible: 1, numHidden: 1 }, { key: key(0), initScale: 0 })
    rbm.weights[0] = 2
    const g = {
      weights: Float64Array.of(0.5),
      visibleBias: Float64Array.of(1),
      hiddenBias: Float64Array.of(-1),
    }
    const previous = {
      weights: Float64Array.of(0.3),
      visibleBias: Float64Array.of(0.2),
      hiddenBias: Float64Array.of(0),
    }
    const { rbm: next } = rbmMomentumStep(rbm, g, previous, {
      learningRate: 0.5,
      momentum: 0.5,
      weightDecay: 0.1,
    })
    // Δ_W = 0.5·0.3 + 0.5·(0.5 − 0.1·2) = 0.15 + 0.15 = 0.3; Δ_b = 0.1 + 0.5 = 0.6; Δ_c = −0.5
    expect(next.weights[0]).toBeCloseTo(2.3, 15)
    expect(next.visibleBias[0]).toBeCloseTo(0.6, 15)
    expect(next.hiddenBias[0]).toBeCloseTo(-0.5, 15)
  })

  test('bad settings are typed errors naming the argument', () => {
    const rbm = randomRbm(3)
    expect(() => rbmMomentumStep(rbm, zero(rbm), undefined, { learningRate: 0.1, momentum: 1 })).toThrow(
      /rbmMomentumStep: momentum must be a number in \[0, 1\), got 1/,
    )
    expect(() => rbmMomentumStep(rbm, zero(rbm), undefined, { learningRate: -1 })).toThrow(
      InvalidArgumentError,
    )
    expect(() =>
      rbmMomentumStep(rbm, { ...zero(rbm), weights: new Float64Array(2) }, undefined, { learningRate: 1 }),
    ).toThrow(/gradient.weights must have length 15, got 2/)
  })
})

describe('schedules', () => {
  const at = (step: number, epoch = 0) => ({ step, epoch, totalSteps: 101 })
  test('learning-rate schedules give their formulas', () => {
    expect(learningRateAt(0.05, at(7))).toBe(0.05)
    expect(learningRateAt({ kind: 'constant', initial: 0.2 }, at(50))).toBe(0.2)
    const linear = { kind: 'linear', initial: 0.1, final: 0.001 } as const
    expect(learningRateAt(linear, at(0))).toBeCloseTo(0.1, 15)
    expect(learningRateAt(linear, at(50))).toBeCloseTo(0.0505, 15)
    expect(learningRateAt(linear, at(100))).toBeCloseTo(0.001, 15)
    expect(learningRateAt({ kind: 'exponential', initial: 0.1, decayPerEpoch: 0.5 }, at(40, 3))).toBeCloseTo(
      0.0125,
      15,
    )
    expect(learningRateAt({ kind: 'inverse', initial: 0.1, decaySteps: 10 }, at(30))).toBeCloseTo(0.025, 15)
    expect(learningRateAt(({ step }) => 1 / (step + 1), at(3))).toBe(0.25)
    expect(() => learningRateAt(() => 0, at(3))).toThrow(/must give a finite rate > 0, got 0 at step 3/)
  })

  test('momentum switches at switchEpoch', () => {
    const m = { initial: 0.5, final: 0.9, switchEpoch: 5 }
    expect(momentumAt(m, 4)).toBe(0.5)
    expect(momentumAt(m, 5)).toBe(0.9)
    expect(momentumAt(0.7, 100)).toBe(0.7)
  })
})

describe('rbmSparsityGradient', () => {
  test('g_c = −κ (q − p), g_W = g_c · v̄, g_b = 0', () => {
    const g = rbmSparsityGradient([0.2, 0.05], [1, 0, 0.5], { target: 0.1, cost: 2 })
    expect(g.hiddenBias[0]).toBeCloseTo(-0.2, 15)
    expect(g.hiddenBias[1]).toBeCloseTo(0.1, 15)
    expect(Array.from(g.weights).map((x) => +x.toFixed(12))).toEqual([-0.2, 0.1, 0, 0, -0.1, 0.05])
    expect(Array.from(g.visibleBias)).toEqual([0, 0, 0])
    expect(() => rbmSparsityGradient([0.2], [1], { target: 1, cost: 1 })).toThrow(
      /rbmSparsityGradient: sparsity.target must be in \(0, 1\), got 1/,
    )
  })
})
