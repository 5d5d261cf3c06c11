/**
 * Generation and reconstruction: decoder samples from the prior, reconstructions of inputs
 * and decoding of given codes, returned as plain `[N, D]` pixel tensors (means of the
 * decoder's likelihood) that `@gen/viz` turns into pictures.
 */
import {
  fromArray,
  InvalidArgumentError,
  type Key,
  noGrad,
  normalFloats,
  type Tensor,
  tidy,
  keep,
} from '@gen/core-tensor'
import type { AutoencoderConfig } from './config'
import { type AutoencoderParams, type ConditionOptions, decode, decoderMean, encode } from './model'

/**
 * Draws `count` images from a VAE: z ~ N(0, I), then the decoder's mean `E[x | z]` (σ(logits)
 * for a Bernoulli decoder), without gradients.
 *
 * @param config - the model
 * @param params - its parameters
 * @param options - count, key, labels (conditional)
 * @returns `[count, D]` pixel means in [0, 1] (or the Gaussian means)
 * @throws InvalidArgumentError for a count below 1
 * @example
 * ```ts
 * const images = sampleImages(config, params, { count: 64, key: key(3) })
 * ```
 */
export function sampleImages(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  options: ConditionOptions & { readonly count: number; readonly key: Key },
): Tensor {
  const { count } = options
  if (!Number.isSafeInteger(count) || count < 1)
    throw new InvalidArgumentError('sampleImages', 'count', `must be an integer >= 1, got ${String(count)}`)
  const z = fromArray(normalFloats(options.key, count * config.latentDim), {
    shape: [count, config.latentDim],
  })
  const out = decodeImages(config, params, z, options)
  z.dispose()
  return out
}

/**
 * Decodes codes to mean images without gradients.
 *
 * @param config - the model
 * @param params - its parameters
 * @param z - `[N, Z]` codes
 * @param options - labels (conditional)
 * @returns `[N, D]` pixel means
 * @example
 * ```ts
 * const grid = decodeImages(config, params, latentGrid)
 * ```
 */
export function decodeImages(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  z: Tensor,
  options: ConditionOptions = {},
): Tensor {
  return tidy(() => noGrad(() => keep(decoderMean(config, decode(config, params, z, options)))))
}

/**
 * Reconstructs inputs through the code: `E[x | z = μ(x)]` (the encoder's mean for a VAE),
 * without gradients.
 *
 * @param config - the model
 * @param params - its parameters
 * @param x - `[N, D]` inputs
 * @param options - labels (conditional)
 * @returns `[N, D]` reconstructions
 * @example
 * ```ts
 * const denoised = reconstruct(config, params, noisy)
 * ```
 */
export function reconstruct(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: ConditionOptions = {},
): Tensor {
  return tidy(() =>
    noGrad(() =>
      keep(decoderMean(config, decode(config, params, encode(config, params, x, options).mu, options))),
    ),
  )
}

/**
 * The codes of inputs: μ(x) for a VAE, the code for an AE, without gradients (the latent
 * tools take them).
 *
 * @param config - the model
 * @param params - its parameters
 * @param x - `[N, D]` inputs
 * @param options - labels (conditional)
 * @returns `[N, Z]`
 * @example
 * ```ts
 * const codes = encodeMean(config, params, testX)
 * ```
 */
export function encodeMean(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: ConditionOptions = {},
): Tensor {
  return tidy(() => noGrad(() => keep(encode(config, params, x, options).mu)))
}
