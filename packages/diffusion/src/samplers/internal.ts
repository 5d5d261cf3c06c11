/**
 * Pieces every sampler shares: the start state, per-step noise, time tensors, timestep
 * subsequences and scalar linear combinations of tensors. Not exported from the package
 * except {@link evenlySpacedTimesteps}.
 */
import {
  add,
  checkKey,
  checkOptions,
  cpu,
  fold,
  fromArray,
  InvalidArgumentError,
  mul,
  normalFloats,
  ShapeError,
  split,
  Tensor,
  tidy,
  type BackendV1,
  type Key,
} from '@gen/core-tensor'
import { checkFloatTensor, checkFunction, checkInteger, describe } from '../schedule/check'
import type { NoiseSchedule } from '../schedule/noise-schedule'
import type { SamplerStart, SamplerStep, StepCallback } from './types'

/** The checked start of a run: the state and the key for per-step noise. */
export interface Start {
  readonly x: Tensor
  readonly stepKey: Key
  readonly onStep?: StepCallback
}

/** Checks the shared options and draws (or takes) the starting state. */
export function startState(op: string, options: SamplerStart): Start {
  checkOptions(op, options)
  checkKey(op, options.key, 'key')
  if (options.onStep !== undefined) checkFunction(op, 'onStep', options.onStep)
  const [startKey, stepKey] = split(options.key)
  if (options.initialNoise !== undefined) {
    checkFloatTensor(op, 'initialNoise', options.initialNoise)
    return { x: options.initialNoise, stepKey, onStep: options.onStep }
  }
  const shape = options.shape
  if (
    !Array.isArray(shape) ||
    shape.length < 1 ||
    shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 1)
  ) {
    throw new InvalidArgumentError(
      op,
      'shape',
      `must be an array [B, ...] of integers >= 1 (or pass initialNoise), got ${shape === undefined ? 'undefined' : JSON.stringify(shape)}`,
    )
  }
  return { x: normalLike(startKey, shape, options.backend ?? cpu), stepKey, onStep: options.onStep }
}

/** Standard normal noise of `shape` on `backend`, float32, drawn in float64 from `key`. */
export function normalLike(key: Key, shape: readonly number[], backend: BackendV1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1)
  return fromArray(normalFloats(key, size, 'float64'), { shape, backend, dtype: 'float32' })
}

/** The noise of update `step`: independent of every other step's. */
export function stepNoise(stepKey: Key, step: number, like: Tensor): Tensor {
  return normalLike(fold(stepKey, step), like.shape, like.backend)
}

/** A float32 tensor `[B]` filled with `value`, on `like`'s backend. */
export function timeTensor(value: number, like: Tensor): Tensor {
  return fromArray(new Float32Array(like.shape[0]).fill(value), { backend: like.backend })
}

/** sum_i c_i x_i for scalars c_i (terms after the first with c_i = 0 are skipped); intermediates are freed. */
export function combine(terms: readonly (readonly [number, Tensor])[]): Tensor {
  return tidy(() => {
    let out = mul(terms[0][1], terms[0][0])
    for (let i = 1; i < terms.length; i++) {
      const [c, x] = terms[i]
      if (c !== 0) out = add(out, c === 1 ? x : mul(x, c))
    }
    return out
  })
}

/** Calls the model, checks the output shape, and returns it. */
export function callModel(
  op: string,
  model: (x: Tensor, t: Tensor) => Tensor,
  x: Tensor,
  time: number,
): Tensor {
  const t = timeTensor(time, x)
  const out = model(x, t)
  t.dispose()
  if (!(out instanceof Tensor)) {
    throw new InvalidArgumentError(op, 'model', `must return a Tensor, got ${describe(out)}`)
  }
  if (out.shape.length !== x.shape.length || out.shape.some((d, i) => d !== x.shape[i])) {
    throw new ShapeError(
      op,
      `model output must have the input's shape [${x.shape.join(', ')}], got [${out.shape.join(', ')}]`,
      [x.shape, out.shape],
    )
  }
  return out
}

/** Runs the callback, if any; the sampler frees the tensors it showed afterwards. */
export function emit(onStep: StepCallback | undefined, info: SamplerStep): void {
  if (onStep !== undefined) onStep(info)
}

/** Options that choose a subsequence of timesteps. */
export interface TimestepChoice {
  /** An increasing subsequence of 0..T-1 to visit (from its last entry down to its first). */
  readonly timesteps?: readonly number[]
  /** Number of evenly spaced timesteps (see {@link evenlySpacedTimesteps}); not together with `timesteps`. */
  readonly numSteps?: number
}

/**
 * `numSteps` integer timesteps evenly spaced over [0, T - 1], both ends included:
 * round(i (T - 1) / (numSteps - 1)). The first sampling step starts at T - 1 (the noisiest),
 * so x_T is pure noise for any step count (the "trailing" choice of Lin et al. 2024); DDIM's
 * own 0, T/S, 2T/S, ... never visits T - 1.
 *
 * @param numTimesteps - T of the schedule
 * @param numSteps - how many, 1 <= numSteps <= T (1 gives [T - 1])
 * @returns an increasing Int32Array of distinct timesteps
 * @throws InvalidArgumentError for numSteps outside [1, T]
 * @example
 * ```ts
 * evenlySpacedTimesteps(1000, 5) // Int32Array [0, 250, 500, 749, 999]
 * ```
 */
export function evenlySpacedTimesteps(numTimesteps: number, numSteps: number): Int32Array {
  const op = 'evenlySpacedTimesteps'
  checkInteger(op, 'numTimesteps', numTimesteps)
  checkInteger(op, 'numSteps', numSteps)
  if (numSteps > numTimesteps) {
    throw new InvalidArgumentError(op, 'numSteps', `must be at most T = ${numTimesteps}, got ${numSteps}`)
  }
  const out = new Int32Array(numSteps)
  if (numSteps === 1) {
    out[0] = numTimesteps - 1
    return out
  }
  // spacing (T - 1)/(numSteps - 1) >= 1, so the rounded values are distinct
  for (let i = 0; i < numSteps; i++) out[i] = Math.round((i * (numTimesteps - 1)) / (numSteps - 1))
  return out
}

/** The checked, increasing timesteps of a run (default: all T). */
export function resolveTimesteps(op: string, schedule: NoiseSchedule, choice: TimestepChoice): Int32Array {
  const T = schedule.numTimesteps
  if (choice.timesteps !== undefined && choice.numSteps !== undefined) {
    const length = (choice.timesteps as { length?: unknown }).length
    throw new InvalidArgumentError(
      op,
      'timesteps',
      `must not be given together with numSteps (each chooses the steps; pass one), got ${String(length)} timesteps and numSteps ${String(choice.numSteps)}`,
    )
  }
  if (choice.timesteps !== undefined) {
    const steps = choice.timesteps as unknown
    if (!Array.isArray(steps) && !(steps instanceof Int32Array)) {
      throw new InvalidArgumentError(op, 'timesteps', `must be an array of integers, got ${describe(steps)}`)
    }
    const list = steps as ArrayLike<number>
    if (list.length < 1)
      throw new InvalidArgumentError(op, 'timesteps', 'must hold at least one timestep, got none')
    if (list.length > T) {
      throw new InvalidArgumentError(op, 'timesteps', `must hold at most T = ${T} steps, got ${list.length}`)
    }
    const out = new Int32Array(list.length)
    for (let i = 0; i < list.length; i++) {
      const v = list[i]
      if (!Number.isInteger(v) || v < 0 || v >= T) {
        throw new InvalidArgumentError(
          op,
          'timesteps',
          `must be integers in [0, ${T - 1}], got ${String(v)} at index ${i}`,
        )
      }
      if (i > 0 && v <= list[i - 1]) {
        throw new InvalidArgumentError(
          op,
          'timesteps',
          `must be strictly increasing, got ${String(list[i - 1])} then ${String(v)} at index ${i}`,
        )
      }
      out[i] = v
    }
    return out
  }
  if (choice.numSteps !== undefined) {
    checkInteger(op, 'numSteps', choice.numSteps)
    if (choice.numSteps > T) {
      throw new InvalidArgumentError(op, 'numSteps', `must be at most T = ${T}, got ${choice.numSteps}`)
    }
    return evenlySpacedTimesteps(T, choice.numSteps)
  }
  return evenlySpacedTimesteps(T, T)
}
