/**
 * The shared parts of the SVG plots: linear and log scales, "nice" ticks (steps of 1, 2 or 5
 * times a power of ten), axes with labels, a legend box, and XML escaping.
 */
import { InvalidArgumentError } from '../errors.js'
import { describe } from '../internal/describe.js'

/** Options every plot takes. */
export interface PlotOptions {
  /** Title above the plot. */
  title?: string
  /** Label of the horizontal axis. */
  xLabel?: string
  /** Label of the vertical axis. */
  yLabel?: string
  /** SVG width in pixels (default 640). */
  width?: number
  /** SVG height in pixels (default 420). */
  height?: number
  /** Fixed x range `[min, max]` (default: the data's, padded). */
  xRange?: readonly [number, number]
  /** Fixed y range `[min, max]` (default: the data's, padded). */
  yRange?: readonly [number, number]
  /** `'linear'` (default) or `'log'` (positive values only). */
  xScale?: 'linear' | 'log'
  /** `'linear'` (default) or `'log'` (positive values only). */
  yScale?: 'linear' | 'log'
  /** Corner of the legend box, or `'none'` (default `'top-right'`). */
  legend?: LegendPosition
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Ten distinct colours (Tableau 10) for series and classes. */
export const seriesColors = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const

/**
 * Nice tick values covering [low, high]: about `target` ticks at the multiples of a step of
 * 1, 2 or 5 × 10^k inside the range. The raw step `(high − low) / (target − 1)` is rounded to
 * the nearest nice number (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 *
 * @param low - range start
 * @param high - range end, greater than `low`
 * @param target - about how many ticks (default 6, at least 2)
 * @returns the tick values inside [low, high], rounded to 12 significant digits, and the step
 * @throws InvalidArgumentError when the range is not finite with low < high, is too narrow for
 *   distinct ticks or too wide for a finite step, or target is not an integer in [2, 1000]
 * @example
 * ```ts
 * niceTicks(0, 1) // { ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 }
 * niceTicks(-0.05, 1.05) // { ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 }
 * niceTicks(0, 37) // { ticks: [0, 10, 20, 30], step: 10 }
 * ```
 */
export function niceTicks(low: number, high: number, target = 6): { ticks: number[]; step: number } {
  if (!(Number.isFinite(low) && Number.isFinite(high) && high > low)) {
    throw new InvalidArgumentError(
      'niceTicks',
      'range',
      `must be finite with low < high, got [${low}, ${high}]`,
    )
  }
  if (!(Number.isInteger(target) && target >= 2 && target <= 1000)) {
    throw new InvalidArgumentError('niceTicks', 'target', `must be an integer in [2, 1000], got ${target}`)
  }
  // The step must stay above the spacing of doubles near the range, or the ticks repeat.
  const resolution = 1e-12 * Math.max(Math.abs(low), Math.abs(high))
  if (!(high - low > resolution * target) || !Number.isFinite(high - low)) {
    throw new InvalidArgumentError(
      'niceTicks',
      'range',
      `must be wider than 1e-12 of its magnitude and narrower than the largest double, got [${low}, ${high}]`,
    )
  }
  const raw = (high - low) / (target - 1)
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  const step = Number(
    ((fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power).toPrecision(12),
  )
  const ticks: number[] = []
  const first = Math.ceil(low / step - 1e-9)
  for (let k = first; k * step <= high + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)))
  return { ticks, step }
}

/** Formats a tick value with as many decimals as the step needs. */
export function formatTick(value: number, step: number): string {
  const magnitude = Math.abs(value)
  if (magnitude >= 1e5 || (magnitude < 1e-4 && magnitude > 0)) {
    const digits = Math.max(0, Math.min(3, Math.floor(Math.log10(magnitude)) - Math.floor(Math.log10(step))))
    return value.toExponential(digits).replace('e+', 'e')
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  // toFixed(−0.0) gives '-0.0'; a tick at zero reads '0', '0.0', ...
  return (value === 0 ? 0 : value).toFixed(Math.min(decimals, 10))
}

/** A pixel coordinate with at most two decimals, trailing zeros dropped. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100)
}

/**
 * A short id from the SVG body (FNV-1a), so two plots inlined in one HTML page do not share
 * `clipPath` ids unless they are the same plot.
 */
export function contentId(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `gen-${hash.toString(36)}`
}

/** A scale from data to pixels, with its ticks. */
export interface Scale {
  /** Data value to pixel coordinate. */
  map(value: number): number
  /** Tick values and their labels. */
  ticks: { value: number; label: string }[]
  /** The data range shown. */
  domain: [number, number]
}

/** Data min and max over finite values (positive only for log scales). */
export function extent(values: readonly ArrayLike<number>[], log: boolean): [number, number] {
  let low = Infinity
  let high = -Infinity
  for (const array of values) {
    for (let i = 0; i < array.length; i++) {
      const v = array[i]
      if (!Number.isFinite(v) || (log && v <= 0)) continue
      if (v < low) low = v
      if (v > high) high = v
    }
  }
  if (low === Infinity) return log ? [1, 10] : [0, 1]
  return [low, high]
}

/** What {@link makeScale} needs besides the data. */
export interface ScaleSpec {
  /** Calling plot, for error messages. */
  op: string
  /** `'xRange'` or `'yRange'`, for error messages. */
  argument: string
  /** Fixed data range, or undefined to use `data` padded by 5%. */
  domain: readonly [number, number] | undefined
  /** Data min and max. */
  data: [number, number]
  /** `[from, to]` pixel coordinates (to < from for a y axis). */
  pixels: [number, number]
  /** Linear or log10. */
  kind: 'linear' | 'log'
  /** Do not pad the data range (heatmaps, whose cells fill the range exactly). */
  tight?: boolean
}

/** Builds a scale for the pixel interval [from, to] (to < from for a y axis). */
export function makeScale(spec: ScaleSpec): Scale {
  const { op, argument, domain, data, pixels, kind } = spec
  let [low, high] = domain ?? data
  if (
    domain !== undefined &&
    !(Number.isFinite(low) && Number.isFinite(high) && high > low && (kind === 'linear' || low > 0))
  ) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be [min, max] with min < max${kind === 'log' ? ' and min > 0' : ''}, got [${low}, ${high}]`,
    )
  }
  if (kind === 'log') {
    if (domain === undefined) {
      low = 10 ** Math.floor(Math.log10(low) + 1e-9)
      high = 10 ** Math.ceil(Math.log10(high) - 1e-9)
      if (high <= low) high = low * 10
    }
    const [a, b] = [Math.log10(low), Math.log10(high)]
    const map = (v: number): number => pixels[0] + ((Math.log10(v) - a) / (b - a)) * (pixels[1] - pixels[0])
    const ticks: { value: number; label: string }[] = []
    for (let k = Math.ceil(a - 1e-9); k <= b + 1e-9; k++) {
      const value = Number((10 ** k).toPrecision(12))
      ticks.push({ value, label: k >= -3 && k <= 4 ? String(value) : `1e${k}` })
    }
    return { map, ticks, domain: [low, high] }
  }
  if (domain === undefined) {
    if (high === low) {
      low -= 0.5
      high += 0.5
    } else if (spec.tight !== true) {
      const pad = 0.05 * (high - low)
      low -= pad
      high += pad
    }
  }
  const { ticks, step } = niceTicks(low, high)
  const map = (v: number): number => pixels[0] + ((v - low) / (high - low)) * (pixels[1] - pixels[0])
  return {
    map,
    ticks: ticks.map((value) => ({ value, label: formatTick(value, step) })),
    domain: [low, high],
  }
}

/** Layout of a plot: the SVG size and the plotting rectangle inside the margins. */
export interface Frame {
  width: number
  height: number
  left: number
  right: number
  top: number
  bottom: number
}

/** Checks sizes and computes the frame of a plot (room for title, tick labels and axis labels). */
export function makeFrame(op: string, options: PlotOptions, rightMargin = 20): Frame {
  const width = options.width ?? 640
  const height = options.height ?? 420
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isFinite(value) || value < 160) {
      throw new InvalidArgumentError(op, name, `must be a number >= 160, got ${value}`)
    }
  }
  return {
    width,
    height,
    left: options.yLabel === undefined ? 58 : 72,
    right: width - rightMargin,
    top: options.title === undefined ? 16 : 40,
    bottom: height - (options.xLabel === undefined ? 34 : 52),
  }
}

/** Placeholder for the clip-path id inside a plot body, replaced by {@link finishSvg}. */
export const CLIP = '__gen_clip__'

/** Background, title, grid lines, ticks, tick labels and axis labels (no frame box yet). */
export function renderAxes(frame: Frame, x: Scale, y: Scale, options: PlotOptions): string {
  const { width, height, left, right, top, bottom } = frame
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`]
  if (options.title !== undefined) {
    parts.push(
      `<text x="${px((left + right) / 2)}" y="26" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
    )
  }
  parts.push('<g class="x-axis">')
  for (const t of x.ticks) {
    const at = px(x.map(t.value))
    parts.push(`<line x1="${at}" y1="${top}" x2="${at}" y2="${bottom}" stroke="#e6e6e6"/>`)
    parts.push(`<line x1="${at}" y1="${bottom}" x2="${at}" y2="${bottom + 5}" stroke="#333"/>`)
    parts.push(`<text x="${at}" y="${bottom + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`)
  }
  parts.push('</g>', '<g class="y-axis">')
  for (const t of y.ticks) {
    const at = px(y.map(t.value))
    parts.push(`<line x1="${left}" y1="${at}" x2="${right}" y2="${at}" stroke="#e6e6e6"/>`)
    parts.push(`<line x1="${left - 5}" y1="${at}" x2="${left}" y2="${at}" stroke="#333"/>`)
    parts.push(
      `<text x="${left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle">${escapeXml(t.label)}</text>`,
    )
  }
  parts.push('</g>')
  if (options.xLabel !== undefined) {
    parts.push(
      `<text x="${px((left + right) / 2)}" y="${height - 12}" text-anchor="middle" font-size="13">${escapeXml(options.xLabel)}</text>`,
    )
  }
  if (options.yLabel !== undefined) {
    const cy = px((top + bottom) / 2)
    parts.push(
      `<text x="16" y="${cy}" text-anchor="middle" font-size="13" transform="rotate(-90 16 ${cy})">${escapeXml(options.yLabel)}</text>`,
    )
  }
  return parts.join('\n')
}

/** Wraps data marks in a group clipped to the plotting rectangle. */
export function clipped(marks: string): string {
  return `<g clip-path="url(#${CLIP})">\n${marks}\n</g>`
}

/**
 * The finished SVG document: the opening tag, the clip path of the plotting rectangle, the
 * body, the frame box on top, and `extra` (legend, colorbar) above everything.
 */
export function finishSvg(frame: Frame, body: string, extra = ''): string {
  const { width, height, left, right, top, bottom } = frame
  const inner = `${body}\n<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>${extra === '' ? '' : `\n${extra}`}`
  const id = contentId(`${width}x${height}\n${inner}`)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<defs><clipPath id="${id}"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath></defs>`,
    inner.split(CLIP).join(id),
    '</svg>',
    '',
  ].join('\n')
}

/** A legend entry: a label and how its swatch is drawn. */
export interface LegendEntry {
  label: string
  color: string
  kind: 'line' | 'points' | 'line+points'
  dashed?: boolean
}

/** Where the legend box sits inside the plotting area, or `'none'`. */
export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none'

/** A legend box in a corner of the plotting area. */
export function renderLegend(
  frame: Frame,
  entries: readonly LegendEntry[],
  position: LegendPosition = 'top-right',
): string {
  if (entries.length === 0 || position === 'none') return ''
  const longest = Math.max(...entries.map((e) => e.label.length))
  const boxWidth = 44 + longest * 6.8
  const boxHeight = entries.length * 18 + 8
  const x0 = position.endsWith('right') ? frame.right - boxWidth - 8 : frame.left + 8
  const y0 = position.startsWith('top') ? frame.top + 8 : frame.bottom - boxHeight - 8
  const parts = [
    '<g class="legend">',
    `<rect x="${px(x0)}" y="${px(y0)}" width="${px(boxWidth)}" height="${boxHeight}" fill="#ffffff" fill-opacity="0.9" stroke="#999"/>`,
  ]
  entries.forEach((e, i) => {
    const cy = px(y0 + 13 + i * 18)
    if (e.kind !== 'points') {
      parts.push(
        `<line x1="${px(x0 + 8)}" y1="${cy}" x2="${px(x0 + 30)}" y2="${cy}" stroke="${e.color}" stroke-width="2"${e.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      )
    }
    if (e.kind !== 'line') parts.push(`<circle cx="${px(x0 + 19)}" cy="${cy}" r="3.5" fill="${e.color}"/>`)
    parts.push(`<text x="${px(x0 + 38)}" y="${cy}" dominant-baseline="middle">${escapeXml(e.label)}</text>`)
  })
  parts.push('</g>')
  return parts.join('\n')
}

/**
 * Reads a numeric array for a plot, checking that every value is finite (and positive on a
 * log axis): a NaN from a diverged run throws here, naming where it sits.
 */
export function checkValues(
  op: string,
  name: string,
  values: ArrayLike<number>,
  log = false,
): ArrayLike<number> {
  if (typeof values !== 'object' || (values as unknown) === null || typeof values.length !== 'number') {
    throw new InvalidArgumentError(op, name, `must be an array of numbers, got ${describe(values)}`)
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(op, name, `must be finite numbers, got ${String(v)} at index ${i}`)
    }
    if (log && v <= 0) {
      throw new InvalidArgumentError(op, name, `must be > 0 on a log axis, got ${v} at index ${i}`)
    }
  }
  return values
}

/** Throws unless every array has the length of the first. */
export function checkLengths(op: string, arrays: readonly [string, ArrayLike<number> | undefined][]): void {
  const [firstName, first] = arrays[0]
  for (const [name, array] of arrays.slice(1)) {
    if (array !== undefined && array.length !== first!.length) {
      throw new InvalidArgumentError(
        op,
        name,
        `must have the length of ${firstName} (${first!.length}), got ${array.length}`,
      )
    }
  }
}

// A hex colour, a CSS colour name, or rgb()/rgba()/hsl()/hsla() with plain numbers: nothing
// that could close the attribute it is written into.
const cssColor =
  /^(#[0-9a-f]{3,8}|[a-z]{3,20}|(rgb|rgba|hsl|hsla)\(\s*[-0-9.%]+(\s*[,\s/]\s*[-0-9.%]+){2,3}\s*\))$/i

/** Returns `color` when it is a plain CSS colour; otherwise throws, naming the argument. */
export function checkColor(op: string, name: string, color: string | undefined): string | undefined {
  if (color !== undefined && (typeof color !== 'string' || !cssColor.test(color))) {
    throw new InvalidArgumentError(
      op,
      name,
      `must be a CSS colour such as '#1f77b4', 'red' or 'rgb(31, 119, 180)', got ${JSON.stringify(color)}`,
    )
  }
  return color
}
