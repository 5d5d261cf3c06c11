/**
 * Full-reference image quality: PSNR and SSIM (Wang, Bovik, Sheikh & Simoncelli 2004, "Image
 * quality assessment: from error visibility to structural similarity"), computed in float64
 * per image and averaged over the batch, as super-resolution papers report them.
 */
import { InvalidArgumentError, ShapeError, type Tensor } from '@gen/core-tensor'
import { checkNumber, checkObject } from '../nets/check'

/** A batch of single-channel images: a tensor `[N, H, W]` or `[N, 1, H, W]`, or values with that shape. */
export type ImageBatch = Tensor | { readonly values: ArrayLike<number>; readonly shape: readonly number[] }

interface Batch {
  readonly values: ArrayLike<number>
  readonly count: number
  readonly height: number
  readonly width: number
}

function readBatch(op: string, name: string, batch: ImageBatch): Batch {
  checkObject(op, name, batch)
  const values: ArrayLike<number> = 'dataSync' in batch ? batch.dataSync() : batch.values
  const shape = batch.shape
  const ok =
    (shape.length === 3 || (shape.length === 4 && shape[1] === 1)) &&
    shape.every((d) => Number.isSafeInteger(d) && d >= 1)
  if (!ok)
    throw new ShapeError(op, `${name} must be [N, H, W] or [N, 1, H, W], got [${shape.join(', ')}]`, [shape])
  const [count, height, width] = shape.length === 3 ? shape : [shape[0], shape[2], shape[3]]
  if (values.length !== count * height * width) {
    throw new ShapeError(
      op,
      `${name} must hold ${count * height * width} values for [${shape.join(', ')}], got ${values.length}`,
      [shape],
    )
  }
  return { values, count, height, width }
}

/**
 * @internal Throws unless every value is finite and in [lo, hi] (a slack of 1e-6 of the range):
 * 0–255 pixels scored as [0, 1] pixels give meaningless dB (−28 for MNIST), a NaN a NaN score.
 */
export function checkPixels(
  op: string,
  name: string,
  values: ArrayLike<number>,
  bounds: { readonly lo: number; readonly hi: number; readonly range: number } = { lo: 0, hi: 1, range: 1 },
): void {
  const { lo, hi, range } = bounds
  const slack = 1e-6 * range
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!(v >= lo - slack && v <= hi + slack)) {
      const hint =
        range === 1 && v > hi && v <= 255 + slack
          ? ' — divide 0–255 images (such as loadMnist’s Uint8Array) by 255'
          : ''
      throw new InvalidArgumentError(
        op,
        name,
        `must hold finite pixel values in [${lo}, ${hi}], got ${String(v)} at index ${i}${hint}`,
      )
    }
  }
}

function readPair(op: string, a: ImageBatch, b: ImageBatch, range: number): [Batch, Batch] {
  const x = readBatch(op, 'a', a)
  const y = readBatch(op, 'b', b)
  if (x.count !== y.count || x.height !== y.height || x.width !== y.width) {
    throw new ShapeError(
      op,
      `a and b must hold the same images, got ${x.count}×${x.height}×${x.width} and ${y.count}×${y.height}×${y.width}`,
      [a.shape, b.shape],
    )
  }
  // the reference must lie in [0, L]; the estimate may overshoot it (bicubic ringing reaches
  // about 7% of L past each end, an unclamped sampler more) but not by half of L
  checkPixels(op, 'a', x.values, { lo: -range / 2, hi: (3 * range) / 2, range })
  checkPixels(op, 'b', y.values, { lo: 0, hi: range, range })
  return [x, y]
}

/** Per-image scores and their mean. */
export interface ImageScores {
  readonly mean: number
  readonly perImage: Float64Array
}

/**
 * Peak signal-to-noise ratio of each image pair, PSNR = 10 log₁₀(L² / MSE) with L the data
 * range, and its mean over the batch (identical images give +Infinity).
 *
 * @param a - images `[N, H, W]` or `[N, 1, H, W]`
 * @param b - reference images of the same shape
 * @param options - dataRange L (default 1, for pixels in [0, 1]): b must lie in [0, L], a (which
 *   may overshoot, as bicubic upsampling does) in [−L/2, 3L/2]
 * @returns mean and per-image PSNR in dB
 * @throws ShapeError when the batches differ; InvalidArgumentError for a NaN or a value out of
 *   those ranges (0–255 pixels with the default L = 1: divide them by 255)
 * @example
 * ```ts
 * psnr(upsampled, highRes).mean // about 19.5 dB for bicubic 14 → 28 on MNIST digits
 * ```
 */
export function psnr(
  a: ImageBatch,
  b: ImageBatch,
  options: { readonly dataRange?: number } = {},
): ImageScores {
  const op = 'psnr'
  const range = options.dataRange ?? 1
  checkNumber(op, 'dataRange', range, { lo: 0, openLow: true })
  const [x, y] = readPair(op, a, b, range)
  const size = x.height * x.width
  const perImage = new Float64Array(x.count)
  for (let n = 0; n < x.count; n++) {
    let total = 0
    for (let i = n * size; i < (n + 1) * size; i++) total += (x.values[i] - y.values[i]) ** 2
    perImage[n] = 10 * Math.log10((range * range) / (total / size))
  }
  return { mean: perImage.reduce((s, v) => s + v, 0) / x.count, perImage }
}

/** Options of {@link ssim}. */
export interface SsimOptions {
  /** L of the stabilising constants. Default 1. */
  readonly dataRange?: number
  /** Window side (odd). Default 11 (Wang et al.). */
  readonly windowSize?: number
  /** Gaussian window of this σ; 0 for a uniform window. Default 1.5 (Wang et al.). */
  readonly gaussianSigma?: number
  /** K₁ and K₂. Default 0.01 and 0.03. */
  readonly k1?: number
  readonly k2?: number
}

/**
 * Structural similarity (Wang et al. 2004, eq. 13): at every position where the window fits
 * ("valid"), with window-weighted means μ, variances σ² and covariance σ_ab,
 * SSIM = (2 μ_a μ_b + C₁)(2 σ_ab + C₂) / ((μ_a² + μ_b² + C₁)(σ_a² + σ_b² + C₂)),
 * C₁ = (K₁ L)², C₂ = (K₂ L)²; the per-image score is the mean over positions (MSSIM), and
 * the batch score the mean over images. 1 for identical images.
 *
 * @param a - images `[N, H, W]` or `[N, 1, H, W]`
 * @param b - reference images of the same shape
 * @param options - dataRange (1), windowSize (11), gaussianSigma (1.5; 0 = uniform), k1 (0.01), k2 (0.03)
 * @returns mean and per-image SSIM
 * @throws ShapeError when the batches differ; InvalidArgumentError for a window larger than the image or even,
 *   or a NaN, a value of b outside [0, dataRange] or of a outside [−dataRange/2, 3 dataRange/2]
 *   (0–255 pixels with the default 1: divide them by 255)
 * @example
 * ```ts
 * ssim(upsampled, highRes).mean
 * ```
 */
export function ssim(a: ImageBatch, b: ImageBatch, options: SsimOptions = {}): ImageScores {
  const op = 'ssim'
  const range = options.dataRange ?? 1
  checkNumber(op, 'dataRange', range, { lo: 0, openLow: true })
  const [x, y] = readPair(op, a, b, range)
  const size = options.windowSize ?? 11
  if (!Number.isSafeInteger(size) || size < 1 || size % 2 === 0 || size > Math.min(x.height, x.width)) {
    throw new InvalidArgumentError(
      op,
      'windowSize',
      `must be an odd integer no larger than the image (${x.height}×${x.width}), got ${String(size)}`,
    )
  }
  const sigma = options.gaussianSigma ?? 1.5
  checkNumber(op, 'gaussianSigma', sigma, { lo: 0 })
  const c1 = ((options.k1 ?? 0.01) * range) ** 2
  const c2 = ((options.k2 ?? 0.03) * range) ** 2
  const half = (size - 1) / 2
  const window = new Float64Array(size * size)
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++)
      window[i * size + j] =
        sigma === 0 ? 1 : Math.exp(-((i - half) ** 2 + (j - half) ** 2) / (2 * sigma * sigma))
  const weightSum = window.reduce((s, v) => s + v, 0)
  for (let k = 0; k < window.length; k++) window[k] /= weightSum
  const { height: h, width: w } = x
  const perImage = new Float64Array(x.count)
  for (let n = 0; n < x.count; n++) {
    const base = n * h * w
    let total = 0
    let positions = 0
    for (let r = 0; r + size <= h; r++)
      for (let c = 0; c + size <= w; c++) {
        let ma = 0
        let mb = 0
        let aa = 0
        let bb = 0
        let ab = 0
        for (let i = 0; i < size; i++)
          for (let j = 0; j < size; j++) {
            const g = window[i * size + j]
            const p = x.values[base + (r + i) * w + c + j]
            const q = y.values[base + (r + i) * w + c + j]
            ma += g * p
            mb += g * q
            aa += g * p * p
            bb += g * q * q
            ab += g * p * q
          }
        const va = aa - ma * ma
        const vb = bb - mb * mb
        const cov = ab - ma * mb
        total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
        positions += 1
      }
    perImage[n] = total / positions
  }
  return { mean: perImage.reduce((s, v) => s + v, 0) / x.count, perImage }
}
