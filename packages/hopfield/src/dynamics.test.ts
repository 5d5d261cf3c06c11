import { InvalidArgumentError, key } from '@gen/core-tensor'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { asynchronousSweep, glauberSweep, recall, synchronousStep } from './dynamics'
import { createNetwork, energy, networkFromWeights, storeHebbian } from './network'
import { flipBits } from './corruption'
import { overlap, randomPatterns } from './patterns'

const flipFlop = networkFromWeights([
  [0, -1],
  [-1, 0],
])

describe('H10 test B: update modes', () => {
  test('synchronous updates from (-1,-1) cycle with period 2 and E stays +1', () => {
    expect(Array.from(synchronousStep(flipFlop, [-1, -1]))).toEqual([1, 1])
    expect(Array.from(synchronousStep(flipFlop, [1, 1]))).toEqual([-1, -1])
    const result = recall(flipFlop, [-1, -1], { dynamics: 'synchronous' })
    expect(result.cycle).toEqual({ period: 2, start: 0 })
    expect(result.converged).toBe(false)
    expect(result.trajectory.states.map((s) => Array.from(s))).toEqual([
      [-1, -1],
      [1, 1],
      [-1, -1],
    ])
    expect(result.trajectory.energies).toEqual([1, 1, 1])
  })

  test('asynchronous updates in order 0, 1 from (-1,-1) reach the fixed point (1,-1); E falls from +1 to -1', () => {
    expect(Array.from(asynchronousSweep(flipFlop, [-1, -1], { order: [0, 1] }).state)).toEqual([1, -1])
    const result = recall(flipFlop, [-1, -1], { order: [0, 1] })
    expect(Array.from(result.state)).toEqual([1, -1])
    expect(result.converged).toBe(true)
    expect(result.trajectory.energies).toEqual([1, -1, -1])
    expect(result.energy).toBe(-1)
    expect(asynchronousSweep(flipFlop, [1, -1]).flips).toBe(0)
  })

  test('synchronous recall of a stored pattern is a fixed point (period 1)', () => {
    const patterns = randomPatterns(key(1), 3, 64)
    const net = storeHebbian(createNetwork(64), patterns)
    const result = recall(net, patterns[0], { dynamics: 'synchronous' })
    expect(result.converged).toBe(true)
    expect(result.cycle).toEqual({ period: 1, start: 0 })
  })
})

// Symmetric, zero-diagonal weights with thresholds, and a start state, of size 2..12.
const symmetricNetwork = fc.integer({ min: 2, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    upper: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
      minLength: (n * (n - 1)) / 2,
      maxLength: (n * (n - 1)) / 2,
    }),
    thresholds: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    state: fc.array(fc.constantFrom(-1, 1), { minLength: n, maxLength: n }),
    seed: fc.nat(),
  }),
)

describe('H10: asynchronous dynamics never raise the energy', () => {
  test('property: any symmetric zero-diagonal W, any θ, any start, any order', () => {
    fc.assert(
      fc.property(symmetricNetwork, ({ n, upper, thresholds, state, seed }) => {
        const w = Array.from({ length: n }, () => new Array<number>(n).fill(0))
        let k = 0
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            w[i][j] = upper[k]
            w[j][i] = upper[k]
            k++
          }
        }
        const net = networkFromWeights(w, { thresholds })
        const result = recall(net, state, { key: key(seed), maxSweeps: 50 })
        const energies = result.trajectory.energies
        for (let t = 1; t < energies.length; t++)
          expect(energies[t]).toBeLessThanOrEqual(energies[t - 1] + 1e-9)
        // Energies from the cached fields agree with the direct formula.
        expect(energies[energies.length - 1]).toBeCloseTo(energy(net, result.state), 9)
        // Finite state space and strict descent: a fixed point is always reached.
        expect(result.converged).toBe(true)
        // Single-unit steps also never raise it.
        let s: Int8Array = Int8Array.from(state)
        let e = energy(net, s)
        for (let i = 0; i < n; i++) {
          s = asynchronousSweep(net, s, { order: [i] }).state
          const next = energy(net, s)
          expect(next).toBeLessThanOrEqual(e + 1e-9)
          e = next
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('recall', () => {
  test('recovers a pattern from a 10% corrupted probe at low load; random order is keyed and reproducible', () => {
    const patterns = randomPatterns(key(2), 5, 100)
    const net = storeHebbian(createNetwork(100), patterns)
    const probe = flipBits(patterns[0], 0.1, key(3))
    const a = recall(net, probe, { key: key(4) })
    const b = recall(net, probe, { key: key(4) })
    expect(overlap(a.state, patterns[0])).toBe(1)
    expect(Array.from(a.state)).toEqual(Array.from(b.state))
    expect(a.trajectory.states[0]).toEqual(Int8Array.from(probe))
    expect(a.trajectory.states.length).toBe(a.sweeps + 1)
  })

  test('record: energies keeps no states; none keeps nothing', () => {
    const net = storeHebbian(createNetwork(10), randomPatterns(key(5), 1, 10))
    const start = new Int8Array(10).fill(1)
    expect(recall(net, start, { record: 'energies' }).trajectory.states).toEqual([])
    expect(recall(net, start, { record: 'none' }).trajectory.energies).toEqual([])
  })

  test('Glauber at low temperature stays near the pattern, at high temperature loses it', () => {
    const patterns = randomPatterns(key(6), 1, 400)
    const net = storeHebbian(createNetwork(400), patterns)
    const cold = recall(net, patterns[0], {
      dynamics: 'glauber',
      temperature: 0.2,
      key: key(7),
      maxSweeps: 20,
    })
    const hot = recall(net, patterns[0], { dynamics: 'glauber', temperature: 5, key: key(7), maxSweeps: 20 })
    expect(cold.converged).toBe(false)
    expect(cold.sweeps).toBe(20)
    // m = tanh(m/T): at T = 0.2 m ≈ 0.99993; at T = 5 the paramagnet has |m| ~ 1/√N = 0.05.
    expect(overlap(cold.state, patterns[0])).toBeGreaterThan(0.98)
    expect(Math.abs(overlap(hot.state, patterns[0]))).toBeLessThan(0.25)
    const one = glauberSweep(net, patterns[0], { temperature: 0.2, key: key(8) })
    expect(one.flips).toBeLessThan(10)
  })

  test('bad options throw typed errors', () => {
    expect(() => recall(flipFlop, [1, 1], { maxSweeps: 0 })).toThrow(
      /recall: maxSweeps must be a positive integer, got 0/,
    )
    expect(() => recall(flipFlop, [1, 1], { order: [0, 2] })).toThrow(
      /recall: order must hold integers in \[0, 2\), got 2/,
    )
    expect(() => recall(flipFlop, [1, 1], { dynamics: 'glauber', key: key(1) })).toThrow(
      /temperature must be a finite number/,
    )
    expect(() => recall(flipFlop, [1, 1], { dynamics: 'glauber', temperature: 0, key: key(1) })).toThrow(
      /temperature must be > 0/,
    )
    expect(() => recall(flipFlop, [1, 1], { dynamics: 'glauber', temperature: 1 })).toThrow(
      /recall: key must be a Key/,
    )
    expect(() => recall(flipFlop, [1, 1], { dynamics: 'parallel' as 'synchronous' })).toThrow(
      InvalidArgumentError,
    )
    expect(() => recall(flipFlop, [1, 1, 1])).toThrow(/recall: probe must have length 2, got length 3/)
  })
})
