/**
 * Heatmaps as standalone SVG: a matrix drawn cell by cell through a colormap (weights with
 * the diverging map and a symmetric range, so zero is white), and 2-D histograms of point
 * clouds (samples of a generative model against its data), each with a colorbar.
 */
import { colormapCss, type ColormapName } from '../colormap.js'
import { InvalidArgumentError } from '../errors.js'
import { readInput, resolveRange, type NumericInput, type ValueRange } from '../image.js'
import {
  checkLengths,
  checkValues,
  clipped,
  escapeXml,
  extent,
  finishSvg,
  formatTick,
  makeFrame,
  makeScale,
  niceTicks,
  px,
  renderAxes,
  type Frame,
  type PlotOptions,
  type Scale,
} from './axes.js'

/** Options shared by {@link heatmapPlot} and {@link histogram2dPlot}. */
export type HeatmapPlotOptions = Omit<PlotOptions, 'xScale' | 'yScale' | 'legend'> & {
  /** Colormap of the cells (default `'viridis'`). */
  colormap?: ColormapName
  /** Label of the colorbar. */
  colorLabel?: string
}

/** Cells spanning [x0, x1] × [y0, y1] in data units, and the value range they are coloured in. */
interface CellGrid {
  columns: number
  rows: number
  /** Row-major `[rows, columns]`; row r spans `yEdge(r)..yEdge(r + 1)`. */
  values: ArrayLike<number>
  xEdge(c: number): number
  yEdge(r: number): number
  low: number
  high: number
  /** Leave cells with this exact value undrawn (empty histogram bins show the background). */
  skip?: number
}

const colorbarWidth = 14
const colorbarMargin = 92

function renderCells(grid: CellGrid, x: Scale, y: Scale, colormap: ColormapName): string {
  const marks: string[] = ['<g class="cells">']
  for (let r = 0; r < grid.rows; r++) {
    const ya = y.map(grid.yEdge(r))
    const yb = y.map(grid.yEdge(r + 1))
    for (let c = 0; c < grid.columns; c++) {
      const v = grid.values[r * grid.columns + c]
      if (v === grid.skip) continue
      const xa = x.map(grid.xEdge(c))
      const xb = x.map(grid.xEdge(c + 1))
      const t = (v - grid.low) / (grid.high - grid.low)
      // Cells overlap by a hair so no seams show between them.
      marks.push(
        `<rect x="${px(Math.min(xa, xb))}" y="${px(Math.min(ya, yb))}" width="${px(Math.abs(xb - xa) + 0.3)}" height="${px(Math.abs(yb - ya) + 0.3)}" fill="${colormapCss(colormap, t)}"/>`,
      )
    }
  }
  marks.push('</g>')
  return marks.join('\n')
}

function renderColorbar(frame: Frame, low: number, high: number, options: HeatmapPlotOptions): string {
  const colormap = options.colormap ?? 'viridis'
  const x0 = frame.right + 12
  const steps = 64
  const span = frame.bottom - frame.top
  const parts = ['<g class="colorbar">']
  for (let k = 0; k < steps; k++) {
    const y0 = frame.bottom - ((k + 1) * span) / steps
    parts.push(
      `<rect x="${x0}" y="${px(y0)}" width="${colorbarWidth}" height="${px(span / steps + 0.3)}" fill="${colormapCss(colormap, (k + 0.5) / steps)}"/>`,
    )
  }
  parts.push(
    `<rect x="${x0}" y="${frame.top}" width="${colorbarWidth}" height="${span}" fill="none" stroke="#333"/>`,
  )
  const { ticks, step } = niceTicks(low, high, 5)
  for (const value of ticks) {
    const at = px(frame.bottom - ((value - low) / (high - low)) * span)
    parts.push(
      `<line x1="${x0 + colorbarWidth}" y1="${at}" x2="${x0 + colorbarWidth + 4}" y2="${at}" stroke="#333"/>`,
    )
    parts.push(
      `<text x="${x0 + colorbarWidth + 7}" y="${at}" dominant-baseline="middle">${formatTick(value, step)}</text>`,
    )
  }
  if (options.colorLabel !== undefined) {
    const cx = x0 + colorbarWidth + 54
    const cy = px((frame.top + frame.bottom) / 2)
    parts.push(
      `<text x="${cx}" y="${cy}" text-anchor="middle" font-size="13" transform="rotate(-90 ${cx} ${cy})">${escapeXml(options.colorLabel)}</text>`,
    )
  }
  parts.push('</g>')
  return parts.join('\n')
}

/**
 * A heatmap of a matrix: cell (r, c) is the square `[c, c + 1] × [r, r + 1]`, with row 0 at
 * the top as in an image, coloured by `t = clamp((v − low) / (high − low), 0, 1)` through the
 * colormap; a colorbar on the right gives the scale. Each cell is one SVG rectangle, so for
 * large matrices (beyond about 10⁴ cells, say 784×500 weights) a PNG from `toImage` with a
 * colormap is the lighter choice.
 *
 * @param values - a `[rows, columns]` tensor-like or shaped array
 * @param options - `range` (default `'auto'`; `'symmetric'` for weights), colormap, titles, size
 * @returns the SVG document as a string
 * @throws InvalidArgumentError for non-finite values (naming the index), a shape that is not
 *   2-D, or a bad range or size
 * @example
 * ```ts
 * const weights = { shape: [2, 3], data: [0.5, -0.5, 0, 1, -1, 0.25] }
 * const svg = heatmapPlot(weights, { range: 'symmetric', colormap: 'diverging', title: 'W' })
 * svg.includes('rgb(247,247,247)') // true: the zero weights are white
 * ```
 */
export function heatmapPlot(
  values: NumericInput,
  options: HeatmapPlotOptions & { range?: ValueRange } = {},
): string {
  const op = 'heatmapPlot'
  const { values: data, shape } = readInput(op, values)
  if (shape?.length !== 2 || shape[0] < 1 || shape[1] < 1) {
    throw new InvalidArgumentError(
      op,
      'values',
      `must have a 2-D shape [rows, columns] with rows, columns >= 1, got [${(shape ?? [data.length]).join(',')}]`,
    )
  }
  checkValues(op, 'values', data)
  const [rows, columns] = shape
  const [low, high] = resolveRange(op, data, options.range ?? 'auto')
  const frame = makeFrame(op, options, colorbarMargin)
  const x = makeScale({
    op,
    argument: 'xRange',
    domain: undefined,
    data: [0, columns],
    pixels: [frame.left, frame.right],
    kind: 'linear',
    tight: true,
  })
  const y = makeScale({
    op,
    argument: 'yRange',
    domain: undefined,
    data: [0, rows],
    pixels: [frame.top, frame.bottom],
    kind: 'linear',
    tight: true,
  })
  const grid: CellGrid = { columns, rows, values: data, xEdge: (c) => c, yEdge: (r) => r, low, high }
  const body = `${renderAxes(frame, x, y, options)}\n${clipped(renderCells(grid, x, y, options.colormap ?? 'viridis'))}`
  return finishSvg(frame, body, renderColorbar(frame, low, high, options))
}

/** Counts of a 2-D histogram, from {@link histogram2d}. */
export interface Histogram2d {
  /** Row-major `[yBins, xBins]` counts; row 0 holds the lowest y values. */
  counts: Uint32Array
  /** Bins along x. */
  xBins: number
  /** Bins along y. */
  yBins: number
  /** `xBins + 1` bin edges along x, from the range start to its end. */
  xEdges: Float64Array
  /** `yBins + 1` bin edges along y. */
  yEdges: Float64Array
  /** Points that fell outside the ranges and were not counted. */
  outside: number
}

/** Options of {@link histogram2d}. */
export interface Histogram2dOptions {
  /** Bins per axis, or `[xBins, yBins]` (default 32). */
  bins?: number | readonly [number, number]
  /** Range along x (default: the data's min and max). */
  xRange?: readonly [number, number]
  /** Range along y (default: the data's min and max). */
  yRange?: readonly [number, number]
}

function binRange(
  op: string,
  name: string,
  given: readonly [number, number] | undefined,
  values: ArrayLike<number>,
) {
  if (given !== undefined) {
    if (!(Number.isFinite(given[0]) && Number.isFinite(given[1]) && given[1] > given[0])) {
      throw new InvalidArgumentError(
        op,
        name,
        `must be [min, max] with min < max, got [${given[0]}, ${given[1]}]`,
      )
    }
    return [given[0], given[1]] as const
  }
  const [low, high] = extent([values], false)
  return low === high ? ([low - 0.5, high + 0.5] as const) : ([low, high] as const)
}

/**
 * Counts points in a grid of equal bins, like `numpy.histogram2d`: bin i along x covers
 * `[e_i, e_{i+1})` with `e_i = x0 + i·(x1 − x0)/xBins`, the last bin also takes its right
 * edge, and points outside the ranges are counted in `outside` only.
 *
 * @param x - x coordinates
 * @param y - y coordinates, one per x
 * @param options - bins per axis and the ranges
 * @returns the counts, the bin edges and the number of points outside
 * @throws InvalidArgumentError for non-finite coordinates (naming the index), mismatched
 *   lengths, a bin count that is not a positive integer, or a bad range
 * @example
 * ```ts
 * const h = histogram2d([0.1, 0.2, 0.9], [0.1, 0.1, 0.9], { bins: 2, xRange: [0, 1], yRange: [0, 1] })
 * Array.from(h.counts) // [2, 0, 0, 1]: two points in the lower-left bin, one in the upper-right
 * ```
 */
export function histogram2d(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: Histogram2dOptions = {},
): Histogram2d {
  const op = 'histogram2d'
  checkValues(op, 'x', x)
  checkValues(op, 'y', y)
  checkLengths(op, [
    ['x', x],
    ['y', y],
  ])
  const bins = options.bins ?? 32
  const [xBins, yBins] = typeof bins === 'number' ? [bins, bins] : bins
  for (const [name, value] of [
    ['bins (x)', xBins],
    ['bins (y)', yBins],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError(op, name, `must be a positive integer, got ${value}`)
    }
  }
  const [x0, x1] = binRange(op, 'xRange', options.xRange, x)
  const [y0, y1] = binRange(op, 'yRange', options.yRange, y)
  const counts = new Uint32Array(xBins * yBins)
  let outside = 0
  for (let k = 0; k < x.length; k++) {
    const xv = x[k]
    const yv = y[k]
    if (xv < x0 || xv > x1 || yv < y0 || yv > y1) {
      outside++
      continue
    }
    const i = Math.min(xBins - 1, Math.floor(((xv - x0) / (x1 - x0)) * xBins))
    const j = Math.min(yBins - 1, Math.floor(((yv - y0) / (y1 - y0)) * yBins))
    counts[j * xBins + i]++
  }
  const xEdges = Float64Array.from({ length: xBins + 1 }, (_, i) => x0 + ((x1 - x0) * i) / xBins)
  const yEdges = Float64Array.from({ length: yBins + 1 }, (_, j) => y0 + ((y1 - y0) * j) / yBins)
  return { counts, xBins, yBins, xEdges, yEdges, outside }
}

/** Options of {@link histogram2dPlot}. */
export type Histogram2dPlotOptions = HeatmapPlotOptions & {
  /** Bins per axis, or `[xBins, yBins]` (default 32). */
  bins?: number | readonly [number, number]
}

/**
 * A 2-D histogram of points drawn as a heatmap: {@link histogram2d} counts, empty bins left
 * white, the others coloured by `count / maxCount` through the colormap, with a colorbar of
 * counts. The axes span the bin ranges (`xRange`, `yRange`, default the data's).
 *
 * @param x - x coordinates
 * @param y - y coordinates, one per x
 * @param options - bins, ranges, colormap, titles, size
 * @returns the SVG document as a string
 * @throws InvalidArgumentError as {@link histogram2d} does, or for a bad size
 * @example
 * ```ts
 * const svg = histogram2dPlot([0.1, 0.2, 0.9], [0.1, 0.1, 0.9], { bins: 2, xRange: [0, 1], yRange: [0, 1] })
 * svg.includes('class="cells"') // true
 * ```
 */
export function histogram2dPlot(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: Histogram2dPlotOptions = {},
): string {
  const op = 'histogram2dPlot'
  const h = histogram2d(x, y, { bins: options.bins, xRange: options.xRange, yRange: options.yRange })
  let max = 0
  for (let i = 0; i < h.counts.length; i++) if (h.counts[i] > max) max = h.counts[i]
  const frame = makeFrame(op, options, colorbarMargin)
  const xScale = makeScale({
    op,
    argument: 'xRange',
    domain: undefined,
    data: [h.xEdges[0], h.xEdges[h.xBins]],
    pixels: [frame.left, frame.right],
    kind: 'linear',
    tight: true,
  })
  const yScale = makeScale({
    op,
    argument: 'yRange',
    domain: undefined,
    data: [h.yEdges[0], h.yEdges[h.yBins]],
    pixels: [frame.bottom, frame.top],
    kind: 'linear',
    tight: true,
  })
  const grid: CellGrid = {
    columns: h.xBins,
    rows: h.yBins,
    values: h.counts,
    xEdge: (i) => h.xEdges[i],
    yEdge: (j) => h.yEdges[j],
    low: 0,
    high: Math.max(1, max),
    skip: 0,
  }
  const body = `${renderAxes(frame, xScale, yScale, options)}\n${clipped(renderCells(grid, xScale, yScale, options.colormap ?? 'viridis'))}`
  return finishSvg(frame, body, renderColorbar(frame, 0, Math.max(1, max), options))
}
