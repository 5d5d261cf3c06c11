/**
 * The pure-JavaScript float32 matmul: the fallback where WebAssembly SIMD is missing. Same
 * scheme as the WebAssembly kernel (pack a `kc x nc` block of B and an `mc x kc` block of A into
 * contiguous panels, then a register-blocked micro-kernel), with a 4 x 4 tile of C held in 16
 * local numbers: per `k` step it loads 4 values of A and 4 of B for 16 multiply-adds, where a
 * naive `i, p, j` loop loads and stores C on every multiply-add.
 */
import { planMatmul, type MatmulOperands, type MatmulPlan, type MatmulSpec } from './matmul-options'

const KC = 128
const MC = 64
const NC = 512
const T = 4

/** One cache block: rows `i0..i0+rows` of A and C, steps `p0..p0+kc` of k, columns `j0..j0+cols`. */
interface Block {
  i0: number
  rows: number
  p0: number
  kc: number
  j0: number
  cols: number
}

/**
 * Fills `dst` with `rows x kc` panels of A (`T` rows each, zero-padded): panel `t`, step `p`,
 * row `r` at `(t * kc + p) * T + r`.
 */
function packA(plan: MatmulPlan, a: Float32Array, block: Block, dst: Float32Array): void {
  const { i0, rows, p0, kc } = block
  const rs = plan.transposeA ? 1 : plan.lda
  const cs = plan.transposeA ? plan.lda : 1
  let d = 0
  for (let t = 0; t < rows; t += T) {
    for (let p = 0; p < kc; p++) {
      const base = plan.offsetA + (p0 + p) * cs
      for (let r = 0; r < T; r++) {
        dst[d++] = t + r < rows ? a[base + (i0 + t + r) * rs] : 0
      }
    }
  }
}

/** Fills `dst` with `kc x cols` panels of B (`T` columns each, zero-padded). */
function packB(plan: MatmulPlan, b: Float32Array, block: Block, dst: Float32Array): void {
  const { p0, kc, j0, cols } = block
  const rs = plan.transposeB ? 1 : plan.ldb
  const cs = plan.transposeB ? plan.ldb : 1
  let d = 0
  for (let t = 0; t < cols; t += T) {
    for (let p = 0; p < kc; p++) {
      const base = plan.offsetB + (p0 + p) * rs
      for (let c = 0; c < T; c++) {
        dst[d++] = t + c < cols ? b[base + (j0 + t + c) * cs] : 0
      }
    }
  }
}

/** C block += packed A panels · packed B panels, for `rows x cols` of C at (i0, j0). */
function macro(
  plan: MatmulPlan,
  out: Float32Array,
  block: Block,
  panels: { ap: Float32Array; bp: Float32Array },
): void {
  const { i0, rows, j0, cols, kc } = block
  const { ap, bp } = panels
  const ldc = plan.ldc
  for (let tj = 0; tj < cols; tj += T) {
    const bBase = tj * kc
    for (let ti = 0; ti < rows; ti += T) {
      let pa = ti * kc
      let pb = bBase
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0
      for (let p = 0; p < kc; p++) {
        const a0 = ap[pa],
          a1 = ap[pa + 1],
          a2 = ap[pa + 2],
          a3 = ap[pa + 3]
        const b0 = bp[pb],
          b1 = bp[pb + 1],
          b2 = bp[pb + 2],
          b3 = bp[pb + 3]
        c00 += a0 * b0
        c01 += a0 * b1
        c02 += a0 * b2
        c03 += a0 * b3
        c10 += a1 * b0
        c11 += a1 * b1
        c12 += a1 * b2
        c13 += a1 * b3
        c20 += a2 * b0
        c21 += a2 * b1
        c22 += a2 * b2
        c23 += a2 * b3
        c30 += a3 * b0
        c31 += a3 * b1
        c32 += a3 * b2
        c33 += a3 * b3
        pa += T
        pb += T
      }
      const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]
      const rmax = Math.min(T, rows - ti)
      const cmax = Math.min(T, cols - tj)
      for (let r = 0; r < rmax; r++) {
        const row = plan.offsetC + (i0 + ti + r) * ldc + j0 + tj
        for (let c = 0; c < cmax; c++) out[row + c] += tile[r * T + c]
      }
    }
  }
}

/** Runs a validated plan with the JavaScript kernel. */
export function runMatmulJs(plan: MatmulPlan, operands: MatmulOperands): void {
  const { a, b, out } = operands
  const { m, n, k } = plan
  if (m === 0 || n === 0) return
  if (!plan.accumulate) {
    for (let i = 0; i < m; i++) out.fill(0, plan.offsetC + i * plan.ldc, plan.offsetC + i * plan.ldc + n)
  }
  if (k === 0) return
  const ap = new Float32Array(Math.ceil(Math.min(MC, m) / T) * T * Math.min(KC, k))
  const bp = new Float32Array(Math.ceil(Math.min(NC, n) / T) * T * Math.min(KC, k))
  const panels = { ap, bp }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc)
      const block: Block = { i0: 0, rows: 0, p0: pc, kc, j0: jc, cols: nc }
      packB(plan, b, block, bp)
      for (let ic = 0; ic < m; ic += MC) {
        block.i0 = ic
        block.rows = Math.min(MC, m - ic)
        packA(plan, a, block, ap)
        macro(plan, out, block, panels)
      }
    }
  }
}

/**
 * `C = A·B` (or `C += A·B`) in float32 with plain JavaScript: row-major `C[m, n]` from
 * `A[m, k]` and `B[k, n]`, with the layouts of {@link MatmulSpec}. Products are summed in
 * float64 within a `KC`-long block of `k` and rounded to float32 when added into C.
 *
 * @param a - A's storage: `m x k` row-major, or `k x m` with `transposeA`
 * @param b - B's storage: `k x n` row-major, or `n x k` with `transposeB`
 * @param out - C's storage, `m x n` row-major, written in place
 * @param spec - sizes `m, n, k`, and transposes, leading dimensions, offsets, accumulate
 * @throws InvalidArgumentError / ShapeError on bad sizes (see `planMatmul`)
 * @example
 * ```ts
 * const c = new Float32Array(4)
 * matmulJsF32(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), c, { m: 2, n: 2, k: 2 })
 * // c = [1, 2, 3, 4]
 * ```
 */
export function matmulJsF32(a: Float32Array, b: Float32Array, out: Float32Array, spec: MatmulSpec): void {
  const operands = { a, b, out }
  runMatmulJs(planMatmul('matmulJsF32', operands, spec), operands)
}
