import { InvalidArgumentError, permutation, split, uniformFloats, type Key } from '@gen/core-tensor'
import {
  checkInRange,
  checkKey,
  checkNonNegativeInteger,
  checkPositiveInteger,
  toSpins,
  type SpinLike,
} from './internal/validate'

/**
 * Flips exactly round(fraction · N) units chosen uniformly without replacement, the probe of
 * the capacity protocol: the result has overlap m = 1 − 2·round(fraction·N)/N with the input.
 *
 * @param pattern - a ±1 pattern of length N (not modified)
 * @param fraction - share of units to flip, in [0, 1]
 * @param k - key choosing which units
 * @returns a new Int8Array
 * @throws InvalidArgumentError on a bad pattern, fraction or key
 * @example
 * ```ts
 * const probe = flipBits(pattern, 0.1, key(3)) // hammingDistance(probe, pattern) === round(0.1 N)
 * ```
 */
export function flipBits(pattern: SpinLike, fraction: number, k: Key): Int8Array {
  const out = toSpins('flipBits', 'pattern', pattern)
  checkInRange('flipBits', 'fraction', fraction, [0, 1])
  checkKey('flipBits', 'key', k)
  const count = Math.round(fraction * out.length)
  if (count === 0) return out
  const order = permutation(k, out.length)
  for (let t = 0; t < count; t++) out[order[t]] = -out[order[t]]
  return out
}

/** A rectangle of a row-major image, rows [rowStart, rowEnd) and columns [colStart, colEnd). */
export interface Region {
  /** Image width in pixels; the pattern length must be a multiple of it. */
  width: number
  /** First row, inclusive. */
  rowStart: number
  /** Last row, exclusive. */
  rowEnd: number
  /** First column, inclusive; 0 when absent. */
  colStart?: number
  /** Last column, exclusive; the width when absent. */
  colEnd?: number
}

/**
 * Overwrites a rectangular region of a row-major image with a constant: the "half-masked
 * digit" probe of associative recall. `fill` −1 (default) is background; with a `key`, `fill`
 * `'random'` puts random ±1 values there instead.
 *
 * @param pattern - a ±1 image of length width · height (not modified)
 * @param region - the rectangle to overwrite
 * @param fill - −1, +1, or `'random'` (needs `k`)
 * @param k - key for `'random'` fill
 * @returns a new Int8Array
 * @throws InvalidArgumentError when the region does not fit the image or the fill is bad
 * @example
 * ```ts
 * const lowerHalfMasked = maskRegion(digit, { width: 28, rowStart: 14, rowEnd: 28 })
 * ```
 */
export function maskRegion(
  pattern: SpinLike,
  region: Region,
  fill: -1 | 1 | 'random' = -1,
  k?: Key,
): Int8Array {
  const op = 'maskRegion'
  const out = toSpins(op, 'pattern', pattern)
  checkPositiveInteger(op, 'region.width', region.width)
  if (out.length % region.width !== 0) {
    throw new InvalidArgumentError(
      op,
      'region.width',
      `must divide the pattern length ${out.length}, got ${region.width}`,
    )
  }
  const height = out.length / region.width
  const colStart = region.colStart ?? 0
  const colEnd = region.colEnd ?? region.width
  for (const [name, value, limit] of [
    ['region.rowStart', region.rowStart, height],
    ['region.rowEnd', region.rowEnd, height],
    ['region.colStart', colStart, region.width],
    ['region.colEnd', colEnd, region.width],
  ] as const) {
    checkNonNegativeInteger(op, name, value)
    checkInRange(op, name, value, [0, limit])
  }
  if (region.rowStart > region.rowEnd || colStart > colEnd) {
    throw new InvalidArgumentError(
      op,
      'region',
      `must have rowStart <= rowEnd and colStart <= colEnd, got rows [${region.rowStart}, ${region.rowEnd}) and columns [${colStart}, ${colEnd})`,
    )
  }
  if (fill !== -1 && fill !== 1 && fill !== 'random') {
    throw new InvalidArgumentError(op, 'fill', `must be -1, 1 or 'random', got ${String(fill)}`)
  }
  let draws: Float64Array | undefined
  if (fill === 'random') {
    checkKey(op, 'key', k)
    draws = uniformFloats(k, out.length, 'float64')
  }
  for (let r = region.rowStart; r < region.rowEnd; r++) {
    for (let c = colStart; c < colEnd; c++) {
      const i = r * region.width + c
      out[i] = draws === undefined ? (fill as -1 | 1) : draws[i] < 0.5 ? -1 : 1
    }
  }
  return out
}

/**
 * Salt-and-pepper noise: each unit independently, with probability `probability`, is replaced
 * by a fair random value (salt +1 or pepper −1), so about half of the touched units keep their
 * value and the expected overlap with the input is 1 − probability.
 *
 * @param pattern - a ±1 pattern (not modified)
 * @param probability - chance that a unit is replaced, in [0, 1]
 * @param k - the key
 * @returns a new Int8Array
 * @throws InvalidArgumentError on a bad pattern, probability or key
 * @example
 * ```ts
 * const noisy = saltAndPepper(glyph, 0.2, key(5))
 * ```
 */
export function saltAndPepper(pattern: SpinLike, probability: number, k: Key): Int8Array {
  const out = toSpins('saltAndPepper', 'pattern', pattern)
  checkInRange('saltAndPepper', 'probability', probability, [0, 1])
  checkKey('saltAndPepper', 'key', k)
  const [touchKey, valueKey] = split(k)
  const touch = uniformFloats(touchKey, out.length, 'float64')
  const value = uniformFloats(valueKey, out.length, 'float64')
  for (let i = 0; i < out.length; i++) if (touch[i] < probability) out[i] = value[i] < 0.5 ? 1 : -1
  return out
}
