/**
 * Scatter plots as standalone SVG, coloured by class: 2-D latent codes of an autoencoder
 * coloured by digit, samples of a toy distribution against the data.
 */
import { InvalidArgumentError } from '../errors.js'
import { readInput, type NumericInput } from '../image.js'
import {
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

/** The points of a {@link scatterPlot}: coordinates as two arrays or one `[N, 2]` input. */
export type ScatterData =
  | {
      /** x coordinates. */
      x: ArrayLike<number>
      /** y coordinates, one per x. */
      y: ArrayLike<number>
      /** Class of each point, an integer >= 0 (colour `classes[i] mod 10`). */
      classes?: ArrayLike<number>
    }
  | {
      /** Points as a `[N, 2]` tensor-like or shaped array (a batch of 2-D latent codes). */
      points: NumericInput
      /** Class of each point, an integer >= 0. */
      classes?: ArrayLike<number>
    }

/** Options of {@link scatterPlot}. */
export interface ScatterPlotOptions extends PlotOptions {
  /** Legend names of the classes, indexed by class (default: the class number). */
  classNames?: readonly string[]
  /** Marker radius in pixels (default 2.5). */
  radius?: number
  /** Marker opacity in (0, 1] (default 0.75), so dense regions read as dense. */
  opacity?: number
}

function coordinates(op: string, data: ScatterData): { x: ArrayLike<number>; y: ArrayLike<number> } {
  if ('points' in data) {
    const { values, shape } = readInput(op, data.points)
    if (shape?.length !== 2 || shape[1] !== 2) {
      throw new InvalidArgumentError(
        op,
        'points',
        `must have shape [N, 2], got [${(shape ?? [values.length]).join(',')}]`,
      )
    }
    const x = new Float64Array(shape[0])
    const y = new Float64Array(shape[0])
    for (let i = 0; i < shape[0]; i++) {
      x[i] = values[2 * i]
      y[i] = values[2 * i + 1]
    }
    return { x, y }
  }
  return { x: data.x, y: data.y }
}

/**
 * A scatter plot: one circle per point, coloured by class with ten distinct colours
 * (Tableau 10), and a legend naming each class present. Without `classes` every point has
 * the first colour and there is no legend. Points are drawn class by class, in class order.
 *
 * @param data - `{ x, y, classes? }` or `{ points: [N, 2], classes? }`
 * @param options - titles, axis labels, ranges, size, class names, marker radius and opacity
 * @returns the SVG document as a string
 * @throws InvalidArgumentError for non-finite coordinates (naming the index), mismatched
 *   lengths, a class that is not an integer >= 0, or a bad radius, opacity, range or size
 * @example
 * ```ts
 * const svg = scatterPlot(
 *   { x: [0, 1, 2, 3], y: [0, 1, 0, 1], classes: [0, 0, 1, 1] },
 *   { classNames: ['zero', 'one'], xLabel: 'z1', yLabel: 'z2' },
 * )
 * svg.includes('zero') // true: the legend names class 0
 * ```
 */
export function scatterPlot(data: ScatterData, options: ScatterPlotOptions = {}): string {
  const op = 'scatterPlot'
  if (typeof data !== 'object' || (data as unknown) === null) {
    throw new InvalidArgumentError(op, 'data', `must be { x, y } or { points }, got ${describe(data)}`)
  }
  const xLog = options.xScale === 'log'
  const yLog = options.yScale === 'log'
  const { x: xs, y: ys } = coordinates(op, data)
  checkValues(op, 'x', xs, xLog)
  checkValues(op, 'y', ys, yLog)
  checkLengths(op, [
    ['x', xs],
    ['y', ys],
    ['classes', data.classes],
  ])
  const classes = data.classes
  if (classes !== undefined) {
    for (let i = 0; i < classes.length; i++) {
      if (!Number.isInteger(classes[i]) || classes[i] < 0) {
        throw new InvalidArgumentError(
          op,
          'classes',
          `must be integers >= 0, got ${classes[i]} at index ${i}`,
        )
      }
    }
  }
  const radius = options.radius ?? 2.5
  const opacity = options.opacity ?? 0.75
  if (!(Number.isFinite(radius) && radius > 0)) {
    throw new InvalidArgumentError(op, 'radius', `must be a number > 0, got ${radius}`)
  }
  if (!(opacity > 0 && opacity <= 1)) {
    throw new InvalidArgumentError(op, 'opacity', `must be in (0, 1], got ${opacity}`)
  }
  const frame = makeFrame(op, options)
  const x = makeScale({
    op,
    argument: 'xRange',
    domain: options.xRange,
    data: extent([xs], xLog),
    pixels: [frame.left, frame.right],
    kind: xLog ? 'log' : 'linear',
  })
  const y = makeScale({
    op,
    argument: 'yRange',
    domain: options.yRange,
    data: extent([ys], yLog),
    pixels: [frame.bottom, frame.top],
    kind: yLog ? 'log' : 'linear',
  })
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < xs.length; i++) {
    const c = classes === undefined ? 0 : classes[i]
    let list = byClass.get(c)
    if (list === undefined) byClass.set(c, (list = []))
    list.push(i)
  }
  const marks: string[] = []
  const legend: LegendEntry[] = []
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const color = seriesColors[c % seriesColors.length]
    marks.push(`<g class="series" data-class="${c}" fill="${color}" fill-opacity="${opacity}">`)
    for (const i of byClass.get(c)!) {
      marks.push(`<circle cx="${px(x.map(xs[i]))}" cy="${px(y.map(ys[i]))}" r="${radius}"/>`)
    }
    marks.push('</g>')
    if (classes !== undefined)
      legend.push({ label: options.classNames?.[c] ?? String(c), color, kind: 'points' })
  }
  const body = `${renderAxes(frame, x, y, options)}\n${clipped(marks.join('\n'))}`
  return finishSvg(frame, body, renderLegend(frame, legend, options.legend))
}
