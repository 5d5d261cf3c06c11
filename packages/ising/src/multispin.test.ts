import { InvalidArgumentError, key, split } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { allUp, energy, magnetisation, neelState, randomSpins } from './energy'
import { cubicLattice, squareLattice } from './lattice'
import {
  bernoulliDigits,
  multiSpinSweep,
  packSpins,
  packedEnergy,
  packedMagnetisation,
  unpackSpins,
} from './multispin'
import { createRng } from './rng'
import { metropolisSweep } from './sweeps'

// 2-D sizes cover H = L/32 odd (32, 96: words hold both colours) and even (64).
const SQUARE = [32, 64, 96]

describe('packing', () => {
  test.each(SQUARE)('square L = %d: pack/unpack round trip, energy and M equal the plain ones', (L) => {
    const model = squareLattice(L)
    for (let s = 0; s < 3; s++) {
      const spins = randomSpins(model, key(100 * L + s))
      const packed = packSpins(model, spins)
      expect(packed.words.length).toBe((L * L) / 32)
      expect(unpackSpins(packed)).toEqual(spins)
      expect(packedEnergy(packed)).toBe(energy(model, spins))
      expect(packedMagnetisation(packed)).toBe(magnetisation(model, spins))
    }
    expect(packedEnergy(packSpins(model, allUp(model)))).toBe(-2 * L * L)
    expect(packedEnergy(packSpins(model, neelState(model)))).toBe(2 * L * L)
    expect(packedMagnetisation(packSpins(model, allUp(model)))).toBe(L * L)
  })

  test('cubic L = 32: round trip, energy and M equal the plain ones', () => {
    const model = cubicLattice(32)
    const spins = randomSpins(model, key(7))
    const packed = packSpins(model, spins)
    expect(unpackSpins(packed)).toEqual(spins)
    expect(packedEnergy(packed)).toBe(energy(model, spins))
    expect(packedMagnetisation(packed)).toBe(magnetisation(model, spins))
    expect(packedEnergy(packSpins(model, neelState(model)))).toBe(3 * model.size)
  })

  test('J scales the energy', () => {
    const model = squareLattice(32, { J: 0.5 })
    const spins = randomSpins(model, key(3))
    expect(packedEnergy(packSpins(model, spins))).toBe(energy(model, spins))
  })

  test('bad input throws InvalidArgumentError', () => {
    const spins = new Int8Array(16 * 16).fill(1)
    expect(() => packSpins(squareLattice(16), spins)).toThrow(InvalidArgumentError)
    expect(() => packSpins(squareLattice(32, { boundary: 'open' }), allUp(squareLattice(32)))).toThrow(
      /periodic/,
    )
    expect(() => packSpins(squareLattice(32, { h: 0.1 }), allUp(squareLattice(32)))).toThrow(/h = 0/)
    expect(() => packSpins(squareLattice(32, { J: -1 }), allUp(squareLattice(32)))).toThrow(/J > 0/)
    expect(() => packSpins(squareLattice(32, { Ly: 64 }), new Int8Array(2048).fill(1))).toThrow(/sides/)
    expect(() => packSpins(squareLattice(32), new Int8Array(1024))).toThrow(/\+1 and -1/)
    const packed = packSpins(squareLattice(32), allUp(squareLattice(32)))
    const rng = createRng(key(1))
    expect(() => multiSpinSweep(packed, { beta: 0, rng })).toThrow(/beta/)
    expect(() => multiSpinSweep(packed, { beta: Number.NaN, rng })).toThrow(/beta/)
    expect(() => multiSpinSweep(packed, { beta: 0.4, rng: {} as never })).toThrow(/rng/)
    expect(() => multiSpinSweep(packed, { beta: 0.4, rng, sweeps: 1.5 })).toThrow(/sweeps/)
    expect(() => multiSpinSweep(packed, { beta: 0.4, rng, counts: new Float64Array(3) })).toThrow(/counts/)
    expect(() => unpackSpins({ ...packed, words: new Int32Array(3) })).toThrow(/packSpins/)
  })
})

test('bernoulliDigits is the exact binary expansion of p', () => {
  for (const p of [0.5, 0.1353352832366127, Math.exp(-8 / 2.269), 1e-20, 0.75]) {
    const d = bernoulliDigits(p)
    let s = 0
    for (let j = 0; j < d.length; j++) s += -d[j] * 2 ** -(j + 1)
    expect(s).toBe(p)
    expect(d.at(-1)).toBe(-1)
  }
  expect(bernoulliDigits(0).length).toBe(0)
})

describe('multiSpinSweep', () => {
  test('low T from the Néel state: the checkerboard update orders it (F6), not the synchronous trap', () => {
    const model = squareLattice(32)
    const packed = packSpins(model, neelState(model))
    multiSpinSweep(packed, { beta: 1 / 1.5, rng: createRng(key(5)), sweeps: 2000 })
    expect(packedEnergy(packed) / model.size).toBeLessThan(-1.8)
  })

  // Each proposal of class k is accepted with probability min(1, e^{−βΔE}) given the past, so the
  // accepted count has binomial variance Σ p(1 − p) (a martingale): 5 standard errors.
  test.each([
    ['square', 32, 0.3, 1],
    ['square', 64, 1 / 2.269, 1],
    ['square', 96, 0.25, 1],
    ['square', 64, 0.6, 0.5],
    ['cubic', 32, 0.15, 1],
  ] as const)(
    '%s L = %d, beta = %d, J = %d: acceptance per ΔE class is min(1, e^{-βΔE})',
    (kind, L, beta, J) => {
      const model = kind === 'square' ? squareLattice(L, { J }) : cubicLattice(L, { J })
      const z = kind === 'square' ? 4 : 6
      const [k1, k2] = split(key(L + Math.round(1000 * beta)), 2)
      const packed = packSpins(model, randomSpins(model, k1))
      const rng = createRng(k2)
      multiSpinSweep(packed, { beta, rng, sweeps: 20 })
      const counts = new Float64Array(2 * (z + 1))
      multiSpinSweep(packed, { beta, rng, sweeps: kind === 'square' ? 60 : 6, counts })
      let total = 0
      for (let k = 0; k <= z; k++) {
        const n = counts[2 * k]
        total += n
        const dE = 2 * J * (z - 2 * k)
        const p = Math.min(1, Math.exp(-beta * dE))
        if (p === 1) {
          expect(counts[2 * k + 1]).toBe(n)
          continue
        }
        expect(n).toBeGreaterThan(1000)
        const se = Math.sqrt((p * (1 - p)) / n)
        const rate = counts[2 * k + 1] / n
        expect(Math.abs(rate - p), `k = ${k}: ${rate} vs ${p} ± ${se}`).toBeLessThan(5 * se)
      }
      expect(total).toBe(model.size * (kind === 'square' ? 60 : 6))
    },
  )

  test('the generator is advanced and the run is reproducible from the key', () => {
    const model = squareLattice(64)
    const run = (): Int32Array => {
      const packed = packSpins(model, randomSpins(model, key(1)))
      multiSpinSweep(packed, { beta: 0.44, rng: createRng(key(2)), sweeps: 5 })
      return packed.words
    }
    expect(run()).toEqual(run())
    const rng = createRng(key(2))
    const before = rng.state.slice()
    multiSpinSweep(packSpins(model, allUp(model)), { beta: 0.2, rng })
    expect(rng.state).not.toEqual(before)
  })

  test('short equilibrium check on 32x32 at T = 2.5 against the plain checkerboard sweep', () => {
    const model = squareLattice(32)
    const T = 2.5
    const n = 4000
    const mean = (f: () => number): number => {
      let s = 0
      for (let t = 0; t < n; t++) s += f()
      return s / n / model.size
    }
    const packed = packSpins(model, allUp(model))
    const rng = createRng(key(11))
    multiSpinSweep(packed, { beta: 1 / T, rng, sweeps: 200 })
    const eFast = mean(() => {
      multiSpinSweep(packed, { beta: 1 / T, rng })
      return packedEnergy(packed)
    })
    const spins = allUp(model)
    const rng2 = createRng(key(12))
    for (let t = 0; t < 200; t++) metropolisSweep(model, spins, { beta: 1 / T, rng: rng2 })
    const ePlain = mean(() => {
      metropolisSweep(model, spins, { beta: 1 / T, rng: rng2 })
      return energy(model, spins)
    })
    // Kaufman L = 32, T = 2.5: e ≈ −1.1 to −1.2; both within 0.02 of each other (σ ≈ 0.003).
    expect(Math.abs(eFast - ePlain)).toBeLessThan(0.02)
  })
})
