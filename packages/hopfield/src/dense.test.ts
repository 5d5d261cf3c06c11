import { InvalidArgumentError, fold, key } from '@gen/core-tensor'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { flipBits } from './corruption'
import { denseEnergy, denseMemory, denseRecall, type Interaction } from './dense'
import { recall } from './dynamics'
import { createNetwork, storeHebbian } from './network'
import { randomPatterns } from './patterns'

const cubic: Interaction = { kind: 'polynomial', degree: 3 }

describe('dense associative memory E = −Σ_μ F(ξ_μ·σ)', () => {
  test('energy by hand: cubic and exponential', () => {
    const patterns = [
      [1, -1, 1, 1],
      [1, 1, -1, 1],
    ]
    const state = [1, -1, -1, 1]
    // overlaps: 1 - (-1)(-1)... = [1+1-1+1, 1-1+1+1] = [2, 2]
    expect(denseEnergy(denseMemory(patterns, { interaction: cubic }), state)).toBe(-16)
    expect(
      denseEnergy(denseMemory(patterns, { interaction: { kind: 'polynomial', degree: 4 } }), [1, -1, 1, 1]),
    ).toBe(-(256 + 0))
    expect(denseEnergy(denseMemory(patterns, { interaction: { kind: 'exponential' } }), state)).toBeCloseTo(
      -2 * Math.exp(2),
      12,
    )
  })

  test('n = 2 is the classic Hopfield network: the same fixed points as Hebbian recall from the same probes and order', () => {
    const n = 60
    const xs = randomPatterns(key(1), 8, n)
    const memory = denseMemory(xs, { interaction: { kind: 'polynomial', degree: 2 } })
    const net = storeHebbian(createNetwork(n), xs)
    for (let mu = 0; mu < 8; mu++) {
      const probe = flipBits(xs[mu], 0.2, fold(key(2), mu))
      const a = denseRecall(memory, probe)
      const b = recall(net, probe, { record: 'none' })
      expect(Array.from(a.state)).toEqual(Array.from(b.state))
    }
  })

  test('property: every asynchronous flip lowers the energy (cubic, quartic, exponential)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(2, 3, 4, 0), (seed, degree) => {
        const n = 16
        const interaction: Interaction =
          degree === 0 ? { kind: 'exponential' } : { kind: 'polynomial', degree }
        const memory = denseMemory(randomPatterns(key(seed), 6, n), { interaction })
        let state = randomPatterns(fold(key(seed), 1), 1, n)[0]
        let e = denseEnergy(memory, state)
        for (let sweep = 0; sweep < 5; sweep++) {
          const next = denseRecall(memory, state, { maxSweeps: 1, key: fold(key(seed), sweep + 2) })
          const e2 = denseEnergy(memory, next.state)
          if (next.flips > 0) expect(e2).toBeLessThan(e)
          else expect(e2).toBe(e)
          state = next.state
          e = e2
        }
      }),
      { numRuns: 40 },
    )
  })

  test('stored patterns are fixed points; the exponential rule works at N = 1000 where exp(overlap) overflows', () => {
    const xs = randomPatterns(key(3), 50, 1000)
    const memory = denseMemory(xs, { interaction: { kind: 'exponential' } })
    expect(denseEnergy(memory, xs[0])).toBe(-Infinity)
    const probe = flipBits(xs[7], 0.3, key(4))
    const result = denseRecall(memory, probe, { key: key(5) })
    expect(result.converged).toBe(true)
    expect(Array.from(result.state)).toEqual(Array.from(xs[7]))
    const quartic = denseMemory(xs, { interaction: { kind: 'polynomial', degree: 4 } })
    expect(denseRecall(quartic, xs[3]).flips).toBe(0)
  })

  test('bad input throws typed errors', () => {
    expect(() => denseMemory([[1, -1]], { interaction: { kind: 'polynomial', degree: 1 } })).toThrow(
      /denseMemory: interaction.degree must be an integer in \[2, 30\], got 1/,
    )
    expect(() => denseMemory([[1, -1]], { interaction: { kind: 'cosine' } as never })).toThrow(
      InvalidArgumentError,
    )
    expect(() => denseMemory([[1, 0]])).toThrow(/denseMemory: patterns\[0\] must hold only \+1 and -1, got 0/)
    const memory = denseMemory([[1, -1, 1]])
    expect(() => denseRecall(memory, [1, 1])).toThrow(/denseRecall: probe must have length 3, got length 2/)
    expect(() => denseRecall(memory, [1, 1, 1], { maxSweeps: 0 })).toThrow(
      /maxSweeps must be a positive integer/,
    )
    expect(() => denseEnergy({ ...memory, patterns: new Int8Array(2) }, [1, 1, 1])).toThrow(
      /denseEnergy: memory must be made by denseMemory/,
    )
  })
})
