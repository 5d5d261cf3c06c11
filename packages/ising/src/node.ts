/**
 * @packageDocumentation
 * Node-only helpers of `@gen/ising`: worker threads that run `multiSpinSweep` on
 * independent replicas (or temperatures) in parallel. Kept out of the browser-safe main entry.
 */
import { Worker } from 'node:worker_threads'
import { InvalidArgumentError } from '@gen/core-tensor'
import {
  checkMultiSpinOptions,
  multiSpinKernel2d,
  multiSpinKernel3d,
  type KernelJob,
  type PackedSpins,
} from './multispin'
import type { Xoshiro128 } from './rng'

/** One independent chain: a packed state, its inverse temperature and its own generator. */
export interface Replica {
  /** The state from `packSpins`, changed in place. */
  packed: PackedSpins
  /** Inverse temperature β, finite and > 0. */
  beta: number
  /** The replica's generator (from `createRng`), advanced in place; one per replica. */
  rng: Xoshiro128
}

/** A pool of worker threads for {@link ReplicaPool.sweep}; close it when done. */
export interface ReplicaPool {
  /** Number of worker threads. */
  readonly threads: number
  /**
   * Runs `sweeps` multi-spin sweeps on every replica, the replicas split evenly over the threads.
   * Calls made before the previous one has finished wait for it (they run in call order).
   * Each replica's words and generator state are copied to its worker and back, so the result is
   * the one `multiSpinSweep` gives on the same replica (bit for bit), whatever the number
   * of threads.
   *
   * @param replicas - distinct replicas (no packed state or generator twice)
   * @param sweeps - sweeps per replica, an integer >= 0
   * @returns a promise that resolves when every replica is done
   * @throws InvalidArgumentError (as a rejection) for a bad replica, a repeated state or generator, or a closed pool
   */
  sweep(replicas: readonly Replica[], sweeps: number): Promise<void>
  /**
   * Terminates the workers.
   *
   * @returns a promise that resolves when they have exited
   */
  close(): Promise<void>
}

/** Options of {@link createReplicaPool}. */
export interface ReplicaPoolOptions {
  /** Number of worker threads, an integer in [1, 256] (default 2). */
  threads?: number
}

interface WireJob extends KernelJob {
  dimension: 2 | 3
}

/**
 * The worker's program: the two self-contained kernels, inlined as source text (so the same code
 * runs from the TypeScript sources and from the bundle), and a message loop. A worker waits in
 * its event loop (blocking, no spinning) until it gets a batch of jobs.
 */
function workerSource(): string {
  return [
    "'use strict'",
    "const { parentPort } = require('node:worker_threads')",
    `const kernel2d = (${multiSpinKernel2d.toString()})`,
    `const kernel3d = (${multiSpinKernel3d.toString()})`,
    'parentPort.on("message", (jobs) => {',
    '  const transfer = []',
    '  for (const job of jobs) {',
    '    if (job.dimension === 2) kernel2d(job)',
    '    else kernel3d(job)',
    '    transfer.push(job.words.buffer, job.state.buffer)',
    '  }',
    '  parentPort.postMessage(jobs, transfer)',
    '})',
  ].join('\n')
}

/**
 * Starts a pool of worker threads that run multi-spin checkerboard Metropolis sweeps on
 * independent replicas in parallel (one replica never spans two threads, so the speed-up is at
 * most min(threads, replicas, cores)). Idle workers block in their event loop and do not keep
 * the process alive.
 *
 * @param options - the number of threads (default 2)
 * @returns the pool
 * @throws InvalidArgumentError when threads is not an integer in [1, 256]
 * @example
 * ```ts
 * const pool = createReplicaPool({ threads: 2 })
 * const model = squareLattice(256)
 * const replicas = [2.2, 2.4].map((T, i) => ({
 *   packed: packSpins(model, allUp(model)),
 *   beta: 1 / T,
 *   rng: createRng(key(i)),
 * }))
 * await pool.sweep(replicas, 1000)
 * await pool.close()
 * ```
 */
export function createReplicaPool(options: ReplicaPoolOptions = {}): ReplicaPool {
  const threads = options.threads ?? 2
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InvalidArgumentError(
      'createReplicaPool',
      'threads',
      `must be an integer in [1, 256], got ${threads}`,
    )
  }
  const source = workerSource()
  const workers: Worker[] = []
  for (let t = 0; t < threads; t++) {
    const worker = new Worker(source, { eval: true })
    worker.unref()
    workers.push(worker)
  }
  let closed = false

  function runOn(worker: Worker, jobs: WireJob[]): Promise<WireJob[]> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
        worker.unref()
      }
      const onMessage = (result: WireJob[]): void => {
        cleanup()
        resolve(result)
      }
      const onError = (error: Error): void => {
        cleanup()
        reject(error)
      }
      const onExit = (code: number): void => {
        cleanup()
        reject(
          new InvalidArgumentError(
            'ReplicaPool.sweep',
            'pool',
            `must stay open, got a worker exit (${code})`,
          ),
        )
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      worker.ref()
      worker.postMessage(
        jobs,
        jobs.flatMap((j) => [j.words.buffer as ArrayBuffer, j.state.buffer as ArrayBuffer]),
      )
    })
  }

  async function runSweep(replicas: readonly Replica[], sweeps: number): Promise<void> {
    const op = 'ReplicaPool.sweep'
    if (closed) throw new InvalidArgumentError(op, 'pool', 'must be open, got a closed pool')
    const list: unknown = replicas
    if (!Array.isArray(list)) {
      throw new InvalidArgumentError(op, 'replicas', `must be an array, got ${typeof replicas}`)
    }
    const seen = new Set<unknown>()
    const jobs: WireJob[] = replicas.map((r, i) => {
      const { digits } = checkMultiSpinOptions(op, r.packed, { beta: r.beta, rng: r.rng, sweeps })
      if (seen.has(r.packed) || seen.has(r.rng)) {
        throw new InvalidArgumentError(
          op,
          'replicas',
          `must not share a packed state or a generator, got a repeat at index ${i}`,
        )
      }
      seen.add(r.packed)
      seen.add(r.rng)
      return {
        dimension: r.packed.dimension,
        words: r.packed.words.slice(),
        L: r.packed.L,
        rows: r.packed.rows,
        digits,
        state: r.rng.state.slice(),
        sweeps,
        counts: null,
      }
    })
    // Contiguous, balanced chunks: replica i goes to thread floor(i·threads / n).
    const chunks: WireJob[][] = workers.map(() => [])
    jobs.forEach((job, i) => chunks[Math.floor((i * threads) / jobs.length)].push(job))
    const results = await Promise.all(
      chunks.map((chunk, t) => (chunk.length === 0 ? Promise.resolve([]) : runOn(workers[t], chunk))),
    )
    let i = 0
    for (const chunk of results) {
      for (const job of chunk) {
        replicas[i].packed.words.set(job.words)
        replicas[i].rng.state.set(job.state)
        i++
      }
    }
  }

  // Calls run one after another: each starts from the states the previous one left.
  let tail: Promise<void> = Promise.resolve()
  function sweep(replicas: readonly Replica[], sweeps: number): Promise<void> {
    const next = tail.then(() => runSweep(replicas, sweeps))
    tail = next.catch(() => undefined)
    return next
  }

  async function close(): Promise<void> {
    closed = true
    await Promise.all(workers.map((w) => w.terminate()))
  }

  return { threads, sweep, close }
}

/**
 * Runs `sweeps` multi-spin sweeps on each replica in parallel on a temporary pool of worker
 * threads (started and closed inside; for repeated calls keep a {@link createReplicaPool}).
 * The result equals `multiSpinSweep` on each replica in turn.
 *
 * @param replicas - distinct replicas
 * @param options - sweeps per replica (integer >= 0) and threads (default min(2, replicas))
 * @returns a promise that resolves when every replica is done
 * @throws InvalidArgumentError (as a rejection) for a bad replica, sweep count or thread count
 * @example
 * ```ts
 * await parallelMultiSpinSweeps(replicas, { sweeps: 100, threads: 2 })
 * ```
 */
export async function parallelMultiSpinSweeps(
  replicas: readonly Replica[],
  options: { sweeps: number; threads?: number },
): Promise<void> {
  const pool = createReplicaPool({ threads: options.threads ?? Math.max(1, Math.min(2, replicas.length)) })
  try {
    await pool.sweep(replicas, options.sweeps)
  } finally {
    await pool.close()
  }
}
