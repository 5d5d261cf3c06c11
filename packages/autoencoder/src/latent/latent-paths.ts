/**
 * Points in a latent space to hand to a decoder: a grid over two latent dimensions, linear
 * and spherical interpolation between two codes, and traversals of single dimensions. All
 * return a {@link Matrix} of latent codes, one per row, in the order a picture grid reads
 * them (row by row); decode them with the model and lay them out with `@gen/viz` imageGrid.
 */
import { InvalidArgumentError, checkOptions } from '@gen/core-tensor'
import type { Matrix } from './matrix'
import { normalQuantile } from './normal-quantile'

/** Options of {@link latentGrid}. */
export interface LatentGridOptions {
  /** Grid rows (default 15) and columns (default `rows`). */
  readonly rows?: number
  readonly cols?: number
  /** Size of the latent code (default 2). */
  readonly latentSize?: number
  /** The two latent dimensions the grid spans: [along columns, along rows] (default [0, 1]). */
  readonly dims?: readonly [number, number]
  /**
   * How the grid is spaced: `'quantile'` (default) places column c at Φ⁻¹((c + ½) / cols),
   * evenly spaced in probability under the N(0, I) prior (Kingma and Welling 2014, fig. 4);
   * `[low, high]` spaces it linearly from low to high.
   */
  readonly range?: 'quantile' | readonly [number, number]
  /** The code the other dimensions keep (default zeros, the prior's mean). */
  readonly base?: ArrayLike<number>
}

/**
 * Latent codes on a rows × cols grid over two latent dimensions, the others held at `base`.
 * Row r, column c holds code index r · cols + c; its `dims[0]` coordinate grows with c and its
 * `dims[1]` coordinate falls with r, so the decoded picture has the usual axes (up = larger).
 *
 * Shapes: → [rows · cols, latentSize].
 *
 * @param options - `rows`, `cols`, `latentSize`, `dims`, `range`, `base`
 * @returns the codes
 * @throws InvalidArgumentError for bad sizes, dimensions outside the code, or a bad range
 * @example
 * ```ts
 * const grid = latentGrid({ rows: 20 }) // 400 codes of a 2-D latent, Φ⁻¹ spaced
 * ```
 */
export function latentGrid(options: LatentGridOptions = {}): Matrix {
  const op = 'latentGrid'
  checkOptions(op, options)
  const rows = positiveInteger(op, 'rows', options.rows ?? 15)
  const cols = positiveInteger(op, 'cols', options.cols ?? rows)
  const base = baseCode(op, options.latentSize, options.base)
  const size = base.length
  const dims = options.dims ?? [0, 1]
  if (
    !Array.isArray(dims) ||
    dims.length !== 2 ||
    dims[0] === dims[1] ||
    dims.some((k) => !Number.isInteger(k) || k < 0 || k >= size)
  ) {
    throw new InvalidArgumentError(
      op,
      'dims',
      `must be two different integers in [0, ${size - 1}], got ${JSON.stringify(dims)}`,
    )
  }
  const along = (count: number): Float64Array => axisValues(op, options.range ?? 'quantile', count)
  const xs = along(cols)
  const ys = along(rows)
  const data = new Float64Array(rows * cols * size)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const o = (r * cols + c) * size
      data.set(base, o)
      data[o + dims[0]] = xs[c]
      data[o + dims[1]] = ys[rows - 1 - r]
    }
  }
  return { data, shape: [rows * cols, size] }
}

function axisValues(op: string, range: 'quantile' | readonly [number, number], count: number): Float64Array {
  if (range === 'quantile')
    return Float64Array.from({ length: count }, (_, i) => normalQuantile((i + 0.5) / count))
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every(Number.isFinite) ||
    !(range[1] > range[0])
  ) {
    throw new InvalidArgumentError(
      op,
      'range',
      `must be 'quantile' or [low, high] with low < high, got ${JSON.stringify(range)}`,
    )
  }
  const [low, high] = range
  return Float64Array.from({ length: count }, (_, i) =>
    count === 1 ? 0.5 * (low + high) : low + ((high - low) * i) / (count - 1),
  )
}

/**
 * Linear interpolation z(t) = (1 − t) a + t b at `steps` evenly spaced t from 0 to 1.
 *
 * Shapes: a, b [latentSize] → [steps, latentSize].
 *
 * @param a - start code
 * @param b - end code, same length
 * @param steps - number of codes, ≥ 2 (the first is a, the last b)
 * @returns the codes
 * @throws InvalidArgumentError for codes of different lengths, non-finite values or steps < 2
 * @example
 * ```ts
 * lerp([0, 0], [1, 2], 3).data // [0, 0, 0.5, 1, 1, 2]
 * ```
 */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Matrix {
  const { u, v } = endpoints('lerp', a, b, steps)
  const size = u.length
  const data = new Float64Array(steps * size)
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1)
    for (let k = 0; k < size; k++) data[s * size + k] = s === steps - 1 ? v[k] : (1 - t) * u[k] + t * v[k]
  }
  return { data, shape: [steps, size] }
}

/**
 * Spherical linear interpolation (Shoemake 1985), recommended for the latent spaces of
 * Gaussian priors because it keeps codes at a typical norm (White 2016, "Sampling generative
 * networks"):
 *
 *   z(t) = sin((1 − t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b,   cos Ω = a·b / (|a| |b|)
 *
 * For unit a and b every z(t) is a unit vector at angle tΩ from a. When a and b are (nearly)
 * parallel (sin Ω < 1e-12) it falls back to {@link lerp}; for opposite codes the path is not
 * unique and an error is thrown.
 *
 * Shapes: a, b [latentSize] → [steps, latentSize].
 *
 * @param a - start code (non-zero)
 * @param b - end code (non-zero), same length
 * @param steps - number of codes, ≥ 2
 * @returns the codes
 * @throws InvalidArgumentError for zero or opposite codes, different lengths, or steps < 2
 * @example
 * ```ts
 * slerp([1, 0], [0, 1], 3).data // [1, 0, √½, √½, 0, 1]
 * ```
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Matrix {
  const op = 'slerp'
  const { u, v } = endpoints(op, a, b, steps)
  const size = u.length
  let dot = 0
  let nu = 0
  let nv = 0
  for (let k = 0; k < size; k++) {
    dot += u[k] * v[k]
    nu += u[k] * u[k]
    nv += v[k] * v[k]
  }
  if (nu === 0) throw new InvalidArgumentError(op, 'a', 'must be a non-zero code, got the zero vector')
  if (nv === 0) throw new InvalidArgumentError(op, 'b', 'must be a non-zero code, got the zero vector')
  const cosine = Math.min(1, Math.max(-1, dot / Math.sqrt(nu * nv)))
  const omega = Math.acos(cosine)
  const sinOmega = Math.sin(omega)
  if (sinOmega < 1e-12) {
    if (cosine > 0) return lerp(u, v, steps)
    throw new InvalidArgumentError(
      op,
      'b',
      'must not point opposite to a: the great circle between them is not unique',
    )
  }
  const data = new Float64Array(steps * size)
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1)
    const wa = Math.sin((1 - t) * omega) / sinOmega
    const wb = Math.sin(t * omega) / sinOmega
    for (let k = 0; k < size; k++)
      data[s * size + k] = s === 0 ? u[k] : s === steps - 1 ? v[k] : wa * u[k] + wb * v[k]
  }
  return { data, shape: [steps, size] }
}

/** Options of {@link latentTraversal}. */
export interface TraversalOptions {
  /** The latent dimensions to traverse (default: all of them). */
  readonly dims?: readonly number[]
  /** Values each traversed coordinate takes (default: 9 values evenly from −3 to 3). */
  readonly values?: ArrayLike<number>
}

/**
 * Traversals of single latent dimensions (as in the β-VAE paper, Higgins et al. 2017, fig. 1):
 * for each dimension in `dims`, copies of `base` whose coordinate runs through `values`, the
 * others unchanged. Row r of the picture is dimension dims[r].
 *
 * Shapes: base [latentSize] → [dims.length · values.length, latentSize].
 *
 * @param base - the code to start from (e.g. an encoded digit's mean)
 * @param options - `dims`, `values`
 * @returns the codes, dimension-major
 * @throws InvalidArgumentError for dimensions outside the code or non-finite values
 * @example
 * ```ts
 * latentTraversal([0, 0], { dims: [1], values: [-1, 1] }).data // [0, -1, 0, 1]
 * ```
 */
export function latentTraversal(base: ArrayLike<number>, options: TraversalOptions = {}): Matrix {
  const op = 'latentTraversal'
  checkOptions(op, options)
  const code = baseCode(op, undefined, base)
  const size = code.length
  const dims = options.dims ?? Array.from({ length: size }, (_, k) => k)
  if (
    !Array.isArray(dims) ||
    dims.length === 0 ||
    dims.some((k) => !Number.isInteger(k) || k < 0 || k >= size)
  ) {
    throw new InvalidArgumentError(
      op,
      'dims',
      `must be a non-empty list of integers in [0, ${size - 1}], got ${JSON.stringify(dims)}`,
    )
  }
  const values = Float64Array.from(options.values ?? Array.from({ length: 9 }, (_, i) => -3 + (6 * i) / 8))
  if (values.length === 0 || !values.every(Number.isFinite)) {
    throw new InvalidArgumentError(
      op,
      'values',
      `must be a non-empty list of finite numbers, got ${values.length} values`,
    )
  }
  const data = new Float64Array(dims.length * values.length * size)
  Array.from(dims, Number).forEach((dim, r) => {
    values.forEach((value, c) => {
      const o = (r * values.length + c) * size
      data.set(code, o)
      data[o + dim] = value
    })
  })
  return { data, shape: [dims.length * values.length, size] }
}

function positiveInteger(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(op, name, `must be a positive integer, got ${value}`)
  return value
}

function finiteCode(op: string, name: string, code: ArrayLike<number> | undefined): Float64Array {
  if (code === undefined || typeof code !== 'object' || typeof code.length !== 'number') {
    throw new InvalidArgumentError(
      op,
      name,
      `must be an array of numbers, got ${code === null ? 'null' : typeof code}`,
    )
  }
  const out = Float64Array.from(code)
  const bad = out.findIndex((x) => !Number.isFinite(x))
  if (bad >= 0)
    throw new InvalidArgumentError(op, name, `must hold finite numbers, got ${out[bad]} at index ${bad}`)
  if (out.length === 0) throw new InvalidArgumentError(op, name, 'must be a non-empty code, got length 0')
  return out
}

function baseCode(
  op: string,
  latentSize: number | undefined,
  base: ArrayLike<number> | undefined,
): Float64Array {
  if (base !== undefined) {
    const code = finiteCode(op, 'base', base)
    if (latentSize !== undefined && code.length !== latentSize) {
      throw new InvalidArgumentError(
        op,
        'base',
        `must have latentSize = ${latentSize} values, got ${code.length}`,
      )
    }
    return code
  }
  return new Float64Array(positiveInteger(op, 'latentSize', latentSize ?? 2))
}

function endpoints(
  op: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  steps: number,
): { u: Float64Array; v: Float64Array } {
  const u = finiteCode(op, 'a', a)
  const v = finiteCode(op, 'b', b)
  if (u.length !== v.length)
    throw new InvalidArgumentError(op, 'b', `must have a's length ${u.length}, got ${v.length}`)
  if (!Number.isInteger(steps) || steps < 2)
    throw new InvalidArgumentError(op, 'steps', `must be an integer >= 2, got ${steps}`)
  return { u, v }
}
