import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import { dispose } from '../memory'
import { key } from '../random/key'
import { fromArray } from './creation'
import { bernoulli, categorical, randint, truncatedNormal } from './random'

const within = (observed: number, expected: number, se: number, k = 4) =>
  expect(Math.abs(observed - expected)).toBeLessThan(k * se)

describe('bernoulli', () => {
  it('frequency of true matches p within 4 standard errors, and p = 0 / 1 are exact', () => {
    const n = 100_000
    const b = bernoulli(key(0), 0.3, { shape: [n] })
    expect(b.dtype).toBe('bool')
    const ones = Array.from(b.dataSync()).reduce((a, v) => a + v, 0)
    within(ones / n, 0.3, Math.sqrt((0.3 * 0.7) / n))
    const edges = bernoulli(key(1), fromArray([0, 1, 0, 1]))
    expect(edges.toArray()).toEqual([false, true, false, true])
    dispose([b, edges])
  })

  it('per-element probabilities, the same key gives the same mask, another key another', () => {
    const p = fromArray(Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 0.1 : 0.9)))
    const a = Array.from(bernoulli(key(2), p).dataSync())
    const even = a.filter((_, i) => i % 2 === 0).reduce((s, v) => s + v, 0) / 1000
    const odd = a.filter((_, i) => i % 2 === 1).reduce((s, v) => s + v, 0) / 1000
    within(even, 0.1, Math.sqrt(0.09 / 1000))
    within(odd, 0.9, Math.sqrt(0.09 / 1000))
    expect(Array.from(bernoulli(key(2), p).dataSync())).toEqual(a)
    expect(Array.from(bernoulli(key(3), p).dataSync())).not.toEqual(a)
    dispose(p)
  })

  it('rejects a probability outside [0, 1]', () => {
    expect(() => bernoulli(key(0), 1.5)).toThrow('bernoulli: p must lie in [0, 1], got 1.5')
    expect(() => bernoulli(key(0), fromArray([0.5, Number.NaN]))).toThrow(
      'bernoulli: p must lie in [0, 1], got NaN at flat index 1',
    )
  })
})

describe('categorical', () => {
  it('class frequencies match softmax(logits) within 4 standard errors', () => {
    const logits = [0.5, -1, 2, 0]
    const z = logits.reduce((a, v) => a + Math.exp(v), 0)
    const probs = logits.map((v) => Math.exp(v) / z)
    const n = 50_000
    const s = categorical(key(4), fromArray(logits), { numSamples: n })
    expect(s.dtype).toBe('int32')
    expect(s.shape).toEqual([n])
    const counts = [0, 0, 0, 0]
    for (const c of s.dataSync()) counts[c]++
    counts.forEach((c, i) => within(c / n, probs[i], Math.sqrt((probs[i] * (1 - probs[i])) / n)))
    dispose(s)
  })

  it('huge logits (case H1) and −∞ logits: the right class, never a masked one', () => {
    // logits 1000 and 1000 + ln 3: probabilities 1/4 and 3/4; class 2 is masked
    const logits = fromArray([[1000, 1000 + Math.log(3), -Infinity]], { backend: reference })
    const s = categorical(key(5), logits, { numSamples: 20_000 })
    expect(s.shape).toEqual([1, 20_000])
    const draws = Array.from(s.dataSync())
    expect(draws.includes(2)).toBe(false)
    within(draws.filter((c) => c === 1).length / 20_000, 0.75, Math.sqrt(0.1875 / 20_000))
    dispose([logits, s])
  })

  it('one draw per row without numSamples; rows are sampled independently', () => {
    const logits = fromArray([
      [0, -Infinity, -Infinity],
      [-Infinity, -Infinity, 5],
    ])
    expect(categorical(key(6), logits).toArray()).toEqual([0, 2])
  })

  it('rejects NaN and all −∞ rows', () => {
    expect(() => categorical(key(0), fromArray([0, Number.NaN]))).toThrow(
      'categorical: logits must be finite or -Infinity, got NaN in row 0',
    )
    expect(() => categorical(key(0), fromArray([-Infinity, -Infinity]))).toThrow(
      'categorical: logits each row needs a finite entry, got row 0 all -Infinity',
    )
  })
})

describe('randint', () => {
  it('covers [low, high) uniformly (each of 5 bins within 4 standard errors)', () => {
    const n = 50_000
    const r = randint(key(7), [n], { low: -2, high: 3 })
    expect(r.dtype).toBe('int32')
    const counts = new Map<number, number>()
    for (const v of r.dataSync()) counts.set(v, (counts.get(v) ?? 0) + 1)
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2])
    for (const c of counts.values()) within(c / n, 0.2, Math.sqrt(0.16 / n))
    dispose(r)
  })

  it('rejects empty ranges', () => {
    expect(() => randint(key(0), [2], { low: 3, high: 3 })).toThrow(
      'randint: high must be an int32 above low = 3, got 3',
    )
  })
})

describe('truncatedNormal', () => {
  it('stays inside the bounds, with the truncated mean and variance', () => {
    const n = 100_000
    const t = truncatedNormal(key(8), [n], { mean: 1, std: 0.5 })
    const v = Array.from(t.dataSync())
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...v)).toBeLessThanOrEqual(2)
    const mean = v.reduce((a, x) => a + x, 0) / n
    const variance = v.reduce((a, x) => a + (x - mean) ** 2, 0) / n
    // Var of N(0,1) truncated to ±2 is 0.773741; times std² = 0.25
    const unitVar = 0.773741
    within(mean, 1, Math.sqrt((0.25 * unitVar) / n))
    // Var of the sample variance ≈ (μ4 − σ⁴)/n; μ4/σ⁴ < 3 here, so 2σ⁴/n bounds it
    within(variance, 0.25 * unitVar, Math.sqrt((2 * (0.25 * unitVar) ** 2) / n))
    dispose(t)
  })

  it('one-sided tails: lower 1 upper ∞ gives values >= 1; bad bounds throw', () => {
    const t = truncatedNormal(key(9), [1000], { lower: 1, upper: Infinity })
    expect(Math.min(...t.dataSync())).toBeGreaterThanOrEqual(1)
    expect(() => truncatedNormal(key(0), [1], { lower: 1, upper: 1 })).toThrow(
      'truncatedNormal: upper must exceed lower = 1, got 1',
    )
    dispose(t)
  })
})
