/**
 * A `() => number` stream of uniform floats in [0, 1) drawn from a key, for libraries that
 * take a random function (umap-js): the same key gives the same stream on every run.
 */
import { fold, uniformFloats, type Key } from '@gen/core-tensor'

const chunk = 4096

/**
 * A stateful uniform [0, 1) generator over a key: values come in chunks of 4096 float64
 * uniforms from `fold(key, chunkIndex)`.
 *
 * @param k - the key
 * @returns a function returning the next uniform in [0, 1)
 * @example
 * ```ts
 * const random = keyedRandom(key(7))
 * random() // the same first value on every run
 * ```
 */
export function keyedRandom(k: Key): () => number {
  let block = 0
  let values = uniformFloats(fold(k, block), chunk, 'float64')
  let position = 0
  return () => {
    if (position === chunk) {
      values = uniformFloats(fold(k, ++block), chunk, 'float64')
      position = 0
    }
    return values[position++]
  }
}
