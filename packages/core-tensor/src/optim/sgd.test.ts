import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import { fromArray } from '../ops/creation'
import { rmsprop } from './rmsprop'
import { sgd } from './sgd'
import { trajectory } from './test-helpers'

describe('sgd', () => {
  it('plain: w ← w − η·g', () => {
    expect(trajectory(sgd({ learningRate: 0.1 }), reference, 0, [1, 2])).toEqual([-0.1, -0.30000000000000004])
  })

  it('momentum (PyTorch form): b1 = g1, b2 = μ·b1 + g2', () => {
    // b1 = 1 → w = -0.1; b2 = 0.9 + 2 = 2.9 → w = -0.1 - 0.29 = -0.39
    const w = trajectory(sgd({ learningRate: 0.1, momentum: 0.9 }), reference, 0, [1, 2])
    expect(w[0]).toBeCloseTo(-0.1, 12)
    expect(w[1]).toBeCloseTo(-0.39, 12)
  })

  it('Nesterov: d = g + μ·b', () => {
    // d1 = 1 + 0.9·1 = 1.9 → w = -0.19; b2 = 2.9, d2 = 2 + 0.9·2.9 = 4.61 → w = -0.19 - 0.461
    const w = trajectory(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), reference, 0, [1, 2])
    expect(w[0]).toBeCloseTo(-0.19, 12)
    expect(w[1]).toBeCloseTo(-0.651, 12)
  })

  it('weight decay adds λ·θ to the gradient', () => {
    // w0 = 1, g = 1, λ = 0.5: g' = 1.5 → w = 0.85; then g' = 1 + 0.425 → w = 0.7075
    const w = trajectory(sgd({ learningRate: 0.1, weightDecay: 0.5 }), reference, 1, [1, 1])
    expect(w[0]).toBeCloseTo(0.85, 12)
    expect(w[1]).toBeCloseTo(0.7075, 12)
  })

  it('rejects Nesterov without momentum and momentum outside [0, 1)', () => {
    expect(() => sgd({ learningRate: 0.1, nesterov: true })).toThrow(
      /sgd: nesterov needs momentum > 0, got momentum 0/,
    )
    expect(() => sgd({ learningRate: 0.1, momentum: 1 })).toThrow(/sgd: momentum must be in \[0, 1\), got 1/)
  })

  it('rejects gradients whose tree does not match the state', () => {
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.5 })
    const params = { w: fromArray([0, 0], { backend: reference }) }
    const state = optimizer.init(params)
    expect(() => optimizer.update({ w: fromArray([1, 2, 3], { backend: reference }) }, state)).toThrow(
      /sgd.update: tensors at w must have one shape, got \[2\] and \[3\]/,
    )
    expect(() => optimizer.update({ v: fromArray([1, 2], { backend: reference }) }, state)).toThrow(
      /sgd.update: tree 1 must have an object with keys \[w\] at the root/,
    )
  })
})

describe('rmsprop', () => {
  it('matches hand-computed steps: v ← ρv + (1−ρ)g², w ← w − η·g/(√v + ε)', () => {
    // v1 = 0.01 → w = -0.01/(0.1 + 1e-8); v2 = 0.0199; v3 = 0.109701
    const w = trajectory(rmsprop({ learningRate: 0.01 }), reference, 0, [1, 1, 3])
    expect(w[0]).toBeCloseTo(-0.09999999, 8)
    expect(w[1]).toBeCloseTo(-0.17088810547570932, 12)
    expect(w[2]).toBeCloseTo(-0.26146469170013037, 12)
  })

  it('rejects a decay outside [0, 1)', () => {
    expect(() => rmsprop({ learningRate: 0.01, decay: 1.5 })).toThrow(
      /rmsprop: decay must be in \[0, 1\), got 1.5/,
    )
  })
})
