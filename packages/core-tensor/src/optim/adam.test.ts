import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import { reference } from '../backend/reference'
import { InvalidArgumentError } from '../errors'
import { fromArray } from '../ops/creation'
import { adam, adamw } from './adam'
import { trajectory } from './test-helpers'
import type { TensorTree } from './tree'
import type { Tensor } from '../tensor'

const leaf = (tree: TensorTree) => (tree as Record<string, Tensor>).a

const H4 = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }

describe('adam', () => {
  // Case H4: bias correction divides. The buggy m·(1−β₁ᵗ) form gives −1.0 after one step.
  it.each([cpu, reference])('H4: constant g = 1 gives w = -0.1, -0.2, -0.3 (%s)', (backend) => {
    const w = trajectory(adam(H4), backend, 0, [1, 1, 1])
    w.forEach((value, i) => expect(value).toBeCloseTo(-0.1 * (i + 1), 6))
  })

  it.each([cpu, reference])('H4: g = 2 follows the same trajectory (scale invariance)', (backend) => {
    const w = trajectory(adam(H4), backend, 0, [2, 2, 2])
    const w1 = trajectory(adam(H4), backend, 0, [1, 1, 1])
    w.forEach((value, i) => {
      expect(value).toBeCloseTo(-0.1 * (i + 1), 6)
      expect(Math.abs(value - w1[i])).toBeLessThan(1e-6)
    })
  })

  it.each([cpu, reference])('H4: g = -0.5 moves w to +0.1 in one step', (backend) => {
    expect(trajectory(adam(H4), backend, 0, [-0.5])[0]).toBeCloseTo(0.1, 6)
  })

  it('matches hand-computed steps for a changing gradient (float64)', () => {
    // t=1: m=0.1, v=0.001, m̂=1, v̂=1, w=-0.1/(1+1e-8)
    // t=2: m=-0.11, v=0.004999, m̂=-0.11/0.19, v̂=0.004999/0.001999, w=-0.0633896465279
    // t=3: m=-0.049, v=0.005244001, w=-0.0497205803262
    const w = trajectory(adam(H4), reference, 0, [1, -2, 0.5])
    expect(w[0]).toBeCloseTo(-0.099999999, 12)
    expect(w[1]).toBeCloseTo(-0.06338964652792518, 12)
    expect(w[2]).toBeCloseTo(-0.04972058032617855, 12)
  })

  it('keeps moments per element and the step count in state', () => {
    const optimizer = adam({ learningRate: 0.1 })
    const params = { a: fromArray([0, 0], { backend: reference }) }
    const state = optimizer.init(params)
    const { state: next, updates } = optimizer.update(
      { a: fromArray([1, -3], { backend: reference }) },
      state,
      params,
    )
    expect(next.count).toBe(1)
    expect([...leaf(next.mu).dataSync()]).toEqual([0.09999999999999998, -0.29999999999999993])
    const u = leaf(updates).dataSync()
    expect(u[0]).toBeCloseTo(-0.1, 7)
    expect(u[1]).toBeCloseTo(0.1, 7)
    // The state is a value: updating the old state again gives the same result.
    const again = optimizer.update({ a: fromArray([1, -3], { backend: reference }) }, state, params)
    expect([...leaf(again.updates).dataSync()]).toEqual([...u])
  })

  it('rejects bad hyperparameters with typed errors', () => {
    expect(() => adam({ learningRate: -1 })).toThrow(InvalidArgumentError)
    expect(() => adam({ learningRate: 0.1, beta1: 1 })).toThrow(/adam: beta1 must be in \[0, 1\), got 1/)
    expect(() => adam({ learningRate: 0.1, beta2: -0.1 })).toThrow(
      /adam: beta2 must be in \[0, 1\), got -0.1/,
    )
    expect(() => adam({ learningRate: NaN })).toThrow(
      /adam: learningRate must be a finite number >= 0 or a schedule, got NaN/,
    )
    const bad = adam({ learningRate: () => Infinity })
    const p = { w: fromArray([0], { backend: reference }) }
    expect(() => bad.update(p, bad.init(p))).toThrow(
      /adam.update: learningRate must be a finite number >= 0, got Infinity at step 0/,
    )
  })

  it('follows a schedule, reading the rate at the number of steps already made', () => {
    const rates: number[] = []
    const optimizer = adam({
      learningRate: (step) => {
        rates.push(step)
        return 0.1 / (step + 1)
      },
    })
    const w = trajectory(optimizer, reference, 0, [1, 1])
    expect(rates).toEqual([0, 1])
    expect(w[1]).toBeCloseTo(-0.1 - 0.05, 7)
  })
})

describe('adamw', () => {
  it('decays the weights decoupled from the adaptive step (hand-computed)', () => {
    // w0 = 1, g = 1, η = 0.1, λ = 0.1: step 1: −0.1·(1 + 0.1·1) → 0.89;
    // step 2: −0.1·(1 + 0.1·0.89) → 0.7811 (the Adam part is 1/(1+1e-8) each step).
    const w = trajectory(adamw({ ...H4, weightDecay: 0.1 }), reference, 1, [1, 1])
    expect(w[0]).toBeCloseTo(0.89, 7)
    expect(w[1]).toBeCloseTo(0.7811, 7)
  })

  it('with a zero gradient only decays: w ← w·(1 − ηλ) from the first step', () => {
    // m̂ = v̂ = 0 so the Adam part is 0/(0+ε) = 0; an L2 penalty inside Adam would instead
    // give a full −η step (λθ/|λθ| = 1), which is what "decoupled" avoids.
    const w = trajectory(adamw({ learningRate: 0.1, weightDecay: 0.5 }), reference, 2, [0, 0])
    expect(w[0]).toBeCloseTo(2 * 0.95, 12)
    expect(w[1]).toBeCloseTo(2 * 0.95 * 0.95, 12)
  })

  it('needs params when weight decay is on', () => {
    const optimizer = adamw({ learningRate: 0.1 })
    const p = { w: fromArray([1], { backend: reference }) }
    expect(() => optimizer.update(p, optimizer.init(p))).toThrow(
      /adamw.update: params must be given when weightDecay > 0/,
    )
    expect(() => adamw({ learningRate: 0.1, weightDecay: -1 })).toThrow(
      /adamw: weightDecay must be a finite number >= 0, got -1/,
    )
  })
})
