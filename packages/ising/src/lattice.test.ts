import { GenError } from '@gen/core-tensor'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { allUp, deltaEnergy, energy, magnetisation, neelState } from './energy'
import {
  cubicLattice,
  formatCouplings,
  graphModel,
  honeycombLattice,
  parseCouplings,
  squareLattice,
  triangularLattice,
  withField,
} from './lattice'

describe('energy conventions (H6, F1, F2)', () => {
  const m = squareLattice(4)
  test('all up, Néel, one flipped', () => {
    expect(energy(m, allUp(m))).toBe(-32)
    expect(energy(m, neelState(m))).toBe(32)
    const s = allUp(m)
    s[5] = -1
    expect(energy(m, s)).toBe(-24)
    expect(deltaEnergy(m, allUp(m), 5)).toBe(8)
  })
  test('the field is counted once, not halved with the bonds', () => {
    const mh = squareLattice(4, { h: 0.5 })
    expect(energy(mh, allUp(mh))).toBe(-40)
    const s = allUp(mh)
    s[0] = -1
    expect(energy(mh, s)).toBe(-31)
    expect(magnetisation(mh, s)).toBe(14)
  })
  test('property: deltaEnergy(site) = E(flipped) - E(original) on random 5x5 configurations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 0, max: 24 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.constantFrom<'periodic' | 'open'>('periodic', 'open'),
        (bits, site, h, boundary) => {
          const model = squareLattice(5, { h, boundary })
          const s = Int8Array.from(bits, (b) => (b ? 1 : -1))
          const before = energy(model, s)
          const dE = deltaEnergy(model, s, site)
          s[site] = -s[site]
          expect(dE).toBeCloseTo(energy(model, s) - before, 12)
        },
      ),
    )
  })
})

describe('lattices', () => {
  test('bond counts and degrees', () => {
    expect(squareLattice(4).bondI.length).toBe(32)
    expect(squareLattice(4, { boundary: 'open' }).bondI.length).toBe(24)
    expect(squareLattice(2).bondI.length).toBe(8) // FYS3150: each pair twice
    expect(cubicLattice(3).bondI.length).toBe(81)
    expect(energy(cubicLattice(3), allUp(cubicLattice(3)))).toBe(-81)
    expect(triangularLattice(6).bondI.length).toBe(108)
    expect(honeycombLattice(4).bondI.length).toBe(24)
    const hc = honeycombLattice(4)
    for (let i = 0; i < hc.size; i++) expect(hc.offsets[i + 1] - hc.offsets[i]).toBe(3)
  })
  test('checkerboard colouring on bipartite lattices, a proper colouring everywhere', () => {
    expect(squareLattice(4).colourClasses.length).toBe(2)
    expect(cubicLattice(4).colourClasses.length).toBe(2)
    for (const m of [triangularLattice(6), squareLattice(5), honeycombLattice(6)]) {
      const colourOf = new Int32Array(m.size)
      m.colourClasses.forEach((cls, c) => cls.forEach((i) => (colourOf[i] = c)))
      for (let b = 0; b < m.bondI.length; b++) expect(colourOf[m.bondI[b]]).not.toBe(colourOf[m.bondJ[b]])
    }
  })
  test('coupling text format round-trips', () => {
    const m = withField(squareLattice(3), 0.25)
    const back = parseCouplings(formatCouplings(m))
    expect(back.size).toBe(9)
    expect(back.field).toBe(0.25)
    expect(Array.from(back.bondCoupling)).toEqual(Array.from(m.bondCoupling))
    const s = allUp(m)
    s[4] = -1
    expect(energy(back, s)).toBe(energy(m, s))
  })
  test('bad input is a typed error naming the argument', () => {
    expect(() => squareLattice(0)).toThrow('squareLattice: L must be an integer >= 2, got 0')
    expect(() => squareLattice(4, { h: Number.NaN })).toThrow(GenError)
    expect(() => squareLattice(4, { boundary: 'twisted' as 'open' })).toThrow(/boundary must be/)
    expect(() => honeycombLattice(5)).toThrow(/L must be even/)
    expect(() => graphModel(2, [{ i: 0, j: 2, J: 1 }])).toThrow(/bonds\[0\]/)
    expect(() => energy(squareLattice(2), new Int8Array(3))).toThrow(/spins must be an Int8Array of length 4/)
    expect(() => deltaEnergy(squareLattice(2), allUp(squareLattice(2)), 4)).toThrow(/site must be/)
    expect(() => parseCouplings('3 4 1')).toThrow(/line 1 must be 'N <size>'/)
  })
})

describe('lattice size limits', () => {
  test('a lattice too large for its bond lists throws before allocating', () => {
    expect(() => squareLattice(1e6)).toThrow(
      'squareLattice: size must have at most 2^24 = 16777216 sites (4096² in 2-D, 256³ in 3-D), got 1000000000000',
    )
    expect(() => cubicLattice(2000)).toThrow(/cubicLattice: size must have at most 2\^24/)
    expect(squareLattice(4096, { Ly: 2 }).size).toBe(8192)
  })
})
