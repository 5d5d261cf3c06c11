import { InvalidArgumentError, fold, key, normalFloats, type Key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { glyphPatterns } from './glyphs'
import {
  modernHopfieldAttention,
  modernHopfieldEnergy,
  modernHopfieldMemory,
  modernHopfieldRetrieve,
  modernHopfieldUpdate,
  modernRetrievalCurve,
} from './modern'

function unit(v: Float64Array): Float64Array {
  let n = 0
  for (const x of v) n += x * x
  return v.map((x) => x / Math.sqrt(n))
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b))
}

function randomUnitVectors(k: Key, count: number, size: number): Float64Array[] {
  const z = normalFloats(k, count * size, 'float64')
  return Array.from({ length: count }, (_, i) => unit(z.slice(i * size, (i + 1) * size)))
}

/** A unit query at cosine c to the unit vector x: c·x + √(1 − c²)·u with u ⟂ x. */
function queryAtCosine(x: Float64Array, c: number, k: Key): Float64Array {
  const z = normalFloats(k, x.length, 'float64')
  const along = dot(z, x)
  const u = unit(z.map((v, i) => v - along * x[i]))
  return x.map((v, i) => c * v + Math.sqrt(1 - c * c) * u[i])
}

describe('modern Hopfield update ξ_new = X softmax(β Xᵀ ξ) (P18)', () => {
  const d = 64
  const patterns = randomUnitVectors(key(64), 64, d)
  const memory = modernHopfieldMemory(patterns)

  test('K = 64 random unit vectors in d = 64, queries at cosine 0.7: one update with β = 16 gives cosine > 0.99 for ≥ 99% of queries', () => {
    const trials = 4
    let good = 0
    let total = 0
    let worst = 1
    for (let t = 0; t < trials; t++) {
      patterns.forEach((x, mu) => {
        const q = queryAtCosine(x, 0.7, fold(fold(key(65), t), mu))
        expect(cosine(q, x)).toBeCloseTo(0.7, 12)
        const c = cosine(modernHopfieldUpdate(memory, q, { beta: 16 }), x)
        worst = Math.min(worst, c)
        if (c > 0.99) good++
        total++
      })
    }
    expect(good / total).toBeGreaterThanOrEqual(0.99)
    // The same queries with β = 1 stay a blur of many patterns: β matters.
    const q = queryAtCosine(patterns[0], 0.7, key(66))
    expect(cosine(modernHopfieldUpdate(memory, q, { beta: 1 }), patterns[0])).toBeLessThan(0.9)
    expect(worst).toBeGreaterThan(0.9)
  })

  test('β → 0 returns the mean of the patterns, for any query', () => {
    const mean = new Float64Array(d)
    for (const x of patterns) for (let j = 0; j < d; j++) mean[j] += x[j] / patterns.length
    for (const q of [patterns[3], queryAtCosine(patterns[5], 0.2, key(3)), new Float64Array(d).fill(10)]) {
      const out = modernHopfieldUpdate(memory, q, { beta: 1e-9 })
      for (let j = 0; j < d; j++) expect(out[j]).toBeCloseTo(mean[j], 7)
    }
  })

  test('attention is softmax(β Xᵀ ξ): sums to 1 and matches a hand computation', () => {
    const small = modernHopfieldMemory([
      [1, 0],
      [0, 2],
      [1, 1],
    ])
    const p = modernHopfieldAttention(small, [1, -1], { beta: 0.5 })
    // Xᵀξ = [1, -2, 0] → exp(0.5·[1, -2, 0]) normalised.
    const e = [Math.exp(0.5), Math.exp(-1), 1]
    const z = e[0] + e[1] + e[2]
    expect(Array.from(p)).toEqual(e.map((v) => expect.closeTo(v / z, 14) as number))
    // Large β·z does not overflow (the softmax is shifted by its maximum).
    const sharp = modernHopfieldAttention(small, [1000, 0], { beta: 1e3 })
    expect(sharp[0] + sharp[2]).toBeCloseTo(1, 12)
    expect(Number.isFinite(modernHopfieldEnergy(small, [1000, 0], { beta: 1e3 }))).toBe(true)
  })

  test('energy E = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ log K + ½M²: hand value, and it never rises along updates', () => {
    const small = modernHopfieldMemory([
      [1, 0],
      [0, 2],
    ])
    const beta = 2
    const xi = [0.5, 0.25]
    const lse = Math.log(Math.exp(beta * 0.5) + Math.exp(beta * 0.5)) / beta
    const expected = -lse + 0.5 * (0.25 + 0.0625) + Math.log(2) / beta + 0.5 * 4
    expect(modernHopfieldEnergy(small, xi, { beta })).toBeCloseTo(expected, 14)
    // A single stored pattern is the global minimum, E = 0 there.
    expect(modernHopfieldEnergy(modernHopfieldMemory([[3, 4]]), [3, 4], { beta: 0.7 })).toBeCloseTo(0, 12)
    for (const [i, b] of [0.5, 4, 16].entries()) {
      const q = queryAtCosine(patterns[1], 0.5, fold(key(8), i))
      const { energies, steps } = modernHopfieldRetrieve(memory, q, { beta: b, maxSteps: 20 })
      expect(energies.length).toBe(steps + 1)
      for (let s = 1; s < energies.length; s++)
        expect(energies[s]).toBeLessThanOrEqual(energies[s - 1] + 1e-12)
    }
  })

  test('retrieval converges to a fixed point: a stored pattern at large β, the metastable mean at small β', () => {
    const q = queryAtCosine(patterns[2], 0.7, key(9))
    const sharp = modernHopfieldRetrieve(memory, q, { beta: 32, maxSteps: 50, tolerance: 1e-10 })
    expect(sharp.converged).toBe(true)
    expect(cosine(sharp.state, patterns[2])).toBeGreaterThan(0.999)
    expect(Math.max(...sharp.attention)).toBeGreaterThan(0.999)
    const blurred = modernHopfieldRetrieve(memory, q, { beta: 0.5, maxSteps: 50, tolerance: 1e-10 })
    expect(blurred.converged).toBe(true)
    expect(Math.max(...blurred.attention)).toBeLessThan(2 / 64)
  })

  test('metastable states on the correlated glyphs: small β sends every half-masked letter to one average; larger β retrieves each', () => {
    const letters = glyphPatterns()
    const glyphMemory = modernHopfieldMemory(letters)
    // Lower half (rows 5–9) set to 0: unknown pixels.
    const queries = letters.map((p) => Float64Array.from(p, (v, i) => (i >= 50 ? 0 : v)))
    const targets = letters.map((_, i) => i)
    const [low, high] = modernRetrievalCurve({ memory: glyphMemory, queries, targets, betas: [0.002, 1] })
    expect(low.outputSpread).toBeLessThan(0.02)
    expect(low.meanMaxAttention).toBeLessThan(1.1 / letters.length)
    // The average is nearest to one letter, so at most one query in eight counts as retrieved.
    expect(low.retrievedFraction).toBeLessThanOrEqual(1 / letters.length)
    expect(high.retrievedFraction).toBe(1)
    expect(high.meanCosine).toBeGreaterThan(0.99)
  })

  test('bad input throws typed errors in the <op>: <what must hold>, got <actual> form', () => {
    expect(() => modernHopfieldMemory([])).toThrow(InvalidArgumentError)
    expect(() => modernHopfieldMemory([[1, 2], [3]])).toThrow(
      /modernHopfieldMemory: patterns\[1\] must have length 2, got length 1/,
    )
    expect(() => modernHopfieldUpdate(memory, new Float64Array(3), { beta: 1 })).toThrow(
      /modernHopfieldAttention: state must have length 64, got length 3/,
    )
    expect(() => modernHopfieldUpdate(memory, patterns[0], { beta: 0 })).toThrow(/beta must be > 0, got 0/)
    expect(() => modernHopfieldEnergy(memory, patterns[0], { beta: Number.NaN })).toThrow(
      /modernHopfieldEnergy: beta must be a finite number, got NaN/,
    )
    expect(() => modernHopfieldRetrieve(memory, patterns[0], { beta: 1, maxSteps: 0 })).toThrow(
      /maxSteps must be a positive integer, got 0/,
    )
    expect(() => modernRetrievalCurve({ memory, queries: [patterns[0]], targets: [64], betas: [1] })).toThrow(
      /targets must hold pattern indices in \[0, 64\), got 64/,
    )
  })
})
