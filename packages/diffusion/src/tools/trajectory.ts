/**
 * Sampling trajectories for pictures: every step's state (and x₀ prediction) of any sampler
 * of this package, stacked into tensors for an image strip or a GIF.
 */
import {
  cpu,
  fromArray,
  InvalidArgumentError,
  type Key,
  normalFloats,
  stack,
  type Tensor,
  tidy,
} from '@gen/core-tensor'
import { checkFunction } from '../schedule/check'
import { checkObject } from '../nets/check'
import type { StepCallback } from '../samplers/types'

/** What {@link sampleTrajectory} hands the sampler: spread it into the sampler's options. */
export interface TrajectoryStart {
  readonly initialNoise: Tensor
  readonly onStep: StepCallback
}

/** Options of {@link sampleTrajectory}: the start, given or drawn. */
export interface SampleTrajectoryOptions {
  /** The starting state `[B, ...]`; else standard normal noise of `shape` from `key`. */
  readonly initialNoise?: Tensor
  readonly shape?: readonly number[]
  readonly key?: Key
}

/** A recorded run. */
export interface Trajectory {
  /** The final samples, `[B, ...]` (what the sampler returned). */
  readonly samples: Tensor
  /** The start then the state after every update: `[S + 1, B, ...]` for S updates. */
  readonly frames: Tensor
  /** The time or timestep each update started from (S entries; frames[k + 1] follows times[k]). */
  readonly times: readonly number[]
  /** The model's x₀ (data) prediction at each update, `[S, B, ...]`, when the sampler forms one (DDPM, DDIM, DPM-Solver). */
  readonly predictions?: Tensor
}

/**
 * Runs a sampler and records its path: `run` receives `{ initialNoise, onStep }` to spread
 * into the sampler's options, and every update's state is copied as it passes. Works with
 * ddpmSample, ddimSample, probabilityFlowSample, dpmSolverSample, flowSample, flowMapSample and
 * annealedLangevinSample (any sampler that takes initialNoise and onStep).
 *
 * Shapes: start `[B, ...]` → frames `[S + 1, B, ...]`, predictions `[S, B, ...]`.
 *
 * @param run - `(start) => sampler(model, { ...options, ...start })`
 * @param options - initialNoise, or shape and key for a standard normal start
 * @returns samples, frames, times and (where formed) x₀ predictions
 * @throws InvalidArgumentError when neither a start nor shape and key are given
 * @example
 * ```ts
 * const { frames } = sampleTrajectory(
 *   (start) => ddimSample(model, { schedule, key: key(1), numSteps: 10, ...start }),
 *   { shape: [8, 1, 28, 28], key: key(0) },
 * ) // [11, 8, 1, 28, 28]: one row of an image strip per digit, or a GIF
 * ```
 */
export function sampleTrajectory(
  run: (start: TrajectoryStart) => Tensor,
  options: SampleTrajectoryOptions,
): Trajectory {
  const op = 'sampleTrajectory'
  checkFunction(op, 'run', run)
  checkObject(op, 'options', options)
  let start = options.initialNoise
  if (start === undefined) {
    const { shape, key } = options
    if (shape === undefined || shape.length < 1 || key === undefined) {
      throw new InvalidArgumentError(
        op,
        'options',
        'must give initialNoise, or shape [B, ...] and key, got neither',
      )
    }
    const size = shape.reduce((a, b) => a * b, 1)
    start = fromArray(normalFloats(key, size, 'float64'), { shape, backend: cpu, dtype: 'float32' })
  }
  const startValues = Float32Array.from(start.dataSync())
  const states: Float32Array[] = [startValues]
  const predictions: Float32Array[] = []
  const times: number[] = []
  const samples = run({
    initialNoise: start,
    onStep: (info) => {
      states.push(Float32Array.from(info.x.dataSync()))
      if (info.x0Prediction !== undefined) predictions.push(Float32Array.from(info.x0Prediction.dataSync()))
      times.push(info.t)
    },
  })
  const shape = start.shape
  const backend = start.backend
  if (options.initialNoise === undefined) start.dispose()
  const stacked = (list: Float32Array[]): Tensor =>
    tidy(() =>
      stack(
        list.map((v) => fromArray(v, { shape, backend })),
        0,
      ),
    )
  return {
    samples,
    frames: stacked(states),
    times,
    ...(predictions.length === times.length && predictions.length > 0
      ? { predictions: stacked(predictions) }
      : {}),
  }
}
