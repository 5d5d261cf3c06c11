/**
 * Ten digits drawn as pen strokes and rasterised onto a `DIGIT_SIDE`² grid of ±1 units (+1 ink),
 * so the Hopfield page has digits without a data set or a font: the strokes are plain numbers,
 * so every machine gets the same patterns bit for bit.
 */

/** Side of the digit grid: N = 20² = 400 units. */
export const DIGIT_SIDE = 20

/** A point of a stroke, in [0, 1]² (x to the right, y down). */
export type Point = readonly [number, number]

/** An ellipse as a closed polyline (centre, radii, in unit coordinates). */
function ellipse(cx: number, cy: number, rx: number, ry: number): Point[] {
  const count = 20
  return Array.from({ length: count + 1 }, (_, k) => {
    const a = (2 * Math.PI * k) / count
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as const
  })
}

/** Each digit's strokes: polylines in [0, 1]², x to the right, y down (also the CNN page's samples). */
export const DIGIT_STROKES: readonly (readonly Point[])[][] = [
  [ellipse(0.5, 0.5, 0.27, 0.37)],
  [
    [
      [0.33, 0.26],
      [0.53, 0.12],
      [0.53, 0.88],
    ],
    [
      [0.33, 0.88],
      [0.73, 0.88],
    ],
  ],
  [
    [
      [0.25, 0.3],
      [0.35, 0.15],
      [0.55, 0.12],
      [0.72, 0.22],
      [0.72, 0.38],
      [0.25, 0.88],
      [0.78, 0.88],
    ],
  ],
  [
    [
      [0.25, 0.14],
      [0.72, 0.14],
      [0.45, 0.45],
      [0.68, 0.52],
      [0.75, 0.7],
      [0.6, 0.86],
      [0.4, 0.88],
      [0.24, 0.8],
    ],
  ],
  [
    [
      [0.62, 0.88],
      [0.62, 0.12],
      [0.2, 0.65],
      [0.8, 0.65],
    ],
  ],
  [
    [
      [0.74, 0.12],
      [0.3, 0.12],
      [0.27, 0.45],
      [0.5, 0.4],
      [0.7, 0.5],
      [0.75, 0.7],
      [0.6, 0.86],
      [0.4, 0.88],
      [0.24, 0.8],
    ],
  ],
  [
    [
      [0.68, 0.13],
      [0.45, 0.2],
      [0.3, 0.4],
      [0.27, 0.65],
      [0.35, 0.84],
      [0.52, 0.88],
      [0.7, 0.78],
      [0.72, 0.6],
      [0.55, 0.48],
      [0.38, 0.52],
      [0.28, 0.62],
    ],
  ],
  [
    [
      [0.22, 0.12],
      [0.78, 0.12],
      [0.45, 0.88],
    ],
    [
      [0.38, 0.5],
      [0.7, 0.5],
    ],
  ],
  [ellipse(0.5, 0.3, 0.2, 0.17), ellipse(0.5, 0.68, 0.25, 0.2)],
  [
    ellipse(0.5, 0.33, 0.22, 0.2),
    [
      [0.72, 0.33],
      [0.68, 0.6],
      [0.55, 0.88],
    ],
  ],
]

/** Pen radius in unit coordinates (about 1.8 grid cells wide). */
const PEN = 0.075

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
}

/**
 * Digit `d` as ±1 units, row-major on a `DIGIT_SIDE`² grid: a cell is ink (+1) when its centre
 * lies within the pen radius of a stroke.
 *
 * @param d - 0 … 9
 * @returns an Int8Array of length `DIGIT_SIDE`²
 */
export function digitPattern(d: number): Int8Array {
  const strokes = DIGIT_STROKES[d]
  if (strokes === undefined) throw new RangeError(`digitPattern: d must be 0 … 9, got ${d}`)
  const out = new Int8Array(DIGIT_SIDE * DIGIT_SIDE).fill(-1)
  for (let y = 0; y < DIGIT_SIDE; y++) {
    for (let x = 0; x < DIGIT_SIDE; x++) {
      const p: Point = [(x + 0.5) / DIGIT_SIDE, (y + 0.5) / DIGIT_SIDE]
      const ink = strokes.some((line) => line.slice(1).some((b, k) => distanceToSegment(p, line[k], b) < PEN))
      if (ink) out[y * DIGIT_SIDE + x] = 1
    }
  }
  return out
}
