import { InvalidArgumentError, randomBits, type Key } from '@gen/core-tensor'
import {
  checkKey,
  describeValue,
  checkNonNegativeInteger,
  checkPositiveInteger,
  toSpins,
  type SpinLike,
} from './internal/validate'

/**
 * Random ±1 patterns with independent, unbiased units, drawn from a key: the patterns of the
 * capacity theory (Amit, Gutfreund and Sompolinsky 1985). Unit i of pattern μ is bit 31 of
 * word μN + i of `randomBits(key, P·N)`, so the same key always gives the same patterns.
 *
 * Shape: P arrays of length N.
 *
 * @param k - the key
 * @param count - number of patterns P (a non-negative integer)
 * @param size - pattern length N (a positive integer)
 * @returns P Int8Arrays of ±1
 * @throws InvalidArgumentError on a bad key, count or size
 * @example
 * ```ts
 * const patterns = randomPatterns(key(0), 10, 100)
 * ```
 * @see Amit, Gutfreund and Sompolinsky (1985), Phys. Rev. Lett. 55, 1530.
 */
export function randomPatterns(k: Key, count: number, size: number): Int8Array[] {
  checkKey('randomPatterns', 'key', k)
  checkNonNegativeInteger('randomPatterns', 'count', count)
  checkPositiveInteger('randomPatterns', 'size', size)
  const bits = randomBits(k, count * size)
  const out: Int8Array[] = []
  for (let mu = 0; mu < count; mu++) {
    const p = new Int8Array(size)
    for (let i = 0; i < size; i++) p[i] = bits[mu * size + i] >>> 31 ? 1 : -1
    out.push(p)
  }
  return out
}

/**
 * Overlap of a state with a pattern, m = s · ξ / N ∈ [−1, 1]: 1 for the pattern, −1 for its
 * reverse, about 0 for an unrelated state. Related to the Hamming distance d by m = 1 − 2d/N.
 *
 * @param state - a ±1 state of length N
 * @param pattern - a ±1 pattern of length N
 * @returns the overlap m
 * @throws InvalidArgumentError when the lengths differ or a value is not ±1
 * @example
 * ```ts
 * overlap([1, 1, -1, -1], [1, 1, 1, -1]) // 0.5
 * ```
 */
export function overlap(state: SpinLike, pattern: SpinLike): number {
  const s = toSpins('overlap', 'state', state)
  const x = toSpins('overlap', 'pattern', pattern, s.length)
  return overlapOf(s, x)
}

/** Overlap without validation, for checked Int8Arrays. */
export function overlapOf(s: Int8Array, x: Int8Array): number {
  let dot = 0
  for (let i = 0; i < s.length; i++) dot += s[i] * x[i]
  return dot / s.length
}

/**
 * Hamming distance: the number of units where two ±1 states differ.
 *
 * @param a - a ±1 state
 * @param b - a ±1 state of the same length
 * @returns the count of differing units, in [0, N]
 * @throws InvalidArgumentError when the lengths differ or a value is not ±1
 * @example
 * ```ts
 * hammingDistance([1, 1, -1, -1], [1, 1, 1, -1]) // 1
 * ```
 */
export function hammingDistance(a: SpinLike, b: SpinLike): number {
  const x = toSpins('hammingDistance', 'a', a)
  const y = toSpins('hammingDistance', 'b', b, x.length)
  let d = 0
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++
  return d
}

/**
 * Converts a 0/1 (or boolean) image into ±1 spins: 1 → +1, 0 → −1; values above `threshold`
 * count as 1, so grey images binarise too.
 *
 * @param values - pixel values
 * @param threshold - cut between off and on, default 0.5
 * @returns an Int8Array of ±1
 * @throws InvalidArgumentError when a value is not a finite number
 * @example
 * ```ts
 * toBipolar([0, 1, 0.8, 0.1]) // [-1, 1, 1, -1]
 * ```
 */
export function toBipolar(values: ArrayLike<number>, threshold = 0.5): Int8Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError(
      'toBipolar',
      'values',
      `must be an array of numbers, got ${describeValue(values)}`,
    )
  }
  const out = new Int8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(
        'toBipolar',
        'values',
        `must hold finite numbers, got ${String(v)} at index ${i}`,
      )
    }
    out[i] = v > threshold ? 1 : -1
  }
  return out
}
