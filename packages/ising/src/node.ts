/**
 * @packageDocumentation
 * Node-only helpers of `@gen/ising`: worker threads that run `multiSpinSweep` on
 * independent replicas (or temperatures) in parallel. Kept out of the browser-safe main entry.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
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
   * Each replica's generator state, and its words unless they are shared
   * ({@link sharePackedSpins}: swept in place), are copied to its worker and back, so the result
   * is the one `multiSpinSweep` gives on the same replica (bit for bit), whatever the number
   * of threads. A call costs one futex wake per worker and one message each way on a private
   * port (tens of µs), not an event-loop round trip per worker.
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

/** True when the words live in a SharedArrayBuffer (see {@link sharePackedSpins}). */
function isShared(packed: PackedSpins): boolean {
  return packed.words.buffer instanceof SharedArrayBuffer
}

/**
 * A copy of a packed state whose words live in a `SharedArrayBuffer`, so that
 * {@link ReplicaPool.sweep} sweeps it in place on its worker thread: no copy of the words to
 * the worker and back on each call (2 × N/8 bytes per replica and call, serial on the calling
 * thread). Everything else (`multiSpinSweep`, `packedEnergy`, `unpackSpins`) takes it as any
 * packed state. Do not read or change it while a pool call on it is in flight.
 *
 * @param packed - a state made by `packSpins`
 * @returns the shared copy
 * @throws InvalidArgumentError when packed is not a packed state
 * @example
 * ```ts
 * const packed = sharePackedSpins(packSpins(model, allUp(model)))
 * await pool.sweep([{ packed, beta, rng }], 100) // swept in place on a worker
 * ```
 */
export function sharePackedSpins(packed: PackedSpins): PackedSpins {
  const words = (packed as PackedSpins | null)?.words
  if (!(words instanceof Int32Array) || packed.words.length !== packed.size / 32) {
    throw new InvalidArgumentError('sharePackedSpins', 'packed', 'must be a state made by packSpins')
  }
  const shared = new Int32Array(new SharedArrayBuffer(words.byteLength))
  shared.set(words)
  return { ...packed, words: shared }
}

interface WireJob extends KernelJob {
  dimension: 2 | 3
}

/**
 * The worker's program: the two self-contained kernels, inlined as source text (so the same code
 * runs from the TypeScript sources and from the bundle), and a loop that sleeps in
 * `Atomics.wait` on its control word (blocking, no spinning) until the pool bumps it.
 *
 * Why not `'message'` events: a message wakes the worker's event loop and the reply wakes the
 * caller's, each some tens of µs on a busy machine, on every call; a futex wake is a few µs.
 * The jobs still travel as a message on a private port, read synchronously with
 * `receiveMessageOnPort` once the control word says one is there; shared words go by reference.
 * Control words: [0] the last batch posted, [1] the last batch done.
 */
function workerSource(): string {
  return [
    "'use strict'",
    "const { workerData, receiveMessageOnPort } = require('node:worker_threads')",
    `const kernel2d = (${multiSpinKernel2d.toString()})`,
    `const kernel3d = (${multiSpinKernel3d.toString()})`,
    'const { control, port } = workerData',
    'let seen = 0',
    'for (;;) {',
    '  Atomics.wait(control, 0, seen)',
    '  const posted = Atomics.load(control, 0)',
    '  if (posted === seen) continue',
    '  seen = posted',
    '  const jobs = receiveMessageOnPort(port).message',
    '  const transfer = []',
    '  let error = null',
    '  try {',
    '    for (const job of jobs) {',
    '      if (job.dimension === 2) kernel2d(job)',
    '      else kernel3d(job)',
    // shared words were changed in place; a copy goes back by transfer
    '      if (!(job.words.buffer instanceof SharedArrayBuffer)) transfer.push(job.words.buffer)',
    '      transfer.push(job.state.buffer)',
    '    }',
    '  } catch (e) {',
    '    error = String(e && e.stack ? e.stack : e)',
    '  }',
    '  port.postMessage({ jobs, error }, error === null ? transfer : [])',
    '  Atomics.store(control, 1, seen)',
    '  Atomics.notify(control, 1)',
    '}',
  ].join('\n')
}

/** `Atomics.waitAsync` (Node >= 16), typed here because the ES2022 lib lacks it. */
interface AtomicsWithWaitAsync {
  waitAsync: (
    array: Int32Array,
    index: number,
    value: number,
  ) => { async: false; value: string } | { async: true; value: Promise<string> }
}

/** One worker thread with its control words and the pool's end of its port. */
interface PoolWorker {
  worker: Worker
  control: Int32Array
  port: MessagePort
  batch: number
  /** Rejects the call in flight when the worker dies. */
  exited: Promise<never>
}

function startWorker(source: string): PoolWorker {
  const control = new Int32Array(new SharedArrayBuffer(8))
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(source, {
    eval: true,
    workerData: { control, port: port2 },
    transferList: [port2],
  })
  worker.unref()
  const exited = new Promise<never>((_, reject) => {
    const fail = (why: string) =>
      reject(new InvalidArgumentError('ReplicaPool.sweep', 'pool', `must stay open, got ${why}`))
    worker.once('error', (error: Error) => fail(`a worker error: ${error.message}`))
    worker.once('exit', (code: number) => fail(`a worker exit (${code})`))
  })
  exited.catch(() => undefined)
  return { worker, control, port: port1, batch: 0, exited }
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
  const workers: PoolWorker[] = []
  for (let t = 0; t < threads; t++) workers.push(startWorker(source))
  let closed = false

  async function runOn(w: PoolWorker, jobs: WireJob[]): Promise<WireJob[]> {
    // shared words go by reference; copied words and generator states are transferred
    const transfer: ArrayBuffer[] = []
    for (const j of jobs) {
      const { buffer } = j.words
      if (!(buffer instanceof SharedArrayBuffer)) transfer.push(buffer)
      transfer.push(j.state.buffer as ArrayBuffer)
    }
    w.port.postMessage(jobs, transfer)
    const batch = ++w.batch
    Atomics.store(w.control, 0, batch)
    Atomics.notify(w.control, 0)
    // the caller's thread stays free: waitAsync resolves when the worker bumps word 1
    const done = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(w.control, 1, batch - 1)
    w.worker.ref()
    try {
      if (done.async) await Promise.race([done.value, w.exited])
    } finally {
      w.worker.unref()
    }
    const reply = receiveMessageOnPort(w.port)?.message as
      { jobs: WireJob[]; error: string | null } | undefined
    if (reply === undefined) {
      throw new InvalidArgumentError('ReplicaPool.sweep', 'pool', 'must answer each batch, got no reply')
    }
    if (reply.error !== null) throw new Error(`ReplicaPool.sweep: a worker failed: ${reply.error}`)
    return reply.jobs
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
        // shared words are swept in place by the worker; others travel as a copy and back
        words: isShared(r.packed) ? r.packed.words : r.packed.words.slice(),
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
        if (!isShared(replicas[i].packed)) replicas[i].packed.words.set(job.words)
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
    await Promise.all(
      workers.map((w) => {
        w.port.close()
        return w.worker.terminate()
      }),
    )
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
