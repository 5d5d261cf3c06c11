/**
 * Uses of trained models: image-quality numbers for denoising (PSNR, per-example BCE) and
 * anomaly scores by reconstruction error or by the negative ELBO.
 */
import { InvalidArgumentError, type Key, type Tensor } from '@gen/core-tensor'
import type { AutoencoderConfig } from './config'
import type { AutoencoderParams } from './model'
import { reconstruct } from './generate'
import { evaluateAutoencoder } from './train'

function same(op: string, a: Tensor, b: Tensor): void {
  if (a.rank < 1 || a.size !== b.size || a.shape[0] !== b.shape[0]) {
    throw new InvalidArgumentError(
      op,
      'b',
      `must have a's shape [${a.shape.join(', ')}], got [${b.shape.join(', ')}]`,
    )
  }
}

/**
 * Peak signal-to-noise ratio of images against a reference, over the whole set:
 * `PSNR = 10·log10(peak² / MSE)`, MSE the mean squared difference over every pixel.
 *
 * @param reference - `[N, ...]` clean images
 * @param image - the same shape
 * @param peak - the largest pixel value. Default 1
 * @returns dB (Infinity for identical images)
 * @throws InvalidArgumentError when the shapes differ
 * @example
 * ```ts
 * psnr(clean, denoised) - psnr(clean, noisy) // the gain in dB
 * ```
 */
export function psnr(reference: Tensor, image: Tensor, peak = 1): number {
  same('psnr', reference, image)
  const a = reference.dataSync()
  const b = image.dataSync()
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2
  return 10 * Math.log10((peak * peak) / (s / a.length))
}

/**
 * Binary cross-entropy of predicted pixel values p against a clean target x, summed over the
 * pixels and averaged over images: `−(1/N) Σ_n Σ_i x log p + (1 − x) log(1 − p)`, with p
 * clipped to [1e-7, 1 − 1e-7] so a 0 or 1 prediction stays finite.
 *
 * @param target - `[N, ...]` clean images in [0, 1]
 * @param prediction - the same shape, values in [0, 1]
 * @returns nats per image
 * @throws InvalidArgumentError when the shapes differ
 * @example
 * ```ts
 * pixelBce(clean, reconstruct(config, params, masked))
 * ```
 */
export function pixelBce(target: Tensor, prediction: Tensor): number {
  same('pixelBce', target, prediction)
  const x = target.dataSync()
  const p = prediction.dataSync()
  let s = 0
  for (let i = 0; i < x.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]))
    s -= x[i] * Math.log(q) + (1 - x[i]) * Math.log(1 - q)
  }
  return s / target.shape[0]
}

/**
 * Anomaly scores, higher for inputs the model explains worse: `'reconstruction'` is the
 * squared error `Σ_i (x_i − x̂_i)²` of the mean reconstruction, `'elbo'` is the negative ELBO
 * (VAE only; one sample per example from `key`).
 *
 * @param config - the model
 * @param params - its parameters
 * @param x - `[N, D]` inputs
 * @param options - method, key (for 'elbo')
 * @returns `Float64Array [N]`
 * @throws InvalidArgumentError for 'elbo' on an AE or an unknown method
 * @example
 * ```ts
 * const scores = anomalyScores(config, params, x, { method: 'elbo', key: key(0) })
 * ```
 */
export function anomalyScores(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: { readonly method: 'reconstruction' | 'elbo'; readonly key?: Key },
): Float64Array {
  const op = 'anomalyScores'
  if (options.method === 'elbo') {
    if (config.kind !== 'vae')
      throw new InvalidArgumentError(op, 'options.method', `'elbo' needs a VAE, got kind '${config.kind}'`)
    if (options.key === undefined)
      throw new InvalidArgumentError(op, 'options.key', 'must be given for the ELBO, got undefined')
    return evaluateAutoencoder(config, params, x, { key: options.key }).perExample.map((v) => -v)
  }
  if (options.method !== 'reconstruction') {
    throw new InvalidArgumentError(
      op,
      'options.method',
      `must be 'reconstruction' or 'elbo', got ${String(options.method)}`,
    )
  }
  const r = reconstruct(config, params, x)
  const a = x.dataSync()
  const b = r.dataSync()
  r.dispose()
  const n = x.shape[0]
  const d = a.length / n
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = i * d; j < (i + 1) * d; j++) s += (a[j] - b[j]) ** 2
    out[i] = s
  }
  return out
}
