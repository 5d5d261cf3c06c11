/**
 * @packageDocumentation
 * Node-only additions to `@gen/core-tensor`: worker threads for the cpu backend's float32
 * matmul, and files written atomically (temporary name, then rename) for checkpoints. A separate subpath so that the main entry, and so a browser bundle, never imports
 * `node:worker_threads`.
 */
import { InvalidArgumentError } from './errors'
export { writeFileAtomic, writeFileAtomicSync } from './atomic-file'
import { matmulThreadPool, setMatmulThreadPool, simdSupported } from './kernels/index'
import { createCpuThreadPool, PARALLEL_MIN_WORK, type CpuThreadPool } from './backend/cpu-threads'

export { PARALLEL_MIN_WORK }

/** Options of {@link setCpuThreads}. */
export interface CpuThreadsOptions {
  /** Smallest `m·n·k` a product must have to be split (default 2^24 = 256³). */
  minWork?: number
}

/**
 * Sets how many threads the cpu backend's float32 matmul runs on (and every GEMM built on it,
 * such as conv2d's im2col path). One thread is the default: on a machine whose cores are
 * busy, two threads fight instead of helping. With `threads > 1`, `threads - 1` worker
 * threads start (they block in `Atomics.wait`/an idle event loop between products, never
 * spin, and never keep the process alive); a product of at least `minWork` multiply-adds is
 * split by rows, the calling thread taking one block, and the result is bit-identical to the
 * one-thread product. `setCpuThreads(1)` terminates the workers. Needs WebAssembly SIMD (the
 * JavaScript fallback kernel stays on one thread).
 *
 * @param threads - an integer in [1, 64]
 * @param options - `minWork`
 * @returns a promise that settles when any previous workers have exited
 * @throws InvalidArgumentError when threads or minWork is not a positive integer in range
 * @example
 * ```ts
 * import { setCpuThreads } from '@gen/core-tensor/node'
 * await setCpuThreads(2)
 * matmul(a, b) // 1024 x 1024: split over two threads
 * await setCpuThreads(1)
 * ```
 */
export async function setCpuThreads(threads: number, options: CpuThreadsOptions = {}): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new InvalidArgumentError(
      'setCpuThreads',
      'threads',
      `must be an integer in [1, 64], got ${threads}`,
    )
  }
  const minWork = options.minWork ?? PARALLEL_MIN_WORK
  if (!Number.isInteger(minWork) || minWork < 1) {
    throw new InvalidArgumentError('setCpuThreads', 'minWork', `must be a positive integer, got ${minWork}`)
  }
  const previous = matmulThreadPool() as CpuThreadPool | undefined
  setMatmulThreadPool(threads > 1 && simdSupported() ? createCpuThreadPool(threads, minWork) : undefined)
  await previous?.close()
}

/**
 * The number of threads the cpu backend's matmul runs on.
 *
 * @returns 1 unless `setCpuThreads` set more
 * @example
 * ```ts
 * cpuThreads() // 1
 * ```
 */
export function cpuThreads(): number {
  return (matmulThreadPool() as CpuThreadPool | undefined)?.threads ?? 1
}
