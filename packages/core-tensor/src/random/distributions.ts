import { InvalidArgumentError } from '../errors'
import { randomBits, type Key } from './key'

const TWO_POW_24 = 16777216
const TWO_POW_53 = 9007199254740992

function checkCount(op: string, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(op, 'count', `must be a non-negative integer, got ${count}`)
  }
  // float64 draws take two words per value: keep both within one typed array's reach
  if (count > 2 ** 30) {
    throw new InvalidArgumentError(op, 'count', `must be at most 2^30 = ${2 ** 30} per call, got ${count}`)
  }
}

/**
 * Uniform floats in [0, 1) from a key, never 1: float32 precision by default (24 random
 * bits per value, `u = (w >>> 8) / 2^24`), or float64 (53 bits from two words).
 *
 * @param k - the key
 * @param count - number of values
 * @param precision - `'float32'` (default) or `'float64'`
 * @returns a Float32Array or Float64Array of `count` values in [0, 1)
 * @example
 * ```ts
 * const u = uniformFloats(key(1), 1000)
 * ```
 */
export function uniformFloats(k: Key, count: number, precision: 'float32'): Float32Array
export function uniformFloats(k: Key, count: number, precision: 'float64'): Float64Array
export function uniformFloats(k: Key, count: number): Float32Array
export function uniformFloats(
  k: Key,
  count: number,
  precision: 'float32' | 'float64' = 'float32',
): Float32Array | Float64Array {
  checkCount('uniformFloats', count)
  if (precision === 'float64') {
    const words = randomBits(k, 2 * count)
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      out[i] = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / TWO_POW_53
    }
    return out
  }
  const words = randomBits(k, count)
  const out = new Float32Array(count)
  // 24 bits are exact in float32, so the largest value is 1 - 2^-24 < 1.
  for (let i = 0; i < count; i++) out[i] = (words[i] >>> 8) / TWO_POW_24
  return out
}

/**
 * Box–Muller transform of two uniforms in [0, 1) into two standard normals, written to
 * `out[offset]` and `out[offset + 1]`. Uses `1 - u1` in (0, 1], so a uniform of exactly 0
 * gives a finite sample instead of log(0) = -Infinity (case H9).
 *
 * z0 = sqrt(-2 ln(1 - u1)) cos(2π u2),  z1 = sqrt(-2 ln(1 - u1)) sin(2π u2)
 *
 * @example
 * ```ts
 * const z = new Float64Array(2)
 * boxMuller(0, 0.25, z, 0) // finite: [0, 0]
 * ```
 */
export function boxMuller(u1: number, u2: number, out: Float32Array | Float64Array, offset: number): void {
  const radius = Math.sqrt(-2 * Math.log(1 - u1))
  const angle = 2 * Math.PI * u2
  out[offset] = radius * Math.cos(angle)
  if (offset + 1 < out.length) out[offset + 1] = radius * Math.sin(angle)
}

/**
 * Standard normal samples from a key, by the Box–Muller transform of float64 uniforms.
 *
 * @param k - the key
 * @param count - number of samples
 * @param precision - `'float32'` (default) or `'float64'`
 * @returns `count` samples of N(0, 1)
 * @example
 * ```ts
 * const z = normalFloats(key(3), 10_000, 'float64')
 * ```
 */
export function normalFloats(k: Key, count: number, precision: 'float32'): Float32Array
export function normalFloats(k: Key, count: number, precision: 'float64'): Float64Array
export function normalFloats(k: Key, count: number): Float32Array
export function normalFloats(
  k: Key,
  count: number,
  precision: 'float32' | 'float64' = 'float32',
): Float32Array | Float64Array {
  checkCount('normalFloats', count)
  const pairs = Math.ceil(count / 2)
  const u = uniformFloats(k, 2 * pairs, 'float64')
  const out = precision === 'float64' ? new Float64Array(count) : new Float32Array(count)
  for (let p = 0; p < pairs; p++) boxMuller(u[2 * p], u[2 * p + 1], out, 2 * p)
  return out
}

/**
 * Uniform random integers in [low, high) without modulo bias (Lemire's multiply-shift with
 * rejection), drawn from a key.
 *
 * @param k - the key
 * @param count - number of values
 * @param low - inclusive lower bound (an integer)
 * @param high - exclusive upper bound, `high - low` in [1, 2^32]
 * @returns an Int32Array when the range fits int32, else a Float64Array
 * @example
 * ```ts
 * const dice = randomIntegers(key(5), 100, 1, 7)
 * ```
 */
export function randomIntegers(k: Key, count: number, low: number, high: number): Int32Array | Float64Array {
  checkCount('randomIntegers', count)
  const range = high - low
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || range < 1 || range > 0x100000000) {
    throw new InvalidArgumentError(
      'randomIntegers',
      'high',
      `must be an integer with 1 <= high - low <= 2^32, got low=${low}, high=${high}`,
    )
  }
  const fits = low >= -0x80000000 && high - 1 <= 0x7fffffff
  const out = fits ? new Int32Array(count) : new Float64Array(count)
  // Rejection threshold: 2^32 mod range values are rejected so every result is equally likely.
  const threshold = (0x100000000 - range) % range
  let words = randomBits(k, count + 16)
  let used = 0
  let refill = 1
  for (let i = 0; i < count; i++) {
    for (;;) {
      if (used === words.length) {
        words = randomBits({ k0: (k.k0 ^ refill) >>> 0, k1: (k.k1 + 0x9e3779b9 * refill) >>> 0 }, count + 16)
        refill += 1
        used = 0
      }
      const w = words[used++]
      const product = w * range
      const lowPart = product % 0x100000000
      if (lowPart >= threshold) {
        out[i] = low + Math.floor(product / 0x100000000)
        break
      }
    }
  }
  return out
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher–Yates with unbiased integers).
 *
 * @param k - the key
 * @param n - length, a non-negative integer below 2^31
 * @returns an Int32Array holding each of 0..n-1 once
 * @example
 * ```ts
 * const order = permutation(key(9), 60000)
 * ```
 */
export function permutation(k: Key, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n >= 0x80000000) {
    throw new InvalidArgumentError('permutation', 'n', `must be an integer in [0, 2^31), got ${n}`)
  }
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  if (n < 2) return out
  // Step i swaps position i with a uniform position in [i, n): draw a uniform in [0, n - i).
  const u = uniformFloats(k, n - 1, 'float64')
  for (let i = 0; i < n - 1; i++) {
    const j = i + Math.floor(u[i] * (n - i))
    const t = out[i]
    out[i] = out[j]
    out[j] = t
  }
  return out
}
