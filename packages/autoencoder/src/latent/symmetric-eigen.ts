/**
 * Eigen-decomposition of a real symmetric matrix in float64: A = V diag(λ) Vᵀ.
 *
 * Two methods: `'tridiagonal'` (default), Householder reduction to tridiagonal form and the
 * implicit QL algorithm with Wilkinson shifts (Golub and Van Loan, Matrix Computations,
 * §8.3; the EISPACK tred2/tql2 routines as ported in JAMA), about 4/3 n³ + 6 n³ flops; and
 * `'jacobi'`, cyclic Jacobi rotations (Jacobi 1846; Golub and Van Loan §8.5), slower but
 * simple enough to serve as an independent check.
 */
import { InvalidArgumentError } from '@gen/core-tensor'
import { toMatrix, type Matrix, type MatrixInput } from './matrix'

/** An eigen-decomposition, eigenvalues in decreasing order. */
export interface SymmetricEigen {
  /** λ_1 ≥ λ_2 ≥ … ≥ λ_n. */
  readonly values: Float64Array
  /**
   * Row j is the unit eigenvector of `values[j]` (so this is Vᵀ), its largest-magnitude entry
   * made positive (eigenvectors are defined up to sign).
   */
  readonly vectors: Matrix
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** `'tridiagonal'` (Householder + QL, default) or `'jacobi'` (cyclic rotations). */
  readonly method?: 'tridiagonal' | 'jacobi'
}

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix, A v_j = λ_j v_j, in float64.
 *
 * Shapes: a [n, n] → values [n], vectors [n, n] (row j = v_j).
 *
 * @param a - a symmetric matrix; asymmetry beyond 1e-10 · max|a| is rejected
 * @param options - `method`
 * @returns eigenvalues (decreasing) and unit eigenvectors (rows)
 * @throws InvalidArgumentError for a non-square or non-symmetric matrix, or an unknown method
 * @example
 * ```ts
 * const { values } = symmetricEigen({ data: [2, 1, 1, 2], shape: [2, 2] })
 * values // [3, 1]
 * ```
 */
export function symmetricEigen(a: MatrixInput, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const op = 'symmetricEigen'
  const m = toMatrix(op, 'a', a)
  const [n, cols] = m.shape
  if (n !== cols) throw new InvalidArgumentError(op, 'a', `must be square, got [${n}, ${cols}]`)
  let largest = 0
  for (const v of m.data) largest = Math.max(largest, Math.abs(v))
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const gap = Math.abs(m.data[i * n + j] - m.data[j * n + i])
      if (gap > 1e-10 * largest) {
        throw new InvalidArgumentError(
          op,
          'a',
          `must be symmetric, got a[${i}][${j}] = ${m.data[i * n + j]} and a[${j}][${i}] = ${m.data[j * n + i]}`,
        )
      }
    }
  }
  const method = options.method ?? 'tridiagonal'
  if (method !== 'tridiagonal' && method !== 'jacobi') {
    throw new InvalidArgumentError(op, 'method', `must be 'tridiagonal' or 'jacobi', got ${String(method)}`)
  }
  // V holds eigenvectors as columns while the algorithms run
  const v = Float64Array.from(m.data)
  const d = new Float64Array(n)
  if (method === 'jacobi') jacobi(v, d, n)
  else {
    const e = new Float64Array(n)
    householderTridiagonal(v, d, e, n)
    implicitQl(v, d, e, n)
  }
  return sortedDecreasing(v, d, n)
}

/** Reorders to decreasing eigenvalues, transposes V to rows and fixes the signs. */
function sortedDecreasing(v: Float64Array, d: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i] || i - j)
  const values = new Float64Array(n)
  const rows = new Float64Array(n * n)
  order.forEach((col, r) => {
    values[r] = d[col]
    let pivot = 0
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + col]) > Math.abs(pivot)) pivot = v[k * n + col]
    const sign = pivot < 0 ? -1 : 1
    for (let k = 0; k < n; k++) rows[r * n + k] = sign * v[k * n + col]
  })
  return { values, vectors: { data: rows, shape: [n, n] } }
}

/**
 * Cyclic Jacobi: sweep over all (p, q), rotating each off-diagonal a_pq to zero with
 * θ = (a_qq − a_pp) / (2 a_pq), t = sgn θ / (|θ| + √(θ² + 1)), c = 1/√(t² + 1), s = t c,
 * A ← Jᵀ A J, V ← V J, until the off-diagonal mass is below 1e-30 of the total.
 * On entry `a` holds A; on exit it holds V (columns) and `d` the eigenvalues.
 */
function jacobi(a: Float64Array, d: Float64Array, n: number): void {
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  let total = 0
  for (const x of a) total += x * x
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q] * a[p * n + q]
    if (off <= 1e-30 * total) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0) continue
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]
          const vkq = v[k * n + q]
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]
  a.set(v)
}

/**
 * Householder reduction of symmetric A (in `v`) to tridiagonal form T = Qᵀ A Q: on exit `d`
 * is T's diagonal, `e[1..n−1]` its sub-diagonal and `v` holds Q (EISPACK tred2).
 */
function householderTridiagonal(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]
  for (let i = n - 1; i > 0; i--) {
    let scale = 0
    let h = 0
    for (let k = 0; k < i; k++) scale += Math.abs(d[k])
    if (scale === 0) {
      e[i] = d[i - 1]
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]
        v[i * n + j] = 0
        v[j * n + i] = 0
      }
    } else {
      // the Householder vector, scaled against overflow
      for (let k = 0; k < i; k++) {
        d[k] /= scale
        h += d[k] * d[k]
      }
      let f = d[i - 1]
      let g = Math.sqrt(h)
      if (f > 0) g = -g
      e[i] = scale * g
      h -= f * g
      d[i - 1] = f - g
      for (let j = 0; j < i; j++) e[j] = 0
      for (let j = 0; j < i; j++) {
        f = d[j]
        v[j * n + i] = f
        g = e[j] + v[j * n + j] * f
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j] * d[k]
          e[k] += v[k * n + j] * f
        }
        e[j] = g
      }
      f = 0
      for (let j = 0; j < i; j++) {
        e[j] /= h
        f += e[j] * d[j]
      }
      const hh = f / (h + h)
      for (let j = 0; j < i; j++) e[j] -= hh * d[j]
      for (let j = 0; j < i; j++) {
        f = d[j]
        g = e[j]
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k]
        d[j] = v[(i - 1) * n + j]
        v[i * n + j] = 0
      }
    }
    d[i] = h
  }
  // accumulate the transformations into Q
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]
    v[i * n + i] = 1
    const h = d[i + 1]
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h
      for (let j = 0; j <= i; j++) {
        let g = 0
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j]
        for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k]
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j]
    v[(n - 1) * n + j] = 0
  }
  v[(n - 1) * n + n - 1] = 1
  e[0] = 0
}

/**
 * Implicit QL iterations with Wilkinson shifts on the tridiagonal (d, e), applying each plane
 * rotation to `v` (EISPACK tql2). On exit `d` holds the eigenvalues and `v` the eigenvectors.
 */
function implicitQl(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]
  e[n - 1] = 0
  let f = 0
  let tst1 = 0
  const eps = 2 ** -52
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]))
    let m = l
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++
    if (m > l) {
      for (let iteration = 0; iteration < 60 * n; iteration++) {
        // the shift from the leading 2×2 block
        let g = d[l]
        let p = (d[l + 1] - g) / (2 * e[l])
        let r = Math.hypot(p, 1)
        if (p < 0) r = -r
        d[l] = e[l] / (p + r)
        d[l + 1] = e[l] * (p + r)
        const dl1 = d[l + 1]
        let h = g - d[l]
        for (let i = l + 2; i < n; i++) d[i] -= h
        f += h
        p = d[m]
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1]
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * e[i]
          h = c * p
          r = Math.hypot(p, e[i])
          e[i + 1] = s * r
          s = e[i] / r
          c = p / r
          p = c * d[i] - s * g
          d[i + 1] = h + s * (c * g + s * d[i])
          for (let k = 0; k < n; k++) {
            const vk1 = v[k * n + i + 1]
            v[k * n + i + 1] = s * v[k * n + i] + c * vk1
            v[k * n + i] = c * v[k * n + i] - s * vk1
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1
        e[l] = s * p
        d[l] = c * p
        if (Math.abs(e[l]) <= eps * tst1) break
      }
    }
    d[l] += f
    e[l] = 0
  }
}
