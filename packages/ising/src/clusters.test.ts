import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { clusterStatistics } from './clusters'
import { randomSpins } from './energy'
import { enumerateDensityOfStates, exactObservables } from './exact/dos'
import { squareLattice } from './lattice'
import { createRng } from './rng'
import { clusterWorkspace, swendsenWangSweep } from './sweeps'

const model = squareLattice(4)
const dos = enumerateDensityOfStates(model)

describe('cluster-size statistics', () => {
  test('Wolff on the 4×4 torus: <|C|> = N<m²> (13.90274691 at T = 2) within 4 standard errors, as is the direct estimate', () => {
    for (const T of [2, 3]) {
      const exact = 16 * exactObservables(dos, T).m2
      const s = clusterStatistics(model, { temperature: T, key: key(3), sweeps: 40_000 })
      expect(Math.abs(s.improvedNm2.value - exact)).toBeLessThan(4 * s.improvedNm2.error)
      expect(Math.abs(s.directNm2.value - exact)).toBeLessThan(4 * s.directNm2.error)
      expect(s.meanSize.value).toBe(s.improvedNm2.value)
      expect(s.improvedNm2.error).toBeLessThan(0.1)
      expect(s.distribution.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      expect(s.distribution[0]).toBe(0)
    }
    expect(16 * exactObservables(dos, 2).m2).toBeCloseTo(13.90274691, 7)
  })

  test('Swendsen–Wang: <Σ|C|²>/N = N<m²> within 4 standard errors, smaller error than the direct estimate at T = 3; Σ s n(s) = N', () => {
    const exact = 16 * exactObservables(dos, 3).m2
    const s = clusterStatistics(model, {
      temperature: 3,
      key: key(4),
      sweeps: 40_000,
      algorithm: 'swendsen-wang',
    })
    expect(Math.abs(s.improvedNm2.value - exact)).toBeLessThan(4 * s.improvedNm2.error)
    expect(Math.abs(s.directNm2.value - exact)).toBeLessThan(4 * s.directNm2.error)
    // The improved estimator averages over the 2^{n_C} cluster flips: less variance.
    expect(s.improvedNm2.error).toBeLessThan(s.directNm2.error)
    let sites = 0
    for (let k = 0; k <= 16; k++) sites += k * s.distribution[k]
    expect(sites).toBeCloseTo(16, 10)
    expect(s.meanSize.value).toBeCloseTo(16 / s.clustersPerUpdate.value, 12)
  })

  test('the Wolff and SW size distributions agree: P_W(s) = s n(s)/N (within 0.02, ~4 standard errors)', () => {
    const w = clusterStatistics(model, { temperature: 2.5, key: key(5), sweeps: 40_000 })
    const sw = clusterStatistics(model, {
      temperature: 2.5,
      key: key(6),
      sweeps: 40_000,
      algorithm: 'swendsen-wang',
    })
    for (let k = 1; k <= 16; k++)
      expect(Math.abs(w.distribution[k] - (k * sw.distribution[k]) / 16)).toBeLessThan(0.02)
  })

  test('swendsenWangSweep reports the size of each cluster; they add up to N', () => {
    const big = squareLattice(16)
    const spins = randomSpins(big, key(1))
    const sizes = new Int32Array(256)
    const n = swendsenWangSweep(big, spins, {
      beta: 0.4,
      rng: createRng(key(2)),
      workspace: clusterWorkspace(big),
      clusterSizes: sizes,
    })
    let total = 0
    for (let c = 0; c < n; c++) {
      expect(sizes[c]).toBeGreaterThan(0)
      total += sizes[c]
    }
    expect(total).toBe(256)
    expect(() =>
      swendsenWangSweep(big, spins, { beta: 0.4, rng: createRng(key(2)), clusterSizes: new Int32Array(3) }),
    ).toThrow('swendsenWangSweep: clusterSizes must be an Int32Array of length >= 256, got 3')
  })

  test('bad input is a typed error', () => {
    expect(() =>
      clusterStatistics(squareLattice(4, { h: 0.1 }), { temperature: 2, key: key(1), sweeps: 100 }),
    ).toThrow(
      'clusterStatistics: model must have h = 0 (the cluster estimators use the flip symmetry), got h = 0.1',
    )
    expect(() =>
      clusterStatistics(model, {
        temperature: 2,
        key: key(1),
        sweeps: 100,
        algorithm: 'metropolis' as never,
      }),
    ).toThrow(/algorithm must be 'wolff' or 'swendsen-wang', got metropolis/)
  })
})
