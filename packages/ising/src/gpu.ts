/**
 * @packageDocumentation
 * `@gen/ising/gpu`: the checkerboard Metropolis sweep on tensors, for the gpu.js backend of
 * `@gen/core-tensor/gpu` (WebGPU, or WebAssembly SIMD), and a one-call GPU simulation with
 * error bars. gpu.js and `webgpu` are optional peer dependencies, loaded only by
 * `createGpuBackend` (so importing `@gen/ising` alone never loads them).
 */
import {
  InvalidArgumentError,
  checkKey,
  checkOptions,
  fromArray,
  split,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'
import { createGpuBackend, type GpuMode } from '@gen/core-tensor/gpu'
import { allUp, randomSpins } from './energy'
import type { IsingModel } from './lattice'
import { binnedMean, type Estimate } from './stats'
import { spinsTensor, tensorCheckerboardSweep, tensorObservables } from './tensor-sweep'

export {
  MAX_GPU_SPINS,
  spinsTensor,
  tensorCheckerboardSweep,
  tensorObservables,
  type SquareTorus,
  type TensorSweepOptions,
} from './tensor-sweep'

/** Options of {@link gpuMetropolis}. */
export interface GpuMetropolisOptions {
  /** Temperature T > 0 (β = 1/T). */
  temperature: number
  /** The key: starts and every sweep's uniforms derive from it. */
  key: Key
  /** Independent replicas swept together, an integer >= 1 (default 16). */
  replicas?: number
  /** Sweeps before measuring, an integer >= 0 (default 200). */
  thermalisation?: number
  /** Measured sweeps, an integer >= 2 (default 1000). */
  sweeps?: number
  /** Start from all up (`'up'`, default) or from random spins (`'random'`). */
  start?: 'up' | 'random'
  /**
   * A backend to run on (any `BackendV1`: the gpu backend, or `cpu` to compare), or a gpu.js
   * mode for `createGpuBackend` (default `'auto'`); a backend made here is destroyed at the end.
   */
  backend?: BackendV1 | GpuMode | 'auto'
}

/** Result of {@link gpuMetropolis}. */
export interface GpuMetropolisResult {
  /**
   * Energy per spin e = E/N over every replica and measured sweep. The error bar is binning
   * with independent bins: with R >= 8 replicas each replica's time mean is one bin (exact
   * independence, whatever τ_int is, once the chains are in equilibrium); with fewer, the
   * replica-averaged series is cut into 16 consecutive bins (valid when a bin is much longer
   * than τ_int).
   */
  readonly energy: Estimate
  /** |m| = |M|/N, with its error bar as for energy. */
  readonly absMagnetisation: Estimate
  /** Per sweep, the replica averages of e and |m| (length `sweeps`). */
  readonly series: { readonly energy: Float64Array; readonly absMagnetisation: Float64Array }
  /** The backend's name, e.g. `gpu:webgpu`. */
  readonly backend: string
  /** Wall time of the sweeps and measurements, in ms. */
  readonly milliseconds: number
}

/** From this many replicas on, each replica's time mean is one bin of the error estimate. */
const MIN_REPLICA_BINS = 8

function checkCount(op: string, name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(op, name, `must be an integer >= ${min}, got ${value}`)
  }
}

/**
 * Checkerboard Metropolis on a periodic square lattice, run on the gpu backend (or any
 * backend given) with R replicas in one tensor: `thermalisation` sweeps, then `sweeps` sweeps
 * each followed by a measurement of e and |m| on the device (read back without stalling the
 * next sweep). Error bars: see {@link GpuMetropolisResult.energy}.
 *
 * @param model - a periodic `squareLattice` with even sides and one coupling J
 * @param options - temperature, key, replicas, thermalisation, sweeps, start, backend
 * @returns e and |m| with error bars, the series, the backend name and the time
 * @throws InvalidArgumentError for a bad model, temperature, key or count (as a rejection)
 * @throws BackendUnavailableError when the requested gpu.js mode cannot run (as a rejection)
 * @example
 * ```ts
 * import { squareLattice, onsager } from '@gen/ising'
 * import { gpuMetropolis } from '@gen/ising/gpu'
 * const r = await gpuMetropolis(squareLattice(32), { temperature: 2, key: key(1), backend: 'webgpu' })
 * r.energy // { value: ≈ −1.746, error: ≈ 0.002 }
 * ```
 */
export async function gpuMetropolis(
  model: IsingModel,
  options: GpuMetropolisOptions,
): Promise<GpuMetropolisResult> {
  const op = 'gpuMetropolis'
  checkOptions(op, options)
  const { temperature } = options
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError(op, 'temperature', `must be a finite number > 0, got ${temperature}`)
  }
  checkKey(op, options.key)
  const replicas = options.replicas ?? 16
  const thermalisation = options.thermalisation ?? 200
  const sweeps = options.sweeps ?? 1000
  checkCount(op, 'replicas', replicas, 1)
  checkCount(op, 'thermalisation', thermalisation, 0)
  checkCount(op, 'sweeps', sweeps, 2)
  const start = options.start ?? 'up'
  if (start !== 'up' && start !== 'random') {
    throw new InvalidArgumentError(op, 'start', `must be 'up' or 'random', got ${String(start)}`)
  }
  const requested = options.backend ?? 'auto'
  let backend: BackendV1
  let own: { destroy(): void } | null = null
  if (typeof requested === 'string') {
    if (requested !== 'webgpu' && requested !== 'webasm' && requested !== 'auto') {
      throw new InvalidArgumentError(
        op,
        'backend',
        `must be a backend or 'webgpu', 'webasm' or 'auto', got ${JSON.stringify(requested)}`,
      )
    }
    const gpu = await createGpuBackend({ mode: requested })
    backend = gpu
    own = gpu
  } else if (typeof requested === 'object' && requested !== null && requested.specificationVersion === 'v1') {
    backend = requested
  } else {
    throw new InvalidArgumentError(
      op,
      'backend',
      `must be a backend or a gpu.js mode, got ${typeof requested}`,
    )
  }
  const [startKey, sweepKey] = split(options.key, 2)
  const starts = split(startKey, replicas).map((k) => (start === 'up' ? allUp(model) : randomSpins(model, k)))
  const beta = 1 / temperature
  const t0 = performance.now()
  let s = spinsTensor(model, starts, backend)
  try {
    const advance = (count: number, first: number): void => {
      const next = tensorCheckerboardSweep(model, s, {
        beta,
        key: sweepKey,
        sweeps: count,
        firstSweep: first,
      })
      s.dispose()
      s = next
    }
    advance(thermalisation, 0)
    const reads: Promise<[Float32Array, Float32Array]>[] = []
    for (let t = 0; t < sweeps; t++) {
      advance(1, thermalisation + t)
      const { energy, magnetisation } = tensorObservables(model, s)
      reads.push(
        Promise.all([energy.data(), magnetisation.data()]).then(([e, m]) => {
          energy.dispose()
          magnetisation.dispose()
          return [e as Float32Array, m as Float32Array]
        }),
      )
    }
    const values = await Promise.all(reads)
    const n = model.size
    const eSeries = new Float64Array(sweeps)
    const mSeries = new Float64Array(sweeps)
    // per replica: the time sums of e and |m|
    const eByReplica = new Float64Array(replicas)
    const mByReplica = new Float64Array(replicas)
    values.forEach(([e, m], t) => {
      for (let r = 0; r < replicas; r++) {
        const er = e[r] / n
        const mr = Math.abs(m[r]) / n
        eSeries[t] += er / replicas
        mSeries[t] += mr / replicas
        eByReplica[r] += er / sweeps
        mByReplica[r] += mr / sweeps
      }
    })
    const estimate = (series: Float64Array, byReplica: Float64Array): Estimate =>
      replicas >= MIN_REPLICA_BINS
        ? binnedMean(byReplica, replicas)
        : binnedMean(series, Math.min(16, sweeps))
    return {
      energy: estimate(eSeries, eByReplica),
      absMagnetisation: estimate(mSeries, mByReplica),
      series: { energy: eSeries, absMagnetisation: mSeries },
      backend: backend.name,
      milliseconds: performance.now() - t0,
    }
  } finally {
    s.dispose()
    if (own !== null) {
      // the backend runs its queue in order: once this read is back, the disposals before it have run
      const flush = fromArray([0], { backend })
      await flush.data().catch(() => undefined)
      flush.dispose()
      own.destroy()
    }
  }
}
