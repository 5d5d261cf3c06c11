// Hidden-unit receptive fields as pictures: column j of W [V, H] is what hidden unit j responds
// to, W_{:,j}, laid out as an image (Hinton 2010, "A practical guide", §15: "displaying the
// weights of each hidden unit as an image is a good way to see what it has learned").
import { InvalidArgumentError } from '@gen/core-tensor'

import { checkPositiveInteger } from '../internal/numeric'
import type { Rbm } from '../rbm'
import { checkRbmShape } from './internal'

/**
 * A batch of single-channel images in plain data: image k is
 * `data.subarray(k·height·width, (k + 1)·height·width)`, row-major. `shape` makes it a shaped
 * array that `@gen/viz`'s `imageGrid(filters, { range: 'symmetric' })` draws directly.
 *
 * @example
 * ```ts
 * const batch: ImageBatch = { shape: [2, 1, 2], count: 2, height: 1, width: 2, data: new Float32Array(4) }
 * ```
 */
export interface ImageBatch {
  /** [count, height, width]. */
  readonly shape: readonly [number, number, number]
  /** Images. */
  readonly count: number
  /** Rows per image. */
  readonly height: number
  /** Columns per image. */
  readonly width: number
  /** count·height·width values. */
  readonly data: Float32Array
}

/**
 * The weights into each hidden unit as an image: image j holds W_{i,j} at pixel i, for the
 * hidden units listed (default all), optionally rescaled.
 *
 * @param rbm - the RBM (V = height · width)
 * @param options - `height`, `width` (default 28x28), `units` (hidden indices, default 0..H−1),
 *   `normalize`: 'none' (raw weights, default), or 'per-unit' (each image scaled to [−1, 1] by its
 *   own max |W_{i,j}|, so faint units stay visible)
 * @returns an {@link ImageBatch} [units, height, width]
 * @throws InvalidArgumentError when height·width ≠ V or a unit index is out of range
 * @example
 * ```ts
 * import { encodePng, imageGrid } from '@gen/viz'
 * const filters = rbmFilterImages(rbm, { units: [0, 1, 2, 3] })
 * const png = encodePng(imageGrid(filters, { range: 'symmetric', columns: 2 }))
 * ```
 */
export function rbmFilterImages(
  rbm: Rbm,
  options: {
    readonly height?: number
    readonly width?: number
    readonly units?: readonly number[]
    readonly normalize?: 'none' | 'per-unit'
  } = {},
): ImageBatch {
  const op = 'rbmFilterImages'
  checkRbmShape(op, rbm)
  const height = options.height ?? 28
  const width = options.width ?? 28
  checkPositiveInteger(op, 'height', height)
  checkPositiveInteger(op, 'width', width)
  const { numVisible: V, numHidden: H } = rbm
  if (height * width !== V) {
    throw new InvalidArgumentError(
      op,
      'height',
      `times width must equal numVisible = ${V}, got ${height}x${width} = ${height * width}`,
    )
  }
  const units = options.units ?? Array.from({ length: H }, (_, j) => j)
  units.forEach((j, k) => {
    if (!(Number.isInteger(j) && j >= 0 && j < H)) {
      throw new InvalidArgumentError(
        op,
        'units',
        `must hold hidden indices in [0, ${H}), got ${j} at index ${k}`,
      )
    }
  })
  const normalize = options.normalize ?? 'none'
  if (normalize !== 'none' && normalize !== 'per-unit') {
    throw new InvalidArgumentError(op, 'normalize', `must be 'none' or 'per-unit', got ${String(normalize)}`)
  }
  const data = new Float32Array(units.length * V)
  units.forEach((j, k) => {
    let scale = 1
    if (normalize === 'per-unit') {
      let m = 0
      for (let i = 0; i < V; i++) m = Math.max(m, Math.abs(rbm.weights[i * H + j]))
      scale = m === 0 ? 1 : 1 / m
    }
    for (let i = 0; i < V; i++) data[k * V + i] = rbm.weights[i * H + j] * scale
  })
  return { shape: [units.length, height, width], count: units.length, height, width, data }
}
