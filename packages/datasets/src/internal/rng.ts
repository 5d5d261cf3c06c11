/**
 * A small seeded generator for this package (it must not depend on core-tensor's keys):
 * xoshiro128** (Blackman & Vigna, 2018) with its 128-bit state filled by splitmix32 from the
 * seed and a stream number, so `createRng(seed, 1)` and `createRng(seed, 2)` are independent
 * streams. Every generator is a local object; there is no module-level state.
 */
import { InvalidArgumentError } from '../errors.js'

/** A seeded stream of random numbers. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number
  /** A uniform double in [0, 1) with 53 random bits; never 1. */
  uniform(): number
  /** A standard normal draw (Box–Muller on u in (0, 1], so log(0) never happens). */
  normal(): number
  /** A uniform integer in [0, n). */
  integer(n: number): number
}

/** splitmix32 step: returns the next state and its mixed output. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0
  let z = next
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  z ^= z >>> 16
  return [next, z >>> 0]
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** Throws unless `seed` is a safe integer (the seeds users pass). */
export function checkSeed(op: string, seed: number, argument = 'seed'): void {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(op, argument, `must be a safe integer, got ${seed}`)
  }
}

/**
 * Creates a xoshiro128** stream from a safe-integer seed and a stream number.
 * The seed's high and low 32-bit halves and the stream all enter the splitmix32 state.
 */
export function createRng(seed: number, stream = 0): Rng {
  const low = seed >>> 0
  const high = Math.floor(seed / 4294967296) >>> 0
  let state = (low ^ Math.imul(high, 0x27d4eb2f) ^ Math.imul(stream + 1, 0x165667b1)) | 0
  const s = new Uint32Array(4)
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(state)
    state = next
    s[i] = out
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1 // the all-zero state is the one fixed point
  let spare: number | undefined

  const nextUint32 = (): number => {
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
  // 27 + 26 = 53 bits: k / 2^53 for k in [0, 2^53).
  const uniform = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare
      spare = undefined
      return value
    }
    const u1 = 1 - uniform() // (0, 1]
    const u2 = uniform()
    const radius = Math.sqrt(-2 * Math.log(u1))
    spare = radius * Math.sin(2 * Math.PI * u2)
    return radius * Math.cos(2 * Math.PI * u2)
  }
  const integer = (n: number): number => Math.floor(uniform() * n)
  return { nextUint32, uniform, normal, integer }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = rng.integer(i + 1)
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}

/** Throws unless `options` is an object; `example` shows what it should look like. */
export function checkOptions(op: string, options: unknown, example: string): void {
  if (typeof options !== 'object' || options === null) {
    const got =
      options === null
        ? 'null'
        : typeof options === 'string'
          ? JSON.stringify(options)
          : typeof options === 'number'
            ? String(options)
            : typeof options
    throw new InvalidArgumentError(op, 'options', `must be an object such as ${example}, got ${got}`)
  }
}
