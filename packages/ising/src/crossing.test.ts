import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { binderCrossing } from './crossing'
import { exactObservables, parseDensityOfStates } from './exact/dos'
import { ONSAGER_TC } from './exact/onsager'

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')

describe('binderCrossing', () => {
  test('exact U4 of L = 6 and L = 8 tori cross near Tc; grid interpolation agrees with bisection', () => {
    const g6 = parseDensityOfStates(fixture('g_L6.txt'), 36)
    const g8 = parseDensityOfStates(fixture('g_L8.txt'), 64)
    const u6 = (T: number): number => exactObservables(g6, T).u4
    const u8 = (T: number): number => exactObservables(g8, T).u4
    // Bisection on the exact difference.
    let lo = 2
    let hi = 2.6
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2
      if (u8(mid) - u6(mid) > 0) lo = mid
      else hi = mid
    }
    const exact = (lo + hi) / 2
    expect(Math.abs(exact - ONSAGER_TC)).toBeLessThan(0.05)
    const temps = Array.from({ length: 13 }, (_, k) => 2 + 0.05 * k)
    const c = binderCrossing(temps, temps.map(u6), temps.map(u8))
    expect(c).not.toBeNull()
    expect(Math.abs((c?.temperature ?? 0) - exact)).toBeLessThan(2e-3)
    expect(c?.error).toBe(0)
    expect(temps[c?.index ?? 0]).toBeLessThanOrEqual(exact)
  })
  test('error propagation through the linear interpolation', () => {
    // ΔU = +0.1 at T = 2 and −0.1 at T = 3: T* = 2.5; σ_ΔU = √2·0.01 at each end.
    const c = binderCrossing(
      [2, 3],
      [
        { value: 0.5, error: 0.01 },
        { value: 0.3, error: 0.01 },
      ],
      [
        { value: 0.6, error: 0.01 },
        { value: 0.2, error: 0.01 },
      ],
    )
    expect(c?.temperature).toBeCloseTo(2.5, 14)
    // w √(b² v_a + a² v_b)/D² = 1·√(0.01·2e-4·2)/0.04
    expect(c?.error).toBeCloseTo(Math.sqrt(0.01 * 2e-4 * 2) / 0.04, 14)
    expect(binderCrossing([1, 2], [0.1, 0.1], [0.2, 0.3])).toBeNull()
  })
  test('bad input is a typed error', () => {
    expect(() => binderCrossing([1], [0], [0])).toThrow(
      'binderCrossing: temperatures must hold at least 2 points, got 1',
    )
    expect(() => binderCrossing([1, 1], [0, 0], [0, 0])).toThrow(/strictly increasing, got 1 then 1/)
    expect(() => binderCrossing([1, 2], [0], [0, 0])).toThrow(/one value per temperature/)
  })
})
