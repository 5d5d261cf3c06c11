import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { valueAndGrad } from '../autodiff/grad'
import { cpu } from '../backend/cpu'
import { reference } from '../backend/reference'
import type { BackendV1 } from '../backend/spec'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { fromArray, zeros } from '../ops/creation'
import type { Tensor } from '../tensor'
import {
  bernoulliLogLikelihood,
  binaryCrossEntropyWithLogits,
  crossEntropyWithLogits,
  gaussianKl,
  gaussianLogLikelihood,
  mseLoss,
} from './losses'
import { checkGradients } from './test-helpers'

const LN4 = Math.log(4)
const backends: BackendV1[] = [cpu, reference]

describe('crossEntropyWithLogits', () => {
  it.each(backends)(
    'case H1: logits [-431, 279, 427], target 0 → loss 858, gradient [-1, 0, 1] (%s)',
    (backend) => {
      const target = fromArray([0], { dtype: 'int32', backend })
      const { value, grads } = valueAndGrad((p: { logits: Tensor }) =>
        crossEntropyWithLogits(p.logits, fromArray(0, { dtype: 'int32', backend })),
      )({ logits: fromArray([-431, 279, 427], { backend }) })
      expect(Math.abs(value.item() - 858) / 858).toBeLessThan(1e-6)
      const g = [...grads.logits.dataSync()]
      expect(g.every(Number.isFinite)).toBe(true)
      expect(g[0]).toBeCloseTo(-1, 6)
      expect(Math.abs(g[1])).toBeLessThan(1e-6)
      expect(g[2]).toBeCloseTo(1, 6)
      // Batched form: the same row twice, mean reduction.
      const batch = crossEntropyWithLogits(
        fromArray(
          [
            [-431, 279, 427],
            [-431, 279, 427],
          ],
          { backend },
        ),
        fromArray([0, 0], { dtype: 'int32', backend }),
      )
      expect(batch.item()).toBeCloseTo(858, 3)
      expect(target.shape).toEqual([1])
    },
  )

  it('label smoothing: loss = logsumexp(x) − Σ q·x with q = (1−ε)·onehot + ε/C', () => {
    // x = [1, 2, 3], target 2, ε = 0.1: q = [1/30, 1/30, 28/30]; Σq·x = 0.1 + 2.8 = 2.9,
    // logsumexp = 3 + ln(1 + e⁻¹ + e⁻²) = 3.4076059644443806 → loss 0.5076059644443806.
    const loss = crossEntropyWithLogits(
      fromArray([[1, 2, 3]], { backend: reference }),
      fromArray([2], { dtype: 'int32', backend: reference }),
      { labelSmoothing: 0.1 },
    )
    expect(loss.item()).toBeCloseTo(0.5076059644443806, 12)
  })

  it('mean over the batch, sum and none', () => {
    // Rows: [0, 0] target 0 → ln 2; [0, ln 3] target 1 → ln(4/3).
    const logits = fromArray(
      [
        [0, 0],
        [0, Math.log(3)],
      ],
      { backend: reference },
    )
    const targets = fromArray([0, 1], { dtype: 'int32', backend: reference })
    expect(crossEntropyWithLogits(logits, targets).item()).toBeCloseTo((Math.LN2 + Math.log(4 / 3)) / 2, 12)
    expect(crossEntropyWithLogits(logits, targets, { reduction: 'sum' }).item()).toBeCloseTo(
      Math.LN2 + Math.log(4 / 3),
      12,
    )
    const each = crossEntropyWithLogits(logits, targets, { reduction: 'none' }).dataSync()
    expect(each[0]).toBeCloseTo(Math.LN2, 12)
    expect(each[1]).toBeCloseTo(Math.log(4 / 3), 12)
  })

  it('gradient matches central differences, with and without smoothing', () => {
    const targets = fromArray([2, 0], { dtype: 'int32', backend: reference })
    const values = { x: { data: [0.3, -1.2, 2.0, 0.7, 0.1, -0.4], shape: [2, 3] } }
    checkGradients((p) => crossEntropyWithLogits(p.x, targets), values)
    checkGradients((p) => crossEntropyWithLogits(p.x, targets, { labelSmoothing: 0.2 }), values)
  })

  it('rejects float targets, mismatched shapes and bad smoothing', () => {
    const logits = fromArray([[1, 2, 3]], { backend: reference })
    expect(() => crossEntropyWithLogits(logits, fromArray([0], { backend: reference }))).toThrow(DTypeError)
    expect(() =>
      crossEntropyWithLogits(logits, fromArray([0, 1], { dtype: 'int32', backend: reference })),
    ).toThrow(
      /crossEntropyWithLogits: targets must have the logits' shape without the class dim, got logits \[1,3\] and targets \[2\]/,
    )
    expect(() =>
      crossEntropyWithLogits(logits, fromArray([0], { dtype: 'int32', backend: reference }), {
        labelSmoothing: 1,
      }),
    ).toThrow(/labelSmoothing must be in \[0, 1\), got 1/)
    expect(() =>
      crossEntropyWithLogits(logits, fromArray([3], { dtype: 'int32', backend: reference })),
    ).toThrow(InvalidArgumentError)
  })
})

describe('binaryCrossEntropyWithLogits', () => {
  it.each(backends)('is finite and exact at logits ±100 (%s)', (backend) => {
    const logits = fromArray([100, -100, 100, -100], { backend })
    const targets = fromArray([0, 1, 1, 0], { backend })
    const each = binaryCrossEntropyWithLogits(logits, targets, { reduction: 'none' }).dataSync()
    expect(each[0]).toBeCloseTo(100, 4)
    expect(each[1]).toBeCloseTo(100, 4)
    expect(each[2]).toBeLessThan(1e-40)
    expect(each[3]).toBeLessThan(1e-40)
    const { grads } = valueAndGrad((p: { x: Tensor }) =>
      binaryCrossEntropyWithLogits(p.x, targets, { reduction: 'sum' }),
    )({
      x: logits,
    })
    // ∂ℓ/∂x = σ(x) − z
    const g = [...grads.x.dataSync()]
    expect(g.every(Number.isFinite)).toBe(true)
    expect(g[0]).toBeCloseTo(1, 6)
    expect(g[1]).toBeCloseTo(-1, 6)
    expect(Math.abs(g[2])).toBeLessThan(1e-6)
    expect(Math.abs(g[3])).toBeLessThan(1e-6)
  })

  it('equals ln 2 at logit 0 and matches central differences', () => {
    expect(
      binaryCrossEntropyWithLogits(
        fromArray([0], { backend: reference }),
        fromArray([1], { backend: reference }),
      ).item(),
    ).toBeCloseTo(Math.LN2, 15)
    const z = fromArray([0, 1, 0.25], { backend: reference })
    checkGradients((p) => binaryCrossEntropyWithLogits(p.x, z), { x: { data: [-2.5, 0.3, 4], shape: [3] } })
  })

  it('rejects targets of another shape instead of broadcasting them', () => {
    expect(() => binaryCrossEntropyWithLogits(zeros([4, 1]), zeros([4]))).toThrow(ShapeError)
  })
})

describe('mseLoss', () => {
  it('mean of squared differences, with gradient 2(p − t)/n', () => {
    const p = fromArray([1, 2, 3], { backend: reference })
    const t = fromArray([1, 4, 0], { backend: reference })
    expect(mseLoss(p, t).item()).toBeCloseTo(13 / 3, 14)
    expect(mseLoss(p, t, { reduction: 'sum' }).item()).toBe(13)
    checkGradients((q) => mseLoss(q.p, t), { p: { data: [1, 2, 3], shape: [3] } })
  })

  it('names both shapes when they differ', () => {
    expect(() => mseLoss(zeros([2, 1]), zeros([2]))).toThrow(
      /mseLoss: prediction and target must have one shape, got \[2,1\] and \[2\]/,
    )
  })

  it('rejects an unknown reduction', () => {
    expect(() => mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as 'mean' })).toThrow(
      /mseLoss: reduction must be 'mean', 'sum' or 'none', got avg/,
    )
  })
})

describe('gaussianKl (case H7)', () => {
  it('matches the closed form per dimension and in sum', () => {
    const mu = fromArray([0, 1, 0, -2], { backend: reference })
    const logVar = fromArray([0, 0, LN4, Math.log(0.25)], { backend: reference })
    const each = gaussianKl(mu, logVar, { reduction: 'none' }).dataSync()
    expect(each[0]).toBe(0)
    expect(each[1]).toBeCloseTo(0.5, 12)
    expect(each[2]).toBeCloseTo(0.8068528, 6)
    expect(each[3]).toBeCloseTo(2.3181472, 6)
    expect(gaussianKl(mu, logVar, { reduction: 'sum' }).item()).toBeCloseTo(3.625, 6)
  })

  it.each(backends)('is exactly 0 for a 10-dim latent at mu = 0, logVar = 0 (%s)', (backend) => {
    expect(gaussianKl(zeros([10], { backend }), zeros([10], { backend }), { reduction: 'sum' }).item()).toBe(
      0,
    )
  })

  it('gradient at (1, ln 4) is (1, 1.5), and matches central differences', () => {
    const { grads } = valueAndGrad((p: { mu: Tensor; logVar: Tensor }) =>
      gaussianKl(p.mu, p.logVar, { reduction: 'sum' }),
    )({
      mu: fromArray([1], { backend: reference }),
      logVar: fromArray([LN4], { backend: reference }),
    })
    expect(grads.mu.item()).toBeCloseTo(1, 12)
    expect(grads.logVar.item()).toBeCloseTo(1.5, 12)
    checkGradients((p) => gaussianKl(p.mu, p.logVar), {
      mu: { data: [0.3, -1.1], shape: [2] },
      logVar: { data: [0.5, -2], shape: [2] },
    })
  })

  it('is >= 0 for mu, logVar in [-5, 5] (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (m, lv) => {
          const kl = gaussianKl(
            fromArray([m], { backend: reference }),
            fromArray([lv], { backend: reference }),
          ).item()
          return kl >= 0
        },
      ),
    )
  })
})

describe('log-likelihoods', () => {
  it('gaussian: −½(log 2π + logVar + (x − μ)²/σ²)', () => {
    const ll = gaussianLogLikelihood(
      fromArray([0, 1], { backend: reference }),
      fromArray([0, 0], { backend: reference }),
      fromArray([0, LN4], { backend: reference }),
      { reduction: 'none' },
    ).dataSync()
    expect(ll[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 14)
    expect(ll[1]).toBeCloseTo(-0.5 * (Math.log(2 * Math.PI) + LN4 + 0.25), 14)
    checkGradients((p) => gaussianLogLikelihood(p.x, p.m, p.v), {
      x: { data: [0.5, -1], shape: [2] },
      m: { data: [0.1, 0.2], shape: [2] },
      v: { data: [-0.3, 1.2], shape: [2] },
    })
  })

  it('bernoulli: x·ℓ − softplus(ℓ), finite at ±100 and equal to −BCE', () => {
    const x = fromArray([1, 0, 1, 0.5], { backend: reference })
    const logits = fromArray([0, 0, -100, 2], { backend: reference })
    const ll = bernoulliLogLikelihood(x, logits, { reduction: 'none' }).dataSync()
    expect(ll[0]).toBeCloseTo(-Math.LN2, 14)
    expect(ll[1]).toBeCloseTo(-Math.LN2, 14)
    expect(ll[2]).toBeCloseTo(-100, 10)
    const bce = binaryCrossEntropyWithLogits(logits, x, { reduction: 'none' }).dataSync()
    ll.forEach((v, i) => expect(v).toBeCloseTo(-bce[i], 14))
    checkGradients((p) => bernoulliLogLikelihood(x, p.l), { l: { data: [0.5, -1, 3, -0.2], shape: [4] } })
  })
})
