import { describe, expect, test } from 'vitest'
import { colormapColor, colormapCss } from './colormap.js'
import { InvalidArgumentError } from './errors.js'

describe('colormapColor', () => {
  test('ends and anchors are the published colours', () => {
    expect(colormapColor('viridis', 0)).toEqual([68, 1, 84])
    expect(colormapColor('viridis', 1)).toEqual([253, 231, 37])
    expect(colormapColor('magma', 1)).toEqual([252, 253, 191])
    expect(colormapColor('diverging', 0)).toEqual([33, 102, 172])
    expect(colormapColor('diverging', 0.5)).toEqual([247, 247, 247])
    expect(colormapColor('diverging', 1)).toEqual([178, 24, 43])
  })

  test('between anchors it interpolates linearly and rounds', () => {
    // gray: (1 - t) * 0 + t * 255 at t = 0.3 is 76.5, rounded to 77
    expect(colormapColor('gray', 0.3)).toEqual([77, 77, 77])
    // viridis, t = 1/16: halfway between anchors 0 and 1: (68+71)/2, (1+44)/2, (84+122)/2
    expect(colormapColor('viridis', 1 / 16)).toEqual([70, 23, 103])
  })

  test('t is clamped to [0, 1]', () => {
    expect(colormapColor('gray', -3)).toEqual([0, 0, 0])
    expect(colormapColor('gray', 1.0004)).toEqual([255, 255, 255])
  })

  test('NaN and unknown names throw', () => {
    expect(() => colormapColor('gray', Number.NaN)).toThrow(
      'colormapColor: t must be a number in [0, 1], got NaN',
    )
    expect(() => colormapColor('jet' as never, 0.5)).toThrow(InvalidArgumentError)
  })

  test('colormapCss writes rgb()', () => {
    expect(colormapCss('viridis', 0)).toBe('rgb(68,1,84)')
  })
})
