/**
 * Binary ±1 patterns for associative memories (Hopfield networks, dense associative memory):
 * random patterns from a seed, letter glyphs from a 5×7 dot-matrix font, and images (MNIST
 * digits) thresholded to spins.
 */
import { InvalidArgumentError } from './errors.js'
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphs } from './internal/glyphs.js'
import { checkOptions, checkSeed, createRng } from './internal/rng.js'
import type { LabeledImages } from './labeled-images.js'

/** A stack of ±1 patterns, row-major `shape` (`[count, size]` or `[count, height, width]`). */
export interface SpinPatterns {
  /** Spins, +1 or −1, `count * size` of them. */
  readonly patterns: Int8Array
  /** Number of patterns. */
  readonly count: number
  /** Spins per pattern. */
  readonly size: number
  /** `[count, size]` for flat patterns, `[count, height, width]` for pictures. */
  readonly shape: readonly number[]
}

/** The letters {@link glyphPatterns} can draw. */
export const glyphAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/**
 * Independent random patterns: each spin is +1 with probability (1 + bias) / 2, else −1, so
 * E[s] = bias. Unbiased (bias 0) patterns are the ones Hopfield's capacity ≈ 0.138 N refers to.
 *
 * @param count - number of patterns, a non-negative integer
 * @param size - spins per pattern N, a positive integer
 * @param options - `seed` (safe integer), `bias` in [−1, 1] (default 0)
 * @returns `[count, size]` patterns
 * @throws InvalidArgumentError for a bad count, size, seed or bias
 * @example
 * ```ts
 * const { patterns } = randomSpinPatterns(10, 100, { seed: 42 }) // Int8Array of 1000 ±1
 * ```
 */
export function randomSpinPatterns(
  count: number,
  size: number,
  options: { seed: number; bias?: number },
): SpinPatterns {
  const op = 'randomSpinPatterns'
  checkOptions(op, options, '{ seed: 0 }')
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(op, 'count', `must be a non-negative integer, got ${count}`)
  }
  if (!Number.isInteger(size) || size < 1)
    throw new InvalidArgumentError(op, 'size', `must be a positive integer, got ${size}`)
  checkSeed(op, options.seed)
  const bias = options.bias ?? 0
  if (!(bias >= -1 && bias <= 1))
    throw new InvalidArgumentError(op, 'bias', `must be in [-1, 1], got ${bias}`)
  const rng = createRng(options.seed, 0x737069)
  const patterns = new Int8Array(count * size)
  const p = (1 + bias) / 2
  for (let i = 0; i < patterns.length; i++) patterns[i] = rng.uniform() < p ? 1 : -1
  return { patterns, count, size, shape: [count, size] }
}

/**
 * Letter glyphs as ±1 pictures (+1 = ink), from a 5×7 dot-matrix font, optionally scaled up
 * by an integer factor (each dot becomes a `scale × scale` block).
 *
 * @param letters - letters from {@link glyphAlphabet} (case-insensitive), default `'ABCDEFGHIJ'`
 * @param options - `scale`, a positive integer (default 1)
 * @returns `[letters.length, 7·scale, 5·scale]` patterns
 * @throws InvalidArgumentError for a letter outside A–Z or a bad scale
 * @example
 * ```ts
 * const { patterns, shape } = glyphPatterns('HOP', { scale: 2 }) // shape [3, 14, 10]
 * ```
 */
export function glyphPatterns(letters = 'ABCDEFGHIJ', options: { scale?: number } = {}): SpinPatterns {
  const op = 'glyphPatterns'
  const scale = options.scale ?? 1
  if (!Number.isInteger(scale) || scale < 1)
    throw new InvalidArgumentError(op, 'scale', `must be a positive integer, got ${scale}`)
  const upper = letters.toUpperCase()
  const height = GLYPH_HEIGHT * scale
  const width = GLYPH_WIDTH * scale
  const size = height * width
  const patterns = new Int8Array(upper.length * size)
  for (let n = 0; n < upper.length; n++) {
    const bitmap = glyphs[upper[n]] as string | undefined
    if (bitmap === undefined) {
      throw new InvalidArgumentError(op, `letters[${n}]`, `must be a letter A-Z, got '${letters[n]}'`)
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dot = bitmap[Math.floor(y / scale) * GLYPH_WIDTH + Math.floor(x / scale)]
        patterns[n * size + y * width + x] = dot === '#' ? 1 : -1
      }
    }
  }
  return { patterns, count: upper.length, size, shape: [upper.length, height, width] }
}

/**
 * Images thresholded to spins (`+1 if p / 255 >= threshold`), e.g. MNIST digits as Hopfield
 * memories. With `onePerClass`, takes the first image of each class 0..9 in label order.
 *
 * @param set - labelled images
 * @param options - `indices` to take (default: all, or one per class), `threshold` (default 0.5), `onePerClass`
 * @returns `[count, height, width]` patterns
 * @throws InvalidArgumentError for an index out of range, a missing class, or a bad threshold
 * @example
 * ```ts
 * const digits = imageSpinPatterns(mnist.train, { onePerClass: true }) // [10, 28, 28]
 * ```
 */
export function imageSpinPatterns(
  set: LabeledImages,
  options: { indices?: ArrayLike<number>; threshold?: number; onePerClass?: boolean } = {},
): SpinPatterns {
  const op = 'imageSpinPatterns'
  const threshold = options.threshold ?? 0.5
  if (!(threshold >= 0 && threshold <= 1))
    throw new InvalidArgumentError(op, 'threshold', `must be in [0, 1], got ${threshold}`)
  let indices: ArrayLike<number>
  if (options.indices !== undefined) indices = options.indices
  else if (options.onePerClass === true) {
    const first: number[] = []
    for (let c = 0; c < 10; c++) {
      const at = set.labels.indexOf(c)
      if (at < 0)
        throw new InvalidArgumentError(
          op,
          'set',
          `must contain every class 0..9 for onePerClass, got none of ${c}`,
        )
      first.push(at)
    }
    indices = first
  } else indices = Array.from({ length: set.count }, (_, i) => i)
  const size = set.height * set.width
  const patterns = new Int8Array(indices.length * size)
  const cut = threshold * 255
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n]
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new InvalidArgumentError(
        op,
        `indices[${n}]`,
        `must be an integer in [0, ${set.count}), got ${index}`,
      )
    }
    for (let k = 0; k < size; k++) patterns[n * size + k] = set.images[index * size + k] >= cut ? 1 : -1
  }
  return { patterns, count: indices.length, size, shape: [indices.length, set.height, set.width] }
}

/**
 * Flips each spin of a pattern with probability `noise`, from a seed: the corrupted cue a
 * Hopfield network is asked to clean up.
 *
 * @param pattern - ±1 spins
 * @param options - `noise` in [0, 1], `seed`
 * @returns a new Int8Array
 * @throws InvalidArgumentError for noise outside [0, 1] or a bad seed
 * @example
 * ```ts
 * const cue = flipSpins(glyphPatterns('A').patterns, { noise: 0.1, seed: 1 })
 * ```
 */
export function flipSpins(pattern: ArrayLike<number>, options: { noise: number; seed: number }): Int8Array {
  const op = 'flipSpins'
  checkOptions(op, options, '{ noise: 0.1, seed: 0 }')
  if (!(options.noise >= 0 && options.noise <= 1)) {
    throw new InvalidArgumentError(op, 'noise', `must be in [0, 1], got ${options.noise}`)
  }
  checkSeed(op, options.seed)
  const rng = createRng(options.seed, 0x666c70)
  const out = new Int8Array(pattern.length)
  for (let i = 0; i < pattern.length; i++) out[i] = rng.uniform() < options.noise ? -pattern[i] : pattern[i]
  return out
}
