// Dense row-major float64 matrices for the continuous memories, checked once at the boundary.
import { InvalidArgumentError } from '@gen/core-tensor'
import { describeValue, isList, toFiniteVector } from './validate'

/** K rows of length d, row-major: data[k * cols + j]. */
export interface Matrix {
  readonly rows: number
  readonly cols: number
  readonly data: Float64Array
}

/** Copies a non-empty list of equal-length finite vectors into a matrix. */
export function toMatrix(op: string, argument: string, rows: readonly ArrayLike<number>[]): Matrix {
  if (!isList(rows) || rows.length === 0) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must be a non-empty list of vectors, got ${describeValue(rows)}`,
    )
  }
  const first = toFiniteVector(op, `${argument}[0]`, rows[0])
  const cols = first.length
  if (cols === 0) throw new InvalidArgumentError(op, `${argument}[0]`, `must not be empty, got length 0`)
  const data = new Float64Array(rows.length * cols)
  data.set(first)
  for (let k = 1; k < rows.length; k++)
    data.set(toFiniteVector(op, `${argument}[${k}]`, rows[k], cols), k * cols)
  return { rows: rows.length, cols, data }
}

/** z = X v for X of K×d and v of length d. */
export function matVec(x: Matrix, v: Float64Array, out = new Float64Array(x.rows)): Float64Array {
  const { rows, cols, data } = x
  for (let k = 0; k < rows; k++) {
    let s = 0
    const base = k * cols
    for (let j = 0; j < cols; j++) s += data[base + j] * v[j]
    out[k] = s
  }
  return out
}

/** In place: p ← softmax(β z), shifted by the maximum so that no exponent overflows. */
export function softmaxInPlace(z: Float64Array, beta: number): Float64Array {
  let top = -Infinity
  for (let k = 0; k < z.length; k++) if (z[k] > top) top = z[k]
  let total = 0
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(beta * (z[k] - top))
    z[k] = e
    total += e
  }
  for (let k = 0; k < z.length; k++) z[k] /= total
  return z
}

/** lse(β, z) = β⁻¹ log Σ_k exp(β z_k), computed as max + β⁻¹ log Σ exp(β (z − max)). */
export function logSumExpScaled(z: Float64Array, beta: number): number {
  let top = -Infinity
  for (let k = 0; k < z.length; k++) if (z[k] > top) top = z[k]
  let total = 0
  for (let k = 0; k < z.length; k++) total += Math.exp(beta * (z[k] - top))
  return top + Math.log(total) / beta
}

/** out = Xᵀ p for X of K×d and p of length K. */
export function matTVec(x: Matrix, p: Float64Array, out = new Float64Array(x.cols)): Float64Array {
  const { rows, cols, data } = x
  out.fill(0)
  for (let k = 0; k < rows; k++) {
    const w = p[k]
    if (w === 0) continue
    const base = k * cols
    for (let j = 0; j < cols; j++) out[j] += w * data[base + j]
  }
  return out
}

/** Cosine similarity of two vectors (0 when one is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i]
    aa += a[i] * a[i]
    bb += b[i] * b[i]
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb)
}
