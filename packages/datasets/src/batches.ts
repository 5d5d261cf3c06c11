/**
 * Mini-batches of labelled images, in order or shuffled by a seed and an epoch number (one
 * independent permutation per (seed, epoch)), as a generator or an async iterator.
 */
import { InvalidArgumentError } from './errors.js'
import type { LabeledImages } from './labeled-images.js'
import { checkOptions, checkSeed, createRng, permutation } from './internal/rng.js'

/** One mini-batch: pixels in [0, 1] with shape `[batchSize, height, width]`, and labels. */
export interface ImageBatch {
  /** Pixels `p / 255`, row-major `[size, height, width]`. */
  readonly images: Float32Array
  /** Labels of the images, in batch order. */
  readonly labels: Uint8Array
  /** Indices of the images in the source set. */
  readonly indices: Uint32Array
  /** `[size, height, width]`. */
  readonly shape: readonly [number, number, number]
}

/** Options of {@link batches} and {@link batchesAsync}. */
export interface BatchOptions {
  /** Images per batch, a positive integer. */
  batchSize: number
  /** Shuffle with this seed; omitted, the batches follow the set's order. */
  seed?: number
  /** Epoch number: each (seed, epoch) gives its own permutation (default 0). */
  epoch?: number
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean
}

/**
 * Number of batches one epoch yields: `ceil(count / batchSize)`, or `floor` with `dropLast`.
 *
 * @param count - images in the set
 * @param options - `batchSize` and `dropLast`
 * @returns the number of batches
 * @example
 * ```ts
 * batchCount(60000, { batchSize: 128 }) // 469
 * ```
 */
export function batchCount(count: number, options: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
  const op = 'batchCount'
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(op, 'count', `must be a non-negative integer, got ${count}`)
  }
  checkOptions(op, options, '{ batchSize: 64 }')
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new InvalidArgumentError(op, 'batchSize', `must be a positive integer, got ${options.batchSize}`)
  }
  return options.dropLast === true
    ? Math.floor(count / options.batchSize)
    : Math.ceil(count / options.batchSize)
}

function order(set: LabeledImages, options: BatchOptions): Uint32Array {
  const op = 'batches'
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new InvalidArgumentError(op, 'batchSize', `must be a positive integer, got ${options.batchSize}`)
  }
  const epoch = options.epoch ?? 0
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new InvalidArgumentError(op, 'epoch', `must be a non-negative integer, got ${epoch}`)
  }
  if (options.seed === undefined) {
    const identity = new Uint32Array(set.count)
    for (let i = 0; i < set.count; i++) identity[i] = i
    return identity
  }
  checkSeed(op, options.seed)
  return permutation(set.count, createRng(options.seed, 0x6261746300 + epoch))
}

function makeBatch(set: LabeledImages, indices: Uint32Array): ImageBatch {
  const size = set.height * set.width
  const images = new Float32Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * size
    const dst = b * size
    for (let k = 0; k < size; k++) images[dst + k] = set.images[src + k] / 255
    labels[b] = set.labels[indices[b]]
  }
  return { images, labels, indices, shape: [indices.length, set.height, set.width] }
}

/**
 * Yields the mini-batches of one epoch.
 *
 * @param set - labelled images
 * @param options - batch size, optional shuffle `seed` and `epoch`, `dropLast`
 * @returns a generator of {@link ImageBatch}; every image appears exactly once per epoch (unless dropped)
 * @throws InvalidArgumentError for a batch size that is not a positive integer, a bad seed or epoch
 * @example
 * ```ts
 * for (const batch of batches(mnist.train, { batchSize: 64, seed: 1, epoch: 0 })) train(batch.images)
 * ```
 */
export function* batches(set: LabeledImages, options: BatchOptions): Generator<ImageBatch, void, undefined> {
  const indices = order(set, options)
  const count = batchCount(set.count, options)
  for (let b = 0; b < count; b++) {
    yield makeBatch(
      set,
      indices.subarray(b * options.batchSize, Math.min(set.count, (b + 1) * options.batchSize)),
    )
  }
}

/**
 * The same batches as {@link batches}, as an async iterator that yields to the event loop
 * between batches, so a browser page stays responsive during a training loop.
 *
 * @param set - labelled images
 * @param options - as for {@link batches}
 * @returns an async generator of {@link ImageBatch}
 * @throws InvalidArgumentError as {@link batches} (when iteration starts)
 * @example
 * ```ts
 * for await (const batch of batchesAsync(set, { batchSize: 32, seed: 0 })) await step(batch)
 * ```
 */
export async function* batchesAsync(
  set: LabeledImages,
  options: BatchOptions,
): AsyncGenerator<ImageBatch, void, undefined> {
  for (const batch of batches(set, options)) {
    yield batch
    await new Promise<void>((resolve) => setTimeout(resolve, 0))
  }
}
