/** Pictures in a grid on a canvas: digits (ink dark) or signed filters (grey is zero). */

/** Options of {@link drawGrid}. */
export interface GridOptions {
  /** Images per row. */
  readonly columns: number
  /** Side of one image in pixels of the data (28 for MNIST). */
  readonly side: number
  /** `'ink'`: values in [0, 1], 1 black; `'signed'`: each image scaled by its max |value|, 0 grey. */
  readonly mode: 'ink' | 'signed'
}

/**
 * Draws `count` images `[count, side, side]` from `data` into `canvas`, scaled up by whole
 * pixels to fill its width, with a 2-pixel gap; the canvas is then cut to the grid's size.
 *
 * @param canvas - the target
 * @param data - the images, row-major
 * @param options - columns, side, mode
 */
export function drawGrid(canvas: HTMLCanvasElement, data: ArrayLike<number>, options: GridOptions): void {
  const { columns, side, mode } = options
  const count = Math.floor(data.length / (side * side))
  const rows = Math.ceil(count / columns)
  const g = canvas.getContext('2d')!
  const scale = Math.max(1, Math.floor((canvas.width - 2) / columns / side))
  const cell = side * scale + 2
  canvas.width = columns * cell + 2
  canvas.height = rows * cell + 2
  g.fillStyle = '#fff'
  g.fillRect(0, 0, canvas.width, canvas.height)
  const tmp = document.createElement('canvas')
  tmp.width = side
  tmp.height = side
  const tg = tmp.getContext('2d')!
  const image = tg.createImageData(side, side)
  const px = new Uint32Array(image.data.buffer)
  g.imageSmoothingEnabled = false
  for (let k = 0; k < count; k++) {
    const offset = k * side * side
    let max = 1e-12
    if (mode === 'signed')
      for (let i = 0; i < side * side; i++) max = Math.max(max, Math.abs(data[offset + i]))
    for (let i = 0; i < side * side; i++) {
      const v = data[offset + i]
      const grey = mode === 'ink' ? 255 * (1 - Math.min(1, Math.max(0, v))) : 127.5 * (1 - v / max)
      const c = Math.round(grey)
      px[i] = 0xff000000 | (c << 16) | (c << 8) | c
    }
    tg.putImageData(image, 0, 0)
    g.drawImage(tmp, 2 + (k % columns) * cell, 2 + Math.floor(k / columns) * cell, side * scale, side * scale)
  }
}
