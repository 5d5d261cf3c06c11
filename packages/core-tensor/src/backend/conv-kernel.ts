/**
 * The host 2-D convolution kernels (internal): im2col into a column matrix, then one GEMM per
 * group (Chellapilla, Puri & Simard 2006, "High Performance Convolutional Neural Networks for
 * Document Processing"); the two gradients are GEMMs against the same column matrix (the
 * filter gradient) or a GEMM followed by col2im (the input gradient), as in Caffe. The GEMM
 * is a parameter so that the float32 `cpu` backend runs the WebAssembly SIMD kernel and tests
 * can run the same code in float64.
 *
 * Legend: x [N, C, H, W], w [O, Cg, kH, kW] with Cg = C / groups, Og = O / groups,
 * y [N, O, oH, oW], L = oH·oW, K = Cg·kH·kW. The column matrix of group g is [K, N·L]:
 * row (c, i, j), column (n, p, q) holds x[n, g·Cg + c, p·sH + i·dH − top, q·sW + j·dW − left].
 */
import type { Conv2dParams } from './spec'

type FloatArray = Float32Array | Float64Array

/** Sizes and layout of one product `out[m, n] = A[m, k] · B[k, n]` (row-major, contiguous). */
interface HostGemmDims {
  m: number
  n: number
  k: number
  /** First element of A in `a`. */
  aOffset: number
  /** `a` holds Aᵀ (k x m). */
  transposeA?: boolean
  /** `b` holds Bᵀ (n x k). */
  transposeB?: boolean
}

/** A matrix product on host arrays, overwriting `out` (m x n). */
type HostGemm<TArray extends FloatArray> = (a: TArray, b: TArray, out: TArray, dims: HostGemmDims) => void

/** Output size of one axis of a convolution, from the padded input size. */
export function convOutputSize(padded: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((padded - dilation * (kernel - 1) - 1) / stride) + 1
}

/** Every size a kernel needs, derived from the shapes and params. */
interface Geometry {
  n: number
  c: number
  h: number
  wd: number
  o: number
  cg: number
  kh: number
  kw: number
  og: number
  oh: number
  ow: number
  l: number
  k: number
  nl: number
  params: Conv2dParams
  /** For kernel column j, output columns q in [qLo[j], qHi[j]) read inside x. */
  qLo: Int32Array
  qHi: Int32Array
}

function geometry(xShape: readonly number[], wShape: readonly number[], params: Conv2dParams): Geometry {
  const [n, c, h, wd] = xShape
  const [o, cg, kh, kw] = wShape
  const [sh, sw] = params.stride
  const [top, bottom, left, right] = params.padding
  const [dh, dw] = params.dilation
  const oh = convOutputSize(h + top + bottom, kh, sh, dh)
  const ow = convOutputSize(wd + left + right, kw, sw, dw)
  const qLo = new Int32Array(kw)
  const qHi = new Int32Array(kw)
  for (let j = 0; j < kw; j++) {
    const shift = j * dw - left
    qLo[j] = Math.min(ow, Math.max(0, Math.ceil(-shift / sw)))
    qHi[j] = Math.max(qLo[j], Math.min(ow, Math.floor((wd - 1 - shift) / sw) + 1))
  }
  const l = oh * ow
  return {
    n,
    c,
    h,
    wd,
    o,
    cg,
    kh,
    kw,
    og: o / params.groups,
    oh,
    ow,
    l,
    k: cg * kh * kw,
    nl: n * l,
    params,
    qLo,
    qHi,
  }
}

/**
 * Fills `cols` [K, N·L] with group g's column matrix of x (`add = false`), or adds `cols` back
 * into x, its adjoint col2im (`add = true`). Loops, outer to inner: kernel row (c, i, j),
 * sample n, output row p, output column q; for kernel column j, only q in [qLo, qHi) reads
 * inside x, so the inner loop carries no bounds test.
 */
function im2colOrCol2im<TArray extends FloatArray>(
  geo: Geometry,
  g: number,
  arrays: { x: TArray; cols: TArray },
  add: boolean,
): void {
  const { n, c, h, wd, cg, kh, kw, oh, ow, l, nl, qLo, qHi, params } = geo
  const { x, cols } = arrays
  const [sh, sw] = params.stride
  const [top, , left] = params.padding
  const [dh, dw] = params.dilation
  let row = 0
  for (let ci = 0; ci < cg; ci++) {
    const channel = g * cg + ci
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const shift = j * dw - left
        const lo = qLo[j]
        const hi = qHi[j]
        for (let b = 0; b < n; b++) {
          const plane = (b * c + channel) * h
          let col = row * nl + b * l
          for (let p = 0; p < oh; p++, col += ow) {
            const ih = p * sh + i * dh - top
            const inside = ih >= 0 && ih < h
            const start = inside ? lo : ow
            const stop = inside ? hi : ow
            const src = (plane + ih) * wd + shift + start * sw
            if (add) {
              for (let q = start, t = src; q < stop; q++, t += sw) x[t] += cols[col + q]
              continue
            }
            for (let q = 0; q < start; q++) cols[col + q] = 0
            if (sw === 1) for (let q = start, t = src; q < stop; q++, t++) cols[col + q] = x[t]
            else for (let q = start, t = src; q < stop; q++, t += sw) cols[col + q] = x[t]
            for (let q = stop; q < ow; q++) cols[col + q] = 0
          }
        }
      }
    }
  }
}

/** Fills `cols` [K, N·L] with group g's column matrix of x. */
function im2col<TArray extends FloatArray>(geo: Geometry, x: TArray, g: number, cols: TArray): void {
  im2colOrCol2im(geo, g, { x, cols }, false)
}

/** The adjoint of im2col: adds group g's column matrix `cols` into dx. */
function col2im<TArray extends FloatArray>(geo: Geometry, cols: TArray, g: number, dx: TArray): void {
  im2colOrCol2im(geo, g, { x: dx, cols }, true)
}

/** dyg [Og, N·L] ← dy [N, O, L] for group g. */
function gatherGroup<TArray extends FloatArray>(geo: Geometry, dy: TArray, g: number, dyg: TArray): void {
  const { n, o, og, l, nl } = geo
  for (let oi = 0; oi < og; oi++)
    for (let b = 0; b < n; b++) {
      const src = (b * o + g * og + oi) * l
      dyg.set(dy.subarray(src, src + l), oi * nl + b * l)
    }
}

/** y [N, O, L] ← yg [Og, N·L] for group g. */
function scatterGroup<TArray extends FloatArray>(geo: Geometry, yg: TArray, g: number, y: TArray): void {
  const { n, o, og, l, nl } = geo
  for (let oi = 0; oi < og; oi++)
    for (let b = 0; b < n; b++) {
      const src = oi * nl + b * l
      y.set(yg.subarray(src, src + l), (b * o + g * og + oi) * l)
    }
}

/** How a host kernel computes: the GEMM and an allocator of zero-filled arrays. */
export interface HostConvMath<TArray extends FloatArray> {
  gemm: HostGemm<TArray>
  alloc: (size: number) => TArray
}

/** One operand of a host kernel: contiguous values and their shape. */
export interface HostOperand<TArray extends FloatArray> {
  data: TArray
  shape: readonly number[]
}

/**
 * The convolution `y = conv2d(x, w)`: per group, im2col then `y_g = W_g · cols`.
 *
 * @param x - contiguous [N, C, H, W]
 * @param w - contiguous [O, Cg, kH, kW]
 * @param params - stride, padding [top, bottom, left, right], dilation, groups
 * @param math - the GEMM and allocator
 * @returns contiguous [N, O, oH, oW]
 */
export function conv2dHost<TArray extends FloatArray>(
  x: HostOperand<TArray>,
  w: HostOperand<TArray>,
  params: Conv2dParams,
  math: HostConvMath<TArray>,
): TArray {
  const geo = geometry(x.shape, w.shape, params)
  const { og, k, nl } = geo
  const out = math.alloc(geo.n * geo.o * geo.l)
  if (nl === 0 || og === 0) return out
  if (geo.l >= PER_SAMPLE_COLUMNS) {
    conv2dPerSample(geo, { x: x.data, w: w.data, out }, math)
    return out
  }
  const cols = math.alloc(k * nl)
  const tmp = math.alloc(og * nl)
  for (let g = 0; g < params.groups; g++) {
    im2col(geo, x.data, g, cols)
    math.gemm(w.data, cols, tmp, { m: og, n: nl, k, aOffset: g * og * k })
    scatterGroup(geo, tmp, g, out)
  }
  return out
}

/**
 * Output positions per sample from which the forward convolution runs one GEMM per sample:
 * its column matrix [K, L] stays in cache and the product lands in y directly (y[n] is
 * [O, L]), with no batch-wide column matrix and no scatter. Below it the batch-wide GEMM
 * keeps the product wide enough to run at speed.
 */
const PER_SAMPLE_COLUMNS = 64

/** conv2dHost, one sample at a time: `y[n, g·Og:(g+1)·Og] = W_g · cols(x[n], g)`. */
function conv2dPerSample<TArray extends FloatArray>(
  geo: Geometry,
  arrays: { x: TArray; w: TArray; out: TArray },
  math: HostConvMath<TArray>,
): void {
  const { n, c, h, wd, o, og, k, l, params } = geo
  const { x, w, out } = arrays
  const one = geometry([1, c, h, wd], [o, geo.cg, geo.kh, geo.kw], params)
  const cols = math.alloc(k * l)
  const sample = c * h * wd
  for (let b = 0; b < n; b++) {
    const xb = x.subarray(b * sample, (b + 1) * sample) as TArray
    for (let g = 0; g < params.groups; g++) {
      im2col(one, xb, g, cols)
      const yb = out.subarray((b * o + g * og) * l, (b * o + (g + 1) * og) * l) as TArray
      math.gemm(w, cols, yb, { m: og, n: l, k, aOffset: g * og * k })
    }
  }
}

/**
 * The filter gradient `dw = ∂⟨conv2d(x, w), dy⟩/∂w`: per group, `dw_g = dy_g · colsᵀ`.
 *
 * @param x - contiguous [N, C, H, W]
 * @param dy - contiguous [N, O, oH, oW]
 * @param params - as the forward convolution
 * @param math - the GEMM and allocator; `wShape` is carried in `dwShape`
 * @returns contiguous dw with `dwShape` [O, Cg, kH, kW]
 */
export function conv2dBackwardFilterHost<TArray extends FloatArray>(
  x: HostOperand<TArray>,
  dy: HostOperand<TArray>,
  params: Conv2dParams & { dwShape: readonly number[] },
  math: HostConvMath<TArray>,
): TArray {
  const geo = geometry(x.shape, params.dwShape, params)
  const { og, k, nl } = geo
  const dw = math.alloc(geo.o * k)
  if (nl === 0 || og === 0) return dw
  const cols = math.alloc(k * nl)
  const dyg = math.alloc(og * nl)
  const part = math.alloc(og * k)
  for (let g = 0; g < params.groups; g++) {
    im2col(geo, x.data, g, cols)
    gatherGroup(geo, dy.data, g, dyg)
    math.gemm(dyg, cols, part, { m: og, n: k, k: nl, aOffset: 0, transposeB: true })
    dw.set(part, g * og * k)
  }
  return dw
}

/**
 * The input gradient `dx = ∂⟨conv2d(x, w), dy⟩/∂x` (the transposed convolution of dy): per
 * group, `dcols = W_gᵀ · dy_g`, then col2im adds the columns back into place.
 *
 * @param dy - contiguous [N, O, oH, oW]
 * @param w - contiguous [O, Cg, kH, kW]
 * @param params - as the forward convolution, plus the input shape `dxShape` [N, C, H, W]
 * @param math - the GEMM and allocator
 * @returns contiguous dx with `dxShape`
 */
export function conv2dBackwardInputHost<TArray extends FloatArray>(
  dy: HostOperand<TArray>,
  w: HostOperand<TArray>,
  params: Conv2dParams & { dxShape: readonly number[] },
  math: HostConvMath<TArray>,
): TArray {
  const geo = geometry(params.dxShape, w.shape, params)
  const { og, k, nl } = geo
  const dx = math.alloc(geo.n * geo.c * geo.h * geo.wd)
  if (nl === 0 || og === 0) return dx
  const dcols = math.alloc(k * nl)
  const dyg = math.alloc(og * nl)
  for (let g = 0; g < params.groups; g++) {
    gatherGroup(geo, dy.data, g, dyg)
    math.gemm(w.data, dyg, dcols, { m: k, n: nl, k: og, aOffset: g * og * k, transposeA: true })
    col2im(geo, dcols, g, dx)
  }
  return dx
}

/**
 * A plain triple-loop GEMM (float64 in tests, the oracle for the fast one).
 *
 * @param a - A (or Aᵀ with `transposeA`) from `aOffset`
 * @param b - B (or Bᵀ with `transposeB`)
 * @param out - [m, n], overwritten
 * @param dims - sizes, A's offset and the transposes
 */
export function naiveGemm<TArray extends FloatArray>(
  a: TArray,
  b: TArray,
  out: TArray,
  dims: HostGemmDims,
): void {
  const { m, n, k, aOffset } = dims
  const ta = dims.transposeA === true
  const tb = dims.transposeB === true
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0
      for (let p = 0; p < k; p++) {
        const av = ta ? a[aOffset + p * m + i] : a[aOffset + i * k + p]
        acc += av * (tb ? b[j * k + p] : b[p * n + j])
      }
      out[i * n + j] = acc
    }
  }
}
