/**
 * Self-contained HTML reports: a title, sections of text, images (PNG or GIF inlined as data
 * URIs), SVG plots (inlined) and tables, in one file with its own style sheet and no
 * scripts or outside references, so it opens anywhere, offline, and can be mailed or archived.
 * The report is plain data; {@link renderReport} turns it into the HTML text (write it with
 * `writeReport` from `@gen/viz/node`, or offer it as a download in a browser).
 */
import { InvalidArgumentError } from './errors.js'
import { checkImage, type Image } from './image.js'
import { base64 } from './internal/base64.js'
import { encodePng } from './png.js'
import { escapeXml } from './plot/axes.js'
import { describe } from './internal/describe.js'

/** A paragraph block: blank lines split the text into paragraphs. */
export interface TextBlock {
  /** Block kind. */
  kind: 'text'
  /** Plain text (escaped; not HTML). */
  text: string
}

/** An image block: an {@link Image} (encoded as PNG) or the bytes of a PNG or GIF file. */
export interface ImageBlock {
  /** Block kind. */
  kind: 'image'
  /** The picture. */
  image: Image | Uint8Array
  /** Caption under the picture. */
  caption?: string
  /**
   * Integer display scale, drawn crisp (`image-rendering: pixelated`); default: the largest
   * factor up to 8 that keeps the width within 256 pixels, so a 28×28 digit shows 8× (224 px).
   */
  scale?: number
}

/** An SVG block: a plot from this package, or any standalone SVG without scripts. */
export interface SvgBlock {
  /** Block kind. */
  kind: 'svg'
  /** The SVG document text. */
  svg: string
  /** Caption under the plot. */
  caption?: string
}

/** A table block: a header row and rows of strings or numbers. */
export interface TableBlock {
  /** Block kind. */
  kind: 'table'
  /** Column headings. */
  columns: readonly string[]
  /** Rows, each with one cell per column; numbers are right-aligned. */
  rows: readonly (readonly (string | number)[])[]
  /** Caption above the table. */
  caption?: string
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number
}

/** One piece of a report section. */
export type ReportBlock = TextBlock | ImageBlock | SvgBlock | TableBlock

/** A titled section of a report. */
export interface ReportSection {
  /** Section heading. */
  title: string
  /** The blocks, in order. */
  blocks: readonly ReportBlock[]
}

/** A whole report: plain data, rendered by {@link renderReport}. */
export interface Report {
  /** Page title and top heading. */
  title: string
  /** A line under the title (a run's settings, a date: the report reads no clock itself). */
  subtitle?: string
  /** The sections, in order; more than one gets a table of contents. */
  sections: readonly ReportSection[]
}

const style = `body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.subtitle{color:#666;margin-top:0}nav ol{padding-left:1.4em}figure{margin:1em 0}figcaption{color:#555;font-size:.9em;margin-top:.3em}
img.pixels{image-rendering:pixelated;image-rendering:crisp-edges}
table{border-collapse:collapse;margin:1em 0;font-size:.95em}th,td{border:1px solid #ccc;padding:.25em .6em}th{background:#f3f3f3}
td.number{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;color:#555;padding-bottom:.3em}`

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  return bytes.length >= 24 && signature.every((b, i) => bytes[i] === b)
}

function isGif(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && /^GIF8[79]a$/.test(String.fromCharCode(...bytes.subarray(0, 6)))
}

function imageHtml(op: string, block: ImageBlock, where: string): string {
  let bytes: Uint8Array
  let mime: string
  let width: number
  if (block.image instanceof Uint8Array) {
    bytes = block.image
    if (isPng(bytes)) {
      mime = 'image/png'
      width = ((bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]) >>> 0
    } else if (isGif(bytes)) {
      mime = 'image/gif'
      width = bytes[6] | (bytes[7] << 8)
    } else {
      throw new InvalidArgumentError(
        op,
        `${where}.image`,
        'must be an Image or the bytes of a PNG or GIF file, got other bytes',
      )
    }
  } else {
    checkImage(op, block.image, `${where}.image`)
    bytes = encodePng(block.image)
    mime = 'image/png'
    width = block.image.width
  }
  const scale = block.scale ?? Math.max(1, Math.min(8, Math.floor(256 / width)))
  if (!Number.isInteger(scale) || scale < 1) {
    throw new InvalidArgumentError(op, `${where}.scale`, `must be a positive integer, got ${scale}`)
  }
  const alt = escapeXml(block.caption ?? 'image')
  const caption = block.caption === undefined ? '' : `<figcaption>${escapeXml(block.caption)}</figcaption>`
  return `<figure><img class="pixels" src="data:${mime};base64,${base64(bytes)}" width="${width * scale}" alt="${alt}">${caption}</figure>`
}

/**
 * The first part of an SVG document that could run code or load something from elsewhere, if
 * any: script elements, `on...` event-handler attributes, embedded documents (foreignObject,
 * iframe, object, embed), `javascript:` URLs, CSS `url(...)`/`@import` to outside addresses, and
 * any href/src that is not a local `#id` or a `data:` URL.
 */
function unsafeSvgPart(svg: string): string | undefined {
  const patterns = [
    /<\s*script/i,
    /<\s*(foreignObject|iframe|object|embed)\b/i,
    /\son[a-z]+\s*=/i,
    /javascript\s*:/i,
    /@import/i,
    /url\(\s*["']?(?!#|data:)[^)]*\)/i,
    /(href|src)\s*=\s*["']?(?!["']?(#|data:))[^\s>]*/i,
  ]
  for (const pattern of patterns) {
    const match = pattern.exec(svg)
    if (match !== null) return match[0].slice(0, 40)
  }
  return undefined
}

function svgHtml(op: string, block: SvgBlock, where: string): string {
  const svg = block.svg.replace(/^\s*(<\?xml[^>]*\?>)?\s*/, '')
  if (!svg.startsWith('<svg') || !svg.trimEnd().endsWith('</svg>')) {
    throw new InvalidArgumentError(
      op,
      `${where}.svg`,
      `must be one <svg>...</svg> document, got ${JSON.stringify(svg.slice(0, 20))}...`,
    )
  }
  const unsafe = unsafeSvgPart(svg)
  if (unsafe !== undefined) {
    throw new InvalidArgumentError(
      op,
      `${where}.svg`,
      `must be self-contained (no scripts, event handlers, embedded documents or outside links), got ${JSON.stringify(unsafe)}`,
    )
  }
  const caption = block.caption === undefined ? '' : `<figcaption>${escapeXml(block.caption)}</figcaption>`
  return `<figure>${svg.trimEnd()}${caption}</figure>`
}

function tableHtml(op: string, block: TableBlock, where: string): string {
  const digits = block.digits ?? 4
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new InvalidArgumentError(op, `${where}.digits`, `must be an integer in [1, 21], got ${digits}`)
  }
  const head = block.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')
  const rows = block.rows.map((row, r) => {
    if (row.length !== block.columns.length) {
      throw new InvalidArgumentError(
        op,
        `${where}.rows[${r}]`,
        `must have ${block.columns.length} cells, got ${row.length}`,
      )
    }
    const cells = row.map((cell) => {
      if (typeof cell === 'number') {
        // NaN and Infinity are shown as they are: a report should show a diverged run, not hide it.
        const text =
          Number.isInteger(cell) || !Number.isFinite(cell)
            ? String(cell)
            : String(Number(cell.toPrecision(digits)))
        return `<td class="number">${text}</td>`
      }
      return `<td>${escapeXml(String(cell))}</td>`
    })
    return `<tr>${cells.join('')}</tr>`
  })
  const caption = block.caption === undefined ? '' : `<caption>${escapeXml(block.caption)}</caption>`
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/**
 * Renders a report as one self-contained HTML page: an embedded style sheet, a table of
 * contents when there are several sections, text escaped into paragraphs, images inlined as
 * base64 data URIs, SVG inlined as is, tables with numbers right-aligned. The page has no
 * scripts and refers to nothing outside itself. The output depends only on the input.
 *
 * @param report - title, optional subtitle, sections of blocks
 * @returns the HTML document text
 * @throws InvalidArgumentError for an unknown block kind, image bytes that are neither PNG nor
 *   GIF, an SVG with scripts or outside links, a table row of the wrong length, or a bad scale
 * @throws ShapeError for a malformed image
 * @example
 * ```ts
 * const html = renderReport({
 *   title: 'Ising 16x16',
 *   sections: [
 *     { title: 'Lattice', blocks: [{ kind: 'image', image: { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) } }] },
 *     { title: 'Energy', blocks: [{ kind: 'table', columns: ['T', 'E'], rows: [[2.0, -1.7455]] }] },
 *   ],
 * })
 * html.startsWith('<!DOCTYPE html>') // true
 * ```
 */
export function renderReport(report: Report): string {
  const op = 'renderReport'
  if (
    typeof report !== 'object' ||
    (report as unknown) === null ||
    !Array.isArray((report as { sections?: unknown }).sections)
  ) {
    throw new InvalidArgumentError(
      op,
      'report',
      `must be { title, sections: [...] }, got ${describe(report)}`,
    )
  }
  const body: string[] = [`<h1>${escapeXml(report.title)}</h1>`]
  if (report.subtitle !== undefined) body.push(`<p class="subtitle">${escapeXml(report.subtitle)}</p>`)
  if (report.sections.length > 1) {
    const items = report.sections.map(
      (s, i) => `<li><a href="#section-${i + 1}">${escapeXml(s.title)}</a></li>`,
    )
    body.push(`<nav><ol>${items.join('')}</ol></nav>`)
  }
  report.sections.forEach((section: ReportSection, i: number) => {
    body.push(`<section id="section-${i + 1}">`, `<h2>${escapeXml(section.title)}</h2>`)
    section.blocks.forEach((block: ReportBlock, k: number) => {
      const where = `sections[${i}].blocks[${k}]`
      const kind = (block as { kind?: unknown }).kind
      switch (block.kind) {
        case 'text':
          for (const paragraph of block.text.split(/\n\s*\n/)) {
            if (paragraph.trim() !== '') body.push(`<p>${escapeXml(paragraph.trim())}</p>`)
          }
          break
        case 'image':
          body.push(imageHtml(op, block, where))
          break
        case 'svg':
          body.push(svgHtml(op, block, where))
          break
        case 'table':
          body.push(tableHtml(op, block, where))
          break
        default:
          throw new InvalidArgumentError(
            op,
            `${where}.kind`,
            `must be text, image, svg or table, got ${String(kind)}`,
          )
      }
    })
    body.push('</section>')
  })
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(report.title)}</title>`,
    `<style>\n${style}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
