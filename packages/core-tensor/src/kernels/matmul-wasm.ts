/**
 * The WebAssembly SIMD float32 matmul: the JavaScript side. It copies the operands into the
 * kernel's memory, walks the cache blocks (`NC` columns of C, `KC` steps of k, `MC` rows of A),
 * calls the packing routines and the macro-kernel of `wasm/matmul-module.ts` for each, and
 * copies C back. The copies are O(mk + kn + mn) next to the O(mnk) product.
 */
import { matmulModuleBytes, MR, NR } from './wasm/matmul-module'
import type { MatmulOperands, MatmulPlan } from './matmul-options'
import { wasmApi, type WasmMemory, type WasmModule } from './wasm/api'
import { UnsupportedOpError } from '../errors'

/** Steps of k per block: a `KC x NR` panel of B (8 KiB) stays in L1. */
const KC = 256
/** Rows of A per block: an `MC x KC` block of A (128 KiB) stays in L2. */
const MC = 128
/** Columns of C per block: a `KC x NC` block of B (2 MiB) stays in L3. */
const NC = 2048

const PAGE = 65536
const SCRATCH_BYTES = 256

/** A kernel export; arguments are i32 sizes and byte addresses (see `wasm/matmul-module.ts`). */
type KernelFn = (...args: number[]) => void

export interface KernelExports {
  /** `packA(src, rs, cs, mc, kc, dst)` */
  packA: KernelFn
  /** `packB(src, rs, cs, kc, nc, dst)` */
  packB: KernelFn
  /** `macro(mc, nc, kc, ap, bp, c, ldc, beta, scratch)` */
  macro: KernelFn
}

/**
 * Lazily compiled kernel module. Module-level state, on purpose: compiling costs about a
 * millisecond and the module is immutable, so every instance shares one.
 */
let compiled: WasmModule | undefined

/**
 * The compiled kernel module, compiled on first use; workers instantiate the same module.
 *
 * @returns the module
 * @throws UnsupportedOpError without WebAssembly
 * @example
 * ```ts
 * new WebAssembly.Instance(matmulKernelModule() as WebAssembly.Module, { env: { memory } })
 * ```
 */
export function matmulKernelModule(): WasmModule {
  if (compiled === undefined) {
    const api = wasmApi()
    if (api === undefined)
      throw new UnsupportedOpError('matmulF32', 'float32', 'wasm-simd (no WebAssembly here)')
    compiled = new api.Module(matmulModuleBytes())
  }
  return compiled
}

/**
 * One instance of the kernel with its own growable memory. Not safe to share between
 * concurrent callers (there are none on one JavaScript thread; each worker makes its own).
 *
 * @example
 * ```ts
 * const kernel = new WasmMatmul()
 * const operands = { a, b, out }
 * kernel.run(planMatmul('matmul', operands, { m, n, k }), operands)
 * ```
 */
export class WasmMatmul {
  /** The kernel's memory; grows as needed and never shrinks. */
  readonly memory: WasmMemory
  /** The instance's kernel exports. */
  readonly exports: KernelExports

  constructor() {
    const module = matmulKernelModule()
    const api = wasmApi()!
    this.memory = new api.Memory({ initial: 1, maximum: 65536 })
    const instance = new api.Instance(module, { env: { memory: this.memory } })
    this.exports = instance.exports as unknown as KernelExports
  }

  /**
   * Runs a validated plan: `out = A·B` or `out += A·B`.
   *
   * @param plan - from `planMatmul`
   * @param operands - A's, B's and C's storage
   */
  run(plan: MatmulPlan, operands: MatmulOperands): void {
    runMatmulPlan(this, operands, plan, BLOCKING)
  }
}

/** The cache blocking and tile sizes `runMatmulPlan` walks with (see the constants above). */
export interface MatmulBlocking {
  KC: number
  MC: number
  NC: number
  MR: number
  NR: number
  PAGE: number
  SCRATCH_BYTES: number
}

/** The blocking every caller uses: one blocking, so every thread sums in the same order. */
export const BLOCKING: MatmulBlocking = { KC, MC, NC, MR, NR, PAGE, SCRATCH_BYTES }

/**
 * Runs a validated plan on one kernel instance: copies the operands into the instance's
 * memory (growing it), walks the cache blocks and copies C back.
 *
 * Self-contained on purpose (no closures over module names, no helpers, no nested
 * functions): the worker threads of `@gen/core-tensor/node` run this function's source
 * text, so a worker computes its rows with exactly the loop, blocking and summation order
 * of the main thread. Each C element is `Σ_p A[i,p] B[p,j]` in float32 in `p` order, summed
 * into C once per `KC` block, whichever rows a call covers.
 *
 * @param kernel - an instance's `exports` (`packA`, `packB`, `macro`) and its `memory`
 * @param operands - A's, B's and C's storage
 * @param plan - from `planMatmul`, offsets into the operands
 * @param blk - the blocking (`BLOCKING`)
 * @example
 * ```ts
 * runMatmulPlan(kernel, { a, b, out }, planMatmul('matmul', { a, b, out }, { m, n, k }), BLOCKING)
 * ```
 */
export function runMatmulPlan(
  kernel: { exports: KernelExports; memory: WasmMemory },
  operands: MatmulOperands,
  plan: MatmulPlan,
  blk: MatmulBlocking,
): void {
  const { a, b, out } = operands
  const memory = kernel.memory
  const { m, n, k } = plan
  if (m === 0 || n === 0) return
  if (k === 0) {
    if (!plan.accumulate) {
      for (let i = 0; i < m; i++) out.fill(0, plan.offsetC + i * plan.ldc, plan.offsetC + i * plan.ldc + n)
    }
    return
  }
  const kcMax = Math.min(blk.KC, k)
  const mcMax = Math.ceil(Math.min(blk.MC, m) / blk.MR) * blk.MR
  const ncMax = Math.ceil(Math.min(blk.NC, n) / blk.NR) * blk.NR
  // Byte addresses, each 16-byte aligned.
  const aAt = blk.SCRATCH_BYTES
  const bAt = (aAt + 4 * plan.spanA + 15) & ~15
  const cAt = (bAt + 4 * plan.spanB + 15) & ~15
  const apAt = (cAt + 4 * plan.spanC + 15) & ~15
  const bpAt = (apAt + 4 * mcMax * kcMax + 15) & ~15
  const need = bpAt + 4 * ncMax * kcMax
  const have = memory.buffer.byteLength
  if (need > have) memory.grow(Math.ceil((need - have) / blk.PAGE))

  const heap = new Float32Array(memory.buffer)
  heap.set(a.subarray(plan.offsetA, plan.offsetA + plan.spanA), aAt >> 2)
  heap.set(b.subarray(plan.offsetB, plan.offsetB + plan.spanB), bAt >> 2)
  // C goes in when its old values matter: accumulating, or gaps between rows to keep.
  const cIn = plan.accumulate || plan.ldc !== n
  if (cIn) heap.set(out.subarray(plan.offsetC, plan.offsetC + plan.spanC), cAt >> 2)

  // Byte strides of A[i, p] and B[p, j] in the copies.
  const ars = plan.transposeA ? 4 : 4 * plan.lda
  const acs = plan.transposeA ? 4 * plan.lda : 4
  const brs = plan.transposeB ? 4 : 4 * plan.ldb
  const bcs = plan.transposeB ? 4 * plan.ldb : 4
  const ldc = 4 * plan.ldc
  const packA = kernel.exports.packA
  const packB = kernel.exports.packB
  const macro = kernel.exports.macro
  for (let jc = 0; jc < n; jc += blk.NC) {
    const nc = Math.min(blk.NC, n - jc)
    for (let pc = 0; pc < k; pc += blk.KC) {
      const kc = Math.min(blk.KC, k - pc)
      const beta = plan.accumulate || pc > 0 ? 1 : 0
      packB(bAt + pc * brs + jc * bcs, brs, bcs, kc, nc, bpAt)
      for (let ic = 0; ic < m; ic += blk.MC) {
        const mc = Math.min(blk.MC, m - ic)
        packA(aAt + ic * ars + pc * acs, ars, acs, mc, kc, apAt)
        macro(mc, nc, kc, apAt, bpAt, cAt + ic * ldc + 4 * jc, ldc, beta, 0)
      }
    }
  }
  out.set(heap.subarray(cAt >> 2, (cAt >> 2) + plan.spanC), plan.offsetC)
}
