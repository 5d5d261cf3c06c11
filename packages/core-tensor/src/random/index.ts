/**
 * @packageDocumentation
 * Keyed, counter-based random numbers (Philox4x32-10): the same key gives the same bits on
 * every backend and platform, and `Math.random` is never used.
 */
export { key, split, fold, randomBits, checkKey, type Key } from './key'
export { uniformFloats, normalFloats, boxMuller, randomIntegers, permutation } from './distributions'
export { philox4x32 } from './philox'
