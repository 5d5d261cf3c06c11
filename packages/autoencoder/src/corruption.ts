/**
 * Input corruptions of denoising autoencoders (Vincent et al. 2008, 2010, "Stacked Denoising
 * Autoencoders", §4.2): additive Gaussian, masking and salt-and-pepper noise, and dynamic
 * binarisation of grey-level images. All are keyed, so a run is reproducible.
 */
import {
  fromArray,
  InvalidArgumentError,
  type Key,
  normalFloats,
  split,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import type { Corruption, NoiseLevel } from './config'

function rows(op: string, x: Tensor): [number, number] {
  if (x.rank < 2)
    throw new InvalidArgumentError(
      op,
      'x',
      `must be [N, ...] with at least two dims, got [${x.shape.join(', ')}]`,
    )
  return [x.shape[0], x.size / x.shape[0]]
}

/**
 * Each example's noise level: the number itself, or `min + (max − min)·u` with u ~ U[0, 1)
 * drawn per example from `key`.
 */
export function noiseLevels(level: NoiseLevel, count: number, key: Key): Float64Array {
  if (typeof level === 'number') return new Float64Array(count).fill(level)
  const u = uniformFloats(key, count, 'float64')
  return u.map((v) => level.min + (level.max - level.min) * v)
}

/**
 * Corrupts a batch: `'gaussian'` x + σ·ε (not clipped), `'masking'` sets each pixel to 0 with
 * probability p, `'saltPepper'` sets each pixel with probability p to 0 or 1 (equally likely).
 * The level is the config's number, or drawn per example from `{ min, max }`.
 *
 * @param corruption - type and level
 * @param x - `[N, ...]` clean inputs
 * @param key - the random key
 * @returns the corrupted inputs, same shape and backend
 * @throws InvalidArgumentError for an unknown type or an x without a batch axis
 * @example
 * ```ts
 * const noisy = corrupt({ type: 'masking', level: 0.3 }, x, key(0))
 * ```
 */
export function corrupt(corruption: Corruption, x: Tensor, key: Key): Tensor {
  const op = 'corrupt'
  const [n, d] = rows(op, x)
  const [levelKey, noiseKey, valueKey] = split(key, 3)
  const levels = noiseLevels(corruption.level, n, levelKey)
  const src = x.dataSync()
  const out = new Float32Array(src.length)
  if (corruption.type === 'gaussian') {
    const eps = normalFloats(noiseKey, src.length)
    for (let i = 0; i < n; i++) for (let j = i * d; j < (i + 1) * d; j++) out[j] = src[j] + levels[i] * eps[j]
  } else if (corruption.type === 'masking' || corruption.type === 'saltPepper') {
    const u = uniformFloats(noiseKey, src.length, 'float64')
    const v = corruption.type === 'saltPepper' ? uniformFloats(valueKey, src.length, 'float64') : undefined
    for (let i = 0; i < n; i++) {
      for (let j = i * d; j < (i + 1) * d; j++) {
        if (u[j] >= levels[i]) out[j] = src[j]
        else out[j] = v === undefined ? 0 : v[j] < 0.5 ? 0 : 1
      }
    }
  } else {
    throw new InvalidArgumentError(
      op,
      'corruption.type',
      `must be 'gaussian', 'masking' or 'saltPepper', got ${String(corruption.type)}`,
    )
  }
  return fromArray(out, { shape: x.shape, backend: x.backend })
}

/**
 * Binarises grey levels by sampling: `b = [u < x]`, u ~ U[0, 1) per pixel (Salakhutdinov &
 * Murray 2008's stochastic binarisation; a fresh key per epoch gives dynamic binarisation).
 *
 * @param x - values in [0, 1], any shape
 * @param key - the random key
 * @returns 0/1 float32 values, same shape
 * @throws InvalidArgumentError when a value is outside [0, 1]
 * @example
 * ```ts
 * const testBinary = binarize(testImages, key(123)) // once, with a fixed key
 * ```
 */
export function binarize(x: Tensor, key: Key): Tensor {
  return fromArray(binarizeValues(x.dataSync(), key), { shape: x.shape, backend: x.backend })
}

/** {@link binarize} on plain values. */
export function binarizeValues(values: ArrayLike<number>, key: Key): Float32Array {
  const u = uniformFloats(key, values.length, 'float64')
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const p = values[i]
    if (!(p >= 0 && p <= 1))
      throw new InvalidArgumentError('binarize', 'x', `must hold values in [0, 1], got ${p} at index ${i}`)
    out[i] = u[i] < p ? 1 : 0
  }
  return out
}
