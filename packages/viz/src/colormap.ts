/**
 * Colormaps: a value t in [0, 1] to an sRGB colour, by linear interpolation between anchor
 * colours. `viridis` (perceptually uniform, for heatmaps and densities), `diverging`
 * (blue–white–red, for signed fields such as spins and weights: pair it with the
 * `'symmetric'` range so 0 is white), `magma`, and `gray`.
 */
import { InvalidArgumentError } from './errors.js'

/** Names of the built-in colormaps. */
export type ColormapName = 'viridis' | 'magma' | 'diverging' | 'gray'

type Rgb = readonly [number, number, number]

// Anchors sampled from matplotlib's viridis and magma at t = 0, 1/8, ..., 1, and ColorBrewer RdBu.
const anchors: Readonly<Record<ColormapName, readonly Rgb[]>> = {
  viridis: [
    [68, 1, 84],
    [71, 44, 122],
    [59, 81, 139],
    [44, 113, 142],
    [33, 144, 141],
    [39, 173, 129],
    [92, 200, 99],
    [170, 220, 50],
    [253, 231, 37],
  ],
  magma: [
    [0, 0, 4],
    [28, 16, 68],
    [79, 18, 123],
    [129, 37, 129],
    [181, 54, 122],
    [229, 80, 100],
    [251, 135, 97],
    [254, 194, 135],
    [252, 253, 191],
  ],
  diverging: [
    [33, 102, 172],
    [103, 169, 207],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [239, 138, 98],
    [178, 24, 43],
  ],
  gray: [
    [0, 0, 0],
    [255, 255, 255],
  ],
}

/**
 * The colour of t under a colormap: with anchors c_0..c_K, `t·K = k + f` gives
 * `round((1 − f) c_k + f c_{k+1})`. t is clamped to [0, 1].
 *
 * @param name - the colormap
 * @param t - a value in [0, 1] (clamped); NaN is rejected
 * @returns `[r, g, b]`, bytes
 * @throws InvalidArgumentError for an unknown colormap or a NaN t
 * @example
 * ```ts
 * colormapColor('diverging', 0.5) // [247, 247, 247], white: a zero weight
 * colormapColor('gray', 1) // [255, 255, 255]
 * ```
 */
export function colormapColor(name: ColormapName, t: number): [number, number, number] {
  const table = anchors[name] as readonly Rgb[] | undefined
  if (table === undefined) {
    throw new InvalidArgumentError(
      'colormapColor',
      'name',
      `must be viridis, magma, diverging or gray, got ${String(name)}`,
    )
  }
  if (Number.isNaN(t))
    throw new InvalidArgumentError('colormapColor', 't', 'must be a number in [0, 1], got NaN')
  const position = Math.min(1, Math.max(0, t)) * (table.length - 1)
  const k = Math.min(table.length - 2, Math.floor(position))
  const f = position - k
  const a = table[k]
  const b = table[k + 1]
  return [
    Math.round((1 - f) * a[0] + f * b[0]),
    Math.round((1 - f) * a[1] + f * b[1]),
    Math.round((1 - f) * a[2] + f * b[2]),
  ]
}

/**
 * A colormap as a CSS colour string, for SVG plots.
 *
 * @param name - the colormap
 * @param t - a value in [0, 1]
 * @returns `'rgb(r,g,b)'`
 * @throws InvalidArgumentError for an unknown colormap or a NaN t
 * @example
 * ```ts
 * colormapCss('viridis', 0) // 'rgb(68,1,84)'
 * ```
 */
export function colormapCss(name: ColormapName, t: number): string {
  const [r, g, b] = colormapColor(name, t)
  return `rgb(${r},${g},${b})`
}
