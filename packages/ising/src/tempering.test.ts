import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { enumerateDensityOfStates, exactObservables, type DensityOfStates } from './exact/dos'
import { squareLattice } from './lattice'
import type { Estimate } from './stats'
import { parallelTempering, swapAcceptance } from './tempering'

function expectWithin(est: Estimate, exact: number, k = 4): void {
  expect(est.error).toBeGreaterThan(0)
  expect(Math.abs(est.value - exact), `value ${est.value} ± ${est.error}, exact ${exact}`).toBeLessThan(
    k * est.error,
  )
}

/** Exact energy distribution P_T(E) of a DOS at h = 0, as a map E -> probability. */
function energyLaw(g: DensityOfStates, T: number): Map<number, number> {
  const lw = Array.from(g.energies, (E, k) => g.logCounts[k] - E / T)
  const max = Math.max(...lw)
  const out = new Map<number, number>()
  let z = 0
  lw.forEach((l, k) => {
    const w = Math.exp(l - max)
    z += w
    out.set(g.energies[k], (out.get(g.energies[k]) ?? 0) + w)
  })
  for (const [E, w] of out) out.set(E, w / z)
  return out
}

/** Exact mean swap acceptance between independent equilibrium replicas at Ti and Tj. */
function exactSwapRate(g: DensityOfStates, Ti: number, Tj: number): number {
  const pi = energyLaw(g, Ti)
  const pj = energyLaw(g, Tj)
  let r = 0
  for (const [Ei, a] of pi) for (const [Ej, b] of pj) r += a * b * swapAcceptance(1 / Ti, 1 / Tj, Ei, Ej)
  return r
}

const g4 = enumerateDensityOfStates(squareLattice(4))

describe('parallel tempering (F5)', () => {
  test('swap acceptance min(1, exp[(beta_i - beta_j)(E_i - E_j)]) with total energies', () => {
    expect(swapAcceptance(0.4, 0.5, -20, -28)).toBeCloseTo(Math.exp(-0.8), 15)
    expect(swapAcceptance(0.4, 0.5, -28, -20)).toBe(1)
    expect(swapAcceptance(0.5, 0.4, -20, -28)).toBe(1)
    expect(swapAcceptance(0.4, 0.4, -20, -28)).toBe(1)
    // Per-spin energies (÷16) would accept this swap with exp(-0.05) instead of exp(-0.8).
    expect(swapAcceptance(0.4, 0.5, -20 / 16, -28 / 16)).toBeCloseTo(Math.exp(-0.05), 15)
  })
  test('4x4 torus, beta = {0.4, 0.5}: each replica matches exact e, U4 (and |m|, chi, c); swap rate exact', () => {
    const temps = [2.5, 2.0]
    const pt = parallelTempering(squareLattice(4), { temperatures: temps, key: key(55), sweeps: 100_000 })
    const exact = [
      { e: -1.379116482259, u4: 0.58152765912 },
      { e: -1.755380288777, u4: 0.644810791188 },
    ]
    temps.forEach((T, k) => {
      const o = pt.observables[k]
      const ex = exactObservables(g4, T)
      expect(ex.e).toBeCloseTo(exact[k].e, 11)
      expect(ex.u4).toBeCloseTo(exact[k].u4, 11)
      expect(o.samples / 32).toBeGreaterThan(50 * o.tauE.tau)
      expectWithin(o.e, ex.e)
      expectWithin(o.u4, ex.u4)
      expectWithin(o.absM, ex.absM)
      expectWithin(o.chi, ex.chi)
      expectWithin(o.c, ex.c)
      expect(o.u4.value).toBeGreaterThan(0)
      expect(o.u4.value).toBeLessThan(2 / 3)
    })
    // The per-spin bug pulls the marginals together to about -1.618 and -1.523.
    expect(pt.observables[1].e.value).toBeLessThan(-1.7)
    expect(pt.observables[0].e.value).toBeGreaterThan(-1.45)
    const rate = exactSwapRate(g4, 2.5, 2)
    expect(rate).toBeGreaterThan(0.3)
    expect(rate).toBeLessThan(0.95)
    expectWithin(pt.swapRates[0], rate)
    expect(pt.swapAttempted[0]).toBe(100_000)
    expect(pt.swapAccepted[0] / pt.swapAttempted[0]).toBeCloseTo(pt.swapRates[0].value, 12)
    expect(pt.roundTrips).toBeGreaterThan(1000)
  })
  test('the order of the list does not matter: beta = {0.5, 0.4} gives the same swap rate', () => {
    const pt = parallelTempering(squareLattice(4), { temperatures: [2.0, 2.5], key: key(56), sweeps: 50_000 })
    expectWithin(pt.swapRates[0], exactSwapRate(g4, 2.0, 2.5))
    expectWithin(pt.observables[0].e, exactObservables(g4, 2).e)
  })
  test('four temperatures with Wolff inside: every marginal and every pair rate is exact', () => {
    const temps = [3, 2.6, 2.3, 2.0]
    const pt = parallelTempering(squareLattice(4), {
      temperatures: temps,
      key: key(57),
      sweeps: 50_000,
      algorithm: 'wolff',
      start: 'hot',
    })
    temps.forEach((T, k) => {
      const ex = exactObservables(g4, T)
      expectWithin(pt.observables[k].e, ex.e)
      expectWithin(pt.observables[k].u4, ex.u4)
    })
    for (let k = 0; k < 3; k++) expectWithin(pt.swapRates[k], exactSwapRate(g4, temps[k], temps[k + 1]))
    expect(Array.from(pt.replicaAt).sort()).toEqual([0, 1, 2, 3])
    expect(pt.spins).toHaveLength(4)
  })
  test('bad input is a typed error', () => {
    const m = squareLattice(4)
    expect(() => swapAcceptance(0.4, Number.NaN, 1, 2)).toThrow(
      'swapAcceptance: betaJ must be a finite number, got NaN',
    )
    expect(() => parallelTempering(m, { temperatures: [2], key: key(1), sweeps: 100 })).toThrow(
      'parallelTempering: temperatures must hold at least 2 temperatures, got 1',
    )
    expect(() => parallelTempering(m, { temperatures: [2, -1], key: key(1), sweeps: 100 })).toThrow(
      'parallelTempering: temperatures[1] must be a finite number > 0, got -1',
    )
    expect(() =>
      parallelTempering(m, { temperatures: [2, 3], key: key(1), sweeps: 100, algorithm: 'kawasaki' }),
    ).toThrow(/must not be 'kawasaki'/)
    expect(() => parallelTempering(m, { temperatures: [2, 3], key: key(1), sweeps: 1 })).toThrow(
      /sweeps must be/,
    )
  })
})
