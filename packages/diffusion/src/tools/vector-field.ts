/**
 * The 2-D vector field of a trained (or exact) velocity or score model on a grid, for quiver
 * plots and streamlines.
 */
import { fromArray, InvalidArgumentError, type Tensor } from '@gen/core-tensor'
import { checkFunction, checkNumber } from '../schedule/check'
import { checkObject } from '../nets/check'

/** Options of {@link vectorFieldGrid}. */
export interface VectorFieldGridOptions {
  /** [min, max] of the first coordinate. */
  readonly xRange: readonly [number, number]
  /** [min, max] of the second coordinate. */
  readonly yRange: readonly [number, number]
  /** Grid points per axis: n, or [nx, ny]. Default 21. */
  readonly resolution?: number | readonly [number, number]
  /** The model's second argument: a flow time, an integer timestep or a noise level σ. */
  readonly t: number
}

/** A vector field sampled on a grid (row-major: y outer, x inner). */
export interface VectorFieldGrid {
  /** The nx grid abscissae. */
  readonly xs: Float64Array
  /** The ny grid ordinates. */
  readonly ys: Float64Array
  /** Grid points `[ny * nx, 2]`, point (i, j) at row i·nx + j = (xs[j], ys[i]). */
  readonly points: Tensor
  /** The model's output at each point, `[ny * nx, 2]`. */
  readonly vectors: Tensor
}

/**
 * Evaluates a 2-D model `(x [N, 2], t [N]) → [N, 2]` (a VelocityField, ScoreFunction or noise
 * predictor) at every point of an evenly spaced grid, all at the same `t`.
 *
 * @param model - the field, e.g. `velocityField(config, params)` or `gaussianMixtureScore(mixture)`
 * @param options - xRange, yRange, resolution (21), t
 * @returns grid axes, points and vectors
 * @throws InvalidArgumentError for an empty range, a resolution below 2, or a model output that is not `[N, 2]`
 * @example
 * ```ts
 * const field = vectorFieldGrid(velocityField(config, params), { xRange: [-3, 3], yRange: [-3, 3], resolution: 25, t: 0.5 })
 * ```
 */
export function vectorFieldGrid(
  model: (x: Tensor, t: Tensor) => Tensor,
  options: VectorFieldGridOptions,
): VectorFieldGrid {
  const op = 'vectorFieldGrid'
  checkFunction(op, 'model', model)
  checkObject(op, 'options', options)
  const axis = (name: string, range: unknown): [number, number] => {
    if (!Array.isArray(range) || range.length !== 2 || !(range[0] < range[1])) {
      throw new InvalidArgumentError(
        op,
        name,
        `must be [min, max] with min < max, got ${JSON.stringify(range)}`,
      )
    }
    return [Number(range[0]), Number(range[1])]
  }
  const [x0, x1] = axis('xRange', options.xRange)
  const [y0, y1] = axis('yRange', options.yRange)
  checkNumber(op, 't', options.t)
  const resolution = options.resolution ?? 21
  const [nx, ny] = typeof resolution === 'number' ? [resolution, resolution] : resolution
  for (const n of [nx, ny]) {
    if (!Number.isSafeInteger(n) || n < 2) {
      throw new InvalidArgumentError(
        op,
        'resolution',
        `must be integers >= 2, got ${JSON.stringify(resolution)}`,
      )
    }
  }
  const xs = Float64Array.from({ length: nx }, (_, j) => x0 + ((x1 - x0) * j) / (nx - 1))
  const ys = Float64Array.from({ length: ny }, (_, i) => y0 + ((y1 - y0) * i) / (ny - 1))
  const flat = new Float32Array(2 * nx * ny)
  for (let i = 0; i < ny; i++)
    for (let j = 0; j < nx; j++) {
      flat[2 * (i * nx + j)] = xs[j]
      flat[2 * (i * nx + j) + 1] = ys[i]
    }
  const points = fromArray(flat, { shape: [nx * ny, 2] })
  const t = fromArray(new Float32Array(nx * ny).fill(options.t))
  const vectors = model(points, t)
  t.dispose()
  if (vectors.rank !== 2 || vectors.shape[0] !== nx * ny || vectors.shape[1] !== 2) {
    throw new InvalidArgumentError(
      op,
      'model',
      `must return [${nx * ny}, 2], got [${vectors.shape.join(', ')}]`,
    )
  }
  return { xs, ys, points, vectors }
}
