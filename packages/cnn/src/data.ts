/**
 * Image classification data as tensors, batching with keyed shuffling (batches are views of a
 * shuffled copy made once per epoch) and random-shift augmentation.
 */
import {
  type BackendV1,
  cpu,
  fromArray,
  indexSelect,
  InvalidArgumentError,
  type Key,
  permutation,
  randomIntegers,
  ShapeError,
  slice,
  type Tensor,
} from '@gen/core-tensor'

/**
 * A labelled image set as tensors: images float32 `[N, C, H, W]` and labels int32 `[N]`.
 *
 * @example
 * ```ts
 * const data: ImageDataset = { images: zeros([2, 1, 28, 28]), labels: fromArray([3, 7], { dtype: 'int32' }) }
 * ```
 */
export interface ImageDataset {
  /** float32 `[N, C, H, W]`. */
  readonly images: Tensor
  /** int32 class indices `[N]`. */
  readonly labels: Tensor
}

/**
 * The byte form of a labelled grayscale set (what `@gen/datasets` returns for MNIST):
 * `count·height·width` pixels 0..255, row-major, and one label per image.
 */
export interface LabeledBytes {
  /** Pixels 0..255, image i at `[i·h·w, (i + 1)·h·w)`. */
  readonly images: Uint8Array
  /** One class label per image. */
  readonly labels: Uint8Array
  /** Number of images. */
  readonly count: number
  /** Rows per image. */
  readonly height: number
  /** Columns per image. */
  readonly width: number
}

/** Options of {@link toImageDataset}. */
export interface ToImageDatasetOptions {
  /** Take images `[start, start + count)`. Default all. */
  readonly start?: number
  /** How many images. Default all from `start`. */
  readonly count?: number
  /** Pixel mean μ subtracted after scaling to [0, 1]. Default 0. */
  readonly mean?: number
  /** Pixel spread σ divided by after subtracting μ. Default 1. */
  readonly std?: number
  /** Backend of the tensors; defaults to `cpu`. */
  readonly backend?: BackendV1
}

/**
 * Turns byte images into an {@link ImageDataset}: `x = (pixel/255 − μ)/σ`, shape
 * `[count, 1, height, width]`, labels int32.
 *
 * @param set - bytes and labels (e.g. `await loadMnistSplit('train')` from `@gen/datasets/node`)
 * @param options - start, count, mean μ (default 0), std σ (default 1), backend
 * @returns the tensors
 * @throws InvalidArgumentError when the range lies outside the set, σ is not positive, or the
 *   byte lengths do not match count, height and width
 * @example
 * ```ts
 * const train = toImageDataset(await loadMnistSplit('train'), { count: 10000 })
 * train.images.shape // [10000, 1, 28, 28]
 * ```
 */
export function toImageDataset(set: LabeledBytes, options: ToImageDatasetOptions = {}): ImageDataset {
  const op = 'toImageDataset'
  const { height, width } = set
  const size = height * width
  if (set.images.length !== set.count * size || set.labels.length !== set.count) {
    throw new InvalidArgumentError(
      op,
      'set',
      `must hold count·height·width pixels and count labels, got ${set.images.length} pixels and ${set.labels.length} labels for count ${set.count}, ${height}×${width}`,
    )
  }
  const { start = 0, mean = 0, std = 1, backend = cpu } = options
  const count = options.count ?? set.count - start
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(count) ||
    start < 0 ||
    count < 1 ||
    start + count > set.count
  ) {
    throw new InvalidArgumentError(
      op,
      'count',
      `must pick, from start, a non-empty range of the ${set.count} images, got start ${start}, count ${count}`,
    )
  }
  if (!(std > 0) || !Number.isFinite(mean)) {
    throw new InvalidArgumentError(
      op,
      'std',
      `must be > 0 (with a finite mean), got std ${std}, mean ${mean}`,
    )
  }
  const pixels = new Float32Array(count * size)
  const source = set.images.subarray(start * size, (start + count) * size)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (source[i] / 255 - mean) / std
  return {
    images: fromArray(pixels, { shape: [count, 1, height, width], backend }),
    labels: fromArray(Int32Array.from(set.labels.subarray(start, start + count)), { backend }),
  }
}

/**
 * Checks an {@link ImageDataset}: images `[N, ...]` float32, labels int32 `[N]`.
 *
 * @internal
 */
export function checkDataset(op: string, argument: string, data: ImageDataset): number {
  const partial = data as Partial<ImageDataset> | null
  if (typeof data !== 'object' || partial?.images === undefined || partial.labels === undefined) {
    throw new InvalidArgumentError(op, argument, `must be { images, labels }, got ${typeof data}`)
  }
  const { images, labels } = data
  if (
    images.rank < 2 ||
    labels.rank !== 1 ||
    labels.shape[0] !== images.shape[0] ||
    labels.dtype !== 'int32'
  ) {
    throw new ShapeError(
      op,
      `${argument} must have images [N, ...] and int32 labels [N], got images [${images.shape.join(', ')}] and ${labels.dtype} labels [${labels.shape.join(', ')}]`,
      [images.shape, labels.shape],
    )
  }
  return images.shape[0]
}

/**
 * The batch views of one epoch: when `key` is given, the set is shuffled by
 * `permutation(key, N)` into one copy, and each batch is a slice view of that copy; without a
 * key the batches are views of the set in order. The last batch is dropped when it would be
 * smaller than `batchSize` and `dropLast` is true.
 *
 * @param data - the set
 * @param options - batchSize (integer >= 1), key (shuffle when given), dropLast (default true)
 * @returns `{ batches, order, shuffled }`: the views, the permutation used (identity without
 *   a key) and the shuffled copy they view (absent without a key). Dispose `batches` and
 *   `shuffled` after the epoch.
 * @throws InvalidArgumentError for a batch size below 1 or above N
 * @example
 * ```ts
 * const { batches } = epochBatches(train, { batchSize: 64, key: fold(shuffleKey, epoch) })
 * ```
 */
export function epochBatches(
  data: ImageDataset,
  options: { readonly batchSize: number; readonly key?: Key; readonly dropLast?: boolean },
): { batches: ImageDataset[]; order: Int32Array; shuffled?: ImageDataset } {
  const op = 'epochBatches'
  const n = checkDataset(op, 'data', data)
  const { batchSize, dropLast = true } = options
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > n) {
    throw new InvalidArgumentError(
      op,
      'batchSize',
      `must be an integer in [1, ${n}], got ${String(batchSize)}`,
    )
  }
  let order: Int32Array
  let images = data.images
  let labels = data.labels
  if (options.key === undefined) {
    order = Int32Array.from({ length: n }, (_, i) => i)
  } else {
    order = permutation(options.key, n)
    const index = fromArray(order, { backend: data.images.backend })
    images = indexSelect(data.images, 0, index)
    labels = indexSelect(data.labels, 0, index)
    index.dispose()
  }
  const count = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize)
  const batches: ImageDataset[] = []
  for (let b = 0; b < count; b++) {
    const range = { start: b * batchSize, stop: Math.min(n, (b + 1) * batchSize) }
    batches.push({ images: slice(images, [range]), labels: slice(labels, [range]) })
  }
  return options.key === undefined ? { batches, order } : { batches, order, shuffled: { images, labels } }
}

/**
 * Random translation: each image `[C, H, W]` moves by an integer `(dy, dx)` drawn uniformly
 * from `[−maxShift, maxShift]²` (from `key`), with zeros (or `fill`) shifted in:
 * `y[c, i, j] = x[c, i − dy, j − dx]`.
 *
 * @param images - float32 `[N, C, H, W]`
 * @param options - maxShift (integer >= 0), key, fill (default 0: the background after
 *   scaling to [0, 1]; pass −μ/σ for normalised images)
 * @returns a new tensor of the same shape
 * @throws ShapeError unless images are 4-D
 * @throws InvalidArgumentError for a negative or non-integer maxShift
 * @example
 * ```ts
 * const moved = randomShift(batch.images, { maxShift: 2, key: fold(augmentKey, step) })
 * ```
 */
export function randomShift(
  images: Tensor,
  options: { readonly maxShift: number; readonly key: Key; readonly fill?: number },
): Tensor {
  const op = 'randomShift'
  if (images.rank !== 4) {
    throw new ShapeError(op, `images must be [N, C, H, W], got [${images.shape.join(', ')}]`, [images.shape])
  }
  const { maxShift, fill = 0 } = options
  if (!Number.isSafeInteger(maxShift) || maxShift < 0) {
    throw new InvalidArgumentError(op, 'maxShift', `must be an integer >= 0, got ${String(maxShift)}`)
  }
  const [n, c, h, w] = images.shape
  const x = images.dataSync()
  const out = new Float32Array(x.length).fill(fill)
  const shifts = randomIntegers(options.key, 2 * n, -maxShift, maxShift + 1)
  const plane = h * w
  for (let k = 0; k < n; k++) {
    const dy = shifts[2 * k]
    const dx = shifts[2 * k + 1]
    const i0 = Math.max(0, dy)
    const i1 = Math.min(h, h + dy)
    const j0 = Math.max(0, dx)
    const j1 = Math.min(w, w + dx)
    for (let ch = 0; ch < c; ch++) {
      const base = (k * c + ch) * plane
      for (let i = i0; i < i1; i++) {
        const dst = base + i * w
        const src = base + (i - dy) * w - dx
        for (let j = j0; j < j1; j++) out[dst + j] = x[src + j]
      }
    }
  }
  return fromArray(out, { shape: images.shape, backend: images.backend })
}

/**
 * Splits a set into a training part and a held-out validation part (for early stopping and
 * model selection, so the test set stays unseen): with a key, the images are shuffled by
 * `permutation(key, N)` first; the validation part is the last `round(fraction·N)` of them.
 *
 * @param data - the set
 * @param options - fraction in (0, 1), key (shuffle first when given)
 * @returns `{ train, validation }`, new tensors (dispose them when done)
 * @throws InvalidArgumentError when either part would be empty
 * @example
 * ```ts
 * const { train, validation } = validationSplit(data, { fraction: 1 / 6, key: key(7) }) // 50000 / 10000
 * ```
 */
export function validationSplit(
  data: ImageDataset,
  options: { readonly fraction: number; readonly key?: Key },
): { train: ImageDataset; validation: ImageDataset } {
  const op = 'validationSplit'
  const n = checkDataset(op, 'data', data)
  const { fraction } = options
  const held = Math.round(fraction * n)
  if (!(fraction > 0 && fraction < 1) || held < 1 || held >= n) {
    throw new InvalidArgumentError(
      op,
      'fraction',
      `must leave both parts non-empty (0 < fraction < 1 of ${n} images), got ${String(fraction)}`,
    )
  }
  const order =
    options.key === undefined ? Int32Array.from({ length: n }, (_, i) => i) : permutation(options.key, n)
  const part = (indices: Int32Array): ImageDataset => {
    const index = fromArray(indices, { backend: data.images.backend })
    const result = { images: indexSelect(data.images, 0, index), labels: indexSelect(data.labels, 0, index) }
    index.dispose()
    return result
  }
  return { train: part(order.slice(0, n - held)), validation: part(order.slice(n - held)) }
}
