/**
 * Max-pooling argmax on host memory: for each window, the flat (row-major) index into x of
 * its maximum. `maxPool2d` then gathers the values at those indices, so its gradient is the
 * gather's adjoint (a scatter-add) and needs no rule of its own.
 */
import type { Pool2dParams } from './spec'

/**
 * Writes into `out` (length N·C·oH·oW) the flat index of each window's maximum.
 *
 * Window (p, q) of plane (n, c) covers rows `p·sH − pH ≤ y < p·sH − pH + kH` and columns
 * likewise, clipped to the input (padding never wins: it stands for −∞). Ties go to the
 * first maximum in row-major order, as in PyTorch; a NaN wins its window, so NaN propagates
 * as it does through `max`.
 *
 * @param values - x in logical row-major order, shape `[N, C, H, W]`
 */
export function maxPool2dArgmaxHost(
  values: ArrayLike<number>,
  shape: readonly number[],
  params: Pool2dParams,
  out: Int32Array,
): void {
  const [n, c, h, w] = shape
  const [kh, kw] = params.kernel
  const [sh, sw] = params.stride
  const [ph, pw] = params.padding
  const [oh, ow] = params.out
  let o = 0
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w
    for (let p = 0; p < oh; p++) {
      const y0 = p * sh - ph
      const ylo = Math.max(y0, 0)
      const yhi = Math.min(y0 + kh, h)
      for (let q = 0; q < ow; q++) {
        const x0 = q * sw - pw
        const xlo = Math.max(x0, 0)
        const xhi = Math.min(x0 + kw, w)
        let best = base + ylo * w + xlo
        let bestValue = values[best]
        for (let y = ylo; y < yhi; y++) {
          const row = base + y * w
          for (let x = xlo; x < xhi; x++) {
            const v = values[row + x]
            // `v > bestValue` keeps the first of equal maxima; a NaN takes the window once
            if (v > bestValue || (v !== v && bestValue === bestValue)) {
              bestValue = v
              best = row + x
            }
          }
        }
        out[o++] = best
      }
    }
  }
}
