import type { BackendV1, BufferHandle, StridedView, TypedArray } from './backend/spec'
import { isContiguous, rowMajorStrides, sizeOf } from './backend/strided'
import { type DType, bytesPerElement } from './dtype'
import { DisposedTensorError, ShapeError, UnsupportedOpError } from './errors'
import { formatTensor } from './format'
import { runtime } from './runtime'

/** A backend buffer shared by a tensor and its views; freed when the last one is disposed. */
export class Storage {
  refs = 0
  constructor(
    readonly backend: BackendV1,
    readonly handle: BufferHandle,
    readonly bytes: number,
  ) {
    const memory = runtime.memoryOf(backend)
    memory.bytes += bytes
    memory.buffers += 1
  }

  release(): void {
    this.refs -= 1
    if (this.refs === 0) {
      this.backend.dispose(this.handle)
      const memory = runtime.memoryOf(this.backend)
      memory.bytes -= this.bytes
      memory.buffers -= 1
    }
  }
}

/** Nested arrays of numbers, as `toArray()` returns and `fromArray()` accepts. */
export type NestedArray = number | boolean | readonly NestedArray[]

/**
 * An n-dimensional array on one backend: a strided view (`shape`, `strides`, `offset`) of a
 * buffer the backend owns. Views (reshape, permute, expand, slice) share the buffer.
 *
 * Tensors are immutable: every op returns a new tensor. Create them with `fromArray`, `zeros`,
 * `arange`...; free them with `dispose()` or a `tidy` scope.
 *
 * @example
 * ```ts
 * const x = fromArray([[1, 2], [3, 4]])
 * x.shape // [2, 2]
 * x.dataSync() // Float32Array [1, 2, 3, 4]
 * console.log(x.toString()) // [[1. 2.]\n [3. 4.]]
 * ```
 */
export class Tensor {
  /** Unique id, increasing in creation order. */
  readonly id: number
  private isDisposed = false

  /** @internal Use the creation functions; this constructor is not part of the public API. */
  // eslint-disable-next-line max-params -- internal constructor mirroring ndarray's (data, shape, stride, offset)
  constructor(
    /** @internal The shared buffer. */
    readonly storage: Storage,
    /** Element type. */
    readonly dtype: DType,
    /** Size of each dimension. */
    readonly shape: readonly number[],
    /** Step in elements between neighbours along each dimension (0 for broadcast dims). */
    readonly strides: readonly number[],
    /** Index of element (0, ..., 0) in the buffer. */
    readonly offset: number,
  ) {
    this.id = runtime.nextTensorId++
    storage.refs += 1
    runtime.memoryOf(storage.backend).tensors += 1
    const scope = runtime.scopes.at(-1)
    if (scope !== undefined) scope.push(this)
  }

  /** The backend that owns this tensor's buffer. */
  get backend(): BackendV1 {
    return this.storage.backend
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape)
  }

  /** True once `dispose()` has run. */
  get disposed(): boolean {
    return this.isDisposed
  }

  /** True when the elements sit in row-major order without gaps. */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides)
  }

  /** @internal The view the backend kernels receive. */
  view(op: string): StridedView {
    this.assertLive(op)
    return { buffer: this.storage.handle, shape: this.shape, strides: this.strides, offset: this.offset }
  }

  /** @internal Throws DisposedTensorError when used after dispose. */
  assertLive(op: string): void {
    if (this.isDisposed) throw new DisposedTensorError(op)
  }

  /**
   * The values in row-major order. Float data is a Float32Array on `cpu` and a Float64Array on
   * `reference`; int32 an Int32Array; bool a Uint8Array. The array is a copy.
   *
   * @returns a promise of the values
   * @throws DisposedTensorError when the tensor was disposed
   */
  async data(): Promise<TypedArray> {
    this.assertLive('data')
    if (this.isWholeBuffer()) return this.backend.read(this.storage.handle)
    const handle = this.backend.contiguous(this.view('data'))
    try {
      return await this.backend.read(handle)
    } finally {
      this.backend.dispose(handle)
    }
  }

  /**
   * Synchronous `data()`, for backends that can read without waiting (CPU backends).
   *
   * @returns the values in row-major order
   * @throws DisposedTensorError when the tensor was disposed
   * @throws UnsupportedOpError when the backend has no synchronous read (use `await data()`)
   */
  dataSync(): TypedArray {
    this.assertLive('dataSync')
    const readSync = this.backend.readSync?.bind(this.backend)
    if (readSync === undefined) {
      throw new UnsupportedOpError('dataSync', this.dtype, this.backend.name)
    }
    if (this.isWholeBuffer()) return readSync(this.storage.handle)
    const handle = this.backend.contiguous(this.view('dataSync'))
    try {
      return readSync(handle)
    } finally {
      this.backend.dispose(handle)
    }
  }

  /**
   * The values as nested arrays (numbers; booleans for bool tensors), synchronously.
   *
   * @returns nested arrays with this tensor's shape (a number for a scalar)
   */
  toArray(): NestedArray {
    const values = this.dataSync()
    const bool = this.dtype === 'bool'
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.rank) return bool ? values[start] !== 0 : values[start]
      const step = sizeOf(this.shape.slice(dim + 1))
      const out: NestedArray[] = []
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, start + i * step))
      return out
    }
    return build(0, 0)
  }

  /**
   * The single value of a one-element tensor.
   *
   * @throws ShapeError when the tensor does not hold exactly one element
   */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        'item',
        `the tensor must hold exactly one element, got shape [${this.shape.join(',')}]`,
        [this.shape],
      )
    }
    return this.dataSync()[0]
  }

  /**
   * Frees this tensor; its buffer is freed when no other view uses it. Idempotent.
   */
  dispose(): void {
    if (this.isDisposed) return
    this.isDisposed = true
    runtime.memoryOf(this.backend).tensors -= 1
    this.storage.release()
  }

  /** Prints like NumPy's `str()`: `[[1. 2.]\n [3. 4.]]`. */
  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)'
    if (this.backend.readSync === undefined)
      return `Tensor(shape=[${this.shape.join(',')}], dtype=${this.dtype})`
    return formatTensor(this.dataSync(), this.shape, this.dtype)
  }

  private isWholeBuffer(): boolean {
    return (
      this.offset === 0 && this.size === this.storage.handle.size && isContiguous(this.shape, this.strides)
    )
  }
}

/** @internal Wraps a fresh contiguous buffer as a tensor. */
export function tensorFromHandle(
  backend: BackendV1,
  handle: BufferHandle,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const bytes = handle.bytes ?? handle.size * bytesPerElement(dtype, backend.floatPrecision)
  const storage = new Storage(backend, handle, bytes)
  return new Tensor(storage, dtype, [...shape], rowMajorStrides(shape), 0)
}
