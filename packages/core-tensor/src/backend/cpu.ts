import type { DType } from '../dtype'
import { matmulF32 } from '../kernels/index'
import {
  conv2dBackwardFilterHost,
  conv2dBackwardInputHost,
  conv2dHost,
  type HostConvMath,
} from './conv-kernel'
import { gemmScratch, sgemm } from './cpu-matmul'
import { HostBackend, binaryFunctions, binaryOutDType, unaryFunctions } from './host'
import type { BackendV1, BinaryOp, BufferHandle, Conv2dParams, StridedView, UnaryOp } from './spec'
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

/** The conv kernels' GEMM: the WebAssembly SIMD matmul (`matmulF32`). */
const wasmMath: HostConvMath<Float32Array> = {
  gemm: (a, b, out, { m, n, k, aOffset, transposeA, transposeB }) =>
    matmulF32(a, b, out, { m, n, k, offsetA: aOffset, transposeA, transposeB }),
  alloc: (size) => new Float32Array(size),
}

/**
 * The fast float32 CPU backend: contiguous fast paths for elementwise ops, a broadcast fast
 * path for `x op row` patterns, and a packed, cache-blocked matmul (see cpu-matmul.ts).
 */
class CpuBackend extends HostBackend {
  readonly fused = {
    matmul: (a: StridedView, b: StridedView): BufferHandle => this.matmul(a, b),
    conv2d: (x: StridedView, w: StridedView, params: Conv2dParams): BufferHandle =>
      this.wrap('float32', conv2dHost(this.operand(x), this.operand(w), params, wasmMath)),
    conv2dBackwardInput: (
      dy: StridedView,
      w: StridedView,
      params: Conv2dParams,
      xShape: readonly number[],
    ): BufferHandle =>
      this.wrap(
        'float32',
        conv2dBackwardInputHost(this.operand(dy), this.operand(w), { ...params, dxShape: xShape }, wasmMath),
      ),
    conv2dBackwardFilter: (
      x: StridedView,
      dy: StridedView,
      params: Conv2dParams,
      wShape: readonly number[],
    ): BufferHandle =>
      this.wrap(
        'float32',
        conv2dBackwardFilterHost(this.operand(x), this.operand(dy), { ...params, dwShape: wShape }, wasmMath),
      ),
  }

  constructor() {
    super('cpu', 32, Float32Array)
  }

  override unary(op: UnaryOp, x: StridedView): BufferHandle {
    if (x.buffer.dtype === 'float32') {
      const values = this.gatherView(x) as Float32Array
      const out = new Float32Array(values.length)
      if (!unaryLoop(op, values, out)) {
        const f = unaryFunctions[op]
        for (let i = 0; i < values.length; i++) out[i] = f(values[i])
      }
      return this.wrap('float32', out)
    }
    return super.unary(op, x)
  }

  override binary(op: BinaryOp, a: StridedView, b: StridedView): BufferHandle {
    const dtype = binaryOutDType(op, a.buffer.dtype)
    if (dtype !== 'float32') return super.binary(op, a, b)
    const size = sizeOf(a.shape)
    const out = new Float32Array(size)
    const aContig = isContiguous(a.shape, a.strides)
    const bContig = isContiguous(b.shape, b.strides)
    if (aContig && bContig) {
      const av = this.gatherView(a) as Float32Array
      const bv = this.gatherView(b) as Float32Array
      if (binaryLoop(op, av, bv, out)) return this.wrap(dtype, out)
      const f = binaryFunctions[op]
      for (let i = 0; i < size; i++) out[i] = f(av[i], bv[i])
      return this.wrap(dtype, out)
    }
    // General strided case: walk offsets without materialising either operand.
    const ad = this.dataOf(a.buffer)
    const bd = this.dataOf(b.buffer)
    const ao = stridedOffsets(a.shape, a.strides, a.offset)
    const bo = stridedOffsets(b.shape, b.strides, b.offset)
    switch (op) {
      case 'add':
        for (let i = 0; i < size; i++) out[i] = ad[ao[i]] + bd[bo[i]]
        break
      case 'sub':
        for (let i = 0; i < size; i++) out[i] = ad[ao[i]] - bd[bo[i]]
        break
      case 'mul':
        for (let i = 0; i < size; i++) out[i] = ad[ao[i]] * bd[bo[i]]
        break
      default: {
        const f = binaryFunctions[op]
        for (let i = 0; i < size; i++) out[i] = f(ad[ao[i]], bd[bo[i]])
      }
    }
    return this.wrap(dtype, out)
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
    const out = new Float32Array(batches * m * n)
    const scratch = gemmScratch(n)
    for (let p = 0; p < batches; p++) {
      sgemm(
        { m, n, k },
        {
          data: ad as Float32Array,
          offset: aBase[p],
          rowStride: a.strides[rank - 2],
          colStride: a.strides[rank - 1],
        },
        {
          data: bd as Float32Array,
          offset: bBase[p],
          rowStride: b.strides[rank - 2],
          colStride: b.strides[rank - 1],
        },
        { data: out, offset: p * m * n, scratch },
      )
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
