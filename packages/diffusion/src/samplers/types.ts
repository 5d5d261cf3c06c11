/**
 * The model signatures the samplers take, and the options they share. A model is a plain
 * function of tensors, so a trained network, an exact oracle (exact-gaussian.ts) or a
 * guided combination (guidance.ts) all fit.
 */
import type { BackendV1, Key, Tensor } from '@gen/core-tensor'

/**
 * A noise predictor eps_theta(x_t, t) (Ho et al. 2020): `x` is `[B, ...]`, `t` a float32
 * tensor `[B]` of integer timesteps in [0, T) (the index convention of NoiseSchedule); it
 * returns the predicted noise, `[B, ...]`, as a new tensor (samplers free it after use).
 */
export type NoisePredictor = (x: Tensor, t: Tensor) => Tensor

/**
 * A velocity field v_theta(x, t) of flow matching (Lipman et al. 2023; Liu et al. 2023):
 * `x` is `[B, ...]`, `t` a float32 tensor `[B]` of times in [0, 1]; it returns dx/dt,
 * `[B, ...]`. Convention of this package: t = 0 is noise, t = 1 is data, the path is
 * x_t = (1 - t) x_noise + t x_data and the target velocity is v = x_data - x_noise. The
 * result is a new tensor (samplers free it after use).
 */
export type VelocityField = (x: Tensor, t: Tensor) => Tensor

/**
 * A noise-conditional score s_theta(x, sigma) ~ grad_x log p_sigma(x), where p_sigma is the
 * data convolved with N(0, sigma^2 I) (Song & Ermon 2019): `x` is `[B, ...]`, `sigma` a
 * float32 tensor `[B]`; it returns the score, `[B, ...]`, as a new tensor (samplers free it).
 */
export type ScoreFunction = (x: Tensor, sigma: Tensor) => Tensor

/** What a sampler passes to its per-step callback. */
export interface SamplerStep {
  /** 0 for the first update, numSteps - 1 for the last. */
  readonly step: number
  /** Number of updates in the run. */
  readonly numSteps: number
  /** The timestep (diffusion samplers: an integer in [0, T)) or time (flow: in [0, 1]) the update started from. */
  readonly t: number
  /** The state after this update, `[B, ...]`. Freed when the callback returns: read it inside (`x.dataSync()`). */
  readonly x: Tensor
  /** The model's x_0 (data) prediction at this update, when the sampler forms one; freed like `x`. */
  readonly x0Prediction?: Tensor
}

/** A per-step callback, for trajectories and progress bars. */
export type StepCallback = (info: SamplerStep) => void

/**
 * Where a sampler starts: `initialNoise` itself, or standard normal noise of `shape` drawn
 * from `key` (split off first, so the start and the per-step noise never share a stream).
 */
export interface SamplerStart {
  /** Shape `[B, ...]` of the samples, used when `initialNoise` is not given. */
  readonly shape?: readonly number[]
  /** The starting state `[B, ...]` (float32); overrides `shape`. */
  readonly initialNoise?: Tensor
  /** Backend for drawn noise; default the exported `cpu` (or initialNoise's backend). */
  readonly backend?: BackendV1
  /** The random key of the run (starting noise, and per-step noise for stochastic samplers). */
  readonly key: Key
  /** Called after every update. */
  readonly onStep?: StepCallback
}
