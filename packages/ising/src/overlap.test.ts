import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { enumerateStates, exactThermalAverages } from './exact/enumerate'
import { squareLattice } from './lattice'
import { overlap, overlapExperiment } from './overlap'
import { parallelTempering } from './tempering'
import { edwardsAnderson } from './spinglass'

const ea = edwardsAnderson('square', 4, { couplings: 'pm1', key: key(21) })
const states = enumerateStates(ea)

describe('overlap', () => {
  test('q of equal, flipped and orthogonal states', () => {
    const a = Int8Array.of(1, 1, -1, -1)
    expect(overlap(a, a)).toBe(1)
    expect(overlap(a, Int8Array.of(-1, -1, 1, 1))).toBe(-1)
    expect(overlap(a, Int8Array.of(1, -1, -1, 1))).toBe(0)
    expect(() => overlap(a, Int8Array.of(1, 1))).toThrow(
      'overlap: b must be an Int8Array of the length of a (4), got 2',
    )
  })

  test('two Metropolis chains on a ±J 4×4 instance: <q²>, <|q|> and g match enumeration within 4 standard errors', () => {
    for (const [T, algorithm] of [
      [1.2, 'metropolis'],
      [1.6, 'heat-bath'],
    ] as const) {
      const exact = exactThermalAverages(states, T)
      const [p] = overlapExperiment(ea, { temperature: T, key: key(5), sweeps: 40_000, algorithm })
      expect(p.temperature).toBe(T)
      expect(p.samples).toBe(40_000)
      // A bin of 1250 sweeps must be much longer than τ(q²).
      expect(p.tauQ2.tau).toBeLessThan(40)
      expect(Math.abs(p.q2.value - exact.q2)).toBeLessThan(4 * p.q2.error)
      expect(Math.abs(p.absQ.value - exact.absQ)).toBeLessThan(4 * p.absQ.error)
      expect(Math.abs(p.q4.value - exact.q4)).toBeLessThan(4 * p.q4.error)
      expect(Math.abs(p.binder.value - exact.binderQ)).toBeLessThan(4 * p.binder.error)
      // Error bars that could not fail would be huge: these are a few 1e-3.
      expect(p.q2.error).toBeLessThan(0.01)
      expect(p.distribution.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
      // P(q) bin by bin: within 4 binomial standard errors inflated by 2τ.
      for (let j = 0; j <= 16; j++) {
        const P = exact.overlapDistribution[j]
        const se = Math.sqrt((P * (1 - P) * 2 * p.tauQ2.tau) / p.samples) + 1e-4
        expect(Math.abs(p.distribution[j] - P)).toBeLessThan(6 * se)
      }
    }
  })

  test('two tempering ensembles: <q²> at every temperature within 4 standard errors of exact, down to T = 0.5', () => {
    const temperatures = [0.5, 0.7, 0.95, 1.3, 1.8]
    const points = overlapExperiment(ea, { temperatures, key: key(6), sweeps: 30_000 })
    expect(points.map((p) => p.temperature)).toEqual(temperatures)
    for (const p of points) {
      const exact = exactThermalAverages(states, p.temperature)
      expect(Math.abs(p.q2.value - exact.q2)).toBeLessThan(4 * p.q2.error)
      expect(Math.abs(p.binder.value - exact.binderQ)).toBeLessThan(4 * p.binder.error)
    }
    // <q²> grows as T falls.
    for (let k = 1; k < points.length; k++) expect(points[k].q2.value).toBeLessThan(points[k - 1].q2.value)
  })

  test('refactored tempering is unchanged: the F5 oracle still holds', () => {
    const pt = parallelTempering(squareLattice(4), { temperatures: [2.5, 2], key: key(5), sweeps: 20_000 })
    expect(Math.abs(pt.observables[1].e.value + 1.755380288777)).toBeLessThan(4 * pt.observables[1].e.error)
  })

  test('bad input is a typed error', () => {
    expect(() => overlapExperiment(ea, { key: key(1), sweeps: 100 })).toThrow(
      /overlapExperiment: temperature must be given alone, or temperatures alone/,
    )
    expect(() =>
      overlapExperiment(ea, { temperature: 1, temperatures: [1, 2], key: key(1), sweeps: 100 }),
    ).toThrow(/got both or neither/)
    expect(() => overlapExperiment(ea, { temperatures: [1], key: key(1), sweeps: 100 })).toThrow(
      /temperatures must hold at least 2 temperatures, got 1/,
    )
    expect(() =>
      overlapExperiment(ea, { temperature: 1, key: key(1), sweeps: 100, algorithm: 'kawasaki' }),
    ).toThrow(/algorithm must not be 'kawasaki'/)
    expect(() => overlapExperiment(ea, { temperature: -1, key: key(1), sweeps: 100 })).toThrow(
      /temperature must be a finite number > 0, got -1/,
    )
    expect(() => overlapExperiment(ea, { temperature: 1, key: key(1), sweeps: 10 })).toThrow(
      /sweeps must be an integer >= 32, got 10/,
    )
  })
})
