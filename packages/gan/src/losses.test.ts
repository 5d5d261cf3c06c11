import { fromArray, reference, ShapeError, type Tensor, valueAndGrad } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import {
  discriminatorLoss,
  hingeDiscriminatorLoss,
  minimaxGeneratorLoss,
  nonSaturatingGeneratorLoss,
  wassersteinCriticLoss,
  wassersteinGeneratorLoss,
} from './losses'

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
const softplus = (x: number): number => Math.log1p(Math.exp(x))
const t = (values: number[]): Tensor => fromArray(values, { backend: reference })
const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

// Logits / scores of a discriminator with known outputs; the gradient of a loss with respect
// to them is what back-propagates into D (and, for the generator losses, into G).
const real = [1.5, -0.5, 0.25]
const fake = [-2, 0.75]

function both(f: (p: { real: Tensor; fake: Tensor }) => Tensor): {
  value: number
  dReal: number[]
  dFake: number[]
} {
  const { value, grads } = valueAndGrad(f)({ real: t(real), fake: t(fake) })
  return {
    value: value.item(),
    dReal: Array.from(grads.real.dataSync()),
    dFake: Array.from(grads.fake.dataSync()),
  }
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length)
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 12))
}

describe('GAN losses on known discriminator outputs (float64)', () => {
  it('discriminator loss: −E log D(real) − E log(1 − D(fake)), gradients (σ(ℓ) − y)/N', () => {
    const r = both((p) => discriminatorLoss(p.real, p.fake))
    const expected =
      meanOf(real.map((l) => -Math.log(sigmoid(l)))) + meanOf(fake.map((l) => -Math.log(1 - sigmoid(l))))
    expect(r.value).toBeCloseTo(expected, 12)
    expectClose(
      r.dReal,
      real.map((l) => (sigmoid(l) - 1) / real.length),
    )
    expectClose(
      r.dFake,
      fake.map((l) => sigmoid(l) / fake.length),
    )
  })

  it('at D = ½ everywhere the discriminator loss is 2 ln 2 (the value at the global optimum p_g = p_data)', () => {
    expect(discriminatorLoss(t([0, 0]), t([0])).item()).toBeCloseTo(2 * Math.LN2, 14)
  })

  it('minimax generator loss E log(1 − D(G(z))) with gradient −σ(ℓ)/N', () => {
    const r = both((p) => minimaxGeneratorLoss(p.fake))
    expect(r.value).toBeCloseTo(meanOf(fake.map((l) => Math.log(1 - sigmoid(l)))), 12)
    expectClose(
      r.dFake,
      fake.map((l) => -sigmoid(l) / fake.length),
    )
    expectClose(r.dReal, [0, 0, 0])
  })

  it('non-saturating generator loss −E log D(G(z)) with gradient −(1 − σ(ℓ))/N', () => {
    const r = both((p) => nonSaturatingGeneratorLoss(p.fake))
    expect(r.value).toBeCloseTo(meanOf(fake.map((l) => softplus(-l))), 12)
    expectClose(
      r.dFake,
      fake.map((l) => -(1 - sigmoid(l)) / fake.length),
    )
  })

  it('when D rejects the samples (D(G(z)) near 0) the minimax gradient vanishes and the non-saturating one does not', () => {
    const confident = [-12, -9, -15] // D(G(z)) = σ(ℓ) ≈ 6e−6, 1.2e−4, 3e−7
    const minimax = valueAndGrad((f: Tensor) => minimaxGeneratorLoss(f))(t(confident))
    const nonSaturating = valueAndGrad((f: Tensor) => nonSaturatingGeneratorLoss(f))(t(confident))
    const mm = Array.from(minimax.grads.dataSync())
    const ns = Array.from(nonSaturating.grads.dataSync())
    // −σ(ℓ)/3: at most 4.1e−5 in size; −(1 − σ(ℓ))/3: within 4.1e−5 of −1/3
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(mm[i])).toBeLessThan(5e-5)
      expect(mm[i]).toBeCloseTo(-sigmoid(confident[i]) / 3, 14)
      expect(ns[i]).toBeCloseTo(-1 / 3, 4)
      expect(Math.abs(ns[i] / mm[i])).toBeGreaterThan(2000)
    }
    // the values stay finite at huge logits (softplus, not log σ)
    expect(Number.isFinite(nonSaturatingGeneratorLoss(t([-800])).item())).toBe(true)
    expect(nonSaturatingGeneratorLoss(t([-800])).item()).toBeCloseTo(800, 9)
  })

  it('Wasserstein critic loss E f(fake) − E f(real), gradients +1/M and −1/N; generator −E f(fake)', () => {
    const r = both((p) => wassersteinCriticLoss(p.real, p.fake))
    expect(r.value).toBeCloseTo(meanOf(fake) - meanOf(real), 12)
    expectClose(r.dReal, [-1 / 3, -1 / 3, -1 / 3])
    expectClose(r.dFake, [0.5, 0.5])
    const g = both((p) => wassersteinGeneratorLoss(p.fake))
    expect(g.value).toBeCloseTo(-meanOf(fake), 12)
    expectClose(g.dFake, [-0.5, -0.5])
  })

  it('hinge loss: no gradient from samples beyond the margin', () => {
    // real 1.5 ≥ 1 and fake −2 ≤ −1 are beyond the margin
    const r = both((p) => hingeDiscriminatorLoss(p.real, p.fake))
    const expected = meanOf(real.map((s) => Math.max(0, 1 - s))) + meanOf(fake.map((s) => Math.max(0, 1 + s)))
    expect(r.value).toBeCloseTo(expected, 12) // (0 + 1.5 + 0.75)/3 + (0 + 1.75)/2
    expect(r.value).toBeCloseTo(0.75 + 0.875, 12)
    expectClose(r.dReal, [0, -1 / 3, -1 / 3])
    expectClose(r.dFake, [0, 0.5])
  })

  it('accepts [N, 1] outputs and rejects other shapes with the argument named', () => {
    const column = fromArray([[0.5], [-1]], { backend: reference })
    expect(nonSaturatingGeneratorLoss(column).item()).toBeCloseTo(meanOf([softplus(-0.5), softplus(1)]), 12)
    const bad = fromArray([[1, 2]], { backend: reference })
    expect(() => discriminatorLoss(t([1]), bad)).toThrow(ShapeError)
    expect(() => discriminatorLoss(t([1]), bad)).toThrow(/fakeLogits must be \[N\] or \[N, 1\].*got \[1, 2\]/)
    expect(() => wassersteinCriticLoss([1] as unknown as Tensor, t([1]))).toThrow(
      /wassersteinCriticLoss: realScores must be a Tensor, got object/,
    )
  })
})
