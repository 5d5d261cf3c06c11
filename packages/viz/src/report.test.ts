import { describe, expect, test } from 'vitest'
import { InvalidArgumentError, ShapeError } from './errors.js'
import { encodeGif } from './gif.js'
import type { Image } from './image.js'
import { base64 } from './internal/base64.js'
import { linePlot } from './plot/line-plot.js'
import { decodePng, encodePng } from './png.js'
import { renderReport, type Report } from './report.js'

const image: Image = {
  width: 4,
  height: 2,
  channels: 1,
  data: new Uint8Array([0, 32, 64, 96, 128, 160, 192, 255]),
}

const report: Report = {
  title: 'Ising <16x16>',
  subtitle: 'seed 42',
  sections: [
    {
      title: 'Samples',
      blocks: [
        { kind: 'text', text: 'First paragraph & more.\n\nSecond one.' },
        { kind: 'image', image, caption: 'a lattice', scale: 3 },
      ],
    },
    {
      title: 'Magnetisation',
      blocks: [
        { kind: 'svg', svg: linePlot([{ label: 'm', x: [1, 2, 3], y: [1, 0.8, 0.1] }]), caption: 'm(T)' },
        {
          kind: 'table',
          columns: ['T', '<E>', 'note'],
          rows: [
            [2, -1.745512, 'ordered'],
            [3.5, Number.NaN, 'diverged'],
          ],
        },
      ],
    },
  ],
}

describe('renderReport', () => {
  const html = renderReport(report)

  test('one HTML document with its own style sheet, and the title escaped', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true)
    expect(html).toContain('<meta charset="utf-8">')
    expect(html).toContain('<title>Ising &lt;16x16&gt;</title>')
    expect(html).toContain('<h1>Ising &lt;16x16&gt;</h1>')
    expect(html).toContain('<p class="subtitle">seed 42</p>')
    expect(html.match(/<style>/g)).toHaveLength(1)
  })

  test('self-contained: no scripts, no links or sources outside the file', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<link/i)
    expect(html).not.toMatch(/\b(src|href)="(?!data:|#)/)
    expect(html).not.toMatch(/url\((?!#)/)
    // the only http text is the SVG namespace name, which is never fetched
    expect(html.match(/http/g)).toEqual(['http'])
    expect(html).toContain('xmlns="http://www.w3.org/2000/svg"')
  })

  test('a table of contents links the sections', () => {
    expect(html).toContain(
      '<li><a href="#section-1">Samples</a></li><li><a href="#section-2">Magnetisation</a></li>',
    )
    expect(html).toContain('<section id="section-2">')
  })

  test('text becomes escaped paragraphs', () => {
    expect(html).toContain('<p>First paragraph &amp; more.</p>\n<p>Second one.</p>')
  })

  test('an image is inlined as a PNG data URI that decodes back to the same pixels', () => {
    const match =
      /<img class="pixels" src="data:image\/png;base64,([A-Za-z0-9+/=]+)" width="12" alt="a lattice">/.exec(
        html,
      )
    expect(match).not.toBeNull()
    const bytes = new Uint8Array(Buffer.from(match![1], 'base64'))
    expect(decodePng(bytes)).toEqual(image)
    expect(html).toContain('<figcaption>a lattice</figcaption>')
  })

  test('the SVG plot is inlined as is', () => {
    expect(html).toContain('<figure><svg xmlns="http://www.w3.org/2000/svg" width="640"')
    expect(html).toContain('<figcaption>m(T)</figcaption>')
  })

  test('tables: headers escaped, numbers right-aligned to 4 significant digits, NaN shown', () => {
    expect(html).toContain('<thead><tr><th>T</th><th>&lt;E&gt;</th><th>note</th></tr></thead>')
    expect(html).toContain('<tr><td class="number">2</td><td class="number">-1.746</td><td>ordered</td></tr>')
    expect(html).toContain('<td class="number">NaN</td>')
  })

  test('the same input gives the same bytes', () => {
    expect(renderReport(report)).toBe(html)
  })

  test('PNG and GIF bytes are inlined with their types; the default scale makes small images readable', () => {
    const gif = encodeGif([image, image])
    const out = renderReport({
      title: 't',
      sections: [
        {
          title: 's',
          blocks: [
            { kind: 'image', image: gif },
            { kind: 'image', image: encodePng(image) },
          ],
        },
      ],
    })
    expect(out).toContain(`src="data:image/gif;base64,${base64(gif)}" width="32"`)
    // a 4-pixel-wide image shows at the largest scale, 8
    expect(out).toMatch(/src="data:image\/png;base64,[^"]+" width="32"/)
  })

  test('bad blocks throw, naming where they are', () => {
    const one = (block: unknown): Report => ({
      title: 't',
      sections: [{ title: 's', blocks: [block as never] }],
    })
    expect(() => renderReport(one({ kind: 'video' }))).toThrow(
      'renderReport: sections[0].blocks[0].kind must be text, image, svg or table, got video',
    )
    expect(() => renderReport(one({ kind: 'image', image: new Uint8Array([1, 2, 3]) }))).toThrow(
      InvalidArgumentError,
    )
    expect(() =>
      renderReport(
        one({ kind: 'image', image: { width: 2, height: 2, channels: 1, data: new Uint8Array(3) } }),
      ),
    ).toThrow(ShapeError)
    expect(() => renderReport(one({ kind: 'svg', svg: '<svg><script>alert(1)</script></svg>' }))).toThrow(
      /must be self-contained/,
    )
    expect(() =>
      renderReport(one({ kind: 'svg', svg: '<svg><image href="http://x/y.png"/></svg>' })),
    ).toThrow(/must be self-contained/)
    expect(() => renderReport(one({ kind: 'svg', svg: '<div></div>' }))).toThrow(
      /must be one <svg>...<\/svg> document/,
    )
    expect(() => renderReport(one({ kind: 'table', columns: ['a', 'b'], rows: [[1]] }))).toThrow(
      'renderReport: sections[0].blocks[0].rows[0] must have 2 cells, got 1',
    )
    expect(() => renderReport(one({ kind: 'image', image, scale: 0 }))).toThrow(
      /scale must be a positive integer, got 0/,
    )
  })
})

describe('base64', () => {
  test.each([0, 1, 2, 3, 4, 5, 255, 256, 4000])('agrees with Buffer for %i bytes', (length) => {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + 7) & 255)
    expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
  })
})

describe('renderReport refuses SVG that could run code or load from elsewhere', () => {
  const svgBlock = (svg: string): Report => ({
    title: 't',
    sections: [{ title: 's', blocks: [{ kind: 'svg', svg }] }],
  })
  test.each([
    ['an event handler', '<svg onload="alert(1)"></svg>'],
    ['an event handler on a child', '<svg><rect width="1" onmouseover = "x()"/></svg>'],
    ['an embedded document', '<svg><foreignObject><iframe src="http://x"></iframe></foreignObject></svg>'],
    ['a javascript: URL', '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'],
    ['an outside CSS url()', '<svg><style>rect { fill: url(http://x/p.svg#a) }</style></svg>'],
    ['a CSS @import', '<svg><style>@import "http://x/s.css";</style></svg>'],
    ['an unquoted outside src', '<svg><image src=http://x/y.png /></svg>'],
  ])('%s', (_, svg) => {
    expect(() => renderReport(svgBlock(svg))).toThrow(/must be self-contained/)
  })

  test('local references stay allowed: clip paths, #ids and data: images', () => {
    const svg =
      '<svg><defs><clipPath id="c"><rect width="5" height="5"/></clipPath></defs><g clip-path="url(#c)"><use href="#c"/><image href="data:image/png;base64,AAAA"/></g></svg>'
    expect(renderReport(svgBlock(svg))).toContain('clip-path="url(#c)"')
    expect(renderReport(svgBlock(linePlot([{ x: [0, 1], y: [0, 1] }])))).toContain('<svg')
  })
})
