/**
 * A set of labelled grayscale images held as bytes: MNIST, Fashion-MNIST, EMNIST, or slices
 * of them. Views for models (floats, binarised, one-hot, downsampled, batches) live in
 * `views.ts` and `batches.ts`.
 */
import { IdxFormatError, InvalidArgumentError } from './errors.js'
import type { IdxArray } from './idx.js'

/**
 * Labelled images, row-major: image i is `images.subarray(i*h*w, (i+1)*h*w)`, pixels 0..255.
 * `shape` is `[count, height, width]`, so the object also reads as a tensor-like value.
 */
export interface LabeledImages {
  /** Pixels, `count * height * width` bytes, 0 (black) to 255 (white). */
  readonly images: Uint8Array
  /** One class label per image. */
  readonly labels: Uint8Array
  /** Number of images. */
  readonly count: number
  /** Rows per image. */
  readonly height: number
  /** Columns per image. */
  readonly width: number
  /** `[count, height, width]`. */
  readonly shape: readonly [number, number, number]
}

/**
 * Builds a {@link LabeledImages} from byte arrays, checking that the sizes agree.
 *
 * @param images - `count * height * width` pixels
 * @param labels - `count` labels
 * @param size - `{ height, width }` of one image
 * @returns the labelled set (no copy)
 * @throws InvalidArgumentError when the lengths do not match the sizes
 * @example
 * ```ts
 * const set = labeledImages(new Uint8Array(2 * 4), new Uint8Array([3, 7]), { height: 2, width: 2 })
 * set.shape // [2, 2, 2]
 * ```
 */
export function labeledImages(
  images: Uint8Array,
  labels: Uint8Array,
  size: { height: number; width: number },
): LabeledImages {
  const op = 'labeledImages'
  const { height, width } = size
  if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1) {
    throw new InvalidArgumentError(
      op,
      'size',
      `must have positive integer height and width, got ${height}x${width}`,
    )
  }
  const count = labels.length
  if (images.length !== count * height * width) {
    throw new InvalidArgumentError(
      op,
      'images',
      `must hold labels.length * height * width = ${count}*${height}*${width} = ${count * height * width} pixels, got ${images.length}`,
    )
  }
  return { images, labels, count, height, width, shape: [count, height, width] }
}

/**
 * Pairs a parsed IDX image file (rank 3, uint8) with its IDX label file (rank 1, uint8).
 *
 * @param images - parsed `*-images-idx3-ubyte`
 * @param labels - parsed `*-labels-idx1-ubyte`
 * @param source - a name for error messages
 * @returns the labelled set, sharing the parsed arrays' memory
 * @throws IdxFormatError when the ranks or dtypes are wrong or the counts differ
 * @example
 * ```ts
 * const set = labeledImagesFromIdx(parseIdx(imageBytes), parseIdx(labelBytes))
 * ```
 */
export function labeledImagesFromIdx(images: IdxArray, labels: IdxArray, source = '<bytes>'): LabeledImages {
  const op = 'labeledImagesFromIdx'
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new IdxFormatError(
      op,
      `images must be rank-3 uint8 [count, height, width], got rank-${images.shape.length} ${images.dtype} [${images.shape.join(',')}]`,
      source,
    )
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new IdxFormatError(
      op,
      `labels must be rank-1 uint8 [count], got rank-${labels.shape.length} ${labels.dtype} [${labels.shape.join(',')}]`,
      source,
    )
  }
  const [count, height, width] = images.shape
  if (labels.shape[0] !== count) {
    throw new IdxFormatError(
      op,
      `label count must equal image count ${count}, got ${labels.shape[0]}`,
      source,
    )
  }
  return {
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    count,
    height,
    width,
    shape: [count, height, width],
  }
}
