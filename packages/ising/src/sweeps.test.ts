import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { allUp, energy, magnetisation, neelState, randomSpins } from './energy'
import { kaufman } from './exact/onsager'
import { squareLattice } from './lattice'
import { createRng } from './rng'
import { binnedMean } from './stats'
import {
  acceptance,
  clusterWorkspace,
  heatBathSweep,
  kawasakiSweep,
  metropolisSweep,
  swendsenWangSweep,
  synchronousSweep,
  wolffStep,
} from './sweeps'

describe('acceptance probabilities (F8)', () => {
  test('dE = +4 and -4 at beta = 0.5', () => {
    expect(acceptance('metropolis', 4, 0.5)).toBeCloseTo(0.1353352832, 10)
    expect(acceptance('glauber', 4, 0.5)).toBeCloseTo(0.119202922, 10)
    expect(acceptance('metropolis', -4, 0.5)).toBe(1)
    expect(acceptance('glauber', -4, 0.5)).toBeCloseTo(0.880797078, 10)
    expect(acceptance('glauber', 0, 0.5)).toBe(0.5)
  })
  test('bad input is a typed error', () => {
    expect(() => acceptance('kawasaki' as never, 1, 1)).toThrow(
      "acceptance: rule must be 'metropolis' or 'glauber', got kawasaki",
    )
    expect(() => acceptance('metropolis', Number.NaN, 1)).toThrow(
      'acceptance: deltaE must be a number, got NaN',
    )
    expect(() => acceptance('glauber', 1, -1)).toThrow(
      'acceptance: beta must be a finite number >= 0, got -1',
    )
  })
  test('no overflow at extreme beta dE', () => {
    expect(acceptance('glauber', 1e6, 10)).toBe(0)
    expect(acceptance('glauber', -1e6, 10)).toBe(1)
    expect(acceptance('metropolis', 1e6, 10)).toBe(0)
  })
  test.each([
    ['glauber', heatBathSweep],
    ['metropolis', metropolisSweep],
  ] as const)('%s flips a spin at the rate of its rule: dE = +8 at beta = 0.1', (rule, sweep) => {
    // All-up 4×4 torus: site 0 is the first visited by a typewriter sweep and has dE = +8, so
    // its value after the sweep records that one decision.
    const model = squareLattice(4)
    const rng = createRng(key(31))
    const flips = new Float64Array(200_000)
    for (let t = 0; t < flips.length; t++) {
      const s = allUp(model)
      sweep(model, s, { beta: 0.1, rng, order: 'typewriter' })
      flips[t] = s[0] === -1 ? 1 : 0
    }
    const p = binnedMean(flips, 20)
    const exact = acceptance(rule, 8, 0.1)
    expect(Math.abs(p.value - exact)).toBeLessThan(4 * p.error)
    // The other rule's rate (0.310 vs 0.449) is many errors away.
    const other = acceptance(rule === 'glauber' ? 'metropolis' : 'glauber', 8, 0.1)
    expect(Math.abs(p.value - other)).toBeGreaterThan(20 * p.error)
  })
})

describe('Neel start and synchronous updates (F6)', () => {
  test('checkerboard Metropolis from the Neel state at L=16, T=1.5 reaches e = -1.95112 (Kaufman)', () => {
    const model = squareLattice(16)
    const spins = neelState(model)
    expect(energy(model, spins) / 256).toBe(2)
    const rng = createRng(key(6))
    const beta = 1 / 1.5
    for (let t = 0; t < 200; t++) metropolisSweep(model, spins, { beta, rng })
    const e = new Float64Array(4000)
    const am = new Float64Array(4000)
    for (let t = 0; t < e.length; t++) {
      metropolisSweep(model, spins, { beta, rng })
      e[t] = energy(model, spins) / 256
      am[t] = Math.abs(magnetisation(model, spins)) / 256
    }
    const eMean = binnedMean(e, 20)
    const exact = kaufman(16, 1.5).e
    expect(exact).toBeCloseTo(-1.951116573, 8)
    expect(Math.abs(eMean.value - exact)).toBeLessThan(4 * eMean.error)
    expect(binnedMean(am, 20).value).toBeGreaterThan(0.98)
  })
  test('synchronous update from the Neel state oscillates between the two Neel states (the bug)', () => {
    const model = squareLattice(16)
    const spins = neelState(model)
    const rng = createRng(key(6))
    for (let t = 0; t < 50; t++) {
      synchronousSweep(model, spins, { beta: 1 / 1.5, rng })
      expect(energy(model, spins)).toBe(512)
    }
  })
})

describe('beta = 0 ergodicity (F7)', () => {
  const model = squareLattice(4)
  test('fixed-order Metropolis at beta = 0 is refused; near beta = 0 it just maps s to -s', () => {
    const spins = allUp(model)
    const rng = createRng(key(1))
    expect(() => metropolisSweep(model, spins, { beta: 0, rng, order: 'typewriter' })).toThrow(
      /metropolisSweep: order must be 'random' when beta = 0/,
    )
    expect(() => metropolisSweep(model, spins, { beta: 0, rng })).toThrow(/got 'checkerboard'/)
    for (let t = 0; t < 20; t++) {
      metropolisSweep(model, spins, { beta: 1e-12, rng, order: 'typewriter' })
      expect(energy(model, spins)).toBe(-32)
      expect(Math.abs(magnetisation(model, spins))).toBe(16)
    }
  })
  test.each([
    ['heat bath, checkerboard', 'heat'],
    ['heat bath, typewriter', 'heat-typewriter'],
  ])('%s at beta = 0: <e> = 0, <m²> = 1/16, <|m|> = 0.196380615234375', (_, kind) => {
    const spins = allUp(model)
    const rng = createRng(key(2))
    const n = 100_000
    const e = new Float64Array(n)
    const am = new Float64Array(n)
    const m2 = new Float64Array(n)
    for (let t = 0; t < n; t++) {
      if (kind === 'heat') heatBathSweep(model, spins, { beta: 0, rng })
      else heatBathSweep(model, spins, { beta: 0, rng, order: 'typewriter' })
      const m = magnetisation(model, spins) / 16
      e[t] = energy(model, spins) / 16
      am[t] = Math.abs(m)
      m2[t] = m * m
    }
    for (const [x, exact] of [
      [e, 0],
      [am, 0.196380615234375],
      [m2, 0.0625],
    ] as const) {
      const b = binnedMean(x, 20)
      expect(Math.abs(b.value - exact)).toBeLessThan(4 * b.error)
    }
  })
})

/** Exact <|m|> at beta = 0 over states with a number of down spins of the given parity (or all). */
function absMAtInfinity(N: number, parity?: 0 | 1): number {
  let num = 0
  let den = 0
  let binom = 1 // C(N, k)
  for (let k = 0; k <= N; k++) {
    if (parity === undefined || k % 2 === parity) {
      num += binom * Math.abs(N - 2 * k)
      den += binom
    }
    binom = (binom * (N - k)) / (k + 1)
  }
  return num / den / N
}

describe('random-site Metropolis at beta = 0 (F7)', () => {
  test('exact helper: <|m|> at beta = 0 for N = 16 is 0.196380615234375', () => {
    expect(absMAtInfinity(16)).toBe(0.196380615234375)
  })
  // At beta = 0 every proposal is accepted, so each flip changes the parity of the number of
  // down spins: the chain has period 2. Sampled once per sweep (N flips), it sees one parity
  // class when N is even and alternates between both when N is odd.
  test.each([
    [16, absMAtInfinity(16, 0)],
    [25, absMAtInfinity(25)],
  ])('N = %d, measured once per sweep: <|m|> = %d (one parity class at even N), <e> = 0', (N, exact) => {
    const model = squareLattice(N === 16 ? 4 : 5)
    const spins = allUp(model)
    const rng = createRng(key(2))
    const n = 100_000
    const e = new Float64Array(n)
    const am = new Float64Array(n)
    for (let t = 0; t < n; t++) {
      metropolisSweep(model, spins, { beta: 0, rng, order: 'random' })
      e[t] = energy(model, spins) / N
      am[t] = Math.abs(magnetisation(model, spins)) / N
    }
    for (const [x, v] of [
      [e, 0],
      [am, exact],
    ] as const) {
      const b = binnedMean(x, 20)
      expect(Math.abs(b.value - v)).toBeLessThan(4 * b.error)
    }
    if (N === 16) expect(Math.abs(exact - 0.196380615234375)).toBeGreaterThan(0.01)
  })
})

describe('cluster and conserved updates', () => {
  test('Kawasaki conserves M exactly and changes the configuration', () => {
    const model = squareLattice(6)
    const spins = randomSpins(model, key(9))
    const M = magnetisation(model, spins)
    const rng = createRng(key(10))
    let moved = 0
    for (let t = 0; t < 200; t++) {
      moved += kawasakiSweep(model, spins, { beta: 0.3, rng })
      expect(magnetisation(model, spins)).toBe(M)
    }
    expect(moved).toBeGreaterThan(1000)
  })
  test('Wolff at beta -> infinity flips the whole aligned lattice; at beta = 0 a single spin', () => {
    const model = squareLattice(8)
    const spins = allUp(model)
    const rng = createRng(key(4))
    expect(wolffStep(model, spins, { beta: 50, rng })).toBe(64)
    expect(magnetisation(model, spins)).toBe(-64)
    expect(wolffStep(model, spins, { beta: 0, rng, workspace: clusterWorkspace(model) })).toBe(1)
    expect(magnetisation(model, spins)).toBe(-62)
  })
  test('Wolff in a strong field rejects flips against it', () => {
    const model = squareLattice(4, { h: 5 })
    const spins = allUp(model)
    const rng = createRng(key(4))
    for (let t = 0; t < 50; t++) wolffStep(model, spins, { beta: 1, rng })
    expect(magnetisation(model, spins)).toBe(16)
  })
  test('one workspace serves Swendsen-Wang and Wolff in turn', () => {
    const model = squareLattice(8)
    const spins = allUp(model)
    const rng = createRng(key(12))
    const workspace = clusterWorkspace(model)
    swendsenWangSweep(model, spins, { beta: 0.3, rng, workspace })
    expect(Array.from(workspace.mark).every((v) => v === 0)).toBe(true)
    // At beta = 0 a Wolff cluster is the seed alone, whatever SW left in the workspace.
    expect(wolffStep(model, spins, { beta: 0, rng, workspace })).toBe(1)
  })
  test('Swendsen-Wang at beta -> infinity keeps one cluster', () => {
    const model = squareLattice(8)
    const spins = allUp(model)
    expect(swendsenWangSweep(model, spins, { beta: 50, rng: createRng(key(2)) })).toBe(1)
    expect(Math.abs(magnetisation(model, spins))).toBe(64)
  })
  test('bad input is a typed error', () => {
    const model = squareLattice(4)
    const rng = createRng(key(1))
    const spins = allUp(model)
    expect(() => metropolisSweep(model, spins, { beta: -1, rng })).toThrow(
      'metropolisSweep: beta must be a finite number >= 0, got -1',
    )
    expect(() => heatBathSweep(model, new Int8Array(3), { beta: 1, rng })).toThrow(
      'heatBathSweep: spins must be an Int8Array of length 16, got 3',
    )
    expect(() => wolffStep(model, spins, { beta: 1, rng: {} as never })).toThrow(/wolffStep: rng must be/)
    expect(() =>
      swendsenWangSweep(model, spins, { beta: 1, rng, workspace: clusterWorkspace(squareLattice(3)) }),
    ).toThrow('swendsenWangSweep: workspace must be made for 16 sites, got 9')
    expect(() => metropolisSweep(model, spins, { beta: 1, rng, order: 'spiral' as never })).toThrow(
      /order must be 'checkerboard', 'random' or 'typewriter', got spiral/,
    )
    expect(() => kawasakiSweep(model, spins, { beta: Number.NaN, rng })).toThrow(/kawasakiSweep: beta/)
  })
})

describe('Wolff fast path (one coupling, h = 0)', () => {
  test('gives the general loop’s chain bit for bit, ferro- and antiferromagnetic', () => {
    for (const base of [squareLattice(8), squareLattice(6, { J: -0.7 }), squareLattice(2)]) {
      // the same model with its uniform coupling hidden takes the general loop
      const general = { ...base, uniformCoupling: null }
      const a = randomSpins(base, key(5))
      const b = a.slice()
      const ra = createRng(key(6))
      const rb = createRng(key(6))
      const wa = clusterWorkspace(base)
      const wb = clusterWorkspace(base)
      const sizes: number[][] = [[], []]
      for (let t = 0; t < 200; t++) {
        sizes[0].push(wolffStep(base, a, { beta: 0.45, rng: ra, workspace: wa }))
        sizes[1].push(wolffStep(general, b, { beta: 0.45, rng: rb, workspace: wb }))
      }
      expect(sizes[0]).toEqual(sizes[1])
      expect(Math.max(...sizes[0])).toBeGreaterThan(1)
      expect(a).toEqual(b)
      expect(ra.state).toEqual(rb.state)
      // the fast path leaves no visit marks behind
      expect(wa.mark.every((v) => v === 0)).toBe(true)
    }
  })
})
