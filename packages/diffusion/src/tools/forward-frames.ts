/**
 * The forward (noising) process as data for pictures: one batch seen at several noise
 * levels, stacked so that an image grid or GIF shows a digit dissolving into noise.
 */
import {
  add,
  checkKey,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  mul,
  normalFloats,
  stack,
  type Tensor,
  tidy,
} from '@gen/core-tensor'
import { checkObject, checkTensor } from '../nets/check'
import { type NoiseSchedule, qSample } from '../schedule/index'

/** Options of {@link forwardProcessFrames}. */
export type ForwardFramesOptions =
  | {
      /** DDPM forward process: x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε. */
      readonly process: 'diffusion'
      readonly schedule: NoiseSchedule
      /** Timesteps in [0, T) to show, in order; `'data'` shows the clean batch itself. */
      readonly timesteps: readonly (number | 'data')[]
      readonly key: Key
      /** One ε for every frame (default true: the frames are one noising path). */
      readonly sharedNoise?: boolean
    }
  | {
      /** Flow-matching path: x_t = t x₁ + (1 − t) ε, t = 1 data, t = 0 noise. */
      readonly process: 'flow'
      /** Times in [0, 1] to show, in order. */
      readonly times: readonly number[]
      readonly key: Key
      readonly sharedNoise?: boolean
    }

/**
 * Noises a batch at each chosen level and stacks the results: frame k is x at
 * `timesteps[k]` (DDPM, x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε, Ho et al. 2020 eq. 4) or at `times[k]`
 * (flow matching, x_t = t x_data + (1 − t) ε). With `sharedNoise` (the default) every frame
 * uses the same ε, so the frames trace one path from the data to its noise.
 *
 * Shapes: x `[B, ...]` → `[K, B, ...]` for K levels.
 *
 * @param x - the clean batch (x₀ for diffusion, x_data for flow)
 * @param options - process 'diffusion' (schedule, timesteps) or 'flow' (times), key, sharedNoise
 * @returns the frames, float32 `[K, B, ...]`
 * @throws InvalidArgumentError for an empty list, a timestep outside [0, T) or a time outside [0, 1]
 * @example
 * ```ts
 * const frames = forwardProcessFrames(digits, {
 *   process: 'diffusion', schedule, timesteps: ['data', 0, 99, 249, 499, 999], key: key(0),
 * }) // [6, B, 1, 28, 28]: imageGrid each frame, or one GIF frame per level
 * ```
 */
export function forwardProcessFrames(x: Tensor, options: ForwardFramesOptions): Tensor {
  const op = 'forwardProcessFrames'
  checkTensor(op, 'x', x)
  checkObject(op, 'options', options)
  checkKey(op, options.key, 'key')
  const raw: unknown = options.process === 'diffusion' ? options.timesteps : options.times
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InvalidArgumentError(
      op,
      options.process === 'diffusion' ? 'timesteps' : 'times',
      'must be a non-empty array, got none',
    )
  }
  const process = (options as { readonly process: unknown }).process
  if (process !== 'diffusion' && process !== 'flow') {
    throw new InvalidArgumentError(
      op,
      'process',
      `must be 'diffusion' or 'flow', got ${JSON.stringify(process)}`,
    )
  }
  const levels = raw as readonly (number | 'data')[]
  levels.forEach((level, i) => {
    if (options.process === 'diffusion') {
      const T = options.schedule.numTimesteps
      if (level !== 'data' && !(Number.isInteger(level) && level >= 0 && level < T)) {
        throw new InvalidArgumentError(
          op,
          'timesteps',
          `must be integers in [0, ${T - 1}] or 'data', got ${String(level)} at index ${i}`,
        )
      }
    } else if (typeof level !== 'number' || !(level >= 0 && level <= 1)) {
      throw new InvalidArgumentError(
        op,
        'times',
        `must be numbers in [0, 1], got ${String(level)} at index ${i}`,
      )
    }
  })
  const shared = options.sharedNoise ?? true
  const noise = (k: number): Tensor =>
    fromArray(normalFloats(shared ? options.key : fold(options.key, k), x.size, 'float64'), {
      shape: x.shape,
      backend: x.backend,
      dtype: 'float32',
    })
  return tidy(() => {
    const frames = levels.map((level, k) => {
      if (level === 'data') return x
      const eps = noise(k)
      if (options.process === 'diffusion')
        return qSample(options.schedule, x, new Array<number>(x.shape[0]).fill(level), eps)
      return add(mul(x, level), mul(eps, 1 - level))
    })
    return stack(frames, 0)
  })
}
