/**
 * Sampling a flow-matching / rectified-flow model (Lipman et al. 2023, "Flow matching for
 * generative modeling"; Liu, Gong & Liu 2023, "Flow straight and fast") by integrating its
 * velocity field from noise at t = 0 to data at t = 1.
 */
import { checkOptions, InvalidArgumentError, tidy, type Tensor } from '@gen/core-tensor'
import { checkFunction, checkInteger, describe } from '../schedule/check'
import { callModel, combine, emit, startState } from './internal'
import type { OdeMethod } from './probability-flow'
import type { SamplerStart, VelocityField } from './types'

/** Options of {@link flowSample}. */
export interface FlowSampleOptions extends SamplerStart {
  /** Number of equal steps over [0, 1]. Default 100; ignored when `times` is given. */
  readonly numSteps?: number
  /** An increasing time grid from 0 to 1 (both included), e.g. denser near the data end. */
  readonly times?: readonly number[]
  /** Integrator. Default `'euler'`. */
  readonly method?: OdeMethod
}

/**
 * Integrates dx/dt = v(x, t) from t = 0 (the start noise) to t = 1 (data). The convention of
 * the whole package (see {@link VelocityField}): x_t = (1 - t) x_noise + t x_data with target
 * velocity v = x_data - x_noise, so a model trained on that target moves noise to data as t
 * grows. Euler: x <- x + h v(x, t); Heun: the explicit trapezoid
 * x <- x + h/2 (v(x, t) + v(x + h v(x, t), t + h)), two model calls per step.
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]`; the model gets `[B, ...]` and t `[B]`; result `[B, ...]`.
 *
 * @param velocity - v_theta(x, t)
 * @param options - key, shape or initialNoise, numSteps (default 100) or times, method ('euler'), onStep
 * @returns samples at t = 1, `[B, ...]`
 * @throws InvalidArgumentError for a bad method, numSteps < 1, a time grid that is not increasing from 0 to 1, a bad key or shape
 * @example
 * ```ts
 * const x = flowSample(velocity, { key: key(0), shape: [1000, 2], numSteps: 8, method: 'heun' })
 * ```
 */
export function flowSample(velocity: VelocityField, options: FlowSampleOptions): Tensor {
  const op = 'flowSample'
  checkFunction(op, 'velocity', velocity)
  checkOptions(op, options)
  const method = options.method ?? 'euler'
  if (method !== 'euler' && method !== 'heun') {
    throw new InvalidArgumentError(op, 'method', `must be 'euler' or 'heun', got ${JSON.stringify(method)}`)
  }
  const times = timeGrid(op, options)
  const start = startState(op, options)
  let x = start.x
  const numSteps = times.length - 1
  for (let step = 0; step < numSteps; step++) {
    const t = times[step]
    const h = times[step + 1] - t
    const current = x
    const next = tidy(() => {
      const v = callModel(op, velocity, current, t)
      let updated = combine([
        [1, current],
        [h, v],
      ])
      if (method === 'heun') {
        const vNext = callModel(op, velocity, updated, times[step + 1])
        updated = combine([
          [1, current],
          [h / 2, v],
          [h / 2, vNext],
        ])
      }
      emit(start.onStep, { step, numSteps, t, x: updated })
      return updated
    })
    if (current !== start.x || options.initialNoise === undefined) current.dispose()
    x = next
  }
  return x
}

function timeGrid(op: string, options: FlowSampleOptions): Float64Array {
  if (options.times !== undefined) {
    const times = options.times as unknown
    if (!Array.isArray(times) || times.length < 2) {
      throw new InvalidArgumentError(
        op,
        'times',
        `must be an array of at least 2 times from 0 to 1, got ${describe(times)}`,
      )
    }
    const grid = Float64Array.from(times as number[])
    if (grid[0] !== 0 || grid[grid.length - 1] !== 1) {
      throw new InvalidArgumentError(
        op,
        'times',
        `must start at 0 and end at 1, got ${grid[0]} ... ${grid[grid.length - 1]}`,
      )
    }
    for (let i = 1; i < grid.length; i++) {
      if (!(grid[i] > grid[i - 1])) {
        throw new InvalidArgumentError(
          op,
          'times',
          `must be strictly increasing, got ${grid[i - 1]} then ${grid[i]} at index ${i}`,
        )
      }
    }
    return grid
  }
  const numSteps = options.numSteps ?? 100
  checkInteger(op, 'numSteps', numSteps)
  const grid = new Float64Array(numSteps + 1)
  for (let i = 0; i <= numSteps; i++) grid[i] = i / numSteps
  return grid
}
