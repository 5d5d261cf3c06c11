import type { DType } from '../dtype'
import { adamStepWasmF32, conv2dDirectF32, matmulF32, simdSupported } from '../kernels/index'
import {
  conv2dBackwardFilterHost,
  conv2dBackwardInputHost,
  conv2dHost,
  type HostConvMath,
} from './conv-kernel'
import { adamStepF32 } from './cpu-adam'
import { binaryStrided, gatherStrided, sumStrided, whereStrided } from './cpu-elementwise'
import { compareFlatF32, flatOperand, whereFlatF32 } from './cpu-flat'
import { Float32Pool } from './cpu-pool'
import { HostBackend, type HostBuffer, binaryFunctions, binaryOutDType, unaryFunctions } from './host'
import type {
  AdamStepConstants,
  BackendV1,
  BinaryOp,
  BufferHandle,
  Conv2dParams,
  Pool2dParams,
  ReduceOp,
  StridedView,
  TypedArray,
  UnaryOp,
} from './spec'
import { isContiguous, sizeOf, stridedOffsets } from './strided'

/** Unrolled loops for the hot elementwise ops on contiguous float data. */
function unaryLoop(op: UnaryOp, x: Float32Array, out: Float32Array): boolean {
  const n = x.length
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]
      return true
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i])
      return true
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i])
      return true
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i])
      return true
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i])
      return true
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i]
      return true
    default:
      return false
  }
}

function binaryLoop(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  const n = out.length
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i]
      return true
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i]
      return true
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i]
      return true
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i]
      return true
    default:
      return false
  }
}

/**
 * How the matmul kernel reads a `rows x cols` strided matrix in place: row-major with leading
 * dimension `ld` (unit column stride), or as the transpose of a row-major `cols x rows` matrix
 * (unit row stride: a `transpose` view). Null when neither holds (broadcast or reversed dims).
 * A dim of size 1 has no meaningful stride and never disqualifies a layout.
 */
function matrixLayout(
  rows: number,
  cols: number,
  rowStride: number,
  colStride: number,
): { transpose: boolean; ld: number } | null {
  if ((cols <= 1 || colStride === 1) && (rows <= 1 || rowStride >= cols)) {
    return { transpose: false, ld: rows <= 1 ? cols : rowStride }
  }
  if ((rows <= 1 || rowStride === 1) && (cols <= 1 || colStride >= rows)) {
    return { transpose: true, ld: cols <= 1 ? rows : colStride }
  }
  return null
}

/**
 * Floats of one zero-padded input sample (an upper bound of it) up to which conv2d runs the
 * direct kernel: 256 KiB, half a Zen 3 L2, so the taps' reads hit cache.
 */
const DIRECT_MAX_SAMPLE = 65536

/** The conv kernels' GEMM: the WebAssembly SIMD matmul (`matmulF32`). */
const wasmGemm: HostConvMath<Float32Array>['gemm'] = (
  a,
  b,
  out,
  { m, n, k, aOffset, transposeA, transposeB },
) => matmulF32(a, b, out, { m, n, k, offsetA: aOffset, transposeA, transposeB })

/**
 * The fast float32 CPU backend: contiguous fast paths for elementwise ops, a broadcast fast
 * path for `x op row` patterns, and the WebAssembly SIMD matmul (`matmulF32`, which reads
 * transposed views in place and falls back to blocked JavaScript without SIMD).
 */
class CpuBackend extends HostBackend {
  readonly fused = {
    matmul: (a: StridedView, b: StridedView): BufferHandle => this.matmul(a, b),
    conv2d: (x: StridedView, w: StridedView, params: Conv2dParams): BufferHandle => this.conv2d(x, w, params),
    maxPool2dArgmax: (x: StridedView, params: Pool2dParams): BufferHandle => this.maxPool2dArgmax(x, params),
    adamUpdate: (
      inputs: { m: StridedView; v: StridedView; g: StridedView; p?: StridedView },
      constants: AdamStepConstants,
    ): { m: BufferHandle; v: BufferHandle; update: BufferHandle } => {
      const read = (x: StridedView): Float32Array => this.gatherView(x) as Float32Array
      const arrays = {
        m: read(inputs.m),
        v: read(inputs.v),
        g: read(inputs.g),
        p: inputs.p && read(inputs.p),
      }
      const out = simdSupported()
        ? adamStepWasmF32(arrays, constants, this.overwrite)
        : adamStepF32(arrays, constants)
      return {
        m: this.wrap('float32', out.m),
        v: this.wrap('float32', out.v),
        update: this.wrap('float32', out.update),
      }
    },
    conv2dBackwardInput: (
      dy: StridedView,
      w: StridedView,
      params: Conv2dParams,
      xShape: readonly number[],
    ): BufferHandle => this.conv2dBackwardInput(dy, w, params, xShape),
    conv2dBackwardFilter: (
      x: StridedView,
      dy: StridedView,
      params: Conv2dParams,
      wShape: readonly number[],
    ): BufferHandle =>
      this.wrap(
        'float32',
        conv2dBackwardFilterHost(
          this.operand(x),
          this.operand(dy),
          { ...params, dwShape: wShape },
          this.convMath,
        ),
      ),
  }

  private readonly pool = new Float32Pool()
  /** The conv kernels' GEMM and allocator (from the pool). */
  private readonly convMath: HostConvMath<Float32Array> = {
    gemm: wasmGemm,
    alloc: (size) => this.pool.take(size),
  }

  /** An array the caller overwrites entirely: from the pool, not zero-filled. */
  private readonly overwrite = (size: number): Float32Array => this.pool.take(size, false)

  constructor() {
    super('cpu', 32, Float32Array)
  }

  override unary(op: UnaryOp, x: StridedView): BufferHandle {
    if (x.buffer.dtype === 'float32') {
      const values = this.gatherView(x) as Float32Array
      const out = this.pool.take(values.length, false)
      if (!unaryLoop(op, values, out)) {
        const f = unaryFunctions[op]
        for (let i = 0; i < values.length; i++) out[i] = f(values[i])
      }
      return this.wrap('float32', out)
    }
    return super.unary(op, x)
  }

  override binary(op: BinaryOp, a: StridedView, b: StridedView): BufferHandle {
    if (a.buffer.dtype !== 'float32') return super.binary(op, a, b)
    const dtype = binaryOutDType(op, a.buffer.dtype)
    const size = sizeOf(a.shape)
    const out = this.newArray(dtype, size)
    if (isContiguous(a.shape, a.strides) && isContiguous(b.shape, b.strides)) {
      const av = this.gatherView(a) as Float32Array
      const bv = this.gatherView(b) as Float32Array
      if (dtype === 'float32' && binaryLoop(op, av, bv, out as Float32Array)) return this.wrap(dtype, out)
    }
    if (dtype === 'bool') {
      const fa = flatOperand(a)
      const fb = flatOperand(b)
      if (
        fa !== null &&
        fb !== null &&
        compareFlatF32(
          op,
          this.dataOf(a.buffer) as Float32Array,
          fa,
          this.dataOf(b.buffer) as Float32Array,
          fb,
          out as Uint8Array,
        )
      ) {
        return this.wrap(dtype, out)
      }
    }
    // Strided operands (scalars and rows broadcast by stride 0, transposed views): walk runs
    // of the innermost dim without materialising either operand.
    binaryStrided(op, binaryFunctions[op], {
      shape: a.shape,
      a: { data: this.dataOf(a.buffer), strides: a.strides, offset: a.offset },
      b: { data: this.dataOf(b.buffer), strides: b.strides, offset: b.offset },
      out,
    })
    return this.wrap(dtype, out)
  }

  override where(cond: StridedView, a: StridedView, b: StridedView): BufferHandle {
    if (
      a.buffer.dtype === 'float32' &&
      cond.buffer.dtype === 'bool' &&
      isContiguous(cond.shape, cond.strides)
    ) {
      const fa = flatOperand(a)
      const fb = flatOperand(b)
      if (fa !== null && fb !== null) {
        const out = this.pool.take(sizeOf(a.shape), false)
        whereFlatF32(
          this.dataOf(cond.buffer) as Uint8Array,
          cond.offset,
          this.dataOf(a.buffer) as Float32Array,
          fa,
          this.dataOf(b.buffer) as Float32Array,
          fb,
          out,
        )
        return this.wrap('float32', out)
      }
    }
    const out = this.newArray(a.buffer.dtype, sizeOf(a.shape))
    whereStrided({
      shape: a.shape,
      cond: { data: this.dataOf(cond.buffer), strides: cond.strides, offset: cond.offset },
      a: { data: this.dataOf(a.buffer), strides: a.strides, offset: a.offset },
      b: { data: this.dataOf(b.buffer), strides: b.strides, offset: b.offset },
      out,
    })
    return this.wrap(a.buffer.dtype, out)
  }

  /** Sums run by run without an offset table (same order and arithmetic as the host's). */
  override reduce(op: ReduceOp, x: StridedView, axes: readonly number[]): BufferHandle {
    if (op !== 'sum' || x.buffer.dtype === 'bool') return super.reduce(op, x, axes)
    const outSize = sizeOf(x.shape.filter((_, d) => !axes.includes(d)))
    const out = this.newArray(x.buffer.dtype, outSize)
    sumStrided(this.dataOf(x.buffer), x, axes, out)
    return this.wrap(x.buffer.dtype, out)
  }

  /** Zero-filled storage; large float32 arrays come from the pool of disposed ones. */
  protected override newArray(dtype: DType, size: number): TypedArray {
    return dtype === 'float32' ? this.pool.take(size) : super.newArray(dtype, size)
  }

  override dispose(buffer: BufferHandle): void {
    const data = (buffer as HostBuffer).data
    super.dispose(buffer)
    if ((buffer as HostBuffer).backend === this.name) this.pool.give(data)
  }

  /** As the host's, but a strided view is copied run by run instead of via an offset table. */
  protected override gatherView(x: StridedView): TypedArray {
    const src = this.dataOf(x.buffer)
    const size = sizeOf(x.shape)
    if (isContiguous(x.shape, x.strides)) return src.subarray(x.offset, x.offset + size)
    const out = this.newArray(x.buffer.dtype, size)
    gatherStrided(src, x, out)
    return out
  }

  /**
   * conv2d: the direct SIMD kernel for stride 1 and one group when a zero-padded sample fits
   * in L2 (there it matches the GEMM's arithmetic without im2col's copies: 1.4x faster on
   * LeNet's 32x14x14 -> 64 3x3, and 6x on its 1-channel first layer), else im2col + the SIMD
   * GEMM.
   */
  private conv2d(x: StridedView, w: StridedView, params: Conv2dParams): BufferHandle {
    const [n, c, h, wd] = x.shape
    const [o, , kh, kw] = w.shape
    const [top, bottom, left, right] = params.padding
    const paddedSample = c * (h + top + bottom) * (wd + left + right + 8 + params.dilation[1] * kw)
    const direct =
      paddedSample <= DIRECT_MAX_SAMPLE &&
      params.groups === 1 &&
      params.stride[0] === 1 &&
      params.stride[1] === 1 &&
      simdSupported()
    if (!direct)
      return this.wrap('float32', conv2dHost(this.operand(x), this.operand(w), params, this.convMath))
    const geo = { n, c, h, w: wd, o, kh, kw, padding: params.padding, dilation: params.dilation }
    const out = conv2dDirectF32(
      this.gatherView(x) as Float32Array,
      this.gatherView(w) as Float32Array,
      geo,
      this.overwrite,
    )
    return this.wrap('float32', out)
  }

  /**
   * The input gradient. At stride 1 with one group it is itself a stride-1 convolution: the
   * correlation of dy with the flipped, channel-transposed filter `w'[c, o, i, j] =
   * w[o, c, kH−1−i, kW−1−j]` under padding `d·(k−1) − pad` on each side, so it takes the
   * direct kernel when those paddings are >= 0 and a padded dy sample fits; else GEMM + col2im.
   */
  private conv2dBackwardInput(
    dy: StridedView,
    w: StridedView,
    params: Conv2dParams,
    xShape: readonly number[],
  ): BufferHandle {
    const [n, o, oh, ow] = dy.shape
    const [, c, kh, kw] = w.shape
    const [dh, dw] = params.dilation
    const [top, bottom, left, right] = params.padding
    const padding = [
      dh * (kh - 1) - top,
      dh * (kh - 1) - bottom,
      dw * (kw - 1) - left,
      dw * (kw - 1) - right,
    ] as const
    // the transposed correlation's output size, which must be x's
    const fits =
      oh + padding[0] + padding[1] - dh * (kh - 1) === xShape[2] &&
      ow + padding[2] + padding[3] - dw * (kw - 1) === xShape[3]
    const direct =
      fits &&
      padding.every((p) => p >= 0) &&
      o * (oh + padding[0] + padding[1]) * (ow + padding[2] + padding[3] + 8 + dw * kw) <=
        DIRECT_MAX_SAMPLE &&
      params.groups === 1 &&
      params.stride[0] === 1 &&
      params.stride[1] === 1 &&
      simdSupported()
    if (!direct) {
      return this.wrap(
        'float32',
        conv2dBackwardInputHost(
          this.operand(dy),
          this.operand(w),
          { ...params, dxShape: xShape },
          this.convMath,
        ),
      )
    }
    const wv = this.gatherView(w) as Float32Array
    const flipped = new Float32Array(wv.length)
    for (let oi = 0; oi < o; oi++)
      for (let ci = 0; ci < c; ci++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            flipped[((ci * o + oi) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] =
              wv[((oi * c + ci) * kh + i) * kw + j]
    const geo = { n, c: o, h: oh, w: ow, o: c, kh, kw, padding, dilation: params.dilation }
    return this.wrap(
      'float32',
      conv2dDirectF32(this.gatherView(dy) as Float32Array, flipped, geo, this.overwrite),
    )
  }

  /** A view's values in logical order (no copy when contiguous) with its shape. */
  private operand(v: StridedView): { data: Float32Array; shape: readonly number[] } {
    return { data: this.gatherView(v) as Float32Array, shape: v.shape }
  }

  /** Batched packed GEMM; float32 only (other dtypes go through the naive loop). */
  private matmul(a: StridedView, b: StridedView): BufferHandle {
    const rank = a.shape.length
    const batchShape = a.shape.slice(0, rank - 2)
    const m = a.shape[rank - 2]
    const k = a.shape[rank - 1]
    const n = b.shape[rank - 1]
    const batches = sizeOf(batchShape)
    const aBase = stridedOffsets(batchShape, a.strides.slice(0, rank - 2), a.offset)
    const bBase = stridedOffsets(batchShape, b.strides.slice(0, rank - 2), b.offset)
    const ad = this.dataOf(a.buffer)
    const bd = this.dataOf(b.buffer)
    const dtype: DType = a.buffer.dtype
    if (dtype !== 'float32') {
      const out = this.newArray(dtype, batches * m * n)
      for (let p = 0; p < batches; p++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let acc = 0
            for (let q = 0; q < k; q++)
              acc +=
                ad[aBase[p] + i * a.strides[rank - 2] + q * a.strides[rank - 1]] *
                bd[bBase[p] + q * b.strides[rank - 2] + j * b.strides[rank - 1]]
            out[(p * m + i) * n + j] = acc
          }
      return this.wrap(dtype, out)
    }
    const out = this.pool.take(batches * m * n, false)
    if (m === 0 || n === 0) return this.wrap(dtype, out)
    let af = ad as Float32Array
    let bf = bd as Float32Array
    let aIs = matrixLayout(m, k, a.strides[rank - 2], a.strides[rank - 1])
    let bIs = matrixLayout(k, n, b.strides[rank - 2], b.strides[rank - 1])
    // A view the kernel cannot read in place (a broadcast row, negative steps) is copied once.
    if (aIs === null) {
      af = this.gatherView(a) as Float32Array
      aIs = { transpose: false, ld: k }
      for (let p = 0; p < batches; p++) aBase[p] = p * m * k
    }
    if (bIs === null) {
      bf = this.gatherView(b) as Float32Array
      bIs = { transpose: false, ld: n }
      for (let p = 0; p < batches; p++) bBase[p] = p * k * n
    }
    for (let p = 0; p < batches; p++) {
      matmulF32(af, bf, out, {
        m,
        n,
        k,
        transposeA: aIs.transpose,
        lda: aIs.ld,
        offsetA: aBase[p],
        transposeB: bIs.transpose,
        ldb: bIs.ld,
        offsetB: bBase[p],
        offsetC: p * m * n,
      })
    }
    return this.wrap(dtype, out)
  }
}

/**
 * Creates a cpu backend (float32, fast paths, packed matmul). Async like every backend
 * factory; it never fails.
 *
 * @returns a new cpu backend
 * @example
 * ```ts
 * const backend = await createCpuBackend()
 * ```
 */
export function createCpuBackend(): Promise<BackendV1> {
  return Promise.resolve(new CpuBackend())
}

/**
 * The ready-made cpu backend instance (float32, fast). Creation functions default to it.
 *
 * @example
 * ```ts
 * const x = zeros([2, 3]) // on cpu
 * ```
 */
export const cpu: BackendV1 = new CpuBackend()
