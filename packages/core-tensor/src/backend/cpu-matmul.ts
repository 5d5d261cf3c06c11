/**
 * Single-precision GEMM in plain JavaScript: cache-blocked, packed, with a 4×4 register-blocked
 * micro-kernel (the BLIS/GotoBLAS structure: Goto & van de Geijn, "Anatomy of
 * High-Performance Matrix Multiplication", ACM TOMS 2008).
 *
 * Loops, outer to inner: kc-blocks of K (B panel fits in L2), mc-blocks of M (A block fits in
 * L2/L1), 4-column panels of B, 4-row panels of A, then the micro-kernel runs over kc with
 * 16 accumulators held in registers.
 */

const MR = 4
const NR = 4
const KC = 256
const MC = 64

/** Strided operand of a GEMM: element (i, j) at `data[offset + i*rowStride + j*colStride]`. */
export interface GemmOperand {
  data: Float32Array | Float64Array
  offset: number
  rowStride: number
  colStride: number
}

/** Scratch buffers for packing, reused across calls of one product. */
export interface GemmScratch {
  packedA: Float32Array
  packedB: Float32Array
}

/** Scratch sized for any n: A block MC×KC, B panel KC×roundup(n, NR). */
export function gemmScratch(n: number): GemmScratch {
  return {
    packedA: new Float32Array(MC * KC),
    packedB: new Float32Array(KC * Math.ceil(n / NR) * NR),
  }
}

/**
 * c[cOffset + i*n + j] = Σ_k a(i, k) · b(k, j) for an m×k by k×n product, writing a
 * contiguous m×n block.
 */
export function sgemm(
  dims: { m: number; n: number; k: number },
  a: GemmOperand,
  b: GemmOperand,
  out: { data: Float32Array; offset: number; scratch: GemmScratch },
): void {
  const { m, n, k } = dims
  const c = out.data
  const cOff = out.offset
  c.fill(0, cOff, cOff + m * n)
  const { packedA, packedB } = out.scratch
  const nPanels = Math.ceil(n / NR)
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc)
    packB(b, pc, kc, n, packedB)
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic)
      packA(a, ic, mc, pc, kc, packedA)
      const mPanels = Math.ceil(mc / MR)
      for (let jp = 0; jp < nPanels; jp++) {
        const j0 = jp * NR
        const nr = Math.min(NR, n - j0)
        const bStart = jp * kc * NR
        for (let ip = 0; ip < mPanels; ip++) {
          const i0 = ic + ip * MR
          const mr = Math.min(MR, m - i0)
          microKernel(kc, packedA, ip * kc * MR, packedB, bStart, c, cOff + i0 * n + j0, n, mr, nr)
        }
      }
    }
  }
}

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of A into 4-row panels, k-major, zero-padded. */
// eslint-disable-next-line max-params -- hot packing loop, called once per block; plain arguments keep it allocation-free
function packA(a: GemmOperand, i0: number, mc: number, p0: number, kc: number, dst: Float32Array): void {
  const { data, offset, rowStride, colStride } = a
  let w = 0
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip)
    for (let p = 0; p < kc; p++) {
      const col = offset + (p0 + p) * colStride
      for (let r = 0; r < MR; r++) dst[w++] = r < rows ? data[col + (i0 + ip + r) * rowStride] : 0
    }
  }
}

/** Packs rows [p0, p0+kc) of B into 4-column panels, k-major, zero-padded. */
// eslint-disable-next-line max-params -- hot packing loop, see packA
function packB(b: GemmOperand, p0: number, kc: number, n: number, dst: Float32Array): void {
  const { data, offset, rowStride, colStride } = b
  let w = 0
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = Math.min(NR, n - j0)
    for (let p = 0; p < kc; p++) {
      const row = offset + (p0 + p) * rowStride
      if (cols === NR && colStride === 1) {
        const s = row + j0
        dst[w] = data[s]
        dst[w + 1] = data[s + 1]
        dst[w + 2] = data[s + 2]
        dst[w + 3] = data[s + 3]
        w += 4
      } else {
        for (let q = 0; q < NR; q++) dst[w++] = q < cols ? data[row + (j0 + q) * colStride] : 0
      }
    }
  }
}

/** C[4×4 block] += Apanel(4×kc) · Bpanel(kc×4); writes only the valid mr×nr corner. */
// eslint-disable-next-line max-params -- a hot kernel: an options object would cost an allocation per call
function microKernel(
  kc: number,
  pa: Float32Array,
  aStart: number,
  pb: Float32Array,
  bStart: number,
  c: Float32Array,
  cStart: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
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
  let ai = aStart
  let bi = bStart
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai],
      a1 = pa[ai + 1],
      a2 = pa[ai + 2],
      a3 = pa[ai + 3]
    const b0 = pb[bi],
      b1 = pb[bi + 1],
      b2 = pb[bi + 2],
      b3 = pb[bi + 3]
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
    ai += 4
    bi += 4
  }
  if (mr === MR && nr === NR) {
    let r = cStart
    c[r] += c00
    c[r + 1] += c01
    c[r + 2] += c02
    c[r + 3] += c03
    r += ldc
    c[r] += c10
    c[r + 1] += c11
    c[r + 2] += c12
    c[r + 3] += c13
    r += ldc
    c[r] += c20
    c[r + 1] += c21
    c[r + 2] += c22
    c[r + 3] += c23
    r += ldc
    c[r] += c30
    c[r + 1] += c31
    c[r + 2] += c32
    c[r + 3] += c33
    return
  }
  const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) c[cStart + i * ldc + j] += block[i * 4 + j]
}
