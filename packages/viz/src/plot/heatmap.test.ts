import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../errors.js'
import { heatmapPlot, histogram2d, histogram2dPlot } from './heatmap.js'

function cells(svg: string): string[] {
  const start = svg.indexOf('<g class="cells">')
  expect(start).toBeGreaterThanOrEqual(0)
  return svg.slice(start, svg.indexOf('</g>', start)).match(/<rect [^>]*>/g) ?? []
}

describe('histogram2d', () => {
  test('counts points in equal bins, row 0 = lowest y', () => {
    const h = histogram2d([0.1, 0.2, 0.9, 0.6], [0.1, 0.1, 0.9, 0.2], {
      bins: 2,
      xRange: [0, 1],
      yRange: [0, 1],
    })
    expect(Array.from(h.counts)).toEqual([2, 1, 0, 1])
    expect(Array.from(h.xEdges)).toEqual([0, 0.5, 1])
    expect(h.outside).toBe(0)
  })

  test('the right edge falls in the last bin; points outside are counted apart', () => {
    const h = histogram2d([0, 1, 1.5, -0.25], [0, 1, 0, 0], { bins: [4, 1], xRange: [0, 1], yRange: [0, 1] })
    expect(Array.from(h.counts)).toEqual([1, 0, 0, 1])
    expect(h.outside).toBe(2)
  })

  test('interior edges belong to the bin above them, as in numpy', () => {
    const h = histogram2d([0.25, 0.5, 0.75], [0, 0, 0], { bins: [4, 1], xRange: [0, 1], yRange: [0, 1] })
    expect(Array.from(h.counts)).toEqual([0, 1, 1, 1])
  })

  test('the default range is the data min..max, and bins can differ per axis', () => {
    const h = histogram2d([2, 4, 6], [10, 20, 30], { bins: [2, 3] })
    expect([h.xBins, h.yBins]).toEqual([2, 3])
    expect(Array.from(h.xEdges)).toEqual([2, 4, 6])
    expect(Array.from(h.counts)).toEqual([1, 0, 0, 1, 0, 1])
  })

  test('bad input throws', () => {
    expect(() => histogram2d([0, Number.NaN], [0, 0])).toThrow(
      'histogram2d: x must be finite numbers, got NaN at index 1',
    )
    expect(() => histogram2d([0], [0, 1])).toThrow(/y must have the length of x \(1\), got 2/)
    expect(() => histogram2d([0], [0], { bins: 0 })).toThrow(InvalidArgumentError)
    expect(() => histogram2d([0], [0], { xRange: [1, 1] })).toThrow(
      'histogram2d: xRange must be [min, max] with min < max, got [1, 1]',
    )
  })
})

describe('histogram2dPlot', () => {
  test('draws one cell per non-empty bin, the fullest in the top colour, with a colorbar', () => {
    const svg = histogram2dPlot([0.1, 0.2, 0.9], [0.1, 0.1, 0.9], { bins: 2, xRange: [0, 1], yRange: [0, 1] })
    const rects = cells(svg)
    expect(rects).toHaveLength(2)
    // count 2 of max 2 -> viridis(1); count 1 -> viridis(0.5)
    expect(rects.filter((r) => r.includes('fill="rgb(253,231,37)"'))).toHaveLength(1)
    expect(rects.filter((r) => r.includes('fill="rgb(33,144,141)"'))).toHaveLength(1)
    // Plot area with the colorbar margin: x in [58, 548], y in [16, 386]; bin (0, 0) is the lower left.
    expect(rects.find((r) => r.includes('rgb(253,231,37)'))).toContain(
      'x="58" y="201" width="245.3" height="185.3"',
    )
    expect(svg).toContain('<g class="colorbar">')
  })
})

describe('heatmapPlot', () => {
  test('cell (r, c) is drawn with row 0 at the top; zero weights are white under the diverging map', () => {
    const weights = { shape: [2, 3], data: [0.5, -0.5, 0, 1, -1, 0.25] }
    const svg = heatmapPlot(weights, { range: 'symmetric', colormap: 'diverging' })
    const rects = cells(svg)
    expect(rects).toHaveLength(6)
    expect(rects[2]).toContain('fill="rgb(247,247,247)"')
    expect(rects[3]).toContain('fill="rgb(178,24,43)"')
    expect(rects[4]).toContain('fill="rgb(33,102,172)"')
    // columns span [58, 548] in thirds, rows [16, 386] in halves
    expect(rects[0]).toContain('x="58" y="16"')
    expect(rects[4]).toContain('x="221.33" y="201"')
  })

  test('the colorbar ticks span the range', () => {
    const svg = heatmapPlot({ shape: [1, 2], data: [0, 10] })
    const bar = svg.slice(svg.indexOf('<g class="colorbar">'))
    expect([...bar.matchAll(/dominant-baseline="middle">([^<]*)</g)].map((m) => m[1])).toEqual([
      '0',
      '2',
      '4',
      '6',
      '8',
      '10',
    ])
  })

  test('a shape that is not 2-D or a NaN throws', () => {
    expect(() => heatmapPlot([1, 2, 3])).toThrow(
      'heatmapPlot: values must have a 2-D shape [rows, columns] with rows, columns >= 1, got [3]',
    )
    expect(() => heatmapPlot({ shape: [1, 2], data: [0, Number.NaN] })).toThrow(/got NaN at index 1/)
  })
})
