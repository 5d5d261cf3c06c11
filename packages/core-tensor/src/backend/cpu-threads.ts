/**
 * The worker-thread pool behind `setCpuThreads` (Node only: it imports `node:worker_threads`
 * and is reached only from the `@gen/core-tensor/node` subpath).
 *
 * A product of `m` rows on `T` threads is cut into `T` row blocks at multiples of the kernel's
 * register tile. The calling thread copies B once and each worker's block of A into one
 * SharedArrayBuffer, posts each worker its block, computes the first block itself on its own
 * kernel instance, then blocks in `Atomics.wait` (no spinning) until each worker has stored
 * its status and called `Atomics.notify`, and copies the workers' rows of C out. Workers run
 * the source text of `runMatmulPlan` on their own instance of the same compiled module, so
 * C is bit-identical to the one-thread product. Workers are `unref`ed: an idle pool never
 * keeps the process alive, and `close()` terminates them.
 */
import { Worker } from 'node:worker_threads'
import {
  BLOCKING,
  matmulKernelModule,
  rowBlock,
  runMatmulPlan,
  type MatmulOperands,
  type MatmulPlan,
  type MatmulThreadPool,
  type WasmMatmul,
} from '../kernels/index'

/**
 * Products below this many multiply-adds (`m·n·k`, 256³) stay on the calling thread: waking a
 * worker and copying its operands costs about 0.1 ms, a 256³ product about 1 ms.
 */
export const PARALLEL_MIN_WORK = 1 << 24

/** Status slot values. */
const PENDING = 0
const DONE = 1
const FAILED = 2

/** The worker's whole program: instantiate the module, then run each posted row block. */
function workerSource(): string {
  return `'use strict'
const { parentPort, workerData } = require('node:worker_threads')
${runMatmulPlan.toString()}
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 })
const instance = new WebAssembly.Instance(workerData.module, { env: { memory } })
const blocking = workerData.blocking
parentPort.on('message', (job) => {
  let state = ${DONE}
  try {
    runMatmulPlan({ exports: instance.exports, memory }, { a: job.a, b: job.b, out: job.c }, job.plan, blocking)
  } catch (error) {
    state = ${FAILED}
  }
  Atomics.store(job.status, job.slot, state)
  Atomics.notify(job.status, job.slot)
})
`
}

/** A matmul thread pool with `close`. */
export interface CpuThreadPool extends MatmulThreadPool {
  /** Threads a product runs on, the calling one included. */
  readonly threads: number
  /** Terminates the workers. */
  close(): Promise<void>
}

const align4 = (elements: number): number => (elements + 3) & ~3

/**
 * Starts `threads - 1` workers (the calling thread is the last one).
 *
 * @param threads - threads per product, at least 2
 * @param minWork - smallest `m·n·k` to split (default {@link PARALLEL_MIN_WORK})
 * @returns the pool, to install with `setMatmulThreadPool`
 * @example
 * ```ts
 * setMatmulThreadPool(createCpuThreadPool(2))
 * ```
 */
export function createCpuThreadPool(threads: number, minWork: number = PARALLEL_MIN_WORK): CpuThreadPool {
  const module = matmulKernelModule()
  const source = workerSource()
  const workers: Worker[] = []
  for (let t = 1; t < threads; t++) {
    const worker = new Worker(source, { eval: true, workerData: { module, blocking: BLOCKING } })
    worker.unref()
    workers.push(worker)
  }
  const status = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, workers.length)))
  let shared = new SharedArrayBuffer(0)
  const { MR } = BLOCKING

  function run(plan: MatmulPlan, operands: MatmulOperands, main: WasmMatmul): boolean {
    const { m, n, k } = plan
    if (m * n * k < minWork) return false
    const blocks = Math.min(threads, Math.floor(m / MR))
    if (blocks < 2) return false
    const bounds = [0]
    for (let t = 1; t < blocks; t++) bounds.push(Math.round((m * t) / blocks / MR) * MR)
    bounds.push(m)

    // Layout of the shared buffer, in float32 elements: B's span, then per worker its A
    // block and C block (each 16-byte aligned).
    const cIn = plan.accumulate || plan.ldc !== n
    const jobs: { sub: MatmulPlan; aAt: number; cAt: number }[] = []
    let at = align4(plan.spanB)
    for (let t = 1; t < blocks; t++) {
      const sub = rowBlock(plan, bounds[t], bounds[t + 1])
      const aAt = at
      const cAt = align4(aAt + sub.spanA)
      at = align4(cAt + sub.spanC)
      jobs.push({ sub, aAt, cAt })
    }
    if (shared.byteLength < 4 * at) shared = new SharedArrayBuffer(4 * at)
    const heap = new Float32Array(shared)
    const { a, b, out } = operands
    heap.set(b.subarray(plan.offsetB, plan.offsetB + plan.spanB), 0)
    const bView = heap.subarray(0, plan.spanB)
    const views: Float32Array[] = []
    jobs.forEach(({ sub, aAt, cAt }, w) => {
      heap.set(a.subarray(sub.offsetA, sub.offsetA + sub.spanA), aAt)
      const cView = heap.subarray(cAt, cAt + sub.spanC)
      if (cIn) cView.set(out.subarray(sub.offsetC, sub.offsetC + sub.spanC))
      views.push(cView)
      Atomics.store(status, w, PENDING)
      workers[w].postMessage({
        a: heap.subarray(aAt, aAt + sub.spanA),
        b: bView,
        c: cView,
        plan: { ...sub, offsetA: 0, offsetB: 0, offsetC: 0 },
        status,
        slot: w,
      })
    })
    main.run(rowBlock(plan, 0, bounds[1]), operands)
    jobs.forEach(({ sub }, w) => {
      while (Atomics.load(status, w) === PENDING) Atomics.wait(status, w, PENDING)
      // A worker that threw (it should not: the plan was validated here) leaves its rows to
      // the calling thread rather than a wrong C.
      if (Atomics.load(status, w) === FAILED) main.run(sub, operands)
      else out.set(views[w], sub.offsetC)
    })
    return true
  }

  return {
    threads,
    run,
    async close(): Promise<void> {
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}
