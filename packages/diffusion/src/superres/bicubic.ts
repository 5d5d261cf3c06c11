/**
 * Bicubic (cubic convolution) resampling (Keys 1981, "Cubic convolution interpolation for
 * digital image processing"), the baseline of super-resolution, and the 2×2 average-pool
 * degradation that makes the low-resolution inputs.
 */
import { avgPool2d, fromArray, InvalidArgumentError, ShapeError, type Tensor } from '@gen/core-tensor'
import { checkNumber, checkObject, checkTensor } from '../nets/check'

/**
 * Keys' cubic convolution kernel: W(x) = (a + 2)|x|³ − (a + 3)|x|² + 1 for |x| ≤ 1,
 * a|x|³ − 5a|x|² + 8a|x| − 4a for 1 < |x| < 2, 0 beyond. a = −0.5 (Keys; MATLAB's imresize,
 * PIL) reproduces polynomials up to degree 2 exactly; a = −0.75 is PyTorch's and OpenCV's.
 *
 * @param x - the offset in pixels
 * @param a - the free parameter (default −0.5)
 * @returns W(x)
 * @example
 * ```ts
 * cubicKernel(0) // 1
 * cubicKernel(1) // 0
 * ```
 */
export function cubicKernel(x: number, a = -0.5): number {
  const t = Math.abs(x)
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
  return 0
}

/** Options of {@link bicubicUpsample}. */
export interface BicubicOptions {
  /** Integer scale factor. Default 2. */
  readonly scale?: number
  /** Keys' a. Default −0.5. */
  readonly a?: number
  /** Clamp the result to [lo, hi] (bicubic overshoots at edges). Default: no clamping. */
  readonly clamp?: readonly [number, number]
}

/**
 * Upsamples images by an integer factor with separable cubic convolution, pixel centres
 * aligned as in PyTorch's `interpolate(..., align_corners=False)` and MATLAB's imresize:
 * output pixel o samples the input at (o + ½)/scale − ½, from the four nearest input pixels
 * per axis, with edge pixels repeated beyond the border. Computed in float64.
 *
 * Shapes: `[N, C, H, W]` → `[N, C, scale·H, scale·W]`.
 *
 * @param x - images
 * @param options - scale (2), a (−0.5), clamp
 * @returns the upsampled images, float32
 * @throws ShapeError for a tensor that is not 4-D; InvalidArgumentError for a bad scale or a
 * @example
 * ```ts
 * const up = bicubicUpsample(lowRes) // [N, 1, 14, 14] → [N, 1, 28, 28]
 * ```
 */
export function bicubicUpsample(x: Tensor, options: BicubicOptions = {}): Tensor {
  const op = 'bicubicUpsample'
  checkTensor(op, 'x', x)
  checkObject(op, 'options', options)
  if (x.rank !== 4) throw new ShapeError(op, `x must be [N, C, H, W], got [${x.shape.join(', ')}]`, [x.shape])
  const scale = options.scale ?? 2
  if (!Number.isSafeInteger(scale) || scale < 1) {
    throw new InvalidArgumentError(op, 'scale', `must be an integer >= 1, got ${String(scale)}`)
  }
  const a = options.a ?? -0.5
  checkNumber(op, 'a', a)
  const [n, c, h, w] = x.shape
  const [oh, ow] = [h * scale, w * scale]
  // taps[o] = [index, weight] × 4 along one axis
  const taps = (inSize: number, outSize: number): { index: Int32Array; weight: Float64Array } => {
    const index = new Int32Array(outSize * 4)
    const weight = new Float64Array(outSize * 4)
    for (let o = 0; o < outSize; o++) {
      const src = (o + 0.5) / scale - 0.5
      const i0 = Math.floor(src)
      const f = src - i0
      for (let k = 0; k < 4; k++) {
        index[4 * o + k] = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1)
        weight[4 * o + k] = cubicKernel(f - (k - 1), a)
      }
    }
    return { index, weight }
  }
  const rows = taps(h, oh)
  const cols = taps(w, ow)
  const input = x.dataSync()
  const out = new Float32Array(n * c * oh * ow)
  const tmp = new Float64Array(h * ow)
  const [lo, hi] = options.clamp ?? [-Infinity, Infinity]
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w
    for (let i = 0; i < h; i++)
      for (let o = 0; o < ow; o++) {
        let s = 0
        for (let k = 0; k < 4; k++) s += cols.weight[4 * o + k] * input[base + i * w + cols.index[4 * o + k]]
        tmp[i * ow + o] = s
      }
    const outBase = plane * oh * ow
    for (let o = 0; o < oh; o++)
      for (let j = 0; j < ow; j++) {
        let s = 0
        for (let k = 0; k < 4; k++) s += rows.weight[4 * o + k] * tmp[rows.index[4 * o + k] * ow + j]
        out[outBase + o * ow + j] = Math.min(Math.max(s, lo), hi)
      }
  }
  return fromArray(out, { shape: [n, c, oh, ow], backend: x.backend })
}

/**
 * The degradation of the super-resolution task: 2×2 average pooling (stride 2), so a 28×28
 * digit becomes 14×14.
 *
 * Shapes: `[N, C, H, W]` → `[N, C, H/2, W/2]`.
 *
 * @param x - high-resolution images (H and W even)
 * @returns the low-resolution images
 * @throws ShapeError for a tensor that is not 4-D or odd sizes
 * @example
 * ```ts
 * const lowRes = averagePoolDownsample(digits) // [N, 1, 14, 14]
 * ```
 */
export function averagePoolDownsample(x: Tensor): Tensor {
  const op = 'averagePoolDownsample'
  checkTensor(op, 'x', x)
  if (x.rank !== 4 || x.shape[2] % 2 !== 0 || x.shape[3] % 2 !== 0) {
    throw new ShapeError(op, `x must be [N, C, H, W] with H and W even, got [${x.shape.join(', ')}]`, [
      x.shape,
    ])
  }
  return avgPool2d(x, { kernelSize: 2, stride: 2 })
}
