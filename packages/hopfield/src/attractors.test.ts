import { key } from '@gen/core-tensor'
import { describe, expect, test } from 'vitest'
import { basinCurve, spuriousCensus } from './attractors'
import { denseCapacityCurve, denseCapacityScaling } from './dense'

describe('attractor experiments: shapes and validation', () => {
  test('one stored pattern: every probe closer than half the units returns, so the radius is the largest level', () => {
    const [point] = basinCurve({ size: 64, loads: [1 / 64], flipFractions: [0.1, 0.3, 0.45], key: key(1) })
    expect(point.patterns).toBe(1)
    expect(point.retrievedFractions).toEqual([1, 1, 1])
    expect(point.basinRadius).toBe(0.45)
  })

  test('one stored pattern: random starts end on it or on its reverse, nothing else', () => {
    const census = spuriousCensus({ size: 64, patternCount: 1, key: key(2), starts: 50 })
    expect(census.classes.map((c) => c.kind).sort()).toEqual(['pattern', 'reversed'])
    expect(census.distinctFixedPoints).toBe(2)
    for (const c of census.classes) expect(c.meanTopOverlaps).toEqual([1])
  })

  test('bad options throw typed errors', () => {
    expect(() => basinCurve({ size: 64, loads: [0.1], flipFractions: [0.3, 0.2], key: key(1) })).toThrow(
      /basinCurve: flipFractions must increase, got 0.3 then 0.2/,
    )
    expect(() => basinCurve({ size: 64, loads: [0.1], flipFractions: [0.6], key: key(1) })).toThrow(
      /basinCurve: flipFractions must be in \[0, 0.5\], got 0.6/,
    )
    expect(() => spuriousCensus({ size: 64, patternCount: 0, key: key(1) })).toThrow(
      /spuriousCensus: patternCount must be a positive integer, got 0/,
    )
    expect(() => spuriousCensus({ size: 64, patternCount: 2, key: key(1), rule: 'oja' as never })).toThrow(
      /spuriousCensus: rule must be 'hebbian', 'storkey' or 'pseudo-inverse', got oja/,
    )
    expect(() =>
      denseCapacityCurve({
        size: 10,
        patternCounts: [],
        interaction: { kind: 'exponential' },
        key: key(1),
      }),
    ).toThrow(/denseCapacityCurve: patternCounts must be a non-empty list, got an array of length 0/)
    expect(() =>
      denseCapacityScaling({
        sizes: [10],
        interactions: [{ kind: 'exponential' }],
        key: key(1),
        threshold: 2,
      }),
    ).toThrow(/denseCapacityScaling: threshold must be in \[0, 1\], got 2/)
  })
})
