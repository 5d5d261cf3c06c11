/**
 * The host 2-D convolution kernel (internal): im2col into a column matrix, then one GEMM per
 * group (Chellapilla, Puri & Simard 2006, "High Performance Convolutional Neural Networks for
 * Document Processing"). The GEMM is a parameter so that the float32 `cpu` backend runs the
 * WebAssembly SIMD kernel and tests can run the same code in float64.
 *
 * Legend: x [N, C, H, W], w [O, Cg, kH, kW] with Cg = C / groups, Og = O / groups,
 * y [N, O, oH, oW], L = oH·oW, K = Cg·kH·kW. The column matrix of group g is [K, N·L]:
 * row (c, i, j), column (n, p, q) holds x[n, g·Cg + c, p·sH + i·dH − top, q·sW + j·dW − left].
 */
import type { Conv2dParams } from './spec'

type FloatArray = Float32Array | Float64Array

/** `out[m, n] = a[aOffset + m·k + p] · b[p, n]` summed over p, all row-major and contiguous. */
export type HostGemm<TArray extends FloatArray> = (
  a: TArray,
  b: TArray,
  out: TArray,
  dims: { m: number; n: number; k: number; aOffset: number },
) => void

/** Output size of one axis of a convolution, from the padded input size. */
export function convOutputSize(padded: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((padded - dilation * (kernel - 1) - 1) / stride) + 1
}

/**
 * Runs the convolution on contiguous host arrays.
 *
 * @param x - contiguous [N, C, H, W]
 * @param xShape - x's shape
 * @param w - contiguous [O, Cg, kH, kW]
 * @param wShape - w's shape
 * @param params - stride, padding [top, bottom, left, right], dilation, groups
 * @param gemm - the matrix product
 * @param alloc - makes a zero-filled array of the element type
 * @returns contiguous [N, O, oH, oW]
 */
// eslint-disable-next-line max-params -- internal kernel; the arguments are the data and its layout
export function conv2dHost<TArray extends FloatArray>(
  x: TArray,
  xShape: readonly number[],
  w: TArray,
  wShape: readonly number[],
  params: Conv2dParams,
  gemm: HostGemm<TArray>,
  alloc: (size: number) => TArray,
): TArray {
  const [n, c, h, wd] = xShape
  const [o, cg, kh, kw] = wShape
  const { groups } = params
  const [sh, sw] = params.stride
  const [top, bottom, left, right] = params.padding
  const [dh, dw] = params.dilation
  const oh = convOutputSize(h + top + bottom, kh, sh, dh)
  const ow = convOutputSize(wd + left + right, kw, sw, dw)
  const og = o / groups
  const l = oh * ow
  const k = cg * kh * kw
  const nl = n * l
  const out = alloc(n * o * l)
  if (nl === 0 || og === 0) return out
  const cols = alloc(k * nl)
  const tmp = alloc(og * nl)
  // For kernel column j, output columns q in [qLo[j], qHi[j]) read inside x (others are padding).
  const qLo = new Int32Array(kw)
  const qHi = new Int32Array(kw)
  for (let j = 0; j < kw; j++) {
    const shift = j * dw - left
    qLo[j] = Math.min(ow, Math.max(0, Math.ceil(-shift / sw)))
    qHi[j] = Math.max(qLo[j], Math.min(ow, Math.floor((wd - 1 - shift) / sw) + 1))
  }
  for (let g = 0; g < groups; g++) {
    let row = 0
    for (let ci = 0; ci < cg; ci++) {
      const channel = g * cg + ci
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++, row++) {
          const lo = qLo[j]
          const hi = qHi[j]
          const shift = j * dw - left
          for (let b = 0; b < n; b++) {
            const plane = (b * c + channel) * h
            let dst = row * nl + b * l
            for (let p = 0; p < oh; p++, dst += ow) {
              const ih = p * sh + i * dh - top
              if (ih < 0 || ih >= h || lo >= hi) {
                cols.fill(0, dst, dst + ow)
                continue
              }
              if (lo > 0) cols.fill(0, dst, dst + lo)
              const src = (plane + ih) * wd + shift
              if (sw === 1) cols.set(x.subarray(src + lo, src + hi), dst + lo)
              else for (let q = lo; q < hi; q++) cols[dst + q] = x[src + q * sw]
              if (hi < ow) cols.fill(0, dst + hi, dst + ow)
            }
          }
        }
      }
    }
    gemm(w, cols, tmp, { m: og, n: nl, k, aOffset: g * og * k })
    // tmp [Og, N·L] → y[b, g·Og + oi, :]
    for (let oi = 0; oi < og; oi++) {
      for (let b = 0; b < n; b++) {
        const src = oi * nl + b * l
        out.set(tmp.subarray(src, src + l), (b * o + g * og + oi) * l)
      }
    }
  }
  return out
}

/**
 * A plain triple-loop GEMM (float64 in tests, the oracle for the fast one).
 *
 * @param a - [m, k] from `aOffset`
 * @param b - [k, n]
 * @param out - [m, n], overwritten
 * @param dims - sizes and A's offset
 */
export function naiveGemm<TArray extends FloatArray>(
  a: TArray,
  b: TArray,
  out: TArray,
  dims: { m: number; n: number; k: number; aOffset: number },
): void {
  const { m, n, k, aOffset } = dims
  out.fill(0, 0, m * n)
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[aOffset + i * k + p]
      if (av === 0) continue
      const bRow = p * n
      const cRow = i * n
      for (let j = 0; j < n; j++) out[cRow + j] += av * b[bRow + j]
    }
  }
}
