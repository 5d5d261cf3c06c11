/**
 * Where the Ising sweeps run: a Web Worker with @gen/ising's CPU sweeps (every algorithm), or
 * the page's gpu backend with `@gen/ising/gpu`'s checkerboard Metropolis, whose spins stay on
 * the device between sweeps (only the frame to draw is read back). Both give the page the same
 * `IsingEngine`, so the drawing and the statistics do not care which one runs.
 */
import { fold, key, type Key, type Tensor } from '@gen/core-tensor'
import type { GpuBackend } from '@gen/core-tensor/gpu'
import { allUp, randomSpins, squareLattice } from '@gen/ising'
import { spinsTensor, tensorCheckerboardSweep, tensorObservables, type SquareTorus } from '@gen/ising/gpu'
import type { FromWorker, IsingFrame, IsingParams, ToWorker } from './protocol.ts'

/** A running chain. */
export interface IsingEngine {
  /** In words, for the page: what runs the sweeps. */
  readonly description: string
  setParams(params: IsingParams): void
  reset(start: 'up' | 'random', seed: number): void
  /** Runs `sweeps` sweeps and resolves with the frame after them. */
  step(sweeps: number): Promise<IsingFrame>
  dispose(): void
}

const ALGORITHM_WORDS = {
  metropolis: 'checkerboard Metropolis',
  heatbath: 'heat bath',
  wolff: 'Wolff clusters',
}

/** The CPU sweeps in a Web Worker. */
export class WorkerEngine implements IsingEngine {
  private readonly worker = new Worker(new URL('./sim-worker.ts', import.meta.url), { type: 'module' })
  private pending: { resolve: (f: IsingFrame) => void; reject: (e: Error) => void } | null = null
  description = ''

  constructor(params: IsingParams) {
    this.worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      const p = this.pending
      this.pending = null
      if (event.data.type === 'frame') p?.resolve(event.data.frame)
      else p?.reject(new Error(event.data.message))
    })
    this.setParams(params)
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message)
  }

  setParams(params: IsingParams): void {
    this.description = `${ALGORITHM_WORDS[params.algorithm]} on the CPU (@gen/ising, Web Worker)`
    this.send({ type: 'params', params })
  }

  reset(start: 'up' | 'random', seed: number): void {
    this.send({ type: 'reset', start, seed })
  }

  step(sweeps: number): Promise<IsingFrame> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      this.send({ type: 'step', sweeps })
    })
  }

  dispose(): void {
    this.worker.terminate()
  }
}

/** Checkerboard Metropolis on the gpu backend, one replica `[1, L, L]`. */
export class GpuEngine implements IsingEngine {
  readonly description: string
  private params: IsingParams
  private spins: Tensor
  private chainKey: Key = key(1)
  private sweeps = 0

  constructor(
    private readonly gpu: GpuBackend,
    params: IsingParams,
  ) {
    this.params = params
    this.description = `checkerboard Metropolis on gpu:${gpu.info.mode} (@gen/ising/gpu)`
    this.spins = this.upload(allUp(squareLattice(params.size)))
  }

  private torus(): SquareTorus {
    return { Lx: this.params.size, Ly: this.params.size, J: 1, h: this.params.field }
  }

  private upload(spins: Int8Array): Tensor {
    return spinsTensor(this.torus(), [spins], this.gpu)
  }

  private replace(next: Tensor): void {
    this.spins.dispose()
    this.spins = next
  }

  setParams(params: IsingParams): void {
    const resized = params.size !== this.params.size
    this.params = params
    if (resized) {
      this.replace(this.upload(allUp(squareLattice(params.size))))
      this.sweeps = 0
    }
  }

  reset(start: 'up' | 'random', seed: number): void {
    const model = squareLattice(this.params.size)
    this.replace(this.upload(start === 'up' ? allUp(model) : randomSpins(model, key(seed))))
    this.chainKey = fold(key(seed), 1)
    this.sweeps = 0
  }

  async step(sweeps: number): Promise<IsingFrame> {
    const torus = this.torus()
    this.replace(
      tensorCheckerboardSweep(torus, this.spins, {
        beta: 1 / this.params.temperature,
        key: this.chainKey,
        sweeps,
        firstSweep: this.sweeps,
      }),
    )
    this.sweeps += sweeps
    const { energy, magnetisation } = tensorObservables(torus, this.spins)
    try {
      const [spins, e, m] = await Promise.all([this.spins.data(), energy.data(), magnetisation.data()])
      const n = this.params.size * this.params.size
      return { spins: spins as Float32Array, energy: e[0] / n, magnetisation: m[0] / n, sweeps: this.sweeps }
    } finally {
      energy.dispose()
      magnetisation.dispose()
    }
  }

  dispose(): void {
    this.spins.dispose()
  }
}
