import { InvalidArgumentError } from '../errors'
import { philox4x32 } from './philox'

/**
 * A random key: the 64-bit Philox key of one independent stream. Keys are values: drawing
 * from a key does not change it, so the same key always gives the same numbers. Make new
 * streams with {@link split} or {@link fold}, never by reusing a key for two purposes.
 */
export interface Key {
  /** Low word of the Philox key. */
  readonly k0: number
  /** High word of the Philox key. */
  readonly k1: number
}

// Domain tags in counter word c2, so bit streams, splits and folds never share a counter.
const STREAM = 0
const SPLIT = 1
const FOLD = 2

/**
 * Throws InvalidArgumentError unless `value` is a {@link Key} (from `key(seed)`, `split` or
 * `fold`), naming the function and the argument: models call it at their boundary so that a
 * missing key is reported there, not by the first `split` deep inside.
 *
 * @param op - the public function's name
 * @param value - what the caller passed
 * @param argument - the argument's name (default `key`)
 * @example
 * ```ts
 * checkKey('trainClassifier', options.key) // trainClassifier: key must be a Key made by key(seed), got undefined
 * ```
 */
export function checkKey(op: string, value: unknown, argument = 'key'): asserts value is Key {
  const k = value as Key
  if (
    typeof value !== 'object' ||
    value === null ||
    !Number.isInteger(k.k0) ||
    !Number.isInteger(k.k1) ||
    k.k0 < 0 ||
    k.k1 < 0 ||
    k.k0 > 0xffffffff ||
    k.k1 > 0xffffffff
  ) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a Key made by key(seed), got ${JSON.stringify(value)}`,
    )
  }
}

/**
 * Makes the root key of a seeded stream.
 *
 * @param seed - an integer in [0, 2^53)
 * @returns the key `{ k0: seed mod 2^32, k1: floor(seed / 2^32) }`
 * @throws InvalidArgumentError when seed is not a non-negative safe integer
 * @example
 * ```ts
 * const k = key(42)
 * const [init, data] = split(k)
 * ```
 */
export function key(seed: number): Key {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError('key', 'seed', `must be an integer in [0, 2^53), got ${seed}`)
  }
  return { k0: seed >>> 0, k1: Math.floor(seed / 0x100000000) >>> 0 }
}

/**
 * Splits a key into `count` new, independent keys (JAX's `random.split`). The parent should
 * not be used again for drawing.
 *
 * @param parent - the key to split
 * @param count - how many keys, default 2
 * @returns `count` keys, each `Philox(counter = [i, 0, SPLIT, 0], parent)`
 * @example
 * ```ts
 * const [a, b, c] = split(key(0), 3)
 * ```
 */
export function split(parent: Key, count = 2): Key[] {
  checkKey('split', parent)
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError('split', 'count', `must be a positive integer, got ${count}`)
  }
  const out = new Uint32Array(4)
  const keys: Key[] = []
  for (let i = 0; i < count; i++) {
    philox4x32([i, 0, SPLIT, 0], [parent.k0, parent.k1], out)
    keys.push({ k0: out[0], k1: out[1] })
  }
  return keys
}

/**
 * Derives a new key from a key and an integer (JAX's `fold_in`): a step number, a layer
 * index, a worker id. Different data give independent keys.
 *
 * @param parent - the key
 * @param data - an integer in [0, 2^53)
 * @example
 * ```ts
 * const stepKey = fold(trainKey, step)
 * ```
 */
export function fold(parent: Key, data: number): Key {
  checkKey('fold', parent)
  if (!Number.isSafeInteger(data) || data < 0) {
    throw new InvalidArgumentError('fold', 'data', `must be an integer in [0, 2^53), got ${data}`)
  }
  const out = new Uint32Array(4)
  philox4x32([data >>> 0, Math.floor(data / 0x100000000) >>> 0, FOLD, 0], [parent.k0, parent.k1], out)
  return { k0: out[0], k1: out[1] }
}

/**
 * Draws `count` uniformly random 32-bit words from a key: word j is word (j mod 4) of
 * `Philox(counter = [floor(j/4) mod 2^32, floor(j/2^34), STREAM, 0], key)`. The same key and
 * count give the same words everywhere; a longer draw extends a shorter one.
 *
 * @param k - the key
 * @param count - number of words, a non-negative integer
 * @returns a new Uint32Array of length `count`
 * @example
 * ```ts
 * const words = randomBits(key(7), 1024)
 * ```
 */
export function randomBits(k: Key, count: number): Uint32Array {
  checkKey('randomBits', k)
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError('randomBits', 'count', `must be a non-negative integer, got ${count}`)
  }
  const out = new Uint32Array(count)
  const block = new Uint32Array(4)
  const counter: [number, number, number, number] = [0, 0, STREAM, 0]
  const keyWords: [number, number] = [k.k0, k.k1]
  const fullBlocks = Math.floor(count / 4)
  for (let b = 0; b < fullBlocks; b++) {
    counter[0] = b >>> 0
    counter[1] = Math.floor(b / 0x100000000)
    philox4x32(counter, keyWords, out, 4 * b)
  }
  const rest = count - 4 * fullBlocks
  if (rest > 0) {
    counter[0] = fullBlocks >>> 0
    counter[1] = Math.floor(fullBlocks / 0x100000000)
    philox4x32(counter, keyWords, block)
    for (let i = 0; i < rest; i++) out[4 * fullBlocks + i] = block[i]
  }
  return out
}
