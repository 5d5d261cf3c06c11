import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { energy } from '../energy'
import { graphModel, squareLattice, type IsingModel } from '../lattice'
import { edwardsAnderson } from '../spinglass'
import { enumerateDensityOfStates, exactObservables } from './dos'
import { enumerateGroundStates, enumerateStates, exactThermalAverages } from './enumerate'

const triangle = (h = 0): IsingModel =>
  graphModel(
    3,
    [
      { i: 0, j: 1, J: -1 },
      { i: 1, j: 2, J: -1 },
      { i: 0, j: 2, J: -1 },
    ],
    { h },
  )

/** All configurations of a small model, spin k down where bit k is set, with Boltzmann weights. */
function boltzmann(model: IsingModel, T: number): { states: Int8Array[]; p: Float64Array } {
  const n = model.size
  const states: Int8Array[] = []
  const w = new Float64Array(2 ** n)
  let z = 0
  for (let x = 0; x < 2 ** n; x++) {
    const s = Int8Array.from({ length: n }, (_, k) => ((x >> k) & 1 ? -1 : 1))
    states.push(s)
    w[x] = Math.exp(-energy(model, s) / T)
    z += w[x]
  }
  return { states, p: w.map((v) => v / z) }
}

describe('enumerateGroundStates', () => {
  test('frustrated antiferromagnetic triangle: E0 = −1, degeneracy 6, 3 states up to a flip', () => {
    const gs = enumerateGroundStates(triangle())
    expect(gs.energy).toBe(-1)
    expect(gs.degeneracy).toBe(6)
    expect(gs.flipSymmetric).toBe(true)
    expect(gs.states.length).toBe(3)
    for (const s of gs.states) {
      expect(energy(triangle(), s)).toBe(-1)
      expect(s[2]).toBe(1)
    }
    expect(new Set(gs.states.map((s) => s.join(','))).size).toBe(3)
  })

  test('triangle in a field h = 0.5: E0 = −1.5, degeneracy 3 (two up, one down), no flip symmetry', () => {
    const gs = enumerateGroundStates(triangle(0.5))
    expect(gs.energy).toBe(-1.5)
    expect(gs.degeneracy).toBe(3)
    expect(gs.flipSymmetric).toBe(false)
    for (const s of gs.states) expect(s[0] + s[1] + s[2]).toBe(1)
  })

  test('ferromagnet: the two ordered states; maxStates truncates but still counts', () => {
    const gs = enumerateGroundStates(squareLattice(4))
    expect(gs.energy).toBe(-32)
    expect(gs.degeneracy).toBe(2)
    expect(Array.from(gs.states[0])).toEqual(new Array(16).fill(1))
    const free = enumerateGroundStates(graphModel(6, []), { maxStates: 5 })
    expect(free.degeneracy).toBe(64)
    expect(free.states.length).toBe(5)
    expect(free.truncated).toBe(true)
  })

  test('bad input is a typed error', () => {
    expect(() => enumerateGroundStates(squareLattice(6))).toThrow(
      'enumerateGroundStates: model must have at most 30 spins, got 36',
    )
    expect(() => enumerateGroundStates(triangle(), { maxStates: 0 })).toThrow(
      /maxStates must be a positive integer/,
    )
    expect(() => enumerateStates(squareLattice(5))).toThrow(/at most 24 spins, got 25/)
    expect(() => exactThermalAverages({ size: 4, energies: new Float64Array(8) }, 1)).toThrow(
      'exactThermalAverages: states must come from enumerateStates (2^size energies), got size 4 with 8 energies',
    )
    expect(() => enumerateDensityOfStates(edwardsAnderson('square', 4, { key: key(1) }))).toThrow(
      /use enumerateStates with exactThermalAverages, or enumerateGroundStates/,
    )
    expect(() => exactThermalAverages(enumerateStates(triangle()), 0)).toThrow(
      /temperature must be a finite number > 0, got 0/,
    )
  })
})

describe('exactThermalAverages', () => {
  test('the 4×4 ferromagnet matches the density-of-states oracle (T = 2: e = −1.755380288777)', () => {
    const states = enumerateStates(squareLattice(4))
    const dos = enumerateDensityOfStates(squareLattice(4))
    for (const T of [1.5, 2, 3]) {
      const a = exactThermalAverages(states, T)
      const b = exactObservables(dos, T)
      expect(a.e).toBeCloseTo(b.e, 11)
      expect(a.c).toBeCloseTo(b.c, 10)
      expect(a.absM).toBeCloseTo(b.absM, 11)
      expect(a.m2).toBeCloseTo(b.m2, 11)
      expect(a.u4).toBeCloseTo(b.u4, 10)
      expect(a.lnZ).toBeCloseTo(b.lnZ, 10)
      expect(a.m).toBeCloseTo(0, 12)
    }
    expect(exactThermalAverages(states, 2).e).toBeCloseTo(-1.755380288777, 11)
  })

  test('two coupled spins: <q²> = <q⁴> = (1 + tanh² βJ)/2', () => {
    const states = enumerateStates(graphModel(2, [{ i: 0, j: 1, J: 0.7 }]))
    const a = exactThermalAverages(states, 1.3)
    const t = Math.tanh(0.7 / 1.3)
    expect(a.q2).toBeCloseTo((1 + t * t) / 2, 14)
    expect(a.q4).toBeCloseTo((1 + t * t) / 2, 14)
    expect(a.overlapDistribution[1]).toBeCloseTo((1 - t * t) / 2, 14)
  })

  test('P(q) of a Gaussian EA 3×3 instance in a field equals the brute-force double sum over 2^9 × 2^9 pairs', () => {
    const model = edwardsAnderson('square', 3, { couplings: 'gaussian', key: key(8), h: 0.3 })
    const T = 0.8
    const a = exactThermalAverages(enumerateStates(model), T)
    const { states, p } = boltzmann(model, T)
    const n = model.size
    const dist = new Float64Array(n + 1)
    let e = 0
    for (let x = 0; x < states.length; x++) {
      e += p[x] * energy(model, states[x])
      for (let y = 0; y < states.length; y++) {
        let dot = 0
        for (let k = 0; k < n; k++) dot += states[x][k] * states[y][k]
        dist[(dot + n) / 2] += p[x] * p[y]
      }
    }
    for (let j = 0; j <= n; j++) expect(a.overlapDistribution[j]).toBeCloseTo(dist[j], 13)
    expect(a.e).toBeCloseTo(e / n, 12)
    // <q²> = Σ_ij <s_i s_j>² / N², the two-replica identity.
    let q2 = 0
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let c = 0
        for (let x = 0; x < states.length; x++) c += p[x] * states[x][i] * states[x][j]
        q2 += c * c
      }
    }
    expect(a.q2).toBeCloseTo(q2 / (n * n), 13)
    const total = a.overlapDistribution.reduce((s, v) => s + v, 0)
    expect(total).toBeCloseTo(1, 13)
  })

  test('±J 4×4 instance at h = 0: P(q) symmetric, g in (0, 1], <q²> → 1 as T → 0', () => {
    const states = enumerateStates(edwardsAnderson('square', 4, { couplings: 'pm1', key: key(21) }))
    const hot = exactThermalAverages(states, 3)
    const cold = exactThermalAverages(states, 0.2)
    for (let j = 0; j <= 16; j++) {
      expect(hot.overlapDistribution[j]).toBeCloseTo(hot.overlapDistribution[16 - j], 14)
    }
    expect(cold.q2).toBeGreaterThan(hot.q2)
    expect(hot.binderQ).toBeGreaterThan(0)
    expect(cold.binderQ).toBeLessThanOrEqual(1 + 1e-12)
    // At T = ∞ the overlap of 16 independent ±1 is binomial: <q²> = 1/N.
    const inf = exactThermalAverages(states, 1e6)
    expect(inf.q2).toBeCloseTo(1 / 16, 5)
    expect(inf.q4).toBeCloseTo((3 * 16 - 2) / 16 ** 3, 5)
  })
})
