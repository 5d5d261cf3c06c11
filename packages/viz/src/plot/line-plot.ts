/**
 * Line plots as standalone SVG: measured series with optional error bars (Monte Carlo
 * estimates ± standard error, losses per epoch) and exact curves drawn over them (Onsager's
 * magnetisation, a closed-form schedule).
 */
import { InvalidArgumentError } from '../errors.js'
import {
  checkColor,
  checkLengths,
  checkValues,
  clipped,
  extent,
  finishSvg,
  makeFrame,
  makeScale,
  px,
  renderAxes,
  renderLegend,
  seriesColors,
  type LegendEntry,
  type PlotOptions,
} from './axes.js'
import { describe } from '../internal/describe.js'

/** One measured series of a {@link linePlot}. */
export interface LineSeries {
  /** Legend label (a series without one is left out of the legend). */
  label?: string
  /** x values. */
  x: ArrayLike<number>
  /** y values, one per x. */
  y: ArrayLike<number>
  /** Half-widths of symmetric error bars (y ± error), one per point, each >= 0. */
  yError?: ArrayLike<number>
  /** CSS colour (default: the next of ten distinct colours). */
  color?: string
  /** `'line+points'` (default), `'line'` or `'points'`. */
  style?: 'line' | 'points' | 'line+points'
  /** Draw the line dashed. */
  dashed?: boolean
}

/** An exact curve drawn over the data: a function sampled across the x axis. */
export interface CurveOverlay {
  /** Legend label. */
  label?: string
  /** The curve; where it returns a non-finite value the line breaks. */
  f: (x: number) => number
  /** Number of sample points across the axis (default 200, at least 2). */
  samples?: number
  /** CSS colour (default dark gray). */
  color?: string
  /** Dashed (default true), so it reads as a reference, not data. */
  dashed?: boolean
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions extends PlotOptions {
  /** Exact curves drawn over the series. */
  curves?: readonly CurveOverlay[]
}

function polyline(points: readonly [number, number][], color: string, dashed: boolean): string {
  const coords = points.map(([x, y]) => `${px(x)},${px(y)}`).join(' ')
  return `<polyline points="${coords}" fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`
}

/**
 * A line plot: each series drawn in data order as a polyline with markers, error bars
 * `y ± yError` with caps, and exact curves sampled at `samples` points evenly spaced across
 * the x axis (log-spaced on a log axis). Axis ranges default to the data's (series and their
 * error bars; curves only when there are no series), padded by 5%, with nice ticks; marks are
 * clipped to the plotting area, so a diverging curve stays inside it.
 *
 * @param series - the measured series
 * @param options - titles, axis labels, ranges, log scales, size, legend corner, curves
 * @returns the SVG document as a string
 * @throws InvalidArgumentError for a NaN or infinite value (naming the series and index),
 *   mismatched lengths, negative errors, values <= 0 on a log axis, or a bad range or size
 * @example
 * ```ts
 * const svg = linePlot(
 *   [{ label: 'Metropolis', x: [1, 2, 3], y: [0.99, 0.91, 0.05], yError: [0.01, 0.03, 0.02] }],
 *   { xLabel: 'T', yLabel: '|m|', curves: [{ label: 'Onsager', f: (t) => (t < 2.269 ? (1 - Math.sinh(2 / t) ** -4) ** 0.125 : 0) }] },
 * )
 * svg.startsWith('<svg') // true
 * ```
 */
export function linePlot(series: readonly LineSeries[], options: LinePlotOptions = {}): string {
  const op = 'linePlot'
  const list: unknown = series
  if (!Array.isArray(list))
    throw new InvalidArgumentError(op, 'series', `must be an array, got ${describe(list)}`)
  const xLog = options.xScale === 'log'
  const yLog = options.yScale === 'log'
  const curves = options.curves ?? []
  series.forEach((s, i) => {
    checkValues(op, `series[${i}].x`, s.x, xLog)
    checkValues(op, `series[${i}].y`, s.y, yLog)
    checkLengths(op, [
      [`series[${i}].x`, s.x],
      [`series[${i}].y`, s.y],
      [`series[${i}].yError`, s.yError],
    ])
    if (s.yError !== undefined) {
      checkValues(op, `series[${i}].yError`, s.yError)
      for (let k = 0; k < s.yError.length; k++) {
        if (s.yError[k] < 0) {
          throw new InvalidArgumentError(
            op,
            `series[${i}].yError`,
            `must be >= 0, got ${s.yError[k]} at index ${k}`,
          )
        }
      }
    }
  })
  curves.forEach((c, i) => {
    if (typeof c.f !== 'function') {
      throw new InvalidArgumentError(op, `curves[${i}].f`, `must be a function, got ${typeof c.f}`)
    }
    const samples = c.samples ?? 200
    if (!Number.isInteger(samples) || samples < 2) {
      throw new InvalidArgumentError(op, `curves[${i}].samples`, `must be an integer >= 2, got ${samples}`)
    }
  })
  const frame = makeFrame(op, options)
  const xData = extent(
    series.map((s) => s.x),
    xLog,
  )
  const x = makeScale({
    op,
    argument: 'xRange',
    domain: options.xRange,
    data: xData,
    pixels: [frame.left, frame.right],
    kind: xLog ? 'log' : 'linear',
  })
  // The curves are sampled across the whole x axis.
  const curvePoints = curves.map((c) => {
    const samples = c.samples ?? 200
    const [a, b] = xLog ? x.domain.map(Math.log10) : x.domain
    const points: [number, number][] = []
    for (let k = 0; k < samples; k++) {
      const u = a + ((b - a) * k) / (samples - 1)
      const xv = xLog ? 10 ** u : u
      points.push([xv, c.f(xv)])
    }
    return points
  })
  const yArrays: ArrayLike<number>[] = []
  for (const s of series) {
    if (s.yError === undefined) yArrays.push(s.y)
    else {
      const e = s.yError
      yArrays.push(
        Array.from(s.y, (v: number, k: number) => v - e[k]).filter((v) => !yLog || v > 0),
        Array.from(s.y, (v, k) => v + e[k]),
      )
    }
  }
  const hasData = series.some((s) => s.x.length > 0)
  if (!hasData) for (const points of curvePoints) yArrays.push(points.map((p) => p[1]))
  const y = makeScale({
    op,
    argument: 'yRange',
    domain: options.yRange,
    data: extent(yArrays, yLog),
    pixels: [frame.bottom, frame.top],
    kind: yLog ? 'log' : 'linear',
  })
  const marks: string[] = []
  const legend: LegendEntry[] = []
  series.forEach((s, i) => {
    const color = checkColor(op, `series[${i}].color`, s.color) ?? seriesColors[i % seriesColors.length]
    const style = s.style ?? 'line+points'
    const points: [number, number][] = Array.from(s.x, (xv: number, k: number): [number, number] => [
      x.map(xv),
      y.map(s.y[k]),
    ])
    marks.push(`<g class="series" data-series="${i}">`)
    if (s.yError !== undefined) {
      for (let k = 0; k < points.length; k++) {
        const [cx] = points[k]
        const lowValue = s.y[k] - s.yError[k]
        const y1 = yLog && lowValue <= 0 ? frame.bottom + 1 : y.map(lowValue)
        const y2 = y.map(s.y[k] + s.yError[k])
        marks.push(
          `<path class="error-bar" d="M${px(cx)} ${px(y1)}V${px(y2)}M${px(cx - 3)} ${px(y1)}H${px(cx + 3)}M${px(cx - 3)} ${px(y2)}H${px(cx + 3)}" stroke="${color}" stroke-width="1.2" fill="none"/>`,
        )
      }
    }
    if (style !== 'points' && points.length > 1) marks.push(polyline(points, color, s.dashed === true))
    if (style !== 'line') {
      for (const [cx, cy] of points)
        marks.push(`<circle cx="${px(cx)}" cy="${px(cy)}" r="3" fill="${color}"/>`)
    }
    marks.push('</g>')
    if (s.label !== undefined) legend.push({ label: s.label, color, kind: style, dashed: s.dashed })
  })
  curves.forEach((c, i) => {
    const color = checkColor(op, `options.curves[${i}].color`, c.color) ?? '#333333'
    const dashed = c.dashed ?? true
    marks.push(`<g class="curve" data-curve="${i}">`)
    // A non-finite value (or a value <= 0 on a log axis) breaks the line into pieces.
    let run: [number, number][] = []
    const flush = (): void => {
      if (run.length > 1) marks.push(polyline(run, color, dashed))
      run = []
    }
    for (const [xv, yv] of curvePoints[i]) {
      if (Number.isFinite(yv) && (!yLog || yv > 0)) run.push([x.map(xv), y.map(yv)])
      else flush()
    }
    flush()
    marks.push('</g>')
    if (c.label !== undefined) legend.push({ label: c.label, color, kind: 'line', dashed })
  })
  const body = `${renderAxes(frame, x, y, options)}\n${clipped(marks.join('\n'))}`
  return finishSvg(frame, body, renderLegend(frame, legend, options.legend))
}
