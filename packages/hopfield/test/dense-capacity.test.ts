// Dense associative memory capacity (Krotov and Hopfield 2016; Demircigil et al. 2017): N = 100,
// probes with 10% of the bits flipped, asynchronous recall to a fixed point, exact recall counted.
import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import { capacityCurve, denseCapacityCurve, denseCapacityScaling, type Interaction } from '../src/index'

const full = isFullRun()

describe('dense associative memory at N = 100, 10% flipped probes', () => {
  test('cubic F(x) = x³ recalls K = 200 patterns exactly in ≥ 95% of probes; the classic rule fails at K = 20', () => {
    const [cubic] = denseCapacityCurve({
      size: 100,
      patternCounts: [200],
      interaction: { kind: 'polynomial', degree: 3 },
      key: key(200),
      probesPerTrial: 100,
      trials: full ? 4 : 1,
    })
    console.log('cubic K=200', cubic)
    expect(cubic.perfectFraction).toBeGreaterThanOrEqual(0.95)
    const [quadratic] = denseCapacityCurve({
      size: 100,
      patternCounts: [20],
      interaction: { kind: 'polynomial', degree: 2 },
      key: key(20),
      trials: 5,
    })
    const [hebbian] = capacityCurve({ size: 100, loads: [0.2], key: key(21), trials: 5 })
    console.log('quadratic K=20', quadratic, 'hebbian K=20', hebbian)
    // At α = 0.2 > 0.138 most probes end off the pattern (perfect recall well under half).
    expect(quadratic.perfectFraction).toBeLessThan(0.5)
    expect(hebbian.perfectFraction).toBeLessThan(0.5)
  })

  test('exponential F(x) = eˣ recalls K = 5000 patterns', { tags: ['slow'] }, () => {
    const started = performance.now()
    const [point] = denseCapacityCurve({
      size: 100,
      patternCounts: [5000],
      interaction: { kind: 'exponential' },
      key: key(5000),
      probesPerTrial: full ? 200 : 40,
    })
    console.log(
      `exponential K=5000: ${point.probes} probes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      point,
    )
    expect(point.perfectFraction).toBeGreaterThanOrEqual(0.95)
  })

  test(
    'capacity grows like N^{n−1} for F(x) = xⁿ (log–log slopes near 1, 2, 3, as the signal-to-noise estimate) and faster for eˣ',
    { tags: ['slow'] },
    () => {
      const started = performance.now()
      const interactions = [2, 3, 4].map((degree): Interaction => ({ kind: 'polynomial', degree }))
      const sizes = full ? [32, 64, 128] : [40, 80]
      const points = denseCapacityScaling({
        sizes,
        interactions,
        key: key(9),
        probes: full ? 60 : 30,
        maxPatterns: 1 << 15,
      })
      console.log(`scaling in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      for (const p of points) console.log(p.interaction, p.size, p.capacity, p.capped, p.theory?.toFixed(1))
      const slope = (row: number[]): number =>
        Math.log2(row[row.length - 1] / row[0]) / Math.log2(sizes[sizes.length - 1] / sizes[0])
      for (const degree of [2, 3, 4]) {
        const row = points.filter(
          (p) => p.interaction.kind === 'polynomial' && p.interaction.degree === degree,
        )
        const measured = slope(row.map((p) => p.capacity))
        const theory = slope(row.map((p) => p.theory ?? Number.NaN))
        // Theory slope is n − 1 − 1/ln N (the log factor); finite-N noise of a 0.9 threshold allows ±0.6.
        expect(Math.abs(measured - theory)).toBeLessThan(0.6)
        for (const p of row) expect(p.capped).toBe(false)
      }
      // The exponential interaction stores more than the quartic one at the smallest N (it reaches the cap).
      const [exponential] = denseCapacityScaling({
        sizes: [sizes[0]],
        interactions: [{ kind: 'exponential' }],
        key: key(10),
        probes: 30,
        maxPatterns: 2048,
      })
      const quartic = points.find(
        (p) => p.size === sizes[0] && p.interaction.kind === 'polynomial' && p.interaction.degree === 4,
      )!
      console.log('exponential', exponential)
      expect(exponential.capacity).toBeGreaterThan(2 * quartic.capacity)
    },
  )
})
