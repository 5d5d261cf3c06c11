/**
 * A drawing to an MNIST-like input: MNIST digits were scaled to fit a 20 × 20 box (keeping
 * the aspect ratio) and placed in 28 × 28 with their centre of mass at the centre (LeCun et
 * al. 1998), so a drawing is treated the same way before LeNet sees it.
 */

/** Ink in [0, 1] on a `side`² grid, row-major. */
export interface InkImage {
  readonly side: number
  readonly ink: Float32Array
}

/**
 * The 28 × 28 MNIST-style image of a drawing: bounding box → 20 px on the long side (area
 * averaging) → centre of mass moved to (14, 14) (nearest whole pixel).
 *
 * @param drawing - the pad's ink
 * @returns 784 values in [0, 1], or null for an empty drawing
 */
export function toMnist(drawing: InkImage): Float32Array | null {
  const { side, ink } = drawing
  let [x0, y0, x1, y1] = [side, side, -1, -1]
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (ink[y * side + x] > 0.05) {
        x0 = Math.min(x0, x)
        y0 = Math.min(y0, y)
        x1 = Math.max(x1, x)
        y1 = Math.max(y1, y)
      }
    }
  }
  if (x1 < 0) return null
  const w = x1 - x0 + 1
  const h = y1 - y0 + 1
  const scale = 20 / Math.max(w, h)
  const tw = Math.max(1, Math.round(w * scale))
  const th = Math.max(1, Math.round(h * scale))
  // area-average the box into tw × th
  const small = new Float32Array(tw * th)
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = x0 + (tx * w) / tw
      const sx1 = x0 + ((tx + 1) * w) / tw
      const sy0 = y0 + (ty * h) / th
      const sy1 = y0 + ((ty + 1) * h) / th
      let sum = 0
      let count = 0
      for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
        for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
          sum += ink[y * side + x]
          count += 1
        }
      }
      small[ty * tw + tx] = count > 0 ? sum / count : 0
    }
  }
  let mass = 0
  let mx = 0
  let my = 0
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]
      mass += v
      mx += v * x
      my += v * y
    }
  }
  const ox = Math.round(14 - (mx / mass + 0.5))
  const oy = Math.round(14 - (my / mass + 0.5))
  const out = new Float32Array(784)
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const X = x + ox
      const Y = y + oy
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, small[y * tw + x])
    }
  }
  return out
}
