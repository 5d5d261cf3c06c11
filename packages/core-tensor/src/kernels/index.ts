/**
 * @packageDocumentation
 * Fast float32 kernels for the cpu backend, on raw typed arrays. `matmulF32` runs the
 * WebAssembly SIMD kernel where the engine validates SIMD, and the blocked JavaScript kernel
 * elsewhere; `matmulKernelInfo()` says which.
 */
import { planMatmul, type MatmulSpec } from './matmul-options'
import { runMatmulJs } from './matmul-js'
import { WasmMatmul } from './matmul-wasm'
import { WasmDirectConv, type DirectConvGeometry } from './conv-direct'
import { WasmAdam, type AdamKernelConstants } from './adam-wasm'
import { simdSupported } from './wasm/simd-support'
import { matmulThreadPool } from './matmul-threads'

export {
  planMatmul,
  type MatmulOperands,
  type MatmulOptions,
  type MatmulPlan,
  type MatmulSpec,
} from './matmul-options'
export { matmulJsF32 } from './matmul-js'
export {
  WasmMatmul,
  runMatmulPlan,
  matmulKernelModule,
  BLOCKING,
  type MatmulBlocking,
  type KernelExports,
} from './matmul-wasm'
export { setMatmulThreadPool, matmulThreadPool, rowBlock, type MatmulThreadPool } from './matmul-threads'
export { WasmDirectConv, type DirectConvGeometry } from './conv-direct'
export { WasmAdam, type AdamKernelConstants } from './adam-wasm'
export { simdSupported } from './wasm/simd-support'

/** Which matmul kernel `matmulF32` runs here. */
export interface MatmulKernelInfo {
  /** `wasm-simd` where WebAssembly SIMD validates, else `js`. */
  kernel: 'wasm-simd' | 'js'
  /** Whether this engine validates WebAssembly fixed-width SIMD. */
  simd: boolean
}

/**
 * The default WebAssembly kernel instance, made on first use. Module-level state, on purpose:
 * it owns the kernel's memory, which grows to the largest product seen so far and is reused,
 * so repeated products do not allocate. Calls on one thread never overlap.
 */
let defaultKernel: WasmMatmul | undefined

/**
 * Says which kernel `matmulF32` uses on this engine.
 *
 * @returns the kernel name and whether SIMD validated
 * @example
 * ```ts
 * matmulKernelInfo() // { kernel: 'wasm-simd', simd: true } on Node 20
 * ```
 */
export function matmulKernelInfo(): MatmulKernelInfo {
  const simd = simdSupported()
  return { kernel: simd ? 'wasm-simd' : 'js', simd }
}

/**
 * `C = A·B` (or `C += A·B` with `accumulate`) in float32: row-major `C[m, n]` from `A[m, k]`
 * and `B[k, n]`. Runs the WebAssembly SIMD kernel (packed panels, 4 x 8 register tile) where
 * SIMD is available, else the blocked JavaScript kernel. Products are summed in float32 in
 * `k` order within 256-long blocks; the result differs from a float64 sum by at most about
 * `k * 2^-24 * sum_p |A[i,p] B[p,j]|`.
 *
 * @param a - A's storage: `m x k` row-major, or `k x m` with `transposeA`
 * @param b - B's storage: `k x n` row-major, or `n x k` with `transposeB`
 * @param out - C's storage, `m x n` row-major, written in place
 * @param spec - sizes `m`, `n`, `k` (`k = 0` gives zeros, or leaves `out` as is with
 *   `accumulate`), and transposes, leading dimensions (e.g. an im2col matrix inside a larger
 *   buffer), offsets, accumulate
 * @throws InvalidArgumentError when a size, stride or offset is not a non-negative integer or
 *   a leading dimension is shorter than its row; ShapeError when an array is too short
 * @example
 * ```ts
 * const a = new Float32Array([1, 2, 3, 4, 5, 6]) // 2 x 3
 * const b = new Float32Array([1, 0, 0, 1, 1, 1]) // 3 x 2
 * const c = new Float32Array(4)
 * matmulF32(a, b, c, { m: 2, n: 2, k: 3 }) // c = [4, 5, 10, 11]
 * ```
 */
export function matmulF32(a: Float32Array, b: Float32Array, out: Float32Array, spec: MatmulSpec): void {
  const operands = { a, b, out }
  const plan = planMatmul('matmulF32', operands, spec)
  if (simdSupported()) {
    defaultKernel ??= new WasmMatmul()
    // With `setCpuThreads(n > 1)` (`@gen/core-tensor/node`) a large product is split by rows
    // over worker threads; the pool declines small ones. Either way C is the same bits.
    if (matmulThreadPool()?.run(plan, operands, defaultKernel) !== true) defaultKernel.run(plan, operands)
  } else {
    runMatmulJs(plan, operands)
  }
}

/** The default direct-convolution instance, made on first use (as `defaultKernel`). */
let defaultDirectConv: WasmDirectConv | undefined

/**
 * Direct stride-1 convolution in float32 with the WebAssembly SIMD kernel, for layers with
 * few input channels (where im2col + GEMM is memory-bound):
 * `y[n, o, p, q] = Σ_{c,i,j} w[o, c, i, j] · x[n, c, p + i·dH − top, q + j·dW − left]`,
 * zero outside x. Each output sums its `c·kh·kw` products in float32 in (c, i, j) order.
 * Only where `simdSupported()`; callers take the im2col path elsewhere.
 *
 * @param x - contiguous [n, c, h, w]
 * @param w - contiguous [o, c, kh, kw]
 * @param geo - sizes, padding `[top, bottom, left, right]` and dilation
 * @param alloc - makes y's array of a given length, overwritten (default a new Float32Array)
 * @returns y, a contiguous [n, o, oh, ow] array
 * @throws UnsupportedOpError without WebAssembly
 * @example
 * ```ts
 * const geo = { n: 1, c: 1, h: 3, w: 3, o: 1, kh: 2, kw: 2, padding: [0, 0, 0, 0], dilation: [1, 1] } as const
 * conv2dDirectF32(new Float32Array(9).fill(1), new Float32Array(4).fill(1), geo) // [4, 4, 4, 4]
 * ```
 */
export function conv2dDirectF32(
  x: Float32Array,
  w: Float32Array,
  geo: DirectConvGeometry,
  alloc?: (size: number) => Float32Array,
): Float32Array {
  defaultDirectConv ??= new WasmDirectConv()
  return defaultDirectConv.run(x, w, geo, alloc)
}

/** The default Adam kernel instance, made on first use (as `defaultKernel`). */
let defaultAdam: WasmAdam | undefined

/**
 * One Adam/AdamW step in float32 with the WebAssembly SIMD kernel, bit-identical to the
 * composed float32 ops (see `wasm/adam-module.ts`). Only where `simdSupported()`.
 *
 * @param arrays - moments m, v, gradient g, and the parameter p when `weightDecay > 0`
 * @param k - β₁, β₂, the bias corrections, ε, the step size and the decoupled decay
 * @param alloc - makes each output array of a given length (overwritten)
 * @returns the new moments and the update
 * @throws UnsupportedOpError without WebAssembly
 * @example
 * ```ts
 * const k = { beta1: 0.9, beta2: 0.999, correction1: 0.1, correction2: 0.001, epsilon: 1e-8, rate: 1e-3, weightDecay: 0 }
 * const { update } = adamStepWasmF32({ m, v, g }, k, (n) => new Float32Array(n))
 * ```
 */
export function adamStepWasmF32(
  arrays: { m: Float32Array; v: Float32Array; g: Float32Array; p?: Float32Array },
  k: AdamKernelConstants,
  alloc: (size: number) => Float32Array,
): { m: Float32Array; v: Float32Array; update: Float32Array } {
  defaultAdam ??= new WasmAdam()
  return defaultAdam.run(arrays, k, alloc)
}
