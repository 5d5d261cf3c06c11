import { key, split } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { energy, randomSpins } from './energy'
import { kaufman } from './exact/onsager'
import { enumerateGroundStates } from './exact/enumerate'
import { findGroundState } from './groundstate'
import { squareLattice } from './lattice'
import { quench } from './quench'
import { edwardsAnderson } from './spinglass'
import { binnedMean } from './stats'

describe('quench', () => {
  test('hot and cold starts at T = 3 and T = 2 on the 32×32 torus relax to Kaufman’s exact e within 4 standard errors', () => {
    const model = squareLattice(32)
    for (const [T, start] of [
      [3, 'hot'],
      [3, 'cold'],
      [2, 'cold'],
      [2.5, 'hot'],
    ] as const) {
      const q = quench(model, { temperature: T, key: key(9), sweeps: 3000, start })
      expect(q.energies.length).toBe(3001)
      expect(q.energies[0]).toBe(start === 'cold' ? -2 : q.energies[0])
      if (start === 'hot') expect(Math.abs(q.energies[0])).toBeLessThan(0.15)
      // Equilibrated after 500 sweeps (τ of e is a few sweeps away from Tc): the tail mean.
      const tail = binnedMean(q.energies.subarray(500), 25)
      const exact = kaufman(32, T).e
      expect(Math.abs(tail.value - exact)).toBeLessThan(4 * tail.error)
      expect(tail.error).toBeLessThan(0.005)
    }
  })

  test('a hot quench below Tc coarsens: e(t) falls, |m| stays small at first; snapshots are copies', () => {
    const model = squareLattice(64)
    const q = quench(model, { temperature: 1.5, key: key(10), sweeps: 400, snapshots: [0, 10, 100, 400] })
    expect(q.energies[10]).toBeLessThan(q.energies[0] - 1)
    expect(q.energies[400]).toBeLessThan(q.energies[100])
    expect(q.energies[400]).toBeGreaterThan(kaufman(64, 1.5).e)
    expect(q.snapshots.map((s) => s.sweep)).toEqual([0, 10, 100, 400])
    // The sweep-0 frame is the key's random start, and each frame's energy is that of its sweep.
    const [kStart] = split(key(10), 2)
    expect(Array.from(q.snapshots[0].spins)).toEqual(Array.from(randomSpins(model, kStart)))
    for (const s of q.snapshots) expect(energy(model, s.spins) / 4096).toBeCloseTo(q.energies[s.sweep], 12)
    // Copies: the last frame equals the final state but is not the same array.
    expect(q.snapshots[3].spins).not.toBe(q.spins)
    expect(Array.from(q.snapshots[3].spins)).toEqual(Array.from(q.spins))
    q.spins[0] = -q.spins[0]
    expect(q.snapshots[3].spins[0]).toBe(-q.spins[0])
    expect(q.absMagnetisations[0]).toBeLessThan(0.1)
  })

  test('bad input is a typed error', () => {
    const model = squareLattice(4)
    expect(() => quench(model, { temperature: 2, key: key(1), sweeps: 10, snapshots: [11] })).toThrow(
      'quench: snapshots[0] must be an integer in [0, 10], got 11',
    )
    expect(() => quench(model, { temperature: 2, key: key(1), sweeps: 0 })).toThrow(
      /sweeps must be an integer >= 1/,
    )
  })
})

describe('findGroundState', () => {
  const pm = edwardsAnderson('square', 4, { couplings: 'pm1', key: key(21) })
  const gauss = edwardsAnderson(squareLattice(5, { Ly: 4 }), { couplings: 'gaussian', key: key(22) })
  const exactPm = enumerateGroundStates(pm).energy
  const exactGauss = enumerateGroundStates(gauss).energy

  test('annealing finds the enumerated E0 of a ±J 4×4 and a Gaussian 5×4 instance in at least 9 of 10 keys', () => {
    for (const [model, E0] of [
      [pm, exactPm],
      [gauss, exactGauss],
    ] as const) {
      let hits = 0
      for (let k = 0; k < 10; k++) {
        const found = findGroundState(model, { key: key(300 + k), restarts: 2, steps: 100, sweeps: 3 })
        expect(found.energy).toBeGreaterThanOrEqual(E0 - 1e-9)
        expect(energy(model, found.spins)).toBeCloseTo(found.energy, 9)
        if (found.energy <= E0 + 1e-9) hits++
      }
      expect(hits).toBeGreaterThanOrEqual(9)
    }
  })

  test('tempering finds them too, in at least 9 of 10 keys', () => {
    for (const [model, E0] of [
      [pm, exactPm],
      [gauss, exactGauss],
    ] as const) {
      let hits = 0
      for (let k = 0; k < 10; k++) {
        const found = findGroundState(model, {
          key: key(400 + k),
          method: 'tempering',
          steps: 8,
          sweeps: 300,
        })
        expect(found.energy).toBeGreaterThanOrEqual(E0 - 1e-9)
        if (found.energy <= E0 + 1e-9) hits++
      }
      expect(hits).toBeGreaterThanOrEqual(9)
    }
  })

  test('a single quick cold anneal misses sometimes: the check can fail', () => {
    // Two temperatures (3 and 2.5), one sweep each, from a random start: never cold enough.
    let misses = 0
    for (let k = 0; k < 10; k++) {
      const found = findGroundState(pm, {
        key: key(500 + k),
        restarts: 1,
        steps: 2,
        sweeps: 1,
        minTemperature: 2.5,
      })
      if (found.energy > exactPm + 1e-9) misses++
    }
    expect(misses).toBeGreaterThan(0)
  })

  test('bad input is a typed error', () => {
    expect(() => findGroundState(pm, { key: key(1), method: 'exhaustive' as never })).toThrow(
      "findGroundState: method must be 'annealing' or 'tempering', got exhaustive",
    )
    expect(() => findGroundState(pm, { key: key(1), minTemperature: 4 })).toThrow(
      /minTemperature must be below maxTemperature \(3\), got 4/,
    )
    expect(() => findGroundState(pm, { key: key(1), restarts: 0 })).toThrow(
      /restarts must be a positive integer/,
    )
  })
})
