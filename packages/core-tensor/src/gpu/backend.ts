/**
 * The gpu.js backend: every primitive of `BackendV1` and fused matmul, conv2d, softmax and
 * Adam kernels, run in gpu.js's `webgpu` mode (WGSL compute shaders over storage buffers),
 * `webgl2` mode (fragment shaders) or `webasm` mode (WebAssembly with f32x4 SIMD).
 *
 * Buffers stay where the kernels put them (gpu.js `pipeline: true` outputs: GPU storage
 * buffers on webgpu, wasm-side arrays on webasm); a kernel's inputs are earlier kernels'
 * outputs, so nothing is read back between ops. Launches are queued in dispatch order and
 * return a handle at once; only `read` waits. Elementwise ops do not launch at once: they
 * build an expression that one fused kernel computes later (see `fusion.ts` and
 * `elementwise`).
 *
 * Storage: every dtype is held as float32 (gpu.js kernels read and write f32). int32 values
 * are exact for |v| <= 2^24; bool is 0 or 1. `read` converts to Int32Array / Uint8Array.
 */
import type {
  AdamStepConstants,
  BackendV1,
  BinaryOp,
  BufferHandle,
  Conv2dParams,
  FusedKernels,
  Pool2dParams,
  ReduceOp,
  StridedView,
  TypedArray,
  UnaryOp,
} from '../backend/spec'
import { sizeOf } from '../backend/strided'
import type { DType } from '../dtype'
import { BackendUnavailableError, GenError, InvalidArgumentError } from '../errors'
import {
  type GpuJsInstance,
  type GpuJsKernel,
  type GpuJsModule,
  type Resident,
  isBufferResult,
  loadGpuJs,
} from './gpujs'
import {
  REDUCE_GROUP,
  adamMomentSource,
  adamUpdateSource,
  binarySource,
  bitonicSource,
  concatSource,
  conv2dBackwardFilterSource,
  conv2dBackwardInputSource,
  conv2dSource,
  copySource,
  fillSource,
  gatherSource,
  iotaSource,
  matmulSource,
  softmaxNormalizeSource,
  softmaxRowSource,
  maxPoolArgmaxSource,
  reduceSource,
  scalarBase,
  scatterAddSource,
  segmentSumSource,
  unarySource,
  uploadSource,
  whereSource,
} from './kernels'
import { type Layout, coalesce, isFlat, layoutOf, packView } from './layout'
import {
  type Edge,
  type Expr,
  type FusedOp,
  MAX_FUSED_LEAVES,
  MAX_FUSED_NODES,
  compileFused,
  isFusable,
} from './fusion'
import { describeAdapter, isSoftwareAdapter, setupNodeWebGpu } from './node-setup'
import { type GpuMode, type PassedOver, type StartedMode, selectMode } from './auto'

export type { GpuMode }

/** Options of `createGpuBackend`. */
export interface GpuBackendOptions {
  /**
   * `'webgpu'`, `'webgl2'`, `'webasm'`, or `'auto'` (the default): the first of webgpu, webgl2
   * on a hardware adapter; where there is none, webasm (software WebGPU and WebGL adapters,
   * llvmpipe or SwiftShader, are slower than webasm), with `info.softwareOnly` set. Every mode
   * auto did not take is in `info.passedOver` with the reason; ask for a mode to use it anyway.
   */
  readonly mode?: GpuMode | 'auto'
  /**
   * The gpu.js module itself (`import * as gpuJs from 'gpu.js'`), for bundled pages where the
   * backend's own `import('gpu.js')` cannot resolve a bare specifier. Default: that import.
   */
  readonly gpuJs?: unknown
  /**
   * Fuse chains of elementwise ops (unary, binary, where, casts, with the views between them)
   * into one kernel each, launched when a value is needed or when the synchronous code that
   * built them yields. Default: true (each launch and each scalar upload costs more than the
   * arithmetic of a training-sized op: an MLP 784-64-10 step takes about half the CPU time on
   * webasm and on llvmpipe). `false` launches one kernel per op.
   */
  readonly fuseElementwise?: boolean
}

/** A gpu.js kernel that did not run in the requested mode, and gpu.js's reason. */
export interface GpuFallback {
  readonly kernel: string
  readonly ranAs: string
  readonly reason: string
}

/** What ran: `backend.info`. */
export interface GpuBackendInfo {
  /** The gpu.js mode the kernels run in. */
  readonly mode: GpuMode
  /** The mode that was asked for. */
  readonly requested: GpuMode | 'auto'
  /**
   * The adapter in words: the WebGPU adapter (webgpu), the WebGL renderer (webgl2), or
   * `'WebAssembly SIMD on the CPU'` (webasm).
   */
  readonly adapter: string
  /** True when the adapter is a CPU implementation (llvmpipe, SwiftShader) or webasm. */
  readonly software: boolean
  /**
   * True when no mode that was tried runs on a hardware adapter: for `'auto'`, none of webgpu,
   * webgl2, webasm; for a requested mode, that mode's `software`. There the cpu backend is
   * faster (see `preferCpu` and `chooseBackend`).
   */
  readonly softwareOnly: boolean
  /** Bits of float storage and arithmetic: 32 in every mode (webgl2: float32 textures). */
  readonly floatPrecision: 32
  /** How dtypes are stored on the device. */
  readonly storage: string
  /** Whether chains of elementwise ops run fused (see `GpuBackendOptions.fuseElementwise`). */
  readonly fusesElementwise: boolean
  /** Modes `'auto'` did not take, each with why it was not used. */
  readonly passedOver: readonly PassedOver[]
  /**
   * Kernels that gpu.js ran in another mode than `mode` (gpu.js degrades a kernel it cannot
   * compile to its cpu mode and gives `fallbackReason`). Empty unless something fell back;
   * each one is also reported once through `console.warn`.
   */
  readonly fallbacks: readonly GpuFallback[]
}

/** The gpu backend: a `BackendV1` with introspection and a way to free its device. */
export interface GpuBackend extends BackendV1 {
  readonly info: GpuBackendInfo
  /** Frees every kernel and buffer of this backend's gpu.js instance; the backend is unusable after. */
  destroy(): void
}

/**
 * A buffer of this backend: the (queued) result of the kernel that writes it, or, until
 * something needs its values, a pending elementwise expression (see `fusion.ts`) or a scalar
 * constant, which no kernel has written yet.
 */
class GpuBuffer implements BufferHandle {
  disposed = false
  /** The kernel's result, once launched. */
  result: Promise<Resident> | undefined
  /** The expression this buffer stands for while no kernel has written it. */
  pending: Expr<GpuBuffer> | undefined
  /** The distinct leaves `pending` reads; each counts this buffer in its `readers`. */
  holding: readonly GpuBuffer[] = []
  /** Pending expressions that read this buffer: its device memory is freed after them. */
  readers = 0
  /** Every dtype is stored as float32 on the device, bool included: 4 bytes an element. */
  readonly bytes: number

  constructor(
    readonly backend: string,
    readonly size: number,
    readonly dtype: DType,
    result?: Promise<Resident>,
  ) {
    this.bytes = size * 4
    if (result !== undefined) this.settle(result)
  }

  settle(result: Promise<Resident>): void {
    this.result = result
    // a failed launch surfaces on read; an unread failed buffer must not crash the process
    result.catch(() => undefined)
  }
}

const STORAGE = 'float32 for every dtype: int32 exact for |v| <= 2^24, bool as 0/1'

/**
 * webasm: kernels kept compiled, and wasm modules (one WebAssembly.Memory each) per kernel
 * and input-size signature. In a browser at most 40·2 = 80 memories, under Chromium's cap of
 * about 124 a page (see `kernel`). Node has no such cap, and a training step runs one kernel
 * at several sizes (every parameter's), where a module cache of 2 recompiles a module on most
 * calls: 8 there took an MLP 784-64-10 step from 44 to 22 ms of CPU time (interleaved runs,
 * `apps/bench/src/gpu-fusion.ts`), at the price of memories of up to 8 sizes per kernel.
 */
const WEBASM_KERNELS = 40
const WEBASM_SIZES_BROWSER = 2
const WEBASM_SIZES_NODE = 8

/** Up to this many scatter entries, each output scans them all; beyond, they are sorted first. */
const DIRECT_SCATTER = 64

const reduceIdentity: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity }

function toDType(values: Float32Array, dtype: DType): TypedArray {
  if (dtype === 'float32') return values
  if (dtype === 'bool') return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0))
  return Int32Array.from(values, (v) => Math.trunc(v))
}

class GpuJsBackend implements GpuBackend {
  readonly specificationVersion = 'v1' as const
  readonly floatPrecision = 32 as const
  readonly strictNumerics: boolean
  readonly name: string
  readonly fused: FusedKernels = {
    matmul: (a: StridedView, b: StridedView): BufferHandle => this.matmul(a, b),
    maxPool2dArgmax: (x: StridedView, params: Pool2dParams): BufferHandle => this.maxPool2dArgmax(x, params),
    conv2d: (x: StridedView, w: StridedView, params: Conv2dParams): BufferHandle => this.conv2d(x, w, params),
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
    ): BufferHandle => this.conv2dBackwardFilter(x, dy, params, wShape),
  }
  private readonly kernels = new Map<string, GpuJsKernel>()
  private readonly fallbacks: GpuFallback[] = []
  private tail: Promise<unknown> = Promise.resolve()
  private readonly details: Omit<GpuBackendInfo, 'fallbacks'>
  /** Whether elementwise chains are fused (see `fusion.ts` and `elementwise`). */
  private readonly fuse: boolean
  /** Pending expressions built since the last `flush`. */
  private unflushed: GpuBuffer[] = []

  constructor(
    private readonly gpu: GpuJsInstance,
    details: Omit<GpuBackendInfo, 'fallbacks'>,
  ) {
    this.details = details
    // the three softmax kernels beat the composition on webgpu (llvmpipe: 0.55 vs 1.39 ms at
    // [64, 10], 1.39 vs 5.59 ms at [256, 128]) but not measurably on webasm, which keeps it
    if (details.mode !== 'webasm') {
      this.fused.softmax = (x: StridedView, axis: number): BufferHandle => this.softmax(x, axis)
    }
    this.fuse = details.fusesElementwise
    // the fused Adam step (3 kernels, then the update applied by a 4th) beats the composition
    // everywhere without elementwise fusion; with it, the composition fuses into 3 kernels
    // (m', v', and θ + update), which on webasm is faster still (an MLP 784-64-10 step: 21 vs
    // 31 ms of CPU time) and on webgpu about even (llvmpipe: 38 vs 33 ms)
    if (!(details.mode === 'webasm' && this.fuse)) {
      this.fused.adamUpdate = (
        inputs: { m: StridedView; v: StridedView; g: StridedView; p?: StridedView },
        constants: AdamStepConstants,
      ) => this.adamUpdate(inputs, constants)
    }
    this.name = `gpu:${details.mode}`
    // wasm arithmetic is IEEE f32; WGSL lets an implementation assume no NaN or Inf
    this.strictNumerics = details.mode === 'webasm'
  }

  get info(): GpuBackendInfo {
    return { ...this.details, fallbacks: [...this.fallbacks] }
  }

  destroy(): void {
    this.kernels.clear()
    this.gpu.destroy()
  }

  /** Runs `task` after every earlier launch, read and dispose of this backend. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task)
    this.tail = next.catch(() => undefined)
    return next
  }

  private own(handle: BufferHandle): GpuBuffer {
    if (!(handle instanceof GpuBuffer) || handle.backend !== this.name) {
      throw new GenError(`${this.name}: buffer belongs to backend ${handle.backend}, got it on ${this.name}`)
    }
    if (handle.disposed) throw new GenError(`${this.name}: buffer was used after dispose()`)
    return handle
  }

  /** `own`, then makes sure a kernel writes the buffer (a pending one is launched now). */
  private written(handle: BufferHandle): GpuBuffer {
    const buffer = this.own(handle)
    this.force(buffer)
    return buffer
  }

  /**
   * Launches the kernel of a pending buffer: its fused expression, or the upload of its
   * constant. Its leaves are then released (freed if they were disposed meanwhile).
   */
  private force(buffer: GpuBuffer): void {
    const expr = buffer.pending
    if (expr === undefined) return
    buffer.pending = undefined
    if (expr.kind === 'const') buffer.settle(this.upload(Float32Array.of(expr.value)))
    else if (expr.kind === 'node') {
      const fused = compileFused(expr)
      buffer.settle(
        this.run(
          { key: fused.key, source: () => fused.source, size: buffer.size },
          fused.inputs,
          fused.params,
        ),
      )
    }
    this.release(buffer)
  }

  /** Drops a pending buffer's hold on its leaves, freeing those that were disposed. */
  private release(buffer: GpuBuffer): void {
    for (const leaf of buffer.holding) {
      leaf.readers--
      if (leaf.readers === 0 && leaf.disposed) this.free(leaf)
    }
    buffer.holding = []
  }

  /**
   * One elementwise op: a pending expression (no launch yet) that inlines its arguments'
   * pending expressions, or, for an op fusion does not know or with fusion off, `direct()`.
   * An argument whose expression would make the kernel too large is launched and read as a
   * leaf.
   */
  private elementwise(
    op: FusedOp,
    views: readonly StridedView[],
    dtype: DType,
    direct: () => GpuBuffer,
  ): BufferHandle {
    const size = sizeOf(views[0].shape)
    if (!this.fuse || size === 0 || !isFusable(op)) return direct()
    let nodes = 1
    let leafEdges = 0
    const args: Edge<GpuBuffer>[] = views.map((view, a) => {
      const buffer = this.own(view.buffer)
      const layout = layoutOf(view)
      const pending = buffer.pending
      if (pending?.kind === 'const') return { layout, target: pending }
      const later = views.length - a - 1
      if (
        pending?.kind === 'node' &&
        nodes + pending.nodes <= MAX_FUSED_NODES &&
        leafEdges + pending.leafEdges + later <= MAX_FUSED_LEAVES
      ) {
        nodes += pending.nodes
        leafEdges += pending.leafEdges
        return { layout, target: pending }
      }
      this.force(buffer)
      leafEdges++
      return { layout, target: { kind: 'leaf', leaf: buffer } }
    })
    const out = new GpuBuffer(this.name, size, dtype)
    out.pending = { kind: 'node', op, args, nodes, leafEdges }
    const leaves = new Set<GpuBuffer>()
    const walk = (expr: Expr<GpuBuffer>): void => {
      if (expr.kind === 'leaf') leaves.add(expr.leaf)
      else if (expr.kind === 'node') expr.args.forEach((edge) => walk(edge.target))
    }
    walk(out.pending)
    out.holding = [...leaves]
    for (const leaf of out.holding) leaf.readers++
    this.unflushed.push(out)
    if (this.unflushed.length === 1) queueMicrotask(() => this.flush())
    return out
  }

  /**
   * Launches every pending expression still alive when the synchronous code that built it
   * yields (a training step built inside one `tidy` has by then disposed its intermediates,
   * which never run). Without this, a value carried from step to step (parameters, moments)
   * would inline the previous step's expression, and its kernel would grow and change with
   * every step.
   */
  private flush(): void {
    const due = this.unflushed
    this.unflushed = []
    for (const buffer of due) if (!buffer.disposed) this.force(buffer)
  }

  /**
   * The compiled kernel for `key`, built on first use. On webasm the cache is an LRU of
   * WEBASM_KERNELS kernels: each holds its own WebAssembly.Memory per input-size signature
   * (gpu.js keeps up to `moduleCacheLimit` of them), and a browser caps the memories a page
   * may hold (Chromium: about 124, since each reserves 8 GiB of address space in V8's 1 TiB
   * sandbox), so an unbounded cache fails with "WebAssembly.Memory(): could not allocate
   * memory" after a few dozen kernels. An evicted kernel is destroyed in queue order, after
   * the launches already queued on it.
   */
  private kernel(key: string, source: () => string): GpuJsKernel {
    let kernel = this.kernels.get(key)
    if (kernel !== undefined && this.details.mode === 'webasm') {
      // refresh the LRU order (a Map iterates in insertion order)
      this.kernels.delete(key)
      this.kernels.set(key, kernel)
    }
    if (kernel === undefined) {
      kernel = this.gpu.createKernel(source(), {
        output: [1],
        pipeline: true,
        immutable: true,
        dynamicOutput: true,
        dynamicArguments: true,
        loopMaxIterations: 2 ** 30,
        precision: 'single',
        tactic: 'precision',
      })
      this.kernels.set(key, kernel)
      if (this.details.mode === 'webasm' && this.kernels.size > WEBASM_KERNELS) {
        const [oldKey, old] = this.kernels.entries().next().value!
        this.kernels.delete(oldKey)
        void this.enqueue(() => Promise.resolve(old.destroy?.()))
      }
    }
    return kernel
  }

  /** After a kernel's first run: bounds gpu.js's per-size module cache on webasm (see `kernel`). */
  private settle(kernel: GpuJsKernel): void {
    if (this.details.mode !== 'webasm') return
    const ran = kernel.kernel as { moduleCacheLimit?: number } | undefined
    const sizes = isNode() ? WEBASM_SIZES_NODE : WEBASM_SIZES_BROWSER
    if (ran !== undefined && ran.moduleCacheLimit !== sizes) ran.moduleCacheLimit = sizes
  }

  /** Records (once per kernel) a kernel that gpu.js ran in another mode than this backend's. */
  private checkMode(key: string, kernel: GpuJsKernel): void {
    const mode = ranMode(kernel)
    if (mode === undefined || mode === this.details.mode) return
    if (this.fallbacks.some((f) => f.kernel === key)) return
    const reason = kernel.kernel?.fallbackReason ?? 'gpu.js gave no reason'
    this.fallbacks.push({ kernel: key, ranAs: mode, reason })
    console.warn(
      `${this.name}: kernel ${key} ran in gpu.js mode ${mode}, not ${this.details.mode}: ${reason}`,
    )
  }

  /**
   * Queues one kernel launch writing `size` elements and returns its buffer at once. Inputs
   * are this backend's buffers (device-resident results of earlier launches); `params` holds
   * packed views and scalars.
   */
  private launch(
    spec: { key: string; source: () => string; size: number; dtype: DType },
    inputs: readonly BufferHandle[],
    params: Float32Array,
  ): GpuBuffer {
    const buffers = inputs.map((b) => this.written(b))
    if (spec.size === 0) return new GpuBuffer(this.name, 0, spec.dtype, Promise.resolve(new Float32Array(0)))
    if (buffers.some((b) => b.size === 0)) {
      throw new GenError(`${this.name}: kernel ${spec.key} got an empty input for a non-empty output`)
    }
    return new GpuBuffer(this.name, spec.size, spec.dtype, this.run(spec, buffers, params))
  }

  /** Queues one launch over written buffers (disposed ones still held by a reader included). */
  private run(
    spec: { key: string; source: () => string; size: number },
    buffers: readonly GpuBuffer[],
    params: Float32Array,
  ): Promise<Resident> {
    const kernel = this.kernel(spec.key, spec.source)
    return this.enqueue(async () => {
      const args = await Promise.all(buffers.map((b) => b.result!))
      kernel.setOutput([spec.size])
      const out = await kernel(...args, params)
      this.checkMode(spec.key, kernel)
      this.settle(kernel)
      return out
    })
  }

  private fill(dtype: DType, size: number, value: number): GpuBuffer {
    if (this.details.mode === 'webasm') {
      return new GpuBuffer(this.name, size, dtype, Promise.resolve(new Float32Array(size).fill(value)))
    }
    return this.launch({ key: 'fill', source: () => fillSource, size, dtype }, [], Float32Array.of(value))
  }

  allocate(dtype: DType, size: number, values?: ArrayLike<number>): BufferHandle {
    if (values === undefined) return this.fill(dtype, size, 0)
    const host = new Float32Array(size)
    if (dtype === 'bool') for (let i = 0; i < size; i++) host[i] = values[i] ? 1 : 0
    else for (let i = 0; i < size; i++) host[i] = values[i]
    if (size === 1 && this.fuse) {
      // a scalar (the operand of `mul(x, 0.5)`): fused kernels take its value as a parameter,
      // and only a kernel that is not fused needs it uploaded
      const scalar = new GpuBuffer(this.name, size, dtype)
      scalar.pending = { kind: 'const', value: host[0] }
      return scalar
    }
    return new GpuBuffer(this.name, size, dtype, this.upload(host))
  }

  /** Host values on the device: as they are on webasm; on webgpu one upload kernel writes them. */
  private upload(host: Float32Array): Promise<Resident> {
    if (this.details.mode === 'webasm' || host.length === 0) return Promise.resolve(host)
    return this.enqueue(async () => {
      const kernel = this.kernel('upload', () => uploadSource)
      kernel.setOutput([host.length])
      const result = await kernel(host, new Float32Array(1))
      this.checkMode('upload', kernel)
      return result
    })
  }

  async read(buffer: BufferHandle): Promise<TypedArray> {
    const own = this.written(buffer)
    // start the copy-out in queue order (before any later dispose), then wait off the queue
    const started = await this.enqueue(async () => {
      const result = await own.result!
      return { values: isBufferResult(result) ? result.toArray() : Promise.resolve(result.slice()) }
    })
    return toDType(await started.values, own.dtype)
  }

  dispose(buffer: BufferHandle): void {
    const own = buffer as GpuBuffer
    if (!(own instanceof GpuBuffer) || own.disposed) return
    own.disposed = true
    if (own.pending !== undefined) {
      // never needed: no kernel runs for it
      own.pending = undefined
      this.release(own)
      return
    }
    // a pending expression that reads it frees it when it runs or is dropped
    if (own.readers === 0) this.free(own)
  }

  /** Frees a written buffer's device memory, in queue order (after the launches that read it). */
  private free(own: GpuBuffer): void {
    const written = own.result
    if (written === undefined) return
    void this.enqueue(async () => {
      const result = await written.catch(() => null)
      if (result !== null && isBufferResult(result)) result.delete()
    })
  }

  private viewParams(layouts: readonly Layout[], scalars: readonly number[] = []): Float32Array {
    const params = new Float32Array(scalarBase(layouts.length, scalars.length))
    layouts.forEach((layout, k) => packView(layout, params, scalarBase(k, 0)))
    params.set(scalars, scalarBase(layouts.length, 0))
    return params
  }

  unary(op: UnaryOp, x: StridedView): BufferHandle {
    return this.elementwise({ kind: 'unary', op }, [x], x.buffer.dtype, () => this.unaryKernel(op, x))
  }

  private unaryKernel(op: UnaryOp, x: StridedView): GpuBuffer {
    const lx = layoutOf(x)
    const flat = isFlat(lx)
    return this.launch(
      {
        key: `unary:${op}:${flat}`,
        source: () => unarySource(op, flat),
        size: sizeOf(x.shape),
        dtype: x.buffer.dtype,
      },
      [x.buffer],
      this.viewParams([lx]),
    )
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView): BufferHandle {
    const dtype: DType = op.startsWith('cmp') ? 'bool' : a.buffer.dtype
    return this.elementwise({ kind: 'binary', op }, [a, b], dtype, () => this.binaryKernel(op, a, b, dtype))
  }

  private binaryKernel(op: BinaryOp, a: StridedView, b: StridedView, dtype: DType): GpuBuffer {
    const la = layoutOf(a)
    const lb = layoutOf(b)
    const [fa, fb] = [isFlat(la), isFlat(lb)]
    return this.launch(
      {
        key: `binary:${op}:${fa}:${fb}`,
        source: () => binarySource(op, fa, fb),
        size: sizeOf(a.shape),
        dtype,
      },
      [a.buffer, b.buffer],
      this.viewParams([la, lb]),
    )
  }

  where(cond: StridedView, a: StridedView, b: StridedView): BufferHandle {
    return this.elementwise({ kind: 'where' }, [cond, a, b], a.buffer.dtype, () =>
      this.whereKernel(cond, a, b),
    )
  }

  private whereKernel(cond: StridedView, a: StridedView, b: StridedView): GpuBuffer {
    const layouts = [layoutOf(cond), layoutOf(a), layoutOf(b)]
    const flat = layouts.map(isFlat) as [boolean, boolean, boolean]
    return this.launch(
      {
        key: `where:${flat.join(':')}`,
        source: () => whereSource(flat),
        size: sizeOf(a.shape),
        dtype: a.buffer.dtype,
      },
      [cond.buffer, a.buffer, b.buffer],
      this.viewParams(layouts),
    )
  }

  private copy(x: StridedView, to: 'same' | 'int32' | 'bool', dtype: DType): BufferHandle {
    return this.elementwise({ kind: 'copy', to }, [x], dtype, () => this.copyKernel(x, to, dtype))
  }

  private copyKernel(x: StridedView, to: 'same' | 'int32' | 'bool', dtype: DType): GpuBuffer {
    const lx = layoutOf(x)
    const flat = isFlat(lx)
    return this.launch(
      { key: `copy:${to}:${flat}`, source: () => copySource(flat, to), size: sizeOf(x.shape), dtype },
      [x.buffer],
      this.viewParams([lx]),
    )
  }

  contiguous(x: StridedView): BufferHandle {
    return this.copy(x, 'same', x.buffer.dtype)
  }

  cast(x: StridedView, dtype: DType): BufferHandle {
    const from = x.buffer.dtype
    if (dtype === 'bool' && from !== 'bool') return this.copy(x, 'bool', dtype)
    if (dtype === 'int32' && from === 'float32') return this.copy(x, 'int32', dtype)
    return this.copy(x, 'same', dtype)
  }

  reduce(op: ReduceOp, x: StridedView, axes: readonly number[]): BufferHandle {
    // reduced axes last (metadata only), so the input reads as [outer, run] in row-major order
    const kept: number[] = []
    for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) kept.push(d)
    const order = [...kept, ...axes]
    const outer = sizeOf(kept.map((d) => x.shape[d]))
    let run = sizeOf(axes.map((d) => x.shape[d]))
    const dtype = x.buffer.dtype
    if (outer === 0) return this.fill(dtype, 0, 0)
    if (run === 0) return this.fill(dtype, outer, reduceIdentity[op])
    let layout = coalesce(
      order.map((d) => x.shape[d]),
      order.map((d) => x.strides[d]),
      x.offset,
    )
    let input: BufferHandle = x.buffer
    for (;;) {
      const groups = Math.ceil(run / REDUCE_GROUP)
      const flat = isFlat(layout)
      const out = this.launch(
        { key: `reduce:${op}:${flat}`, source: () => reduceSource(op, flat), size: outer * groups, dtype },
        [input],
        this.viewParams([layout], [groups, run]),
      )
      if (input !== x.buffer) this.dispose(input)
      if (groups === 1) return out
      input = out
      layout = { shape: [outer * groups], strides: [1], offset: 0 }
      run = groups
    }
  }

  concat(inputs: readonly StridedView[], axis: number): BufferHandle {
    const parts = inputs.filter((v) => sizeOf(v.shape) > 0)
    const first = inputs[0]
    const outer = sizeOf(first.shape.slice(0, axis))
    if (parts.length === 0) {
      const total = inputs.reduce((s, v) => s + sizeOf(v.shape.slice(axis)), 0)
      return this.fill(first.buffer.dtype, outer * total, 0)
    }
    if (parts.length === 1) return this.contiguous(parts[0])
    let acc: { view: StridedView; row: number; owned: boolean } = {
      view: parts[0],
      row: sizeOf(parts[0].shape.slice(axis)),
      owned: false,
    }
    for (let k = 1; k < parts.length; k++) {
      const next = parts[k]
      const rowB = sizeOf(next.shape.slice(axis))
      const la = layoutOf(acc.view)
      const lb = layoutOf(next)
      const [fa, fb] = [isFlat(la), isFlat(lb)]
      const out = this.launch(
        {
          key: `concat:${fa}:${fb}`,
          source: () => concatSource(fa, fb),
          size: outer * (acc.row + rowB),
          dtype: first.buffer.dtype,
        },
        [acc.view.buffer, next.buffer],
        this.viewParams([la, lb], [acc.row, rowB]),
      )
      if (acc.owned) this.dispose(acc.view.buffer)
      const row = acc.row + rowB
      acc = { view: { buffer: out, shape: [outer * row], strides: [1], offset: 0 }, row, owned: true }
    }
    return acc.view.buffer
  }

  gather(x: StridedView, indices: StridedView, axis: number): BufferHandle {
    const outer = sizeOf(x.shape.slice(0, axis))
    const n = x.shape[axis]
    const inner = sizeOf(x.shape.slice(axis + 1))
    const m = indices.shape[0]
    const lx = layoutOf(x)
    const li = layoutOf(indices)
    const [fx, fi] = [isFlat(lx), isFlat(li)]
    return this.launch(
      {
        key: `gather:${fx}:${fi}`,
        source: () => gatherSource(fx, fi),
        size: outer * m * inner,
        dtype: x.buffer.dtype,
      },
      [x.buffer, indices.buffer],
      this.viewParams([lx, li], [n, m, inner]),
    )
  }

  scatterAdd(x: StridedView, indices: StridedView, axis: number, size: number): BufferHandle {
    const outer = sizeOf(x.shape.slice(0, axis))
    const m = x.shape[axis]
    const inner = sizeOf(x.shape.slice(axis + 1))
    if (m === 0) return this.fill(x.buffer.dtype, outer * size * inner, 0)
    const lx = layoutOf(x)
    const li = layoutOf(indices)
    const [fx, fi] = [isFlat(lx), isFlat(li)]
    const spec = { size: outer * size * inner, dtype: x.buffer.dtype }
    if (m <= DIRECT_SCATTER) {
      // few entries: each output scans them all
      return this.launch(
        { key: `scatterAdd:${fx}:${fi}`, source: () => scatterAddSource(fx, fi), ...spec },
        [x.buffer, indices.buffer],
        this.viewParams([lx, li], [size, m, inner]),
      )
    }
    // many entries (maxPool2d's backward): sort them by index, then each output sums its run
    const perm = this.sortByIndex(li, indices.buffer, { size, m })
    const steps = Math.ceil(Math.log2(m + 1)) + 1
    const out = this.launch(
      { key: `segmentSum:${fx}:${fi}`, source: () => segmentSumSource(fx, fi), ...spec },
      [x.buffer, indices.buffer, perm],
      this.viewParams([lx, li], [size, m, inner, steps]),
    )
    this.dispose(perm)
    return out
  }

  /**
   * The permutation of entries [0, m) that sorts them by (index, entry), as a bitonic sort
   * over the next power of two (padding entries sort last): ½·log2(n)·(log2(n) + 1) passes.
   */
  private sortByIndex(li: Layout, indices: BufferHandle, sizes: { size: number; m: number }): BufferHandle {
    const n = 2 ** Math.ceil(Math.log2(sizes.m))
    const flat = isFlat(li)
    let perm = this.launch(
      { key: 'iota', source: () => iotaSource, size: n, dtype: 'float32' },
      [],
      new Float32Array(1),
    )
    for (let k = 2; k <= n; k *= 2) {
      for (let d = k / 2; d >= 1; d /= 2) {
        const next = this.launch(
          { key: `bitonic:${flat}`, source: () => bitonicSource(flat), size: n, dtype: 'float32' },
          [perm, indices],
          this.viewParams([li], [sizes.size, sizes.m, k, d]),
        )
        this.dispose(perm)
        perm = next
      }
    }
    return perm
  }

  /** The scalars of the convolution kernels for x [N, C, H, W], w [O, Cg, kH, kW], y [N, O, oH, oW]. */
  private convScalars(
    xShape: readonly number[],
    wShape: readonly number[],
    yShape: readonly number[],
    params: Conv2dParams,
  ): number[] {
    const [n, c, h, w] = xShape
    const [o, , kh, kw] = wShape
    const [, , oh, ow] = yShape
    return [
      c,
      h,
      w,
      o,
      kh,
      kw,
      oh,
      ow,
      ...params.stride,
      params.padding[0],
      params.padding[2],
      ...params.dilation,
      params.groups,
      n,
    ]
  }

  private conv(
    kind: 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter',
    views: readonly [StridedView, StridedView],
    scalars: number[],
    size: number,
  ): BufferHandle {
    const la = layoutOf(views[0])
    const lb = layoutOf(views[1])
    const [fa, fb] = [isFlat(la), isFlat(lb)]
    const source =
      kind === 'conv2d'
        ? conv2dSource
        : kind === 'conv2dBackwardInput'
          ? conv2dBackwardInputSource
          : conv2dBackwardFilterSource
    return this.launch(
      { key: `${kind}:${fa}:${fb}`, source: () => source(fa, fb), size, dtype: views[0].buffer.dtype },
      [views[0].buffer, views[1].buffer],
      this.viewParams([la, lb], scalars),
    )
  }

  private conv2d(x: StridedView, w: StridedView, params: Conv2dParams): BufferHandle {
    const [top, bottom, left, right] = params.padding
    const oh =
      Math.floor((x.shape[2] + top + bottom - params.dilation[0] * (w.shape[2] - 1) - 1) / params.stride[0]) +
      1
    const ow =
      Math.floor((x.shape[3] + left + right - params.dilation[1] * (w.shape[3] - 1) - 1) / params.stride[1]) +
      1
    const yShape = [x.shape[0], w.shape[0], oh, ow]
    return this.conv('conv2d', [x, w], this.convScalars(x.shape, w.shape, yShape, params), sizeOf(yShape))
  }

  private conv2dBackwardInput(
    dy: StridedView,
    w: StridedView,
    params: Conv2dParams,
    xShape: readonly number[],
  ): BufferHandle {
    return this.conv(
      'conv2dBackwardInput',
      [dy, w],
      this.convScalars(xShape, w.shape, dy.shape, params),
      sizeOf(xShape),
    )
  }

  private conv2dBackwardFilter(
    x: StridedView,
    dy: StridedView,
    params: Conv2dParams,
    wShape: readonly number[],
  ): BufferHandle {
    return this.conv(
      'conv2dBackwardFilter',
      [x, dy],
      this.convScalars(x.shape, wShape, dy.shape, params),
      sizeOf(wShape),
    )
  }

  private maxPool2dArgmax(x: StridedView, params: Pool2dParams): BufferHandle {
    const [n, c, h, w] = x.shape
    const lx = layoutOf(x)
    const flat = isFlat(lx)
    const [oh, ow] = params.out
    return this.launch(
      {
        key: `maxPoolArgmax:${flat}`,
        source: () => maxPoolArgmaxSource(flat),
        size: n * c * oh * ow,
        dtype: 'int32',
      },
      [x.buffer],
      this.viewParams([lx], [h, w, ...params.kernel, ...params.stride, ...params.padding, oh, ow]),
    )
  }

  /**
   * See `FusedKernels.softmax`: three launches (row maxima, row sums of exp(x − m), the
   * normalised output) instead of the composition's nine or more.
   */
  private softmax(x: StridedView, axis: number): BufferHandle {
    const lx = layoutOf(x)
    const flat = isFlat(lx)
    const size = sizeOf(x.shape)
    const n = x.shape[axis]
    if (size === 0 || n === 0) return this.fill(x.buffer.dtype, size, 0)
    const rows = size / n
    const params = this.viewParams([lx], [n, sizeOf(x.shape.slice(axis + 1))])
    const dtype = x.buffer.dtype
    const m = this.launch(
      { key: `softmaxMax:${flat}`, source: () => softmaxRowSource('max', flat), size: rows, dtype },
      [x.buffer],
      params,
    )
    const s = this.launch(
      { key: `softmaxSum:${flat}`, source: () => softmaxRowSource('sum', flat), size: rows, dtype },
      [x.buffer, m],
      params,
    )
    const out = this.launch(
      { key: `softmaxOut:${flat}`, source: () => softmaxNormalizeSource(flat), size, dtype },
      [x.buffer, m, s],
      params,
    )
    this.dispose(m)
    this.dispose(s)
    return out
  }

  /**
   * See `FusedKernels.adamUpdate`: three launches per parameter (m', v', then the update from
   * them) instead of the composition's fourteen or more, each of which also uploads its
   * scalar operand on webgpu. Constants go in as float32, as the composed ops' scalars do.
   */
  private adamUpdate(
    inputs: { m: StridedView; v: StridedView; g: StridedView; p?: StridedView },
    k: AdamStepConstants,
  ): { m: BufferHandle; v: BufferHandle; update: BufferHandle } {
    const size = sizeOf(inputs.g.shape)
    const lg = layoutOf(inputs.g)
    const fg = isFlat(lg)
    const moment = (which: 'first' | 'second', view: StridedView, decay: number): GpuBuffer => {
      const lm = layoutOf(view)
      const fm = isFlat(lm)
      return this.launch(
        {
          key: `adam:${which}:${fm}:${fg}`,
          source: () => adamMomentSource(which, fm, fg),
          size,
          dtype: 'float32',
        },
        [view.buffer, inputs.g.buffer],
        this.viewParams([lm, lg], [decay, 1 - decay]),
      )
    }
    const m = moment('first', inputs.m, k.beta1)
    const v = moment('second', inputs.v, k.beta2)
    const scalars = [k.correction1, k.correction2, k.epsilon, -k.rate, k.weightDecay]
    const p = k.weightDecay > 0 ? inputs.p : undefined
    if (p === undefined) {
      const update = this.launch(
        { key: 'adam:update', source: () => adamUpdateSource(false, true), size, dtype: 'float32' },
        [m, v],
        this.viewParams([], scalars),
      )
      return { m, v, update }
    }
    const lp = layoutOf(p)
    const fp = isFlat(lp)
    const update = this.launch(
      {
        key: `adam:update:decay:${fp}`,
        source: () => adamUpdateSource(true, fp),
        size,
        dtype: 'float32',
      },
      [m, v, p.buffer],
      this.viewParams([lp], scalars),
    )
    return { m, v, update }
  }

  /** See `FusedKernels.matmul` and `matmulSource`: one output per thread, k unrolled by 8. */
  private matmul(a: StridedView, b: StridedView): BufferHandle {
    const rank = a.shape.length
    const batchShape = a.shape.slice(0, rank - 2)
    const [m, k] = a.shape.slice(rank - 2)
    const n = b.shape[rank - 1]
    const size = sizeOf(batchShape) * m * n
    if (k === 0) return this.fill(a.buffer.dtype, size, 0)
    const la = coalesce(batchShape, a.strides.slice(0, rank - 2), a.offset)
    const lb = coalesce(batchShape, b.strides.slice(0, rank - 2), b.offset)
    const [fa, fb] = [isFlat(la), isFlat(lb)]
    const [ars, acs] = a.strides.slice(rank - 2)
    const [brs, bcs] = b.strides.slice(rank - 2)
    return this.launch(
      { key: `matmul:${fa}:${fb}`, source: () => matmulSource(fa, fb), size, dtype: a.buffer.dtype },
      [a.buffer, b.buffer],
      this.viewParams([la, lb], [m, n, k, ars, acs, brs, bcs]),
    )
  }
}

/**
 * The gpu.js mode a kernel ran in. gpu.js's WebGL kernels all report mode `'gpu'`; the
 * WebGL2 one is told apart by its class name (`WebGL2Kernel`).
 */
function ranMode(kernel: GpuJsKernel): string | undefined {
  const ran = kernel.kernel?.constructor as { mode?: string; name?: string } | undefined
  if (ran?.mode !== 'gpu') return ran?.mode
  const context = (kernel.kernel as { context?: unknown }).context
  const WebGL2 = (globalThis as { WebGL2RenderingContext?: abstract new () => unknown })
    .WebGL2RenderingContext
  if (WebGL2 !== undefined && context instanceof WebGL2) return 'webgl2'
  if ((ran.name ?? '').includes('WebGL2')) return 'webgl2'
  return (ran.name ?? '').includes('HeadlessGL') ? 'headlessgl' : 'webgl'
}

/** Checks that `mode` really runs: one small kernel, its result and the mode gpu.js used. */
async function probe(gpu: GpuJsInstance, mode: GpuMode): Promise<void> {
  const kernel = gpu.createKernel('function (a, b) { return a[this.thread.x] * b[this.thread.x] + 1 }', {
    output: [4],
    pipeline: false,
    immutable: false,
    dynamicOutput: false,
    dynamicArguments: false,
    loopMaxIterations: 1000,
    precision: 'single',
    tactic: 'precision',
  })
  const result = await kernel(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8))
  const ran = ranMode(kernel)
  if (ran !== mode) {
    throw new BackendUnavailableError(
      `gpu:${mode}`,
      `gpu.js ran its test kernel in mode ${String(ran)}: ${kernel.kernel?.fallbackReason ?? 'no reason given'}`,
    )
  }
  const values = Array.from(result as Float32Array)
  if (values.join(',') !== '6,13,22,33') {
    throw new BackendUnavailableError(
      `gpu:${mode}`,
      `gpu.js's test kernel computed [${values.join(', ')}], not [6, 13, 22, 33]`,
    )
  }
  kernel.destroy?.()
}

const isNode = (): boolean => typeof process !== 'undefined' && process.versions?.node !== undefined

/** The WebGPU adapter: the page's `navigator.gpu`, or Dawn in Node (see `setupNodeWebGpu`). */
async function webGpuAdapter(): Promise<{ adapter: string; software: boolean }> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator
  if (nav?.gpu === undefined) {
    if (!isNode())
      throw new BackendUnavailableError('gpu:webgpu', 'navigator.gpu is missing (this browser has no WebGPU)')
    const setup = await setupNodeWebGpu()
    return { adapter: setup.adapter, software: setup.software }
  }
  const gpu = nav.gpu as { requestAdapter(): Promise<Parameters<typeof describeAdapter>[0] | null> }
  const adapter = await gpu.requestAdapter()
  if (adapter === null)
    throw new BackendUnavailableError('gpu:webgpu', 'navigator.gpu.requestAdapter() gave no adapter')
  return { adapter: describeAdapter(adapter), software: isSoftwareAdapter(adapter) }
}

/** The parts of a WebGL2 context the renderer check reads. */
interface GlLike {
  readonly RENDERER: number
  getParameter(name: number): unknown
  getExtension(name: string): unknown
}

/**
 * The WebGL2 renderer in words (the unmasked one where the browser gives it) and whether it is
 * a CPU implementation (SwiftShader, llvmpipe). gpu.js has WebGL2 only in a browser.
 */
function webGl2Renderer(module: GpuJsModule): { adapter: string; software: boolean } {
  const reason = isNode()
    ? 'gpu.js runs WebGL2 only in a browser (Node has no WebGL2 context; use webgpu or webasm)'
    : 'this browser gives no WebGL2 context'
  if (module.GPU.isWebGL2Supported !== true) throw new BackendUnavailableError('gpu:webgl2', reason)
  const document = (
    globalThis as { document?: { createElement(tag: 'canvas'): { getContext(id: string): unknown } } }
  ).document
  const gl = document?.createElement('canvas').getContext('webgl2') as GlLike | null | undefined
  if (gl === null || gl === undefined) throw new BackendUnavailableError('gpu:webgl2', reason)
  if (gl.getExtension('EXT_color_buffer_float') === null) {
    throw new BackendUnavailableError(
      'gpu:webgl2',
      'WebGL2 without EXT_color_buffer_float cannot hold float32 outputs (gpu.js would pack them into bytes)',
    )
  }
  const debug = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null
  const renderer = String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL))
  return { adapter: `WebGL2 ${renderer}`, software: /swiftshader|llvmpipe|software|lavapipe/i.test(renderer) }
}

/** Starts gpu.js in one mode and checks it with a test kernel. */
async function startMode(module: GpuJsModule, mode: GpuMode): Promise<StartedMode<GpuJsInstance>> {
  let adapter = 'WebAssembly SIMD on the CPU'
  let software = true
  if (mode === 'webgpu') ({ adapter, software } = await webGpuAdapter())
  else if (mode === 'webgl2') ({ adapter, software } = webGl2Renderer(module))
  else if (module.GPU.isWebAssemblySupported === false) {
    throw new BackendUnavailableError('gpu:webasm', 'gpu.js reports no WebAssembly support here')
  }
  const gpu = new module.GPU({ mode })
  try {
    await probe(gpu, mode)
  } catch (error) {
    gpu.destroy()
    if (error instanceof BackendUnavailableError) throw error
    throw new BackendUnavailableError(
      `gpu:${mode}`,
      `gpu.js failed to run a kernel: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return { value: gpu, adapter, software }
}

const MODES: readonly (GpuMode | 'auto')[] = ['webgpu', 'webgl2', 'webasm', 'auto']

/**
 * Creates the gpu.js backend in one mode. gpu.js (and, for webgpu in Node, `webgpu`) are
 * optional peer dependencies, loaded here. Each mode is checked by running a kernel; a mode
 * that cannot run throws `BackendUnavailableError` with the reason, never a silent fallback.
 *
 * Inspect `backend.info` for the mode that runs, the adapter, float precision and any kernel
 * that gpu.js degraded (with its `fallbackReason`).
 *
 * @param options - `mode`: `'webgpu'`, `'webgl2'`, `'webasm'` or `'auto'` (default: webgpu,
 *   then webgl2, on a hardware adapter, else webasm; see `auto.ts`); `gpuJs`: the gpu.js
 *   module, where a bundled page cannot `import('gpu.js')` by name
 * @returns the backend
 * @throws InvalidArgumentError for an unknown mode
 * @throws BackendUnavailableError when the mode (or, for auto, every mode) cannot run
 * @example
 * ```ts
 * import { fromArray, matmul } from '@gen/core-tensor'
 * import { createGpuBackend } from '@gen/core-tensor/gpu'
 * const backend = await createGpuBackend({ mode: 'webasm' })
 * const y = matmul(fromArray([[1, 2]], { backend }), fromArray([[3], [4]], { backend }))
 * await y.data() // Float32Array [11]
 * backend.info.mode // 'webasm'
 * ```
 */
export async function createGpuBackend(options: GpuBackendOptions = {}): Promise<GpuBackend> {
  const requested = options.mode ?? 'auto'
  if (!MODES.includes(requested)) {
    throw new InvalidArgumentError(
      'createGpuBackend',
      'mode',
      `must be 'webgpu', 'webgl2', 'webasm' or 'auto', got ${JSON.stringify(requested)}`,
    )
  }
  let module: GpuJsModule
  try {
    module = await loadGpuJs(options.gpuJs)
  } catch (error) {
    throw new BackendUnavailableError(
      `gpu:${requested}`,
      `the optional peer dependency gpu.js (^2.24) could not be loaded: ${error instanceof Error ? error.message : String(error)}; install it with npm i gpu.js@2.24`,
    )
  }
  const start = (mode: GpuMode) => startMode(module, mode)
  const choice =
    requested === 'auto'
      ? await selectMode(start, (gpu) => gpu.destroy())
      : await start(requested).then((started) => ({
          mode: requested,
          started,
          softwareOnly: started.software,
          passedOver: [],
        }))
  return new GpuJsBackend(choice.started.value, {
    mode: choice.mode,
    requested,
    adapter: choice.started.adapter,
    software: choice.started.software,
    softwareOnly: choice.softwareOnly,
    floatPrecision: 32,
    storage: STORAGE,
    passedOver: choice.passedOver,
    fusesElementwise: options.fuseElementwise ?? true,
  })
}
