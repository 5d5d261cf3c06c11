import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { magnetisation } from './energy'
import { readFileSync } from 'node:fs'
import {
  enumerateDensityOfStates,
  exactObservables,
  fixedMagnetisation,
  parseDensityOfStates,
} from './exact/dos'
import { cubicLattice, squareLattice } from './lattice'
import { simulate, temperatureScan, type Algorithm } from './simulate'
import { binnedMean, type Estimate, type MeasuredObservables } from './stats'
import { metropolisSweep, wolffStep } from './sweeps'

/** |estimate − exact| within 4 standard errors (errors from 32 jackknife/binning blocks). */
function expectWithin(est: Estimate, exact: number, k = 4): void {
  expect(est.error).toBeGreaterThan(0)
  expect(Math.abs(est.value - exact), `value ${est.value} ± ${est.error}, exact ${exact}`).toBeLessThan(
    k * est.error,
  )
}

/** The oracle observables (e, |m|, χ, χ0, c, U4, m²) within 4 standard errors; bins ≫ τ. */
function expectMatches(
  o: MeasuredObservables,
  ex: { e: number; absM: number; chi: number; chi0: number; c: number; u4: number; m2: number },
): void {
  // A block must be much longer than tau_int for the binning error to be valid.
  expect(o.samples / 32).toBeGreaterThan(50 * Math.max(o.tauE.tau, o.tauAbsM.tau))
  expectWithin(o.e, ex.e)
  expectWithin(o.absM, ex.absM)
  expectWithin(o.m2, ex.m2)
  expectWithin(o.chi, ex.chi)
  expectWithin(o.chi0, ex.chi0)
  expectWithin(o.c, ex.c)
  expectWithin(o.u4, ex.u4)
}

const g4 = enumerateDensityOfStates(squareLattice(4))
const ALGORITHMS: Algorithm[] = ['metropolis', 'metropolis-random', 'heat-bath', 'wolff', 'swendsen-wang']

describe('every algorithm against exact enumeration of the 4x4 torus (oracle §2.2)', () => {
  test('the oracle values themselves', () => {
    const o = exactObservables(g4, 2)
    expect(o.e).toBeCloseTo(-1.755380288777, 11)
    expect(o.u4).toBeCloseTo(0.644810791188, 11)
    expect(exactObservables(g4, 2.5).chi).toBeCloseTo(0.448260560575, 11)
  })
  const cases = ALGORITHMS.flatMap((a) => [2, 2.5].map((T) => [a, T] as const))
  test.each(cases)('%s at T = %d: e, |m|, m², chi, chi0, c, U4', (algorithm, T) => {
    const run = simulate(squareLattice(4), {
      temperature: T,
      key: key(1000 + ALGORITHMS.indexOf(algorithm) * 10 + Math.round(2 * T)),
      sweeps: 100_000,
      algorithm,
    })
    expectMatches(run.observables, exactObservables(g4, T))
  })
  test.each([
    ['metropolis', 2.2],
    ['heat-bath', 2.2],
    ['wolff', 2.2],
    ['swendsen-wang', 2.2],
    ['metropolis-random', 3],
  ] as const)('%s in a field h = 0.3 at T = %d (exact from the DOS with E = E_b - hM)', (algorithm, T) => {
    const run = simulate(squareLattice(4, { h: 0.3 }), {
      temperature: T,
      key: key(77),
      sweeps: 100_000,
      algorithm,
    })
    const ex = exactObservables(g4, T, 0.3)
    expect(ex.m).toBeGreaterThan(0.5)
    expectMatches(run.observables, ex)
    expectWithin(run.observables.m, ex.m)
  })
  test('Wolff oracle: mean cluster size = N<m²> = 13.90274691 at L = 4, T = 2', () => {
    const run = simulate(squareLattice(4), {
      temperature: 2,
      key: key(5),
      sweeps: 200_000,
      algorithm: 'wolff',
    })
    const size = binnedMean(run.moves, 32)
    expect(16 * exactObservables(g4, 2).m2).toBeCloseTo(13.90274691, 7)
    expectWithin(size, 13.90274691)
    expect(size.error).toBeLessThan(0.02)
    // ... and at T = 3: 7.21581025
    const hot = simulate(squareLattice(4), {
      temperature: 3,
      key: key(6),
      sweeps: 100_000,
      algorithm: 'wolff',
    })
    expectWithin(binnedMean(hot.moves, 32), 7.21581025)
  })
})

describe('error bars are calibrated', () => {
  test.each(['metropolis', 'swendsen-wang'] as const)(
    '%s: the spread of 64 independent 4x4 runs at T = 2.5 matches the reported errors',
    (algorithm) => {
      const ex = exactObservables(g4, 2.5)
      const runs = 64
      const z: number[] = []
      const means: number[] = []
      const errors: number[] = []
      for (let r = 0; r < runs; r++) {
        const o = simulate(squareLattice(4), {
          temperature: 2.5,
          key: key(5000 + r),
          sweeps: 4096,
          algorithm,
        }).observables
        z.push((o.e.value - ex.e) / o.e.error)
        means.push(o.e.value)
        errors.push(o.e.error)
      }
      const mean = means.reduce((a, b) => a + b, 0) / runs
      const spread = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1))
      const rms = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / runs)
      // The sample spread of 64 runs is known to ±9% (1/sqrt(2·63)); gate at ±30%.
      expect(spread / rms).toBeGreaterThan(0.7)
      expect(spread / rms).toBeLessThan(1.3)
      // The grand mean is exact within 4 of its own standard errors, spread/√64.
      expect(Math.abs(mean - ex.e)).toBeLessThan((4 * spread) / Math.sqrt(runs))
      // About 95% of |z| < 2 (Student t with 31 degrees of freedom: 94.6%); allow down to 85%.
      expect(z.filter((v) => Math.abs(v) < 2).length).toBeGreaterThanOrEqual(Math.floor(0.85 * runs))
    },
  )
})

describe('Kawasaki samples the fixed-M ensemble', () => {
  test.each([
    [0, 2],
    [8, 2.5],
  ])('M = %d at T = %d: e and c match the exact fixed-M DOS', (M, T) => {
    // Start from a state with that M: the first (16 + M)/2 sites up, the rest down. Conserved
    // dynamics is slow at T = 2 (tau_E ≈ 75 sweeps), hence the longer run.
    const model = squareLattice(4)
    const start = new Int8Array(16).fill(-1)
    for (let i = 0; i < (16 + M) / 2; i++) start[i] = 1
    const run = simulate(model, {
      temperature: T,
      key: key(9 + M),
      sweeps: 400_000,
      algorithm: 'kawasaki',
      start,
    })
    expect(magnetisation(model, run.spins)).toBe(M)
    const ex = exactObservables(fixedMagnetisation(g4, M), T)
    expect(o(run).samples / 32).toBeGreaterThan(50 * o(run).tauE.tau)
    expectWithin(o(run).e, ex.e)
    expectWithin(o(run).c, ex.c)
    expect(o(run).absM.value).toBe(M / 16)
    // Not the unconstrained value.
    expect(Math.abs(ex.e - exactObservables(g4, T).e)).toBeGreaterThan(0.05)
  })
  const o = (r: { observables: MeasuredObservables }): MeasuredObservables => r.observables
})

describe('boundaries (F3) and the cubic lattice (oracle §2.4)', () => {
  test('open 4x4 at T = 2 matches the open-BC numbers, not the periodic ones', () => {
    const open = squareLattice(4, { boundary: 'open' })
    const ex = exactObservables(enumerateDensityOfStates(open), 2)
    expect(ex.e).toBeCloseTo(-0.932434696005, 11)
    expect(ex.absM).toBeCloseTo(0.620508911803, 11)
    for (const algorithm of ['metropolis', 'wolff'] as const) {
      const run = simulate(open, { temperature: 2, key: key(3), sweeps: 100_000, algorithm })
      expectMatches(run.observables, ex)
      expect(Math.abs(run.observables.e.value + 1.755380288777)).toBeGreaterThan(0.5)
    }
  })
  test('FYS3150 2x2 torus (double bonds) at T = 1: e = -1.995982085937', () => {
    const run = simulate(squareLattice(2), {
      temperature: 1,
      key: key(4),
      sweeps: 100_000,
      algorithm: 'heat-bath',
    })
    expectWithin(run.observables.e, -1.995982085937)
    expectWithin(run.observables.absM, 0.998660732749)
  })
  test.each(['periodic', 'open'] as const)(
    'cubic 2x2x2 (%s) at T = 3 in a field h = 0.2: heat bath and Swendsen-Wang against enumeration',
    (boundary) => {
      const model = cubicLattice(2, { boundary, h: 0.2 })
      const ex = exactObservables(enumerateDensityOfStates(model), 3, 0.2)
      for (const algorithm of ['heat-bath', 'swendsen-wang'] as const) {
        const run = simulate(model, { temperature: 3, key: key(8), sweeps: 100_000, algorithm })
        expectMatches(run.observables, ex)
        expectWithin(run.observables.m, ex.m)
      }
    },
  )
  // Oracle §2.4: T, e, c, <|m|>, U4, N<m²> of the 3×3×3 torus.
  const cubic = [
    [4.0, -1.893967790843, 0.973351809562, 0.734228929999, 0.58517480586, 16.1082799301],
    [4.5115, -1.434462277596, 0.785443250634, 0.590832064549, 0.50132718859, 11.4212413962],
    [5.0, -1.113672542712, 0.534832191458, 0.483297682277, 0.411834135416, 8.240992136],
  ]
  test.each(cubic)(
    '3x3x3 torus at T = %d: Metropolis and Wolff give e, c, |m|, U4, N<m²>',
    (T, e, c, am, u4, nm2) => {
      for (const algorithm of ['metropolis', 'wolff'] as const) {
        const run = simulate(cubicLattice(3), {
          temperature: T,
          key: key(Math.round(T * 100)),
          sweeps: 60_000,
          algorithm,
        })
        const ob = run.observables
        expect(ob.samples / 32).toBeGreaterThan(50 * ob.tauE.tau)
        expectWithin(ob.e, e)
        expectWithin(ob.c, c)
        expectWithin(ob.absM, am)
        expectWithin(ob.u4, u4)
        expectWithin({ value: 27 * ob.m2.value, error: 27 * ob.m2.error }, nm2)
        if (algorithm === 'wolff') expectWithin(binnedMean(run.moves, 32), nm2)
      }
    },
  )
})

describe('simulate and temperatureScan', () => {
  test('a fixed key reproduces the run bit for bit; another key differs', () => {
    const a = simulate(squareLattice(4), { temperature: 2, key: key(1), sweeps: 64 })
    const b = simulate(squareLattice(4), { temperature: 2, key: key(1), sweeps: 64 })
    const c = simulate(squareLattice(4), { temperature: 2, key: key(2), sweeps: 64, start: 'hot' })
    expect(Array.from(a.energies)).toEqual(Array.from(b.energies))
    expect(Array.from(a.energies)).not.toEqual(Array.from(c.energies))
  })
  test('scan of the 4x4 torus: points with error bars next to the exact Kaufman curve', () => {
    const temps = [1.5, 2, 2.5, 3]
    const scan = temperatureScan(squareLattice(4), temps, {
      key: key(11),
      sweeps: 40_000,
      algorithm: 'wolff',
      dos: g4,
    })
    expect(scan).toHaveLength(4)
    scan.forEach((p, i) => {
      expect(p.temperature).toBe(temps[i])
      const ex = exactObservables(g4, temps[i])
      // Kaufman's finite-L formula is exact at L = 4 too.
      expect(p.exact?.e).toBeCloseTo(ex.e, 9)
      expect(p.exact?.c).toBeCloseTo(ex.c, 5)
      expectWithin(p.observables.e, ex.e)
      expectWithin(p.observables.c, ex.c)
      expect(p.enumerated).toEqual(ex)
      expectWithin(p.observables.u4, ex.u4)
      expectWithin(p.observables.absM, ex.absM)
    })
    expect(
      temperatureScan(squareLattice(4, { boundary: 'open' }), [2], { key: key(1), sweeps: 64 })[0].exact,
    ).toBeNull()
  })
  test('updatesPerMeasurement: 8 Wolff steps per measurement on 8x8 at T = 3 (exact from the L = 8 DOS)', () => {
    const g8 = parseDensityOfStates(
      readFileSync(new URL('./__fixtures__/g_L8.txt', import.meta.url), 'utf8'),
      64,
    )
    const ex = exactObservables(g8, 3)
    const run = simulate(squareLattice(8), {
      temperature: 3,
      key: key(88),
      sweeps: 20_000,
      updatesPerMeasurement: 8,
      algorithm: 'wolff',
    })
    expectMatches(run.observables, ex)
    // Summed cluster sizes per measurement: 8·N<m²> on average.
    expectWithin(binnedMean(run.moves, 32), 8 * 64 * ex.m2)
    expect(run.meanMoveSize).toBeCloseTo(64 * ex.m2, 0)
  })
  test('bad input is a typed error', () => {
    const m = squareLattice(4)
    expect(() => simulate(m, { temperature: 0, key: key(1), sweeps: 100 })).toThrow(
      'simulate: temperature must be a finite number > 0, got 0',
    )
    expect(() => simulate(m, { temperature: 1, key: key(1), sweeps: 10 })).toThrow(
      'simulate: sweeps must be an integer >= 32, got 10',
    )
    expect(() =>
      simulate(m, { temperature: 1, key: key(1), sweeps: 100, algorithm: 'glauber' as never }),
    ).toThrow(/simulate: algorithm must be one of metropolis, .*, got glauber/)
    expect(() => simulate(m, { temperature: 1, key: key(1), sweeps: 100, start: new Int8Array(16) })).toThrow(
      /simulate: spins must hold only \+1 and -1, got 0 at 0/,
    )
    expect(() => simulate(m, { temperature: 1, key: key(1), sweeps: 100, updatesPerMeasurement: 0 })).toThrow(
      'simulate: updatesPerMeasurement must be an integer >= 1, got 0',
    )
    expect(() => temperatureScan(m, [], { key: key(1), sweeps: 100 })).toThrow(/at least one temperature/)
  })
})

describe('required options', () => {
  const untyped = (f: unknown) => f as (...args: unknown[]) => unknown
  const model = squareLattice(4)
  test.each([
    ['simulate', () => untyped(simulate)(model)],
    ['temperatureScan', () => untyped(temperatureScan)(model, [2])],
    ['metropolisSweep', () => untyped(metropolisSweep)(model, new Int8Array(16).fill(1))],
    ['wolffStep', () => untyped(wolffStep)(model, new Int8Array(16).fill(1), null)],
  ])('%s without options names them', (name, call) => {
    expect(call).toThrow(new RegExp(`^${name}: options must be an options object, got (undefined|null)$`))
  })
})
