import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { energy } from './energy'
import { enumerateGroundStates } from './exact/enumerate'
import { cubicLattice, honeycombLattice, squareLattice, triangularLattice, type IsingModel } from './lattice'
import { edwardsAnderson, sherringtonKirkpatrick } from './spinglass'

function moments(x: Float64Array): { mean: number; variance: number } {
  let m = 0
  for (const v of x) m += v
  m /= x.length
  let v2 = 0
  for (const v of x) v2 += (v - m) ** 2
  return { mean: m, variance: v2 / (x.length - 1) }
}

/** Ground-state energy and its degeneracy by brute force: energy() of every one of the 2^N states. */
function bruteGround(model: IsingModel): { energy: number; count: number } {
  const n = model.size
  const s = new Int8Array(n)
  let best = Infinity
  let count = 0
  for (let c = 0; c < 2 ** n; c++) {
    for (let i = 0; i < n; i++) s[i] = (c >> i) & 1 ? -1 : 1
    const E = energy(model, s)
    if (E < best - 1e-9) {
      best = E
      count = 1
    } else if (Math.abs(E - best) <= 1e-9) count++
  }
  return { energy: best, count }
}

describe('Edwards-Anderson', () => {
  test('±J couplings on the bonds of the base lattice: mean 0 within 4 standard errors, |J| = 1', () => {
    const base = squareLattice(32)
    const ea = edwardsAnderson(base, { couplings: 'pm1', key: key(11) })
    const nb = ea.bondCoupling.length
    expect(nb).toBe(2048)
    expect(Array.from(ea.bondI)).toEqual(Array.from(base.bondI))
    expect(Array.from(ea.bondJ)).toEqual(Array.from(base.bondJ))
    expect(ea.lattice).toBe('square')
    expect(ea.uniformCoupling).toBeNull()
    for (const J of ea.bondCoupling) expect(Math.abs(J)).toBe(1)
    const { mean } = moments(ea.bondCoupling)
    // ±1 with p = 1/2: standard error of the mean 1/√nb.
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(nb))
    // The neighbour lists carry the same couplings as the bond list.
    const i = ea.bondI[5]
    const j = ea.bondJ[5]
    const k = Array.from(ea.neighbours.subarray(ea.offsets[i], ea.offsets[i + 1])).indexOf(j)
    expect(ea.couplings[ea.offsets[i] + k]).toBe(ea.bondCoupling[5])
  })

  test('Gaussian couplings on the cubic lattice: mean 0 and variance J² within 4 standard errors', () => {
    const ea = edwardsAnderson('cubic', 12, { couplings: 'gaussian', key: key(12), J: 2 })
    const nb = ea.bondCoupling.length
    expect(nb).toBe(3 * 12 ** 3)
    const { mean, variance } = moments(ea.bondCoupling)
    expect(Math.abs(mean)).toBeLessThan((4 * 2) / Math.sqrt(nb))
    // Standard error of a sample variance of a normal: σ² √(2/(n−1)).
    expect(Math.abs(variance - 4)).toBeLessThan(4 * 4 * Math.sqrt(2 / (nb - 1)))
  })

  test('one instance per key, on every lattice; a kind and side equal the model form', () => {
    const a = edwardsAnderson('square', 6, { couplings: 'gaussian', key: key(3) })
    const b = edwardsAnderson(squareLattice(6), { couplings: 'gaussian', key: key(3) })
    const c = edwardsAnderson('square', 6, { couplings: 'gaussian', key: key(4) })
    expect(Array.from(a.bondCoupling)).toEqual(Array.from(b.bondCoupling))
    expect(Array.from(a.bondCoupling)).not.toEqual(Array.from(c.bondCoupling))
    for (const [kind, base] of [
      ['triangular', triangularLattice(4)],
      ['honeycomb', honeycombLattice(4)],
      ['cubic', cubicLattice(3)],
    ] as const) {
      const g = edwardsAnderson(kind, base.shape[0], { key: key(5) })
      expect(g.lattice).toBe(kind)
      expect(Array.from(g.bondI)).toEqual(Array.from(base.bondI))
      expect(g.colourClasses.length).toBe(base.colourClasses.length)
    }
    const open = edwardsAnderson('square', 4, { key: key(5), boundary: 'open', h: 0.25 })
    expect(open.bondCoupling.length).toBe(24)
    expect(open.field).toBe(0.25)
  })

  test('bad input is a typed error', () => {
    expect(() => edwardsAnderson('square', 4, { couplings: 'cauchy' as never, key: key(1) })).toThrow(
      "edwardsAnderson: couplings must be 'pm1' or 'gaussian', got cauchy",
    )
    expect(() => edwardsAnderson('kagome' as never, 4, { key: key(1) })).toThrow(
      /base must be an IsingModel or one of/,
    )
    expect(() => edwardsAnderson('square', 4, { key: key(1), J: 0 })).toThrow(
      /J must be a finite number > 0, got 0/,
    )
    expect(() => edwardsAnderson('square', 1, { key: key(1) })).toThrow(/L must be an integer >= 2/)
  })

  test('the 4×4 ±J ground state: enumeration equals brute force over all 2^16 states', () => {
    const ea = edwardsAnderson('square', 4, { couplings: 'pm1', key: key(21) })
    const gs = enumerateGroundStates(ea)
    const brute = bruteGround(ea)
    expect(gs.energy).toBe(brute.energy)
    expect(gs.degeneracy).toBe(brute.count)
    expect(gs.states.length).toBe(brute.count / 2)
    for (const s of gs.states) expect(energy(ea, s)).toBe(brute.energy)
    // A frustrated ±J plaquette costs energy: E0 > −32 (the unfrustrated value).
    expect(brute.energy).toBeGreaterThan(-32)
  })
})

describe('Sherrington-Kirkpatrick', () => {
  test('all pairs, Gaussian of variance 1/N within 4 standard errors; ±1/√N', () => {
    const N = 200
    const sk = sherringtonKirkpatrick(N, { key: key(31) })
    const nb = (N * (N - 1)) / 2
    expect(sk.bondCoupling.length).toBe(nb)
    expect(sk.lattice).toBe('complete')
    expect(sk.colourClasses.length).toBe(N)
    expect(sk.offsets[1] - sk.offsets[0]).toBe(N - 1)
    const { mean, variance } = moments(sk.bondCoupling)
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(N * nb))
    expect(Math.abs(variance * N - 1)).toBeLessThan(4 * Math.sqrt(2 / (nb - 1)))
    const pm = sherringtonKirkpatrick(50, { key: key(31), couplings: 'pm1' })
    for (const J of pm.bondCoupling) expect(Math.abs(J)).toBeCloseTo(1 / Math.sqrt(50), 15)
    expect(Array.from(sherringtonKirkpatrick(20, { key: key(2) }).bondCoupling)).toEqual(
      Array.from(sherringtonKirkpatrick(20, { key: key(2) }).bondCoupling),
    )
  })

  test('the size limit N(N−1)/2 <= 2^23 and other bad input', () => {
    expect(() => sherringtonKirkpatrick(4097, { key: key(1) })).toThrow(
      'sherringtonKirkpatrick: N must have N(N-1)/2 <= 2^23 = 8388608 bonds (N <= 4096), got N = 4097 with 8390656 bonds',
    )
    expect(() => sherringtonKirkpatrick(1, { key: key(1) })).toThrow(/N must be an integer >= 2, got 1/)
    expect(() => sherringtonKirkpatrick(8, { key: key(1), h: Number.NaN })).toThrow(
      /h must be a finite number/,
    )
  })

  test('exact ground states of N = 10 by enumeration equal brute force', () => {
    const sk = sherringtonKirkpatrick(10, { key: key(41) })
    const gs = enumerateGroundStates(sk)
    const brute = bruteGround(sk)
    expect(gs.energy).toBeCloseTo(brute.energy, 12)
    // Gaussian couplings: no accidental degeneracy, only the global flip.
    expect(gs.degeneracy).toBe(2)
    expect(brute.count).toBe(2)
  })

  test('energy scale: mean exact e0 of 16 instances at N = 16 near Parisi −0.7632 + 0.7 N^(−2/3) (loose)', () => {
    let sum = 0
    const instances = 16
    for (let k = 0; k < instances; k++) {
      sum += enumerateGroundStates(sherringtonKirkpatrick(16, { key: key(100 + k) })).energy / 16
    }
    const mean = sum / instances
    // −0.763 + 0.7·16^(−2/3) = −0.653; sample-to-sample spread of e0 at N = 16 is about 0.07.
    expect(mean).toBeGreaterThan(-0.76)
    expect(mean).toBeLessThan(-0.55)
  })
})
