// The binarisation protocol of every likelihood in this package. Log-likelihoods of binarised
// MNIST move by many nats between protocols (thresholding at 0.5 gives far sparser, easier
// images than sampling each pixel), so results of different protocols are never compared:
// the protocol travels with the data and with every log-likelihood computed from it.
import { InvalidArgumentError, uniformFloats, type Key } from '@gen/core-tensor'

/**
 * The name of the one binarisation protocol: each pixel of intensity p ∈ [0, 1] is 1 with
 * probability p, independently, drawn once from a fixed key.
 */
export const STOCHASTIC_BINARIZATION = 'stochastic' as const

/**
 * Binary images tagged with the protocol that made them.
 *
 * @example
 * ```ts
 * const { values, protocol } = binarizeStochastic(images, key(1))
 * ```
 */
export interface BinarizedImages {
  /** 0/1 values, the same row-major layout as the input ([N, V] for N images of V pixels). */
  readonly values: Float64Array
  /** Always {@link STOCHASTIC_BINARIZATION}. */
  readonly protocol: typeof STOCHASTIC_BINARIZATION
  /** The key the pixels were drawn from, so the draw can be repeated exactly. */
  readonly key: Key
}

/**
 * Stochastic binarisation (Salakhutdinov & Murray 2008, §4): pixel n becomes 1 when
 * u_n < p_n, with u = `uniformFloats(key, N·V, 'float64')` drawn once over the whole array, so
 * the same key always gives the same binary set, and the first m images of a binarised set
 * equal the binarisation of its first m images. Bytes (a Uint8Array, 0..255) are read as p = x / 255;
 * any other array must already hold intensities in [0, 1].
 *
 * @param images - pixel intensities, any layout (typically [N, 784] row-major)
 * @param key - the key of the draw; keep one fixed key per data split
 * @returns {@link BinarizedImages}
 * @throws InvalidArgumentError when the array is empty or (non-byte input) a value is outside [0, 1]
 * @example
 * ```ts
 * import { key } from '@gen/core-tensor'
 * import { loadMnist } from '@gen/datasets/node'
 * const { test } = await loadMnist()
 * const binaryTest = binarizeStochastic(test.images, key(2)) // values: [10000·784] of 0/1
 * ```
 */
export function binarizeStochastic(images: ArrayLike<number>, key: Key): BinarizedImages {
  const op = 'binarizeStochastic'
  if (images.length === 0) throw new InvalidArgumentError(op, 'images', 'must be non-empty, got length 0')
  const bytes = images instanceof Uint8Array || images instanceof Uint8ClampedArray
  const u = uniformFloats(key, images.length, 'float64')
  const values = new Float64Array(images.length)
  for (let n = 0; n < images.length; n++) {
    const p = bytes ? images[n] / 255 : images[n]
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidArgumentError(
        op,
        'images',
        `must hold intensities in [0, 1] (or bytes), got ${p} at index ${n}`,
      )
    }
    values[n] = u[n] < p ? 1 : 0
  }
  return { values, protocol: STOCHASTIC_BINARIZATION, key }
}
