import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../errors.js'
import { scatterPlot } from './scatter-plot.js'

const fixed = { xRange: [0, 10] as const, yRange: [0, 1] as const }

function classGroup(svg: string, c: number): string {
  const start = svg.indexOf(`<g class="series" data-class="${c}"`)
  expect(start).toBeGreaterThanOrEqual(0)
  return svg.slice(start, svg.indexOf('</g>', start))
}

describe('scatterPlot', () => {
  test('one circle per point, grouped and coloured by class', () => {
    const svg = scatterPlot({ x: [0, 5, 10, 5], y: [0, 0.5, 1, 1], classes: [0, 1, 0, 2] }, fixed)
    const zero = classGroup(svg, 0)
    expect(zero).toContain('fill="#4e79a7"')
    expect(zero.match(/<circle/g)).toHaveLength(2)
    expect(zero).toContain('<circle cx="58" cy="386" r="2.5"/>')
    expect(zero).toContain('<circle cx="620" cy="16" r="2.5"/>')
    expect(classGroup(svg, 1)).toContain('fill="#f28e2b"')
    expect(classGroup(svg, 1)).toContain('<circle cx="339" cy="201" r="2.5"/>')
    expect(classGroup(svg, 2)).toContain('fill="#e15759"')
  })

  test('the legend lists the classes present, by name', () => {
    const svg = scatterPlot(
      { x: [1, 2, 3], y: [1, 2, 3], classes: [7, 3, 7] },
      { classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'] },
    )
    const legend = svg.slice(svg.indexOf('<g class="legend">'))
    expect([...legend.matchAll(/dominant-baseline="middle">([^<]*)</g)].map((m) => m[1])).toEqual([
      'three',
      'seven',
    ])
  })

  test('without classes: one colour and no legend', () => {
    const svg = scatterPlot({ x: [1, 2], y: [1, 2] })
    expect(svg).not.toContain('class="legend"')
    expect(classGroup(svg, 0).match(/<circle/g)).toHaveLength(2)
  })

  test('a [N, 2] tensor-like of latent codes is read as points', () => {
    const codes = { shape: [2, 2], dataSync: () => new Float32Array([0, 0, 10, 1]) }
    const svg = scatterPlot({ points: codes, classes: [4, 4] }, fixed)
    expect(classGroup(svg, 4)).toContain(
      '<circle cx="58" cy="386" r="2.5"/><circle cx="620" cy="16" r="2.5"/>'.split('><').join('>\n<'),
    )
  })

  test('bad input throws', () => {
    expect(() => scatterPlot({ x: [0, Number.NaN], y: [0, 1] })).toThrow(
      'scatterPlot: x must be finite numbers, got NaN at index 1',
    )
    expect(() => scatterPlot({ x: [0, 1], y: [0, 1], classes: [0, 1.5] })).toThrow(
      'scatterPlot: classes must be integers >= 0, got 1.5 at index 1',
    )
    expect(() => scatterPlot({ x: [0, 1], y: [0, 1], classes: [0] })).toThrow(InvalidArgumentError)
    expect(() => scatterPlot({ points: { shape: [2, 3], data: new Float32Array(6) } })).toThrow(
      'scatterPlot: points must have shape [N, 2], got [2,3]',
    )
    expect(() => scatterPlot({ x: [0], y: [0] }, { opacity: 0 })).toThrow(/opacity must be in \(0, 1\]/)
  })
})
