import { InvalidArgumentError, ShapeError } from '../errors'

/**
 * How `matmulF32` reads its operands and writes its result. All strides are in elements.
 *
 * Layouts (row-major): without `transposeA`, `a` holds A as `m` rows of `k` values, row `i`
 * starting at `offsetA + i * lda`; with `transposeA`, `a` holds Aᵀ as `k` rows of `m` values
 * (so `A[i, p] = a[offsetA + p * lda + i]`). Likewise for `b` (`k x n`, or `n x k` transposed)
 * and `out` (`m x n`, row `i` at `offsetC + i * ldc`).
 *
 * @example
 * ```ts
 * // C = Aᵀ·B where a is stored k x m; add into out instead of overwriting it
 * const options: MatmulOptions = { transposeA: true, accumulate: true }
 * ```
 */
export interface MatmulOptions {
  /** `a` holds Aᵀ (`k x m`). Default false. */
  transposeA?: boolean
  /** `b` holds Bᵀ (`n x k`). Default false. */
  transposeB?: boolean
  /** Row stride of `a` as stored; default its row length (`k`, or `m` when transposed). */
  lda?: number
  /** Row stride of `b` as stored; default its row length (`n`, or `k` when transposed). */
  ldb?: number
  /** Row stride of `out`; default `n`. */
  ldc?: number
  /** Index of the first element of `a`. Default 0. */
  offsetA?: number
  /** Index of the first element of `b`. Default 0. */
  offsetB?: number
  /** Index of the first element of `out`. Default 0. */
  offsetC?: number
  /** `out += A·B` instead of `out = A·B`. Default false. */
  accumulate?: boolean
}

/**
 * Sizes and layouts of one product: `C[m, n] = A[m, k]·B[k, n]`, plus {@link MatmulOptions}.
 *
 * @example
 * ```ts
 * const spec: MatmulSpec = { m: 64, n: 10, k: 784, transposeB: true }
 * ```
 */
export interface MatmulSpec extends MatmulOptions {
  /** Rows of A and C. */
  m: number
  /** Columns of B and C. */
  n: number
  /** Columns of A, rows of B: the summed dimension. */
  k: number
}

/** The three arrays of one product: A's, B's and C's storage. */
export interface MatmulOperands {
  a: Float32Array
  b: Float32Array
  out: Float32Array
}

/**
 * The validated, defaulted form of {@link MatmulOptions} plus the sizes, shared by every
 * kernel. `spanA` is the number of elements of `a` the product reads, from `offsetA` on.
 */
export interface MatmulPlan {
  m: number
  n: number
  k: number
  transposeA: boolean
  transposeB: boolean
  lda: number
  ldb: number
  ldc: number
  offsetA: number
  offsetB: number
  offsetC: number
  accumulate: boolean
  spanA: number
  spanB: number
  spanC: number
}

function checkSize(op: string, argument: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${value}`)
  }
}

/** Elements spanned by `rows` rows of `cols` values at row stride `ld` (0 when empty). */
function span(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols
}

/**
 * Checks sizes, strides and array lengths, and fills in defaults.
 *
 * @param op - name for error messages
 * @param operands - A's, B's and C's storage
 * @param spec - sizes and layouts; see {@link MatmulSpec}
 * @returns the plan every kernel runs from
 * @throws InvalidArgumentError for a size or stride that is not a non-negative integer or a
 *   leading dimension smaller than its row; ShapeError when an array is too short
 * @example
 * ```ts
 * const plan = planMatmul('matmulF32', { a, b, out }, { m: 2, n: 3, k: 4 })
 * ```
 */
export function planMatmul(op: string, operands: MatmulOperands, spec: MatmulSpec): MatmulPlan {
  const { a, b, out } = operands
  const { m, n, k } = spec
  const options = spec
  checkSize(op, 'm', m, 0)
  checkSize(op, 'n', n, 0)
  checkSize(op, 'k', k, 0)
  const transposeA = options.transposeA === true
  const transposeB = options.transposeB === true
  const rowA = transposeA ? m : k
  const rowB = transposeB ? k : n
  const lda = options.lda ?? rowA
  const ldb = options.ldb ?? rowB
  const ldc = options.ldc ?? n
  checkSize(op, 'lda', lda, rowA)
  checkSize(op, 'ldb', ldb, rowB)
  checkSize(op, 'ldc', ldc, n)
  const offsetA = options.offsetA ?? 0
  const offsetB = options.offsetB ?? 0
  const offsetC = options.offsetC ?? 0
  checkSize(op, 'offsetA', offsetA, 0)
  checkSize(op, 'offsetB', offsetB, 0)
  checkSize(op, 'offsetC', offsetC, 0)
  const spanA = span(transposeA ? k : m, rowA, lda)
  const spanB = span(transposeB ? n : k, rowB, ldb)
  const spanC = span(m, n, ldc)
  const fits = (name: string, array: Float32Array, offset: number, need: number): void => {
    if (need > 0 && array.length < offset + need) {
      throw new ShapeError(
        op,
        `${name} must hold at least ${offset + need} elements for m=${m} n=${n} k=${k}, got ${array.length}`,
      )
    }
  }
  fits('a', a, offsetA, spanA)
  fits('b', b, offsetB, spanB)
  fits('out', out, offsetC, spanC)
  return {
    m,
    n,
    k,
    transposeA,
    transposeB,
    lda,
    ldb,
    ldc,
    offsetA,
    offsetB,
    offsetC,
    accumulate: options.accumulate === true,
    spanA,
    spanB,
    spanC,
  }
}
