// Basins of attraction and spurious states of the Hebbian network.
import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import { basinCurve, spuriousCensus } from '../src/index'

const full = isFullRun()

describe('basins of attraction against load', () => {
  test(
    'the basin radius shrinks with α and is gone above α_c; the pseudo-inverse rule keeps a basin at α = 0.2',
    { tags: ['slow'] },
    () => {
      const started = performance.now()
      const flipFractions = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
      const size = full ? 1000 : 400
      const points = basinCurve({
        size,
        loads: [0.02, 0.06, 0.1, 0.2],
        flipFractions,
        key: key(31),
        probesPerTrial: full ? 20 : 10,
      })
      console.log(
        `basins N=${size} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        points.map((p) => [p.load, p.basinRadius]),
      )
      const radii = points.map((p) => p.basinRadius)
      for (let i = 1; i < radii.length; i++) expect(radii[i]).toBeLessThan(radii[i - 1])
      expect(radii[0]).toBeGreaterThan(0.35)
      expect(radii[3]).toBeLessThan(0.05)
      const [projection] = basinCurve({
        size,
        loads: [0.2],
        flipFractions,
        key: key(31),
        probesPerTrial: 10,
        rule: 'pseudo-inverse',
      })
      expect(projection.basinRadius).toBeGreaterThan(0.1)
    },
  )
})

describe('spurious states from random starts (N = 500, P = 5)', () => {
  test('patterns and reversed patterns are reached equally often; 3-mixtures have |m| ≈ ½ and E/N ≈ −3/8 against −1/2', () => {
    const census = spuriousCensus({ size: 500, patternCount: 5, key: key(7), starts: full ? 1000 : 300 })
    console.log(census)
    const find = (kind: string, order: number) =>
      census.classes.find((c) => c.kind === kind && c.order === order)
    const pattern = find('pattern', 1)!
    const reversed = find('reversed', 1)!
    const mixture = find('mixture', 3)!
    const total = census.classes.reduce((s, c) => s + c.fraction, 0)
    expect(total).toBeCloseTo(1, 12)
    // E(−s) = E(s): the two shares differ only by sampling noise (binomial SE of the difference).
    const se = Math.sqrt((pattern.fraction + reversed.fraction) / census.starts)
    expect(Math.abs(pattern.fraction - reversed.fraction)).toBeLessThan(3 * se)
    expect(mixture.fraction).toBeGreaterThan(0.05)
    for (const m of mixture.meanTopOverlaps) expect(Math.abs(m - 0.5)).toBeLessThan(0.06)
    // Cross-talk O(√(P/N)) moves the energies by a few hundredths.
    expect(pattern.meanEnergyPerUnit).toBeCloseTo(-0.5, 2)
    expect(Math.abs(mixture.meanEnergyPerUnit + 0.375)).toBeLessThan(0.03)
    expect(census.distinctFixedPoints).toBeGreaterThanOrEqual(10)
  })
})
