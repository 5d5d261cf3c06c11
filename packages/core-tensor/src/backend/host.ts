/**
 * Kernels shared by the host (JavaScript memory) backends. `reference` uses them as written:
 * plain loops over strided offsets, the oracle. `cpu` overrides the hot paths.
 */
import type { DType } from '../dtype'
import { GenError } from '../errors'
import { maxPool2dArgmaxHost } from './pool-kernel'
import type {
  BackendV1,
  BinaryOp,
  BufferHandle,
  Pool2dParams,
  ReduceOp,
  StridedView,
  TypedArray,
  UnaryOp,
} from './spec'
import { isContiguous, sizeOf, stridedOffsets } from './strided'

/** A buffer in host memory. */
export class HostBuffer implements BufferHandle {
  disposed = false
  constructor(
    readonly backend: string,
    readonly dtype: DType,
    public data: TypedArray,
  ) {}

  get size(): number {
    return this.data.length
  }
}

type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor

export const unaryFunctions: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  floor: Math.floor,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
  reciprocal: (x) => 1 / x,
}

export const binaryFunctions: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN propagates through max/min, as in NumPy's maximum/minimum
  max: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  min: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  cmplt: (a, b) => (a < b ? 1 : 0),
  cmple: (a, b) => (a <= b ? 1 : 0),
  cmpeq: (a, b) => (a === b ? 1 : 0),
  cmpne: (a, b) => (a !== b ? 1 : 0),
}

const reduceInit: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity, prod: 1 }

/** Comparison ops return bool whatever their operands' dtype. */
export function binaryOutDType(op: BinaryOp, dtype: DType): DType {
  return op.startsWith('cmp') ? 'bool' : dtype
}

/**
 * A backend over host memory, parameterised by float storage. Every kernel walks strided
 * offsets; subclasses add fast paths.
 */
export class HostBackend implements BackendV1 {
  readonly specificationVersion = 'v1' as const
  readonly strictNumerics = true

  constructor(
    readonly name: string,
    readonly floatPrecision: 32 | 64,
    protected readonly FloatArray: FloatArrayConstructor,
  ) {}

  /** A typed array that holds `size` elements of `dtype` on this backend. */
  protected newArray(dtype: DType, size: number): TypedArray {
    if (dtype === 'float32') return new this.FloatArray(size)
    return dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size)
  }

  protected wrap(dtype: DType, data: TypedArray): HostBuffer {
    return new HostBuffer(this.name, dtype, data)
  }

  /** The host data behind a handle, checking that it belongs here and is alive. */
  protected dataOf(handle: BufferHandle): TypedArray {
    const buffer = handle as HostBuffer
    if (!(buffer instanceof HostBuffer) || buffer.backend !== this.name) {
      throw new GenError(`${this.name}: buffer belongs to backend ${handle.backend}, got it on ${this.name}`)
    }
    if (buffer.disposed) throw new GenError(`${this.name}: buffer was used after dispose()`)
    return buffer.data
  }

  allocate(dtype: DType, size: number, values?: ArrayLike<number>): BufferHandle {
    const data = this.newArray(dtype, size)
    if (values !== undefined) {
      if (dtype === 'bool') for (let i = 0; i < size; i++) data[i] = values[i] ? 1 : 0
      else data.set(values)
    }
    return this.wrap(dtype, data)
  }

  read(buffer: BufferHandle): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buffer))
  }

  readSync(buffer: BufferHandle): TypedArray {
    return this.dataOf(buffer).slice()
  }

  dispose(buffer: BufferHandle): void {
    const host = buffer as HostBuffer
    host.disposed = true
    host.data = new Uint8Array(0)
  }

  /**
   * Element values of a view in logical order. A contiguous view comes back as a subarray of
   * the buffer (no copy): callers must treat the result as read-only.
   */
  protected gatherView(x: StridedView): TypedArray {
    const src = this.dataOf(x.buffer)
    const size = sizeOf(x.shape)
    if (isContiguous(x.shape, x.strides)) return src.subarray(x.offset, x.offset + size)
    const out = this.newArray(x.buffer.dtype, size)
    const offsets = stridedOffsets(x.shape, x.strides, x.offset)
    for (let i = 0; i < size; i++) out[i] = src[offsets[i]]
    return out
  }

  contiguous(x: StridedView): BufferHandle {
    const values = this.gatherView(x)
    return this.wrap(x.buffer.dtype, values.buffer === this.dataOf(x.buffer).buffer ? values.slice() : values)
  }

  cast(x: StridedView, dtype: DType): BufferHandle {
    const values = this.gatherView(x)
    const out = this.newArray(dtype, values.length)
    if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0
    else if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i])
    else out.set(values)
    return this.wrap(dtype, out)
  }

  unary(op: UnaryOp, x: StridedView): BufferHandle {
    const values = this.gatherView(x)
    const out = this.newArray(x.buffer.dtype, values.length)
    const f = unaryFunctions[op]
    for (let i = 0; i < values.length; i++) out[i] = f(values[i])
    return this.wrap(x.buffer.dtype, out)
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView): BufferHandle {
    const av = this.gatherView(a)
    const bv = this.gatherView(b)
    const dtype = binaryOutDType(op, a.buffer.dtype)
    const out = this.newArray(dtype, av.length)
    const f = binaryFunctions[op]
    for (let i = 0; i < av.length; i++) out[i] = f(av[i], bv[i])
    return this.wrap(dtype, out)
  }

  where(cond: StridedView, a: StridedView, b: StridedView): BufferHandle {
    const cv = this.gatherView(cond)
    const av = this.gatherView(a)
    const bv = this.gatherView(b)
    const out = this.newArray(a.buffer.dtype, av.length)
    for (let i = 0; i < av.length; i++) out[i] = cv[i] ? av[i] : bv[i]
    return this.wrap(a.buffer.dtype, out)
  }

  reduce(op: ReduceOp, x: StridedView, axes: readonly number[]): BufferHandle {
    // Move the reduced axes last (a metadata permutation), then fold each contiguous run.
    const kept: number[] = []
    for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) kept.push(d)
    const order = [...kept, ...axes]
    const shape = order.map((d) => x.shape[d])
    const strides = order.map((d) => x.strides[d])
    const src = this.dataOf(x.buffer)
    const offsets = stridedOffsets(shape, strides, x.offset)
    const outSize = sizeOf(kept.map((d) => x.shape[d]))
    const run = sizeOf(axes.map((d) => x.shape[d]))
    const out = this.newArray(x.buffer.dtype, outSize)
    const init = reduceInit[op]
    for (let o = 0; o < outSize; o++) {
      let acc = init
      const base = o * run
      for (let r = 0; r < run; r++) {
        const v = src[offsets[base + r]]
        if (op === 'sum') acc += v
        else if (op === 'prod') acc *= v
        else if (op === 'max') acc = v > acc || v !== v ? v : acc
        else acc = v < acc || v !== v ? v : acc
        if (acc !== acc) break
      }
      out[o] = acc
    }
    return this.wrap(x.buffer.dtype, out)
  }

  concat(inputs: readonly StridedView[], axis: number): BufferHandle {
    const first = inputs[0]
    const outer = sizeOf(first.shape.slice(0, axis))
    const chunks = inputs.map((v) => ({ values: this.gatherView(v), inner: sizeOf(v.shape.slice(axis)) }))
    const rowSize = chunks.reduce((s, c) => s + c.inner, 0)
    const out = this.newArray(first.buffer.dtype, outer * rowSize)
    for (let o = 0; o < outer; o++) {
      let p = o * rowSize
      for (const c of chunks) {
        out.set(c.values.subarray(o * c.inner, (o + 1) * c.inner), p)
        p += c.inner
      }
    }
    return this.wrap(first.buffer.dtype, out)
  }

  gather(x: StridedView, indices: StridedView, axis: number): BufferHandle {
    const values = this.gatherView(x)
    const index = this.gatherView(indices)
    const outer = sizeOf(x.shape.slice(0, axis))
    const n = x.shape[axis]
    const inner = sizeOf(x.shape.slice(axis + 1))
    const m = index.length
    const out = this.newArray(x.buffer.dtype, outer * m * inner)
    if (inner === 1) {
      // one element per index (a flat gather, as maxPool2d's): no subarray per element
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) out[o * m + j] = values[o * n + index[j]]
      }
      return this.wrap(x.buffer.dtype, out)
    }
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const src = (o * n + index[j]) * inner
        out.set(values.subarray(src, src + inner), (o * m + j) * inner)
      }
    }
    return this.wrap(x.buffer.dtype, out)
  }

  scatterAdd(x: StridedView, indices: StridedView, axis: number, size: number): BufferHandle {
    const values = this.gatherView(x)
    const index = this.gatherView(indices)
    const outer = sizeOf(x.shape.slice(0, axis))
    const m = x.shape[axis]
    const inner = sizeOf(x.shape.slice(axis + 1))
    const out = this.newArray(x.buffer.dtype, outer * size * inner)
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) out[o * size + index[j]] += values[o * m + j]
      }
      return this.wrap(x.buffer.dtype, out)
    }
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * size + index[j]) * inner
        const src = (o * m + j) * inner
        for (let i = 0; i < inner; i++) out[dst + i] += values[src + i]
      }
    }
    return this.wrap(x.buffer.dtype, out)
  }

  /** Flat row-major index of each pooling window's maximum (see `FusedKernels.maxPool2dArgmax`). */
  protected maxPool2dArgmax(x: StridedView, params: Pool2dParams): BufferHandle {
    const [n, c] = x.shape
    const out = new Int32Array(n * c * params.out[0] * params.out[1])
    maxPool2dArgmaxHost(this.gatherView(x), x.shape, params, out)
    return this.wrap('int32', out)
  }
}
