import { describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../errors.js'
import { linePlot } from './line-plot.js'

// Default frame: 640x420 with no title or axis labels puts the plotting area at
// x in [58, 620] and y in [16, 386].
const fixed = { xRange: [0, 10] as const, yRange: [0, 1] as const }

function group(svg: string, cls: string, index = 0): string {
  const start = svg.indexOf(`<g class="${cls}" data-${cls === 'curve' ? 'curve' : 'series'}="${index}">`)
  expect(start).toBeGreaterThanOrEqual(0)
  return svg.slice(start, svg.indexOf('</g>', start))
}

describe('linePlot', () => {
  test('a standalone SVG document with its size', () => {
    const svg = linePlot([{ x: [0, 1], y: [0, 1] }])
    expect(
      svg.startsWith(
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420" viewBox="0 0 640 420"',
      ),
    ).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  })

  test('points land at their data coordinates', () => {
    const svg = linePlot([{ x: [0, 5, 10], y: [0, 0.5, 1] }], fixed)
    const series = group(svg, 'series')
    expect(series).toContain('<polyline points="58,386 339,201 620,16"')
    expect(series).toContain('<circle cx="339" cy="201" r="3"')
    expect(series.match(/<circle/g)).toHaveLength(3)
  })

  test('error bars span y ± error with caps', () => {
    const svg = linePlot([{ x: [5], y: [0.5], yError: [0.1] }], fixed)
    // y = 0.4 -> 386 - 0.4 * 370 = 238, y = 0.6 -> 164
    expect(group(svg, 'series')).toContain('d="M339 238V164M336 238H342M336 164H342"')
  })

  test('an exact curve is sampled across the x axis and drawn dashed', () => {
    const svg = linePlot([{ x: [0, 10], y: [0, 1] }], {
      ...fixed,
      curves: [{ label: 'exact', f: (x) => x / 10, samples: 3 }],
    })
    const curve = group(svg, 'curve')
    expect(curve).toContain(
      '<polyline points="58,386 339,201 620,16" fill="none" stroke="#333333" stroke-width="2" stroke-dasharray="6 4"',
    )
  })

  test('a curve breaks where it is not finite', () => {
    const svg = linePlot([], { ...fixed, curves: [{ f: (x) => (x === 5 ? Number.NaN : 0.5), samples: 5 }] })
    // samples at 0, 2.5, 5, 7.5, 10: the NaN at 5 splits the line in two pieces
    expect(group(svg, 'curve').match(/<polyline/g)).toHaveLength(2)
  })

  test('ticks: x from 0 to 10 by 2, y from 0 to 1 by 0.2, at their pixels', () => {
    const svg = linePlot([{ x: [0, 10], y: [0, 1] }], fixed)
    const xLabels = [...svg.matchAll(/<text x="([\d.]+)" y="404" text-anchor="middle">([^<]*)<\/text>/g)].map(
      (m) => [m[1], m[2]],
    )
    expect(xLabels).toEqual([
      ['58', '0'],
      ['170.4', '2'],
      ['282.8', '4'],
      ['395.2', '6'],
      ['507.6', '8'],
      ['620', '10'],
    ])
    const yLabels = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]*)</g)].map(
      (m) => m[1],
    )
    expect(yLabels).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'])
  })

  test('default ranges pad the data (and its error bars) by 5%', () => {
    const svg = linePlot([{ x: [0, 10], y: [1, 1], yError: [0.5, 0.5] }])
    // y data range [0.5, 1.5] padded to [0.45, 1.55]: y = 1 is the middle, 201
    expect(group(svg, 'series')).toContain('<circle cx="83.55" cy="201" r="3"')
  })

  test('the legend names labelled series and curves, with their colours', () => {
    const svg = linePlot(
      [
        { label: 'Metropolis', x: [1, 2], y: [1, 2] },
        { label: 'Wolff', x: [1, 2], y: [2, 1], color: '#000000' },
      ],
      { curves: [{ label: 'Onsager', f: () => 1.5 }], title: 'm(T)', xLabel: 'T', yLabel: 'm' },
    )
    const legend = svg.slice(svg.indexOf('<g class="legend">'))
    expect([...legend.matchAll(/dominant-baseline="middle">([^<]*)</g)].map((m) => m[1])).toEqual([
      'Metropolis',
      'Wolff',
      'Onsager',
    ])
    expect(legend).toContain('stroke="#4e79a7"')
    expect(legend).toContain('stroke="#000000"')
    expect(legend).toContain('stroke-dasharray="6 4"')
    expect(svg).toContain('font-weight="bold">m(T)</text>')
    expect(svg).toContain('rotate(-90 16')
  })

  test('text is escaped', () => {
    const svg = linePlot([{ label: '<E> & C', x: [0], y: [0] }], { title: 'a<b' })
    expect(svg).toContain('&lt;E&gt; &amp; C')
    expect(svg).toContain('a&lt;b')
    expect(svg).not.toContain('<E>')
  })

  test('log axes place decades evenly', () => {
    const svg = linePlot([{ x: [1, 10, 100], y: [1, 10, 100] }], { xScale: 'log', yScale: 'log' })
    expect(group(svg, 'series')).toContain('<polyline points="58,386 339,201 620,16"')
  })

  test('marks are clipped to the plotting area through a clip path', () => {
    const svg = linePlot([{ x: [0, 1], y: [0, 1] }])
    const id = /<clipPath id="([^"]+)"><rect x="58" y="16" width="562" height="370"\/><\/clipPath>/.exec(
      svg,
    )?.[1]
    expect(id).toBeDefined()
    expect(svg).toContain(`<g clip-path="url(#${id})">`)
  })

  test('NaN in the data throws, naming the series and index, instead of drawing nothing', () => {
    const call = (): string =>
      linePlot([
        { x: [0, 1], y: [0, 1] },
        { x: [0, 1, 2], y: [0, Number.NaN, 2] },
      ])
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow('linePlot: series[1].y must be finite numbers, got NaN at index 1')
  })

  test('mismatched lengths, negative errors and non-positive values on a log axis throw', () => {
    expect(() => linePlot([{ x: [0, 1], y: [0] }])).toThrow(
      'linePlot: series[0].y must have the length of series[0].x (2), got 1',
    )
    expect(() => linePlot([{ x: [0], y: [0], yError: [-1] }])).toThrow(
      /yError must be >= 0, got -1 at index 0/,
    )
    expect(() => linePlot([{ x: [0, 1], y: [1, 2] }], { xScale: 'log' })).toThrow(
      'linePlot: series[0].x must be > 0 on a log axis, got 0 at index 0',
    )
    expect(() => linePlot([], { width: 10 })).toThrow('linePlot: width must be a number >= 160, got 10')
    expect(() => linePlot([], { curves: [{ f: () => 0, samples: 1 }] })).toThrow(
      /samples must be an integer >= 2/,
    )
  })
})

describe('linePlot colours', () => {
  test('accepts hex, names and rgb(); refuses anything that could leave the attribute', () => {
    for (const color of [
      '#1f77b4',
      '#abc',
      'red',
      'rgb(31, 119, 180)',
      'rgba(0,0,0,0.5)',
      'hsl(120 50% 50%)',
    ])
      expect(linePlot([{ x: [0, 1], y: [0, 1], color }])).toContain(`stroke="${color}"`)
    expect(() => linePlot([{ x: [0, 1], y: [0, 1], color: 'red" onmouseover="alert(1)' }])).toThrow(
      /linePlot: series\[0\]\.color must be a CSS colour/,
    )
    expect(() => linePlot([], { curves: [{ f: (x) => x, color: 'url(http://x)' }] })).toThrow(
      /linePlot: options\.curves\[0\]\.color must be a CSS colour/,
    )
  })
})
