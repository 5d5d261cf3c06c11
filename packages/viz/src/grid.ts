/**
 * Image grids: tiles in rows and columns with gaps, an optional border and optional labels
 * under each tile — sample sheets, lattices at several temperatures, filters.
 */
import { InvalidArgumentError, ShapeError } from './errors.js'
import {
  checkImage,
  readInput,
  toImage,
  toRgb,
  type Image,
  type ShapedArray,
  type TensorLike,
  type ValueRange,
} from './image.js'
import { drawText, textHeight } from './internal/text.js'

/** Options of {@link imageGrid}. */
export interface GridOptions {
  /** Tiles per row (default: ceil(sqrt(count))). */
  columns?: number
  /** Pixels between neighbouring tiles (default 2). */
  gap?: number
  /** Pixels around the whole grid (default 0). */
  border?: number
  /** Gray level of gaps, border and label strips, 0..255 (default 128). */
  background?: number
  /** One label per tile, drawn under it in a 5×7 pixel font. */
  labels?: readonly string[]
  /** Integer size of the label font (default 1: 7 pixels tall). */
  labelScale?: number
  /** Value range, needed when the tiles come as a batch of numbers. */
  range?: ValueRange
  /** Upscale each tile by this integer factor before placing it (default 1). */
  scale?: number
}

/** A batch of tiles as one shaped input: `[N, H, W]`, `[N, H, W, C]` or `[N, C, H, W]`. */
export type TileBatch = TensorLike | ShapedArray

/**
 * The tiles of a batch: shape `[N, H, W]`, `[N, H, W, C]` (C in 1, 3, 4) or
 * `[N, C, H, W]` (C in 1, 3), converted with `range`.
 */
function tilesFromBatch(batch: TileBatch, range: ValueRange): Image[] {
  const { values, shape } = readInput('imageGrid', batch)
  const dims = shape ?? []
  let tileShape: number[]
  if (dims.length === 3) tileShape = [dims[1], dims[2]]
  else if (dims.length === 4 && [1, 3, 4].includes(dims[3])) tileShape = [dims[1], dims[2], dims[3]]
  else if (dims.length === 4 && [1, 3].includes(dims[1])) tileShape = [dims[1], dims[2], dims[3]]
  else {
    throw new ShapeError(
      'imageGrid',
      `a batch must have shape [N,H,W], [N,H,W,C] or [N,C,H,W], got [${dims.join(',')}]`,
      [dims],
    )
  }
  const size = tileShape.reduce((a, b) => a * b, 1)
  const tiles: Image[] = []
  for (let n = 0; n < dims[0]; n++) {
    const slice = Array.prototype.slice.call(values, n * size, (n + 1) * size) as number[]
    try {
      tiles.push(toImage({ shape: tileShape, data: slice }, { range }))
    } catch (error) {
      // Name the tile: "at index 3 of tile 5" finds the bad sample in a batch.
      if (error instanceof InvalidArgumentError && error.argument === 'values') {
        throw new InvalidArgumentError(
          'imageGrid',
          'tiles',
          `${error.message.replace(/^toImage: values /, '')} of tile ${n}`,
        )
      }
      throw error
    }
  }
  return tiles
}

/**
 * Lays tiles out in a grid. Tile k sits at column `k mod columns`, row `floor(k / columns)`,
 * with its top-left corner at `x = border + col·(w + gap)`,
 * `y = border + row·(h + labelStrip + gap)`; the grid is
 * `2·border + columns·w + (columns − 1)·gap` wide. Gray tiles mixed with colour tiles are
 * converted to RGB. Labels take a strip of `7·labelScale + 2` pixels under each tile.
 *
 * @param tiles - images of equal size, or a batch tensor-like (then `range` is required)
 * @param options - layout, background, labels
 * @returns the grid image
 * @throws ShapeError when the tiles differ in size or there are none
 * @throws InvalidArgumentError for bad layout numbers, a label count that differs from the tile count, or a batch without `range`
 * @example
 * ```ts
 * const tile = (v: number) => ({ width: 28, height: 28, channels: 1 as const, data: new Uint8Array(784).fill(v) })
 * const grid = imageGrid([tile(0), tile(85), tile(170), tile(255)], { columns: 2, gap: 2, labels: ['0', '1', '2', '3'] })
 * grid.width // 58 = 2·28 + 2
 * // a batch of numbers, shape [N, H, W] (a core-tensor Tensor works the same way):
 * const sheet = imageGrid({ shape: [16, 28, 28], data: new Float32Array(16 * 784) }, { range: '0..1', columns: 4 })
 * sheet.width // 118 = 4·28 + 3·2
 * ```
 */
export function imageGrid(tiles: readonly Image[] | TileBatch, options: GridOptions = {}): Image {
  const op = 'imageGrid'
  let images: readonly Image[]
  if (Array.isArray(tiles)) images = tiles as readonly Image[]
  else {
    if (options.range === undefined) {
      throw new InvalidArgumentError(op, 'range', 'must be given for a batch of numbers, got undefined')
    }
    images = tilesFromBatch(tiles as TileBatch, options.range)
  }
  if (images.length === 0) throw new ShapeError(op, 'tiles must hold at least one image, got 0')
  images.forEach((t, i) => checkImage(op, t, `tiles[${i}]`))
  const scale = options.scale ?? 1
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length))
  const gap = options.gap ?? 2
  const border = options.border ?? 0
  const background = options.background ?? 128
  const labelScale = options.labelScale ?? 1
  const checks: [string, number, number][] = [
    ['columns', columns, 1],
    ['gap', gap, 0],
    ['border', border, 0],
    ['labelScale', labelScale, 1],
    ['scale', scale, 1],
  ]
  for (const [name, value, min] of checks) {
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(op, name, `must be an integer >= ${min}, got ${value}`)
    }
  }
  if (!Number.isInteger(background) || background < 0 || background > 255) {
    throw new InvalidArgumentError(op, 'background', `must be an integer in [0, 255], got ${background}`)
  }
  if (options.labels !== undefined && options.labels.length !== images.length) {
    throw new InvalidArgumentError(
      op,
      'labels',
      `must hold one label per tile (${images.length}), got ${options.labels.length}`,
    )
  }
  const { width: w0, height: h0 } = images[0]
  images.forEach((t, i) => {
    if (t.width !== w0 || t.height !== h0) {
      throw new ShapeError(op, `tiles must all be ${w0}x${h0}, got ${t.width}x${t.height} at index ${i}`, [
        [h0, w0],
        [t.height, t.width],
      ])
    }
  })
  const channels = images.some((t) => t.channels !== 1) ? 3 : 1
  const prepared = images.map((t) => (channels === 3 ? toRgb(t) : t))
  const w = w0 * scale
  const h = h0 * scale
  const strip = options.labels === undefined ? 0 : textHeight(labelScale) + 2
  const cols = Math.min(columns, prepared.length)
  const rows = Math.ceil(prepared.length / cols)
  const width = 2 * border + cols * w + (cols - 1) * gap
  const height = 2 * border + rows * (h + strip) + (rows - 1) * gap
  const data = new Uint8Array(width * height * channels).fill(background)
  prepared.forEach((tile, k) => {
    const x0 = border + (k % cols) * (w + gap)
    const y0 = border + Math.floor(k / cols) * (h + strip + gap)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = (Math.floor(y / scale) * w0 + Math.floor(x / scale)) * channels
        const dst = ((y0 + y) * width + x0 + x) * channels
        for (let c = 0; c < channels; c++) data[dst + c] = tile.data[src + c]
      }
    }
    if (options.labels !== undefined) {
      const ink = background > 127 ? 0 : 255
      drawText({ width, height, channels, data }, options.labels[k], {
        x: x0,
        y: y0 + h + 1,
        scale: labelScale,
        color: [ink, ink, ink],
        maxWidth: w,
      })
    }
  })
  return { width, height, channels: channels, data }
}
