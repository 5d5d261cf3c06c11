import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { expect, test } from 'vitest'
import {
  allUp,
  createRng,
  cubicLattice,
  energy,
  kaufman,
  magnetisation,
  measureObservables,
  metropolisSweep,
  multiSpinSweep,
  packSpins,
  packedEnergy,
  packedMagnetisation,
  squareLattice,
  type Estimate,
  type IsingModel,
  type MeasuredObservables,
} from '../src/index'

const full = isFullRun()

/**
 * Runs `sweeps` measured sweeps after `therm` unmeasured ones from the all-up state; observables
 * with errors from `bins` blocks, each at least `minBlock` τ_int long.
 */
function run(
  model: IsingModel,
  T: number,
  seed: number,
  fast: boolean,
  therm: number,
  sweeps: number,
  { bins = 32, minBlock = 50 } = {},
): MeasuredObservables {
  const energies = new Float64Array(sweeps)
  const mags = new Float64Array(sweeps)
  const rng = createRng(key(seed))
  const beta = 1 / T
  if (fast) {
    const packed = packSpins(model, allUp(model))
    multiSpinSweep(packed, { beta, rng, sweeps: therm })
    for (let t = 0; t < sweeps; t++) {
      multiSpinSweep(packed, { beta, rng })
      energies[t] = packedEnergy(packed)
      mags[t] = packedMagnetisation(packed)
    }
  } else {
    const spins = allUp(model)
    for (let t = 0; t < therm; t++) metropolisSweep(model, spins, { beta, rng })
    for (let t = 0; t < sweeps; t++) {
      metropolisSweep(model, spins, { beta, rng })
      energies[t] = energy(model, spins)
      mags[t] = magnetisation(model, spins)
    }
  }
  const o = measureObservables(energies, mags, { size: model.size, temperature: T, bins })
  // A block must be much longer than tau_int for the binning error to be valid.
  expect(o.samples / bins).toBeGreaterThan(minBlock * Math.max(o.tauE.tau, o.tauAbsM.tau))
  return o
}

function expectWithin(est: Estimate, exact: number, k = 4): void {
  expect(est.error).toBeGreaterThan(0)
  expect(Math.abs(est.value - exact), `value ${est.value} ± ${est.error}, exact ${exact}`).toBeLessThan(
    k * est.error,
  )
}

/** Two independent estimates agree within k combined standard errors. */
function expectAgree(a: Estimate, b: Estimate, k = 4): void {
  const se = Math.hypot(a.error, b.error)
  expect(Math.abs(a.value - b.value), `${a.value} ± ${a.error} vs ${b.value} ± ${b.error}`).toBeLessThan(
    k * se,
  )
}

// Reduced form: 3e5 multi-spin sweeps (σ(e) ≈ 2.5e-4) and 1.6e4 plain sweeps (≈ 1.2e-3) per T on
// the 32 × 32 torus. Full form: 4e6 (σ(e) ≈ 7e-5) and 4e5 (≈ 2.5e-4).
const fastSweeps = full ? 4_000_000 : 300_000
const plainSweeps = full ? 400_000 : 16_000

test.each([2.0, 2.5])(
  'multi-spin Metropolis on the 32x32 torus at T = %d: e against Kaufman and the plain sweep, |m| against the plain sweep',
  { tags: ['slow'], timeout: 600_000 },
  (T) => {
    const model = squareLattice(32)
    const fast = run(model, T, Math.round(100 * T), true, 2000, fastSweeps)
    const plain = run(model, T, Math.round(100 * T) + 1, false, 2000, plainSweeps, { bins: 16 })
    const exact = kaufman(32, T).e
    expect(fast.e.error).toBeLessThan(full ? 1e-4 : 5e-4)
    expectWithin(fast.e, exact)
    expectWithin(plain.e, exact)
    expectAgree(fast.e, plain.e)
    expectAgree(fast.absM, plain.absM)
    expectAgree(fast.c, plain.c)
  },
)

// 3-D: 32^3 = 32768 spins; the plain sweep costs milliseconds, so 16 blocks of >= 10 τ_int and
// a gate of 5 standard errors (16-block errors are themselves uncertain: a t law with 15 degrees
// of freedom). Reduced: T = 4 only (below Tc = 4.5115); full: T = 4 and 5 with 4-8x the sweeps.
test(
  'multi-spin Metropolis on the 32^3 cubic torus: e and |m| against the plain sweep',
  { tags: ['slow'], timeout: 600_000 },
  () => {
    const model = cubicLattice(32)
    for (const T of full ? [4, 5] : [4]) {
      const opts = { bins: 16, minBlock: 10 }
      const fast = run(model, T, 40 + T, true, 300, full ? 32_000 : 8_000, opts)
      const plain = run(model, T, 50 + T, false, 100, full ? 4_800 : 600, opts)
      expectAgree(fast.e, plain.e, 5)
      expectAgree(fast.absM, plain.absM, 5)
    }
  },
)
