/**
 * Views of labelled images that models need: floats in [0, 1], binarised pixels (fixed
 * threshold or stochastic with a seed), ±1 spins, one-hot labels, downsampling by pooling,
 * subsets and a seeded train/validation split.
 */
import { InvalidArgumentError } from './errors.js'
import { labeledImages, type LabeledImages } from './labeled-images.js'
import { checkSeed, createRng, permutation } from './internal/rng.js'

type Pixels = LabeledImages | Uint8Array

const pixelsOf = (input: Pixels): Uint8Array => (input instanceof Uint8Array ? input : input.images)

function checkThreshold(op: string, threshold: number): void {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new InvalidArgumentError(op, 'threshold', `must be in [0, 1], got ${threshold}`)
  }
}

/**
 * Pixels as floats in [0, 1]: `x = p / 255`.
 *
 * @param input - a labelled set or raw pixel bytes
 * @returns a new Float32Array of the same length (shape `[count, height, width]`)
 * @example
 * ```ts
 * toFloat(new Uint8Array([0, 51, 255])) // Float32Array [0, 0.2, 1]
 * ```
 */
export function toFloat(input: Pixels): Float32Array {
  const pixels = pixelsOf(input)
  const out = new Float32Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255
  return out
}

/**
 * Binarises pixels with a fixed threshold: `b = 1 if p / 255 >= threshold else 0`.
 *
 * @param input - a labelled set or raw pixel bytes
 * @param options - `threshold` in [0, 1] (default 0.5, i.e. p >= 128)
 * @returns a new Uint8Array of 0s and 1s
 * @throws InvalidArgumentError when threshold is outside [0, 1]
 * @example
 * ```ts
 * binarize(new Uint8Array([0, 127, 128, 255])) // Uint8Array [0, 0, 1, 1]
 * ```
 */
export function binarize(input: Pixels, options: { threshold?: number } = {}): Uint8Array {
  const threshold = options.threshold ?? 0.5
  checkThreshold('binarize', threshold)
  const pixels = pixelsOf(input)
  const out = new Uint8Array(pixels.length)
  const cut = threshold * 255
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] >= cut ? 1 : 0
  return out
}

/**
 * Binarises stochastically: each pixel is 1 with probability p / 255, independently, from a
 * seeded stream (the binarisation used for RBMs and binary VAEs on MNIST).
 *
 * @param input - a labelled set or raw pixel bytes
 * @param options - `seed` (a safe integer) fixes the draw
 * @returns a new Uint8Array of 0s and 1s
 * @throws InvalidArgumentError when seed is not a safe integer
 * @example
 * ```ts
 * binarizeStochastic(new Uint8Array([0, 255, 128]), { seed: 1 }) // [0, 1, 0 or 1]
 * ```
 */
export function binarizeStochastic(input: Pixels, options: { seed: number }): Uint8Array {
  checkSeed('binarizeStochastic', options.seed)
  const rng = createRng(options.seed, 0x62696e)
  const pixels = pixelsOf(input)
  const out = new Uint8Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) out[i] = rng.uniform() * 255 < pixels[i] ? 1 : 0
  return out
}

/**
 * Pixels as Ising/Hopfield spins: `s = +1 if p / 255 >= threshold else -1`.
 *
 * @param input - a labelled set or raw pixel bytes
 * @param options - `threshold` in [0, 1] (default 0.5)
 * @returns a new Int8Array of ±1
 * @throws InvalidArgumentError when threshold is outside [0, 1]
 * @example
 * ```ts
 * toSpins(new Uint8Array([0, 200])) // Int8Array [-1, 1]
 * ```
 */
export function toSpins(input: Pixels, options: { threshold?: number } = {}): Int8Array {
  const threshold = options.threshold ?? 0.5
  checkThreshold('toSpins', threshold)
  const pixels = pixelsOf(input)
  const out = new Int8Array(pixels.length)
  const cut = threshold * 255
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] >= cut ? 1 : -1
  return out
}

/**
 * One-hot encoding: row i has a 1 in column `labels[i]`.
 *
 * Shape: labels `[n]` → `[n, numClasses]`, row-major.
 *
 * @param labels - integer class labels
 * @param numClasses - number of classes (default 10)
 * @returns a new Float32Array of length `n * numClasses`
 * @throws InvalidArgumentError when a label is not an integer in [0, numClasses)
 * @example
 * ```ts
 * oneHot([2, 0], 3) // Float32Array [0, 0, 1, 1, 0, 0]
 * ```
 */
export function oneHot(labels: ArrayLike<number>, numClasses = 10): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InvalidArgumentError('oneHot', 'numClasses', `must be a positive integer, got ${numClasses}`)
  }
  const out = new Float32Array(labels.length * numClasses)
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new InvalidArgumentError(
        'oneHot',
        `labels[${i}]`,
        `must be an integer in [0, ${numClasses}), got ${label}`,
      )
    }
    out[i * numClasses + label] = 1
  }
  return out
}

/**
 * Counts the images of each class.
 *
 * @param labels - class labels (or a labelled set)
 * @param numClasses - number of classes (default 10)
 * @returns `counts[c]` = number of labels equal to c
 * @throws InvalidArgumentError when a label is outside [0, numClasses)
 * @example
 * ```ts
 * classCounts([0, 2, 2], 3) // [1, 0, 2]
 * ```
 */
export function classCounts(labels: ArrayLike<number> | LabeledImages, numClasses = 10): number[] {
  const values = 'labels' in labels ? labels.labels : labels
  const counts = new Array<number>(numClasses).fill(0)
  for (let i = 0; i < values.length; i++) {
    const label = values[i]
    if (!(label >= 0 && label < numClasses)) {
      throw new InvalidArgumentError(
        'classCounts',
        `labels[${i}]`,
        `must be in [0, ${numClasses}), got ${label}`,
      )
    }
    counts[label]++
  }
  return counts
}

/**
 * Downsamples each image by average pooling over `factor × factor` blocks, rounding half up:
 * `q = floor((Σ_block p + f²/2) / f²)`. MNIST 28×28 becomes 14×14 with the default factor 2.
 *
 * @param set - labelled images whose height and width are multiples of `factor`
 * @param options - `factor`, a positive integer (default 2)
 * @returns a new labelled set `[count, height / factor, width / factor]` with the same labels
 * @throws InvalidArgumentError when factor is not a positive integer dividing both sizes
 * @example
 * ```ts
 * const small = downsample(mnist.train) // 60000 images of 14×14
 * ```
 */
export function downsample(set: LabeledImages, options: { factor?: number } = {}): LabeledImages {
  const factor = options.factor ?? 2
  if (!Number.isInteger(factor) || factor < 1 || set.height % factor !== 0 || set.width % factor !== 0) {
    throw new InvalidArgumentError(
      'downsample',
      'factor',
      `must be a positive integer dividing ${set.height}x${set.width}, got ${factor}`,
    )
  }
  const h = set.height / factor
  const w = set.width / factor
  const area = factor * factor
  const out = new Uint8Array(set.count * h * w)
  for (let n = 0; n < set.count; n++) {
    const src = n * set.height * set.width
    const dst = n * h * w
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0
        for (let dy = 0; dy < factor; dy++) {
          const row = src + (y * factor + dy) * set.width + x * factor
          for (let dx = 0; dx < factor; dx++) sum += set.images[row + dx]
        }
        out[dst + y * w + x] = Math.floor((sum + area / 2) / area)
      }
    }
  }
  return labeledImages(out, set.labels, { height: h, width: w })
}

/**
 * The images at the given indices, copied in that order.
 *
 * @param set - labelled images
 * @param indices - image indices in [0, count)
 * @returns a new labelled set with `indices.length` images
 * @throws InvalidArgumentError when an index is out of range
 * @example
 * ```ts
 * const firstAndLast = subset(set, [0, set.count - 1])
 * ```
 */
export function subset(set: LabeledImages, indices: ArrayLike<number>): LabeledImages {
  const size = set.height * set.width
  const images = new Uint8Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new InvalidArgumentError(
        'subset',
        `indices[${i}]`,
        `must be an integer in [0, ${set.count}), got ${index}`,
      )
    }
    images.set(set.images.subarray(index * size, (index + 1) * size), i * size)
    labels[i] = set.labels[index]
  }
  return labeledImages(images, labels, set)
}

/**
 * The first `count` images, as a view (no copy): the small slices a browser demo or a quick
 * test uses.
 *
 * @param set - labelled images
 * @param count - how many, 0..set.count
 * @returns a labelled set sharing memory with `set`
 * @throws InvalidArgumentError when count is not an integer in [0, set.count]
 * @example
 * ```ts
 * const hundred = take(mnist.train, 100)
 * ```
 */
export function take(set: LabeledImages, count: number): LabeledImages {
  if (!Number.isInteger(count) || count < 0 || count > set.count) {
    throw new InvalidArgumentError('take', 'count', `must be an integer in [0, ${set.count}], got ${count}`)
  }
  return labeledImages(
    set.images.subarray(0, count * set.height * set.width),
    set.labels.subarray(0, count),
    set,
  )
}

/**
 * Splits a set into training and validation parts after a seeded shuffle.
 *
 * @param set - labelled images
 * @param options - `validationSize`: a count (integer ≥ 1) or a fraction in (0, 1); `seed`
 * @returns `{ train, validation }`, copies, disjoint, together a permutation of `set`
 * @throws InvalidArgumentError when the size leaves either part empty or seed is not a safe integer
 * @example
 * ```ts
 * const { train, validation } = splitTrainValidation(mnist.train, { validationSize: 5000, seed: 0 })
 * ```
 */
export function splitTrainValidation(
  set: LabeledImages,
  options: { validationSize: number; seed: number },
): { train: LabeledImages; validation: LabeledImages } {
  const op = 'splitTrainValidation'
  checkSeed(op, options.seed)
  const size = options.validationSize
  const count = size > 0 && size < 1 ? Math.round(size * set.count) : size
  if (!Number.isInteger(count) || count < 1 || count >= set.count) {
    throw new InvalidArgumentError(
      op,
      'validationSize',
      `must be a fraction in (0, 1) or an integer in [1, ${set.count}) leaving both parts non-empty, got ${size}`,
    )
  }
  const order = permutation(set.count, createRng(options.seed, 0x73706c))
  return { validation: subset(set, order.subarray(0, count)), train: subset(set, order.subarray(count)) }
}
