import { readFileSync } from 'node:fs'
import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { expect, test } from 'vitest'
import {
  binderCrossing,
  exactObservables,
  kaufman,
  ONSAGER_TC,
  parseDensityOfStates,
  simulate,
  squareLattice,
  temperatureScan,
  type Estimate,
} from '../src/index'

const full = isFullRun()

function expectWithin(est: Estimate, exact: number, k = 4): void {
  expect(est.error).toBeGreaterThan(0)
  expect(Math.abs(est.value - exact), `value ${est.value} ± ${est.error}, exact ${exact}`).toBeLessThan(
    k * est.error,
  )
}

// Reduced form: L = 16 (Kaufman's exact finite-L e and c, oracle §2.3). Full form: L = 64.
const L = full ? 64 : 16
const sweeps = full ? 50_000 : 20_000

test.each([2.0, ONSAGER_TC, 2.5])(
  `Swendsen-Wang on the ${L}x${L} torus at T = %d: e and c against Kaufman`,
  { tags: ['slow'] },
  (T) => {
    const run = simulate(squareLattice(L), {
      temperature: T,
      key: key(Math.round(T * 1000)),
      sweeps,
      algorithm: 'swendsen-wang',
    })
    const o = run.observables
    const k = kaufman(L, T)
    expect(o.samples / 32).toBeGreaterThan(20 * o.tauE.tau)
    expectWithin(o.e, k.e)
    expectWithin(o.c, k.c)
  },
)

test(
  `checkerboard Metropolis on the ${L}x${L} torus at T = 2: e and c against Kaufman`,
  { tags: ['slow'] },
  () => {
    const run = simulate(squareLattice(L), { temperature: 2, key: key(64), sweeps, algorithm: 'metropolis' })
    const o = run.observables
    const k = kaufman(L, 2)
    expect(o.samples / 32).toBeGreaterThan(20 * o.tauE.tau)
    expectWithin(o.e, k.e)
    expectWithin(o.c, k.c)
  },
)

test(
  'Binder crossing of L = 4 and L = 8 from Wolff scans agrees with the exact crossing',
  { tags: ['slow'] },
  () => {
    const fixture = (name: string): string =>
      readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8')
    const g4 = parseDensityOfStates(fixture('g_L4.txt'), 16)
    const g8 = parseDensityOfStates(fixture('g_L8.txt'), 64)
    const temps = [2.1, 2.2, 2.3, 2.4, 2.5]
    const opts = { key: key(48), sweeps: full ? 400_000 : 100_000, algorithm: 'wolff' as const }
    const small = temperatureScan(squareLattice(4), temps, opts).map((p) => p.observables.u4)
    const large = temperatureScan(squareLattice(8), temps, { ...opts, key: key(49) }).map(
      (p) => p.observables.u4,
    )
    // The exact crossing of the exact curves on the same grid (linear interpolation included).
    const exact = binderCrossing(
      temps,
      temps.map((T) => exactObservables(g4, T).u4),
      temps.map((T) => exactObservables(g8, T).u4),
    )
    const mc = binderCrossing(temps, small, large)
    expect(exact).not.toBeNull()
    expect(mc).not.toBeNull()
    if (exact === null || mc === null) return
    expect(mc.error).toBeGreaterThan(0)
    expect(Math.abs(mc.temperature - exact.temperature)).toBeLessThan(4 * mc.error)
    expect(Math.abs(exact.temperature - ONSAGER_TC)).toBeLessThan(0.15)
  },
)
