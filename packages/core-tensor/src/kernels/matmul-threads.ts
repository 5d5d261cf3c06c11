/**
 * The hook through which a thread pool takes large float32 products off `matmulF32`, and the
 * row split the pool uses. The pool itself needs `node:worker_threads` and lives in the
 * `@gen/core-tensor/node` subpath, so the main entry (and a browser bundle) never imports it.
 */
import type { MatmulOperands, MatmulPlan } from './matmul-options'
import type { WasmMatmul } from './matmul-wasm'

/** A pool that can run one product on several threads. */
export interface MatmulThreadPool {
  /**
   * Runs `plan` split by rows over the pool's threads, the calling thread taking the first
   * block on `main`; or declines (returns false) when the product is too small to pay.
   */
  run(plan: MatmulPlan, operands: MatmulOperands, main: WasmMatmul): boolean
}

/**
 * The installed pool. Module-level state, on purpose: worker threads are a process-wide
 * resource (one pool shared by every cpu backend instance), set by `setCpuThreads`.
 */
let installed: MatmulThreadPool | undefined

/**
 * Installs (or, with undefined, removes) the pool `matmulF32` hands large products to.
 *
 * @param pool - the pool, or undefined for one thread
 * @example
 * ```ts
 * setMatmulThreadPool(undefined) // back to one thread
 * ```
 */
export function setMatmulThreadPool(pool: MatmulThreadPool | undefined): void {
  installed = pool
}

/**
 * The installed pool, if any.
 *
 * @returns the pool or undefined
 * @example
 * ```ts
 * matmulThreadPool()?.run(plan, operands, kernel)
 * ```
 */
export function matmulThreadPool(): MatmulThreadPool | undefined {
  return installed
}

/**
 * Rows `[r0, r1)` of a plan as a plan of their own, on the same arrays: A's and C's offsets
 * move to row `r0` and their spans shrink to the rows kept. Every C element keeps its sum
 * (same `p` order, same `KC` blocks), so running the row blocks one by one, on any threads,
 * gives exactly the whole plan's C.
 *
 * @param plan - a validated plan
 * @param r0 - first row, `0 <= r0 < r1 <= plan.m`
 * @param r1 - one past the last row
 * @returns the sub-plan
 * @example
 * ```ts
 * const top = rowBlock(plan, 0, plan.m >> 1)
 * ```
 */
export function rowBlock(plan: MatmulPlan, r0: number, r1: number): MatmulPlan {
  const rows = r1 - r0
  const { k, n } = plan
  // A[i, p] sits at offsetA + i·lda + p, or offsetA + p·lda + i when transposed.
  const offsetA = plan.offsetA + r0 * (plan.transposeA ? 1 : plan.lda)
  const spanA =
    rows === 0 || k === 0 ? 0 : plan.transposeA ? (k - 1) * plan.lda + rows : (rows - 1) * plan.lda + k
  const spanC = rows === 0 || n === 0 ? 0 : (rows - 1) * plan.ldc + n
  return { ...plan, m: rows, offsetA, spanA, offsetC: plan.offsetC + r0 * plan.ldc, spanC }
}
