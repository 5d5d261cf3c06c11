/**
 * A minimal line plot on a canvas (no plotting library: the playground ships nothing it does
 * not need): axes with tick labels, any number of series, and points with error bars.
 */

/** One curve. */
export interface LineSeries {
  readonly x: ArrayLike<number>
  readonly y: ArrayLike<number>
  readonly color: string
  readonly label: string
  /** Draw the points as dots (with optional error bars) instead of a line. */
  readonly dots?: boolean
  readonly error?: ArrayLike<number>
}

/** Axis ranges and titles. */
export interface PlotFrame {
  readonly xRange: readonly [number, number]
  readonly yRange: readonly [number, number]
  readonly xLabel: string
  readonly yLabel: string
  /** Vertical marker lines (for example Tc), with labels. */
  readonly markers?: readonly { x: number; label: string }[]
}

const MARGIN = { left: 46, right: 10, top: 18, bottom: 30 }

/**
 * Draws `series` into `canvas` over `frame` (the canvas is cleared first).
 *
 * @param canvas - the target (its width/height attributes are the drawing size)
 * @param frame - ranges, labels and markers
 * @param series - the curves and point sets
 */
export function drawPlot(canvas: HTMLCanvasElement, frame: PlotFrame, series: readonly LineSeries[]): void {
  const g = canvas.getContext('2d')
  if (g === null) return
  const { width, height } = canvas
  const [x0, x1] = frame.xRange
  const [y0, y1] = frame.yRange
  const w = width - MARGIN.left - MARGIN.right
  const h = height - MARGIN.top - MARGIN.bottom
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * w
  const py = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * h
  g.fillStyle = '#fff'
  g.fillRect(0, 0, width, height)
  g.strokeStyle = '#888'
  g.lineWidth = 1
  g.strokeRect(MARGIN.left, MARGIN.top, w, h)
  g.fillStyle = '#333'
  g.font = '11px sans-serif'
  for (let k = 0; k <= 4; k++) {
    const xv = x0 + ((x1 - x0) * k) / 4
    const yv = y0 + ((y1 - y0) * k) / 4
    g.fillText(xv.toPrecision(3), px(xv) - 10, height - MARGIN.bottom + 13)
    g.fillText(yv.toPrecision(3), 2, py(yv) + 4)
  }
  g.fillText(frame.xLabel, MARGIN.left + w / 2 - 10, height - 3)
  g.fillText(frame.yLabel, MARGIN.left + 4, MARGIN.top - 5)
  for (const m of frame.markers ?? []) {
    g.strokeStyle = '#bbb'
    g.setLineDash([4, 4])
    g.beginPath()
    g.moveTo(px(m.x), MARGIN.top)
    g.lineTo(px(m.x), MARGIN.top + h)
    g.stroke()
    g.setLineDash([])
    g.fillText(m.label, px(m.x) + 3, MARGIN.top + 12)
  }
  g.save()
  g.beginPath()
  g.rect(MARGIN.left, MARGIN.top, w, h)
  g.clip()
  let legendY = MARGIN.top + 14
  for (const s of series) {
    g.strokeStyle = s.color
    g.fillStyle = s.color
    g.lineWidth = 1.5
    if (s.dots === true) {
      for (let i = 0; i < s.x.length; i++) {
        g.beginPath()
        g.arc(px(s.x[i]), py(s.y[i]), 3, 0, 2 * Math.PI)
        g.fill()
        const e = s.error?.[i] ?? 0
        if (e > 0) {
          g.beginPath()
          g.moveTo(px(s.x[i]), py(s.y[i] - e))
          g.lineTo(px(s.x[i]), py(s.y[i] + e))
          g.stroke()
        }
      }
    } else {
      g.beginPath()
      for (let i = 0; i < s.x.length; i++) {
        const [a, b] = [px(s.x[i]), py(s.y[i])]
        if (i === 0) g.moveTo(a, b)
        else g.lineTo(a, b)
      }
      g.stroke()
    }
    g.fillText(s.label, MARGIN.left + w - 110, legendY)
    legendY += 13
  }
  g.restore()
}
