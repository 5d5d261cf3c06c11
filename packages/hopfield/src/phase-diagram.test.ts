import { InvalidArgumentError, key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { meanFieldOverlap } from './experiments'
import {
  criticalLoad,
  phaseDiagram,
  retrievalOverlap,
  retrievalTemperature,
  spinGlassTemperature,
} from './phase-diagram'

describe('replica-symmetric theory of the Hopfield model (Amit, Gutfreund and Sompolinsky 1987)', () => {
  test('α_c = 0.1379 at T = 0, with m = 0.967 there', () => {
    const { load, overlap } = criticalLoad()
    expect(load).toBeCloseTo(0.1379, 4)
    expect(overlap).toBeCloseTo(0.967, 3)
  })

  test('spin-glass line T_g = 1 + √α', () => {
    expect(spinGlassTemperature(0)).toBe(1)
    expect(spinGlassTemperature(0.04)).toBeCloseTo(1.2, 14)
    expect(() => spinGlassTemperature(-0.1)).toThrow(/spinGlassTemperature: load must be >= 0, got -0.1/)
  })

  test('retrieval line T_M(α): 1 at α = 0, ≈ 1 − 1.95√α for small α, decreasing, 0 beyond α_c', () => {
    expect(retrievalTemperature(0)).toBe(1)
    for (const a of [0.001, 0.004]) expect(retrievalTemperature(a)).toBeCloseTo(1 - 1.95 * Math.sqrt(a), 2)
    const loads = [0.01, 0.03, 0.06, 0.09, 0.12, 0.13]
    const line = loads.map((a) => retrievalTemperature(a))
    for (let i = 1; i < line.length; i++) expect(line[i]).toBeLessThan(line[i - 1])
    expect(line[line.length - 1]).toBeGreaterThan(0)
    expect(retrievalTemperature(0.14)).toBe(0)
    expect(retrievalTemperature(0.3)).toBe(0)
  })

  test('retrieval overlap: Curie–Weiss m = tanh(m/T) at α → 0, the T = 0 solution erf(y) at low T', () => {
    expect(retrievalOverlap(1e-10, 0.5)).toBeCloseTo(meanFieldOverlap(0.5), 4)
    expect(retrievalOverlap(1e-10, 0.9)).toBeCloseTo(meanFieldOverlap(0.9), 3)
    // T = 0 at α = 0.1: solve √(2α) = erf(y)/y − (2/√π)e^{−y²} on the retrieval (large-y) branch.
    const erf = (x: number): number => {
      let s = 0
      const n = 4000
      for (let k = 0; k < n; k++) s += Math.exp(-((((k + 0.5) * x) / n) ** 2))
      return ((2 / Math.sqrt(Math.PI)) * s * x) / n
    }
    let low = 1.2
    let high = 4
    for (let k = 0; k < 60; k++) {
      const y = (low + high) / 2
      const root = erf(y) / y - (2 / Math.sqrt(Math.PI)) * Math.exp(-y * y)
      if (root > Math.sqrt(0.2)) low = y
      else high = y
    }
    expect(retrievalOverlap(0.1, 0.02)).toBeCloseTo(erf(low), 2)
    expect(retrievalOverlap(0.2, 0.1)).toBe(0)
    expect(() => retrievalOverlap(0.1, 0)).toThrow(InvalidArgumentError)
  })

  test('phaseDiagram returns theory on its own load grid and checks its options', () => {
    const diagram = phaseDiagram({
      size: 60,
      loads: [0.05],
      temperatures: [0.3, 2],
      key: key(1),
      sweeps: 5,
      theoryLoads: [0, 0.05, 0.1, 0.2],
    })
    expect(diagram.points.map((p) => [p.load, p.temperature])).toEqual([
      [0.05, 0.3],
      [0.05, 2],
    ])
    expect(diagram.theory.map((t) => t.load)).toEqual([0, 0.05, 0.1, 0.2])
    expect(diagram.theory[0]).toEqual({ load: 0, spinGlassTemperature: 1, retrievalTemperature: 1 })
    expect(diagram.theory[3].retrievalTemperature).toBe(0)
    expect(() => phaseDiagram({ size: 60, loads: [0.05], temperatures: [0], key: key(1) })).toThrow(
      /phaseDiagram: temperatures must hold values > 0, got 0/,
    )
    expect(() => phaseDiagram({ size: 60, loads: [], temperatures: [1], key: key(1) })).toThrow(
      /phaseDiagram: loads must be a non-empty list, got an array of length 0/,
    )
  })
})
