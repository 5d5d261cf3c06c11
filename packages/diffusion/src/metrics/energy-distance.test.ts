import { InvalidArgumentError, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { energyDistance } from './energy-distance'

describe('energyDistance', () => {
  it('matches a hand computation in 1-D', () => {
    // x = {0, 1}, y = {0, 2}: cross distances 0, 2, 1, 1 (mean 1); within x: 1; within y: 2
    expect(energyDistance([0, 1], [0, 2], 1)).toBe(2 * 1 - 1 - 2)
    // x = {0, 1, 3}, y = {1, 2}: cross |0-1|,|0-2|,|1-1|,|1-2|,|3-1|,|3-2| = 1,2,0,1,2,1 -> 7/6;
    // within x: 1, 3, 2 -> 2; within y: 1
    expect(energyDistance([0, 1, 3], [1, 2], 1)).toBeCloseTo((2 * 7) / 6 - 2 - 1, 15)
  })

  it('matches a hand computation in 2-D (a unit square against its centre pair)', () => {
    const square = [0, 0, 1, 0, 0, 1, 1, 1]
    const centre = [0.5, 0.5, 0.5, 0.5]
    // cross: every corner is sqrt(0.5) from the centre; within the square: 4 sides of 1 and 2 diagonals of sqrt 2
    const expected = 2 * Math.SQRT1_2 - (4 + 2 * Math.SQRT2) / 6 - 0
    expect(energyDistance(square, centre, 2)).toBeCloseTo(expected, 15)
  })

  it('is symmetric, near 0 for two samples of one law and clearly positive for shifted ones', () => {
    const a = normalFloats(key(1), 2000, 'float64')
    const b = normalFloats(key(2), 2000, 'float64')
    const shifted = b.map((v) => v + 0.5)
    expect(energyDistance(a, b, 2)).toBeCloseTo(energyDistance(b, a, 2), 12)
    expect(Math.abs(energyDistance(a, b, 2))).toBeLessThan(0.01)
    // a shift of (0.5, 0.5) against a null spread of a few 1e-3
    expect(energyDistance(a, shifted, 2)).toBeGreaterThan(0.1)
  })

  it('rejects bad input', () => {
    expect(() => energyDistance([1], [1, 2], 1)).toThrow(
      'energyDistance: x must hold at least 2 points of dim 1 (length a multiple of 1), got length 1',
    )
    expect(() => energyDistance([1, 2, 3], [1, 2, 3, 4], 2)).toThrow(InvalidArgumentError)
    expect(() => energyDistance([1, Number.NaN], [1, 2], 1)).toThrow(
      'energyDistance: x must hold finite numbers, got NaN at index 1',
    )
    expect(() => energyDistance([1, 2], [1, 2], 0)).toThrow(
      'energyDistance: dim must be an integer >= 1, got 0',
    )
  })
})
