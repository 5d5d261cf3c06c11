import { key, randomBits } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { annealingTemperatures, simulatedAnnealing } from './anneal'
import { energy } from './energy'
import { squareLattice, withCouplings, type IsingModel } from './lattice'

/** Ground-state energy by brute force over all 2^N states (N <= 20). */
function groundStateEnergy(model: IsingModel): number {
  const n = model.size
  const s = new Int8Array(n)
  let best = Infinity
  for (let c = 0; c < 1 << n; c++) {
    for (let i = 0; i < n; i++) s[i] = (c >> i) & 1 ? 1 : -1
    best = Math.min(best, energy(model, s))
  }
  return best
}

describe('annealing schedules', () => {
  test('linear, geometric, list and function', () => {
    expect(
      Array.from(annealingTemperatures('linear', { startTemperature: 4, endTemperature: 1, steps: 4 })),
    ).toEqual([4, 3, 2, 1])
    const g = annealingTemperatures('geometric', { startTemperature: 4, endTemperature: 0.5, steps: 4 })
    expect(g[0]).toBe(4)
    expect(g[1]).toBeCloseTo(2, 14)
    expect(g[2]).toBeCloseTo(1, 14)
    expect(g[3]).toBe(0.5)
    expect(Array.from(annealingTemperatures([3, 2, 1.5]))).toEqual([3, 2, 1.5])
    const f = annealingTemperatures((k, n) => 2 / Math.log(2 + k / n), { steps: 3 })
    expect(f[0]).toBeCloseTo(2 / Math.log(2), 14)
    expect(f[2]).toBeCloseTo(2 / Math.log(2 + 2 / 3), 14)
  })
  test('bad input is a typed error', () => {
    expect(() =>
      annealingTemperatures('linear', { startTemperature: 1, endTemperature: 0, steps: 3 }),
    ).toThrow('annealingTemperatures: endTemperature must be a finite number > 0, got 0')
    expect(() =>
      annealingTemperatures('linear', { startTemperature: 1, endTemperature: 2, steps: 1 }),
    ).toThrow('annealingTemperatures: steps must be an integer >= 2, got 1')
    expect(() =>
      annealingTemperatures('cubic' as never, { startTemperature: 1, endTemperature: 2, steps: 3 }),
    ).toThrow(/schedule must be 'linear', 'geometric', a list or a function, got cubic/)
    expect(() => annealingTemperatures(() => -1, { steps: 2 })).toThrow(
      /temperature\[0\] must be a finite number > 0/,
    )
    expect(() => annealingTemperatures([])).toThrow(/at least one temperature/)
  })
})

describe('simulated annealing', () => {
  test('8x8 ferromagnet from a random start reaches the ground state E = -128', () => {
    const run = simulatedAnnealing(squareLattice(8), {
      startTemperature: 5,
      endTemperature: 0.2,
      steps: 300,
      sweepsPerStep: 2,
      key: key(3),
    })
    expect(run.bestEnergy).toBe(-128)
    expect(energy(squareLattice(8), run.bestSpins)).toBe(-128)
    expect(run.temperatures).toHaveLength(300)
    expect(run.energies[0]).toBeGreaterThan(-100)
    expect(run.energy).toBe(run.energies[299])
  })
  test.each([
    ['linear', 'metropolis'],
    ['geometric', 'heat-bath'],
  ] as const)(
    '4x4 +-J spin glass: %s schedule with %s finds the exact ground state',
    (schedule, algorithm) => {
      const base = squareLattice(4)
      const bits = randomBits(key(21), 1)[0]
      const J = Array.from({ length: 32 }, (_, b) => ((bits >>> b) & 1 ? 1 : -1))
      const glass = withCouplings(base, J)
      const e0 = groundStateEnergy(glass)
      expect(e0).toBeGreaterThan(-32) // frustrated
      const run = simulatedAnnealing(glass, {
        schedule,
        startTemperature: 3,
        endTemperature: 0.1,
        steps: 400,
        sweepsPerStep: 5,
        key: key(22),
        algorithm,
      })
      expect(run.bestEnergy).toBe(e0)
      expect(energy(glass, run.bestSpins)).toBe(e0)
    },
  )
  test('a custom schedule as a list, from a given start', () => {
    const model = squareLattice(4)
    const start = new Int8Array(16).fill(-1)
    const run = simulatedAnnealing(model, { schedule: [1, 0.5], key: key(1), start, algorithm: 'wolff' })
    expect(Array.from(run.temperatures)).toEqual([1, 0.5])
    expect(run.bestEnergy).toBe(-32)
    expect(() => simulatedAnnealing(model, { schedule: [1], key: key(1), sweepsPerStep: 0 })).toThrow(
      'simulatedAnnealing: sweepsPerStep must be an integer >= 1, got 0',
    )
  })
})
