/**
 * Geometric data augmentation beyond shifts: small rotations and the elastic distortions of
 * Simard, Steinkraus & Platt 2003 ("Best practices for convolutional neural networks applied
 * to visual document analysis", §2), both by bilinear resampling with a fill value outside.
 */
import {
  fromArray,
  InvalidArgumentError,
  type Key,
  ShapeError,
  split,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'

function checkImages(op: string, images: Tensor): [number, number, number, number] {
  if (images.rank !== 4) {
    throw new ShapeError(op, `images must be [N, C, H, W], got [${images.shape.join(', ')}]`, [images.shape])
  }
  return images.shape as [number, number, number, number]
}

/**
 * Bilinear resampling: `y[k, c, i, j] = x[k, c](srcI, srcJ)` where `source(k, i, j)` gives
 * the (fractional) source row and column; neighbours outside the image read `fill`.
 */
function resample(
  images: Tensor,
  fill: number,
  source: (k: number, i: number, j: number) => readonly [number, number],
): Tensor {
  const [n, c, h, w] = images.shape
  const x = images.dataSync()
  const out = new Float32Array(x.length)
  const plane = h * w
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const [si, sj] = source(k, i, j)
        const i0 = Math.floor(si)
        const j0 = Math.floor(sj)
        const fi = si - i0
        const fj = sj - j0
        for (let ch = 0; ch < c; ch++) {
          const base = (k * c + ch) * plane
          const at = (a: number, b: number): number =>
            a >= 0 && a < h && b >= 0 && b < w ? x[base + a * w + b] : fill
          const top = (1 - fj) * at(i0, j0) + (fj === 0 ? 0 : fj * at(i0, j0 + 1))
          const bottom = fi === 0 ? 0 : (1 - fj) * at(i0 + 1, j0) + (fj === 0 ? 0 : fj * at(i0 + 1, j0 + 1))
          out[base + i * w + j] = (1 - fi) * top + fi * bottom
        }
      }
    }
  }
  return fromArray(out, { shape: images.shape, backend: images.backend })
}

/**
 * Rotates each image about its centre `((H − 1)/2, (W − 1)/2)` by its own angle, counter-
 * clockwise as displayed (rows downwards), by bilinear interpolation: output pixel (i, j)
 * reads the input at
 *
 * ```
 * i' = c_i + (i − c_i)·cos θ + (j − c_j)·sin θ,   j' = c_j + (j − c_j)·cos θ − (i − c_i)·sin θ
 * ```
 *
 * @param images - float32 `[N, C, H, W]`
 * @param degrees - one angle per image, in degrees
 * @param options - fill (default 0) for pixels that come from outside the image
 * @returns a new tensor of the same shape
 * @throws ShapeError unless images are 4-D
 * @throws InvalidArgumentError when there is not one finite angle per image
 * @example
 * ```ts
 * rotateImages(batch, [90, -10]) // the first image a quarter turn counter-clockwise
 * ```
 */
export function rotateImages(
  images: Tensor,
  degrees: ArrayLike<number>,
  options: { readonly fill?: number } = {},
): Tensor {
  const op = 'rotateImages'
  const [n, , h, w] = checkImages(op, images)
  if (degrees.length !== n || !Array.from(degrees).every((d) => Number.isFinite(d))) {
    throw new InvalidArgumentError(op, 'degrees', `must hold ${n} finite angles, got ${degrees.length}`)
  }
  const ci = (h - 1) / 2
  const cj = (w - 1) / 2
  const trig = Array.from(degrees, (d) => {
    const t = (d * Math.PI) / 180
    // exact quarter turns, so 90° is a permutation of the pixels
    const round = (v: number): number => (Math.abs(v - Math.round(v)) < 1e-12 ? Math.round(v) : v)
    return [round(Math.cos(t)), round(Math.sin(t))] as const
  })
  return resample(images, options.fill ?? 0, (k, i, j) => {
    const [cos, sin] = trig[k]
    return [ci + (i - ci) * cos + (j - cj) * sin, cj + (j - cj) * cos - (i - ci) * sin]
  })
}

/**
 * Random rotation: each image turns by an angle drawn uniformly from
 * `[−maxDegrees, maxDegrees]` (from `key`), as {@link rotateImages}.
 *
 * @param images - float32 `[N, C, H, W]`
 * @param options - maxDegrees (>= 0; 10–15 suits digits), key, fill (default 0)
 * @returns a new tensor of the same shape
 * @throws ShapeError unless images are 4-D
 * @throws InvalidArgumentError for a negative or non-finite maxDegrees
 * @example
 * ```ts
 * const turned = randomRotation(batch.images, { maxDegrees: 10, key: fold(augmentKey, step) })
 * ```
 */
export function randomRotation(
  images: Tensor,
  options: { readonly maxDegrees: number; readonly key: Key; readonly fill?: number },
): Tensor {
  const op = 'randomRotation'
  const [n] = checkImages(op, images)
  const { maxDegrees } = options
  if (!(Number.isFinite(maxDegrees) && maxDegrees >= 0)) {
    throw new InvalidArgumentError(
      op,
      'maxDegrees',
      `must be a finite number >= 0, got ${String(maxDegrees)}`,
    )
  }
  const angles = Array.from(uniformFloats(options.key, n), (u) => (2 * u - 1) * maxDegrees)
  return rotateImages(images, angles, { fill: options.fill })
}

/** A normalised 1-D Gaussian kernel `g_t ∝ exp(−t²/(2σ²))`, |t| <= ⌈3σ⌉, summing to 1. */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma))
  const g = Float64Array.from({ length: 2 * radius + 1 }, (_, t) =>
    Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma)),
  )
  const total = g.reduce((a, b) => a + b, 0)
  return g.map((v) => v / total)
}

/** Separable Gaussian smoothing of an `h × w` field with zeros outside. */
function smooth(field: Float64Array, h: number, w: number, g: Float64Array): Float64Array {
  const radius = (g.length - 1) / 2
  const rows = new Float64Array(h * w)
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0
      for (let t = -radius; t <= radius; t++) {
        const q = j + t
        if (q >= 0 && q < w) s += g[t + radius] * field[i * w + q]
      }
      rows[i * w + j] = s
    }
  }
  const out = new Float64Array(h * w)
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0
      for (let t = -radius; t <= radius; t++) {
        const q = i + t
        if (q >= 0 && q < h) s += g[t + radius] * rows[q * w + j]
      }
      out[i * w + j] = s
    }
  }
  return out
}

/**
 * The displacement fields of {@link elasticDistortion} for one image: per pixel, a draw of
 * U(−1, 1) for each axis, smoothed by a normalised Gaussian of width σ (zeros outside the
 * image), times α. In the interior each component has standard deviation
 * `α·(1/√3)·Σ_t g_t²` (the 2-D kernel is the outer product of the 1-D one).
 *
 * @param key - the random key
 * @param size - `[H, W]`
 * @param options - alpha α (pixels), sigma σ (pixels, > 0)
 * @returns `{ dy, dx }`, each `Float64Array [H·W]` row-major
 * @throws InvalidArgumentError for a non-finite or negative α, a σ <= 0, or a bad size
 * @example
 * ```ts
 * const { dy, dx } = elasticField(key(0), [28, 28], { alpha: 34, sigma: 4 })
 * ```
 */
export function elasticField(
  key: Key,
  size: readonly [number, number],
  options: { readonly alpha: number; readonly sigma: number },
): { dy: Float64Array; dx: Float64Array } {
  const op = 'elasticField'
  const [h, w] = size
  if (!(Number.isSafeInteger(h) && Number.isSafeInteger(w) && h >= 1 && w >= 1)) {
    throw new InvalidArgumentError(op, 'size', `must be [H, W] of integers >= 1, got ${JSON.stringify(size)}`)
  }
  const { alpha, sigma } = options
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new InvalidArgumentError(op, 'alpha', `must be a finite number >= 0, got ${String(alpha)}`)
  }
  if (!(Number.isFinite(sigma) && sigma > 0)) {
    throw new InvalidArgumentError(op, 'sigma', `must be a finite number > 0, got ${String(sigma)}`)
  }
  const g = gaussianKernel(sigma)
  const [ky, kx] = split(key, 2)
  const field = (k: Key): Float64Array =>
    smooth(
      Float64Array.from(uniformFloats(k, h * w), (u) => 2 * u - 1),
      h,
      w,
      g,
    ).map((v) => alpha * v)
  return { dy: field(ky), dx: field(kx) }
}

/**
 * Elastic distortion (Simard et al. 2003, §2): each image is resampled bilinearly at
 * `(i + dy(i, j), j + dx(i, j))` with its own smoothed random displacement field from
 * {@link elasticField} (image k uses `split(key, N)[k]`). Simard et al. used σ = 4, α = 34 on
 * MNIST; milder values (σ 4–6, α 8–20) keep the digits legible.
 *
 * @param images - float32 `[N, C, H, W]`
 * @param options - alpha, sigma, key, fill (default 0)
 * @returns a new tensor of the same shape
 * @throws ShapeError unless images are 4-D
 * @throws InvalidArgumentError as {@link elasticField}
 * @example
 * ```ts
 * const warped = elasticDistortion(batch.images, { alpha: 12, sigma: 5, key: k })
 * ```
 */
export function elasticDistortion(
  images: Tensor,
  options: { readonly alpha: number; readonly sigma: number; readonly key: Key; readonly fill?: number },
): Tensor {
  const [n, , h, w] = checkImages('elasticDistortion', images)
  const keys = split(options.key, n)
  const fields = keys.map((k) => elasticField(k, [h, w], options))
  return resample(images, options.fill ?? 0, (k, i, j) => [
    i + fields[k].dy[i * w + j],
    j + fields[k].dx[i * w + j],
  ])
}
