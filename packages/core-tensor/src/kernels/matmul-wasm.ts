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

interface KernelExports {
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

function kernelModule(): WasmModule {
  if (compiled === undefined) {
    const api = wasmApi()
    if (api === undefined)
      throw new UnsupportedOpError('matmulF32', 'float32', 'wasm-simd (no WebAssembly here)')
    compiled = new api.Module(matmulModuleBytes())
  }
  return compiled
}

const align16 = (bytes: number): number => (bytes + 15) & ~15

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
  private readonly exports: KernelExports

  constructor() {
    const module = kernelModule()
    const api = wasmApi()!
    this.memory = new api.Memory({ initial: 1, maximum: 65536 })
    const instance = new api.Instance(module, { env: { memory: this.memory } })
    this.exports = instance.exports as unknown as KernelExports
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE))
  }

  /**
   * Runs a validated plan: `out = A·B` or `out += A·B`.
   *
   * @param plan - from `planMatmul`
   * @param operands - A's, B's and C's storage
   */
  run(plan: MatmulPlan, operands: MatmulOperands): void {
    const { a, b, out } = operands
    const { m, n, k } = plan
    if (m === 0 || n === 0) return
    if (k === 0) {
      if (!plan.accumulate) {
        for (let i = 0; i < m; i++) out.fill(0, plan.offsetC + i * plan.ldc, plan.offsetC + i * plan.ldc + n)
      }
      return
    }
    const kcMax = Math.min(KC, k)
    const mcMax = Math.ceil(Math.min(MC, m) / MR) * MR
    const ncMax = Math.ceil(Math.min(NC, n) / NR) * NR
    const aAt = SCRATCH_BYTES
    const bAt = align16(aAt + 4 * plan.spanA)
    const cAt = align16(bAt + 4 * plan.spanB)
    const apAt = align16(cAt + 4 * plan.spanC)
    const bpAt = align16(apAt + 4 * mcMax * kcMax)
    this.ensure(bpAt + 4 * ncMax * kcMax)

    const heap = new Float32Array(this.memory.buffer)
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
    const { packA, packB, macro } = this.exports
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc)
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc)
        const beta = plan.accumulate || pc > 0 ? 1 : 0
        packB(bAt + pc * brs + jc * bcs, brs, bcs, kc, nc, bpAt)
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic)
          packA(aAt + ic * ars + pc * acs, ars, acs, mc, kc, apAt)
          macro(mc, nc, kc, apAt, bpAt, cAt + ic * ldc + 4 * jc, ldc, beta, 0)
        }
      }
    }
    out.set(heap.subarray(cAt >> 2, (cAt >> 2) + plan.spanC), plan.offsetC)
  }
}
