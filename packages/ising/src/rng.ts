import { randomBits, type Key } from '@gen/core-tensor'

/**
 * xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021):
 * a 128-bit state with the non-linear `rotl(s1·5, 7)·9` output scrambler, so every bit of every
 * word is usable (needed by the bit-sliced sweep; a purely F2-linear generator is not).
 * Seeded from a core-tensor key: `state = randomBits(key, 4)` (never all zero).
 *
 * The hot loops copy the four state words into locals; this object is the hand-over point.
 */
export class Xoshiro128 {
  /** The four state words. */
  readonly state: Uint32Array

  /**
   * @param k - the key the state is drawn from
   */
  constructor(k: Key) {
    this.state = randomBits(k, 4)
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) this.state[0] = 1
  }

  /** Next 32-bit word, as an unsigned integer. */
  nextU32(): number {
    const s = this.state
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** Uniform double in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextU32() * 2.3283064365386963e-10
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat53(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992
  }

  /** Uniform integer in [0, n), n <= 2^32, unbiased (rejects the top partial block). */
  nextInt(n: number): number {
    // Rejection on the low part keeps the result exactly uniform.
    const limit = 4294967296 - (4294967296 % n)
    for (;;) {
      const r = this.nextU32()
      if (r < limit) return r % n
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/**
 * Makes the fast generator the sweeps use from a core-tensor key.
 *
 * @param k - the key
 * @returns a seeded {@link Xoshiro128}
 * @example
 * ```ts
 * const rng = createRng(key(1))
 * const u = rng.nextFloat()
 * ```
 */
export function createRng(k: Key): Xoshiro128 {
  return new Xoshiro128(k)
}
