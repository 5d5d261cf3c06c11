import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { correlationLength, fourierSusceptibility, secondMomentLength, spinCorrelation } from './correlation'
import { allUp, energy, neelState, randomSpins } from './energy'
import { cubicLattice, squareLattice, triangularLattice } from './lattice'

/** Exact <s_0 s_{r e_x}>, <χ(0)> and <χ(k_min)> of the 4×4 torus by brute force over 2^16 states. */
function exact4x4(T: number): { G: number[]; chi0: number; chiK: number; xi: number } {
  const model = squareLattice(4)
  const s = new Int8Array(16)
  let z = 0
  const G = [0, 0, 0]
  let c0 = 0
  let ck = 0
  for (let x = 0; x < 1 << 16; x++) {
    for (let i = 0; i < 16; i++) s[i] = (x >> i) & 1 ? -1 : 1
    const w = Math.exp(-energy(model, s) / T)
    z += w
    for (let r = 0; r <= 2; r++) G[r] += w * s[0] * s[r]
    let M = 0
    let re = 0
    let im = 0
    for (let i = 0; i < 16; i++) {
      M += s[i]
      // k = (π/2, 0): e^{ikx} for x = i mod 4 is 1, i, −1, −i
      const px = i % 4
      re += s[i] * [1, 0, -1, 0][px]
      im += s[i] * [0, 1, 0, -1][px]
    }
    c0 += (w * M * M) / 16
    ck += (w * (re * re + im * im)) / 16
  }
  const chi0 = c0 / z
  const chiK = ck / z
  return { G: G.map((g) => g / z), chi0, chiK, xi: secondMomentLength(chi0, chiK, 4) }
}

describe('spin correlation of one configuration', () => {
  test('ordered, Néel and random states; the cubic lattice', () => {
    const m = squareLattice(4)
    expect(Array.from(spinCorrelation(m, allUp(m)))).toEqual([1, 1, 1])
    expect(Array.from(spinCorrelation(m, neelState(m)))).toEqual([1, -1, 1])
    expect(fourierSusceptibility(m, allUp(m)).chi0).toBe(16)
    expect(fourierSusceptibility(m, allUp(m)).chiK).toBeCloseTo(0, 12)
    // The Néel state has all its weight at (π, π): none at k_min.
    expect(fourierSusceptibility(m, neelState(m)).chiK).toBeCloseTo(0, 12)
    const c = cubicLattice(4)
    expect(Array.from(spinCorrelation(c, neelState(c)))).toEqual([1, -1, 1])
    // One stripe per column of a 4×4: s = +1 for x < 2, −1 otherwise. Along x G = 1, 0, −1;
    // along y it is 1; averaged over the two axes: 1, 0.5, 0.
    const stripes = Int8Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : -1))
    expect(Array.from(spinCorrelation(m, stripes))).toEqual([1, 0.5, 0])
    const big = squareLattice(8)
    const g = spinCorrelation(big, randomSpins(big, key(1)))
    expect(g.length).toBe(5)
    expect(g[0]).toBe(1)
  })

  test('bad input is a typed error', () => {
    expect(() => spinCorrelation(triangularLattice(4), allUp(triangularLattice(4)))).toThrow(
      'spinCorrelation: model must be a periodic square or cubic lattice with equal sides, got periodic triangular 4×4',
    )
    expect(() => spinCorrelation(squareLattice(4, { boundary: 'open' }), new Int8Array(16).fill(1))).toThrow(
      /got open square/,
    )
    expect(() => spinCorrelation(squareLattice(4), new Int8Array(3))).toThrow(
      /spins must be an Int8Array of length 16/,
    )
    expect(() => correlationLength(squareLattice(4), { temperature: 0, key: key(1), sweeps: 100 })).toThrow(
      /temperature must be a finite number > 0, got 0/,
    )
  })
})

describe('correlationLength', () => {
  test('4×4 torus at T = 2.5 and 3: G(r), χ(0), χ(k) and ξ match brute-force enumeration within 4 standard errors', () => {
    for (const T of [2.5, 3]) {
      const exact = exact4x4(T)
      const run = correlationLength(squareLattice(4), {
        temperature: T,
        key: key(7),
        sweeps: 40_000,
        algorithm: 'wolff',
        updatesPerMeasurement: 2,
      })
      expect(run.G[0].value).toBe(1)
      for (const r of [1, 2]) {
        expect(Math.abs(run.G[r].value - exact.G[r])).toBeLessThan(4 * run.G[r].error)
        expect(run.G[r].error).toBeLessThan(0.01)
      }
      expect(Math.abs(run.chi0.value - exact.chi0)).toBeLessThan(4 * run.chi0.error)
      expect(Math.abs(run.chiK.value - exact.chiK)).toBeLessThan(4 * run.chiK.error)
      expect(Math.abs(run.xi.value - exact.xi)).toBeLessThan(4 * run.xi.error)
    }
    // The oracle itself: G(1) at T = 3 is the nearest-neighbour correlation −e/2 (e from §2.2).
    expect(exact4x4(3).G[1]).toBeCloseTo(1.017069626955 / 2, 10)
  })

  test('3×3×3 cubic torus at T = 4.5115: G(1) = −e/3 and χ(0) = N<m²> from the exact oracle, within 4 standard errors', () => {
    const run = correlationLength(cubicLattice(3), { temperature: 4.5115, key: key(8), sweeps: 20_000 })
    // Oracle §2.4: e = −1.434462277596, N<m²> = 11.4212413962 (27 spins, 81 bonds).
    expect(run.G.length).toBe(2)
    expect(Math.abs(run.G[1].value - 1.434462277596 / 3)).toBeLessThan(4 * run.G[1].error)
    expect(Math.abs(run.chi0.value - 11.4212413962)).toBeLessThan(4 * run.chi0.error)
    expect(run.chi0.error).toBeLessThan(0.2)
  })

  test('ξ is small at high T and grows toward Tc on the 16×16 torus', () => {
    const xi = [5, 3.5, 2.8, 2.4].map(
      (T, k) =>
        correlationLength(squareLattice(16), {
          temperature: T,
          key: key(20 + k),
          sweeps: 4000,
          algorithm: 'swendsen-wang',
        }).xi,
    )
    // T = 5: ξ = 0.73 ± 0.13 with this key; about one lattice spacing at most.
    expect(xi[0].value).toBeLessThan(1.3)
    for (let k = 1; k < xi.length; k++) {
      expect(xi[k].value - xi[k - 1].value).toBeGreaterThan(3 * Math.hypot(xi[k].error, xi[k - 1].error))
    }
    // Close to Tc, ξ is a sizeable fraction of L = 16 (8.1 ± 0.25 at T = 2.4).
    expect(xi[3].value).toBeGreaterThan(5)
  })
})
