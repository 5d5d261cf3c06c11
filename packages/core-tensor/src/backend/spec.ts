import type { DType } from '../dtype'

/**
 * The typed arrays that hold tensor data: float data is Float32Array on `cpu` and Float64Array
 * on `reference`; int32 is Int32Array; bool is Uint8Array.
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array

/**
 * An opaque handle to a buffer that a backend owns (host memory on CPU backends, a device
 * buffer on a GPU). Only the backend that allocated it can read or use it.
 */
export interface BufferHandle {
  /** Name of the backend that owns the buffer. */
  readonly backend: string
  /** Number of elements. */
  readonly size: number
  /** Element type. */
  readonly dtype: DType
  /**
   * Bytes the buffer holds on its device, when that is not `size × bytesPerElement(dtype)`
   * (the gpu backend stores bool as float32: 4 bytes each). `memoryStats` counts these.
   */
  readonly bytes?: number
}

/**
 * A strided view of a buffer: element `(i0, ..., in)` lives at
 * `offset + Σ_k i_k · strides[k]` (strides in elements, may be 0 for broadcast dims or
 * negative for reversed slices). Backends receive views and never broadcast themselves.
 */
export interface StridedView {
  readonly buffer: BufferHandle
  readonly shape: readonly number[]
  readonly strides: readonly number[]
  readonly offset: number
}

/** Elementwise unary primitives. `floor` and `sign` have zero gradient; the rest are smooth. */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'floor'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sqrt'
  | 'reciprocal'

/**
 * Elementwise binary primitives on operands of one dtype and one shape. Comparisons
 * (`cmplt`, `cmple`, `cmpeq`, `cmpne`) return bool; the others return the operands' dtype.
 */
export type BinaryOp =
  'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'cmplt' | 'cmple' | 'cmpeq' | 'cmpne'

/** Reductions over a set of axes. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'prod'

/**
 * Attributes of a 2-D convolution as kernels receive them: already validated and normalised.
 * `padding` is `[top, bottom, left, right]` (zeros, each >= 0).
 */
export interface Conv2dParams {
  /** Step between windows, `[sH, sW]`, each >= 1. */
  readonly stride: readonly [number, number]
  /** Zero padding `[top, bottom, left, right]`, each >= 0. */
  readonly padding: readonly [number, number, number, number]
  /** Spacing between kernel taps, `[dH, dW]`, each >= 1. */
  readonly dilation: readonly [number, number]
  /** Channel groups; C and O are multiples of it. */
  readonly groups: number
}

/**
 * Geometry of a 2-D pooling window as kernels receive it, already validated: `kernel`
 * `[kH, kW]`, `stride` `[sH, sW]`, symmetric `padding` `[pH, pW]` (at most half the kernel, so
 * every window holds at least one input element) and the output size `out` `[oH, oW]`.
 */
export interface Pool2dParams {
  readonly kernel: readonly [number, number]
  readonly stride: readonly [number, number]
  readonly padding: readonly [number, number]
  readonly out: readonly [number, number]
}

/**
 * Constants of one Adam/AdamW step (see `adamUpdate`): decays β₁, β₂, the bias corrections
 * `1 − β₁ᵗ` and `1 − β₂ᵗ`, ε, the step size η and the decoupled decay λ (0 for Adam).
 */
export interface AdamStepConstants {
  readonly beta1: number
  readonly beta2: number
  readonly correction1: number
  readonly correction2: number
  readonly epsilon: number
  readonly rate: number
  readonly weightDecay: number
}

/** Optional fused kernels a backend may supply; each is tested against the composed path. */
export interface FusedKernels {
  /**
   * One Adam (AdamW when `weightDecay > 0`, which needs `p`) step for one float parameter,
   * all views of one shape, in one pass. Returns contiguous buffers of the new moments and
   * of the update, each element computed in the backend's float precision exactly as the
   * composed ops of `optim/adam.ts` round it, constants rounded to that precision too:
   * `m' = m·β₁ + g·(1 − β₁)`, `v' = v·β₂ + (g·g)·(1 − β₂)`,
   * `d = (m' / c₁) / (√(v' / c₂) + ε)`, `update = d·(−η)` or `(d + p·λ)·(−η)`.
   */
  adamUpdate?: (
    inputs: { m: StridedView; v: StridedView; g: StridedView; p?: StridedView },
    constants: AdamStepConstants,
  ) => { m: BufferHandle; v: BufferHandle; update: BufferHandle }
  /**
   * Batched matrix product. `a`: [...batch, M, K], `b`: [...batch, K, N] with identical batch
   * shapes (broadcast batch dims arrive as stride-0 views). Returns a contiguous
   * [...batch, M, N] buffer: `c[..., i, j] = Σ_k a[..., i, k] · b[..., k, j]`.
   */
  matmul?: (a: StridedView, b: StridedView) => BufferHandle
  /**
   * softmax along `axis` of a float32 view, as a contiguous buffer of its shape:
   * `y_i = exp(x_i − m) / Σ_j exp(x_j − m)` with m the row's maximum (0 when that is ±Inf),
   * as `ops/softmax.ts` composes it. Called for rows of at most 1024 elements.
   */
  softmax?: (x: StridedView, axis: number) => BufferHandle
  /**
   * Max-pooling argmax: for `x` [N, C, H, W] float32, a contiguous int32 [N·C·oH·oW] buffer
   * holding, for each window (in row-major output order), the flat row-major index into x of
   * its maximum; ties go to the first in row-major order, a NaN wins its window, padding
   * never wins. `maxPool2d` gathers x at these indices (see `backend/pool-kernel.ts`).
   */
  maxPool2dArgmax?: (x: StridedView, params: Pool2dParams) => BufferHandle
  /**
   * 2-D cross-correlation (deep-learning "convolution"). `x`: [N, C, H, W], `w`:
   * [O, C/groups, kH, kW], float32. Returns a contiguous [N, O, oH, oW] buffer with
   * `oH = ⌊(H + top + bottom − dH·(kH − 1) − 1) / sH⌋ + 1` (likewise oW) and
   * `y[n, o, p, q] = Σ_{c, i, j} w[o, c, i, j] · x[n, g·C/groups + c, p·sH + i·dH − top, q·sW + j·dW − left]`
   * (zero outside x), where `g = ⌊o / (O/groups)⌋`.
   */
  conv2d?: (x: StridedView, w: StridedView, params: Conv2dParams) => BufferHandle
  /**
   * The input gradient of `conv2d`: `dx = ∂⟨conv2d(x, w), dy⟩/∂x` for `dy`: [N, O, oH, oW]
   * and `w`: [O, C/groups, kH, kW], as a contiguous buffer of `xShape` [N, C, H, W] (the
   * transposed convolution of dy).
   */
  conv2dBackwardInput?: (
    dy: StridedView,
    w: StridedView,
    params: Conv2dParams,
    xShape: readonly number[],
  ) => BufferHandle
  /**
   * The filter gradient of `conv2d`: `dw = ∂⟨conv2d(x, w), dy⟩/∂w` for `x`: [N, C, H, W] and
   * `dy`: [N, O, oH, oW], as a contiguous buffer of `wShape` [O, C/groups, kH, kW].
   */
  conv2dBackwardFilter?: (
    x: StridedView,
    dy: StridedView,
    params: Conv2dParams,
    wShape: readonly number[],
  ) => BufferHandle
}

/**
 * Version 1 of the backend specification: the small set of primitive kernels that every
 * composed op in `src/ops/` is written against. Compute calls return handles at once (a GPU
 * backend may enqueue work); only `read` waits.
 *
 * Every kernel writes a new contiguous buffer in row-major order with the shape of its output.
 *
 * @example
 * ```ts
 * const handle = cpu.allocate('float32', 4, [1, 2, 3, 4])
 * const data = await cpu.read(handle) // Float32Array [1, 2, 3, 4]
 * cpu.dispose(handle)
 * ```
 */
export interface BackendV1 {
  /** Spec version, so that a later `BackendV2` can be told apart. */
  readonly specificationVersion: 'v1'
  /** Unique name, e.g. `'cpu'`, `'reference'`. */
  readonly name: string
  /** Bits of float storage: 64 for `reference`, 32 for `cpu`. Tolerances in tests follow it. */
  readonly floatPrecision: 16 | 32 | 64
  /** True when NaN and ±Inf behave as IEEE says (false on WebGL). */
  readonly strictNumerics: boolean

  /** A new buffer of `size` elements, zero-filled or copied from `values`. */
  allocate(dtype: DType, size: number, values?: ArrayLike<number>): BufferHandle
  /** The buffer's contents (a copy the caller owns). */
  read(buffer: BufferHandle): Promise<TypedArray>
  /** Synchronous read; CPU backends only. */
  readSync?(buffer: BufferHandle): TypedArray
  /** Frees the buffer; the handle must not be used again. */
  dispose(buffer: BufferHandle): void

  /** `out[i] = op(x[i])`, same dtype as `x` (comparisons aside). */
  unary(op: UnaryOp, x: StridedView): BufferHandle
  /** `out[i] = op(a[i], b[i])`; `a` and `b` have one shape and one dtype. */
  binary(op: BinaryOp, a: StridedView, b: StridedView): BufferHandle
  /** `out[i] = cond[i] ? a[i] : b[i]`; `cond` is bool, `a` and `b` share a dtype. */
  where(cond: StridedView, a: StridedView, b: StridedView): BufferHandle
  /** Reduces `x` over `axes` (sorted, distinct); the output shape drops those axes. */
  reduce(op: ReduceOp, x: StridedView, axes: readonly number[]): BufferHandle
  /** A contiguous copy of a strided view. */
  contiguous(x: StridedView): BufferHandle
  /** Converts to another dtype (floats to int32 truncate toward zero; nonzero to bool is 1). */
  cast(x: StridedView, dtype: DType): BufferHandle
  /** Concatenation along `axis`; inputs share rank, dtype and every other dim. */
  concat(inputs: readonly StridedView[], axis: number): BufferHandle
  /**
   * `out[..., j, ...] = x[..., indices[j], ...]` along `axis`; `indices` is a 1-D int32 view
   * of in-range indices.
   */
  gather(x: StridedView, indices: StridedView, axis: number): BufferHandle
  /**
   * The adjoint of `gather`: a zero buffer of shape `x.shape` with `axis` resized to `size`,
   * then `out[..., indices[j], ...] += x[..., j, ...]`.
   */
  scatterAdd(x: StridedView, indices: StridedView, axis: number, size: number): BufferHandle

  /** Optional fused fast paths. */
  readonly fused?: FusedKernels
}
