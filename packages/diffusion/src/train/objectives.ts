/**
 * Training objectives of the three families, each as a batch builder (what the network sees
 * and what it should output) and one weighted squared error:
 *
 * - diffusion (Ho et al. 2020; Salimans & Ho 2022; Hang et al. 2023): x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε
 *   with t ~ U{0, …, T − 1}; the network predicts ε, x₀ or v = √ᾱ_t ε − √(1 − ᾱ_t) x₀, with an
 *   optional SNR-based weight;
 * - conditional flow matching with straight paths (Lipman et al. 2023; Liu et al. 2023):
 *   t ~ U[0, 1], x_t = (1 − (1 − σ_min) t) x₀ + t x₁ with x₀ ~ N(0, I) noise and x₁ data, target
 *   u = x₁ − (1 − σ_min) x₀ (t = 0 is noise, t = 1 data: integrate from 0 to 1);
 * - denoising score matching over a ladder of noise levels (NCSN; Song & Ermon 2019):
 *   x̃ = x + σ_i z with i ~ U{0, …, L − 1}, the network (given {@link noiseLevelTime} of σ_i)
 *   outputs σ_i times the score, target −z.
 */
import {
  add,
  type BackendV1,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  mean,
  mul,
  normalFloats,
  randomIntegers,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import { type NoiseSchedule, qSample, vTarget } from '../schedule/index'
import { checkChoice, checkInteger, checkNumber, checkObject, checkTensor } from '../nets/check'

/** What a diffusion network predicts. */
export type Prediction = 'epsilon' | 'x0' | 'v'

/**
 * Loss weighting, as a weight λ(SNR) on the x₀ error ‖x̂₀ − x₀‖² converted into the prediction's
 * own space: `'none'` is the plain ("simple", Ho et al. 2020) MSE of whatever is predicted;
 * `'min-snr'` is λ = min(SNR, γ) (Hang et al. 2023); `'truncated-snr'` is λ = max(SNR, 1)
 * (Salimans & Ho 2022). Since ‖ε̂ − ε‖² = SNR ‖x̂₀ − x₀‖² and ‖v̂ − v‖² = (SNR + 1) ‖x̂₀ − x₀‖²,
 * the weight on the prediction's MSE is λ/SNR for ε, λ for x₀ and λ/(SNR + 1) for v.
 */
export type LossWeighting = 'none' | 'min-snr' | 'truncated-snr'

/** The DDPM family: a discrete noise schedule and what the network predicts. */
export interface DiffusionObjective {
  readonly kind: 'diffusion'
  readonly schedule: NoiseSchedule
  /** Default 'epsilon'. */
  readonly prediction?: Prediction
  /** Default 'none'. */
  readonly weighting?: LossWeighting
  /** γ of 'min-snr'. Default 5 (Hang et al. 2023). */
  readonly snrGamma?: number
}

/** Conditional flow matching on straight paths from N(0, I) (t = 0) to the data (t = 1). */
export interface FlowMatchingObjective {
  readonly kind: 'flow-matching'
  /** σ_min of Lipman et al. (2023, eq. 22) in [0, 1). Default 0: rectified flow's straight line. */
  readonly sigmaMin?: number
}

/** Denoising score matching over a ladder of noise levels, σ₀ > σ₁ > … (NCSN). */
export interface ScoreMatchingObjective {
  readonly kind: 'score-matching'
  /**
   * The noise levels, largest first (Song & Ermon 2019: geometric from 1 to 0.01, 10 levels;
   * `geometricSigmas` makes such a ladder).
   */
  readonly sigmas: readonly number[] | Float64Array
}

/** Any training objective of this package. */
export type TrainingObjective = DiffusionObjective | FlowMatchingObjective | ScoreMatchingObjective

/** One training batch: the network's inputs and what it should output. */
export interface TrainingBatch {
  /** The network's input (x_t, or x̃ for score matching), the shape of the data. */
  readonly input: Tensor
  /**
   * `[B]` float: the network's time input — the integer step t for diffusion, t ∈ [0, 1] for
   * flow matching, {@link noiseLevelTime} of σ_i (in [0, 1]) for score matching.
   */
  readonly t: Tensor
  /** What the network should output, the shape of the data. */
  readonly target: Tensor
  /** `[B]`: the weight of each example's mean squared error. */
  readonly weights: Tensor
  /** int32 `[B]` labels after dropout (numClasses = no label), when labels were given. */
  readonly labels?: Tensor
}

/** Options of {@link makeTrainingBatch}. */
export interface TrainingBatchOptions {
  /** Draws t (or the level), the noise and the label dropout; three keys folded off it. */
  readonly key: Key
  /** int32 `[B]` class labels of the batch. */
  readonly labels?: Tensor
  /** Classes of the model: the null label is numClasses. Required with labels. */
  readonly numClasses?: number
  /** Probability of replacing a label by the null label (classifier-free guidance; Ho & Salimans 2022). Default 0. */
  readonly labelDropout?: number
  /** Fixed timesteps / levels / flow times instead of random ones (tests, evaluation). */
  readonly timesteps?: ArrayLike<number>
  /** Fixed standard normal noise of the data's size instead of a random draw. */
  readonly noise?: ArrayLike<number>
}

/**
 * Checks an objective and fills in its defaults.
 *
 * @param objective - the objective
 * @returns it, with prediction, weighting, snrGamma or sigmaMin set
 * @throws InvalidArgumentError naming the field that is wrong (an unknown kind or
 *   prediction, γ <= 0, a ladder that is not positive and decreasing, σ_min outside [0, 1))
 * @example
 * ```ts
 * validateObjective({ kind: 'diffusion', schedule: cosineSchedule({ numTimesteps: 1000 }), prediction: 'v' })
 * ```
 */
export function validateObjective(objective: TrainingObjective): TrainingObjective {
  const op = 'validateObjective'
  checkObject(op, 'objective', objective)
  checkChoice(op, 'objective.kind', objective.kind, ['diffusion', 'flow-matching', 'score-matching'])
  if (objective.kind === 'diffusion') {
    const s = objective.schedule as NoiseSchedule | undefined
    if (s === undefined || !(s.alphaBars instanceof Float64Array) || !(s.snr instanceof Float64Array)) {
      throw new InvalidArgumentError(
        op,
        'objective.schedule',
        `must be a NoiseSchedule, got ${s === undefined ? 'undefined' : 'an object without Float64Array alphaBars and snr'}`,
      )
    }
    const prediction = objective.prediction ?? 'epsilon'
    checkChoice(op, 'objective.prediction', prediction, ['epsilon', 'x0', 'v'])
    const weighting = objective.weighting ?? 'none'
    checkChoice(op, 'objective.weighting', weighting, ['none', 'min-snr', 'truncated-snr'])
    const snrGamma = objective.snrGamma ?? 5
    checkNumber(op, 'objective.snrGamma', snrGamma, { lo: 0, openLow: true })
    return { ...objective, prediction, weighting, snrGamma }
  }
  if (objective.kind === 'flow-matching') {
    const sigmaMin = objective.sigmaMin ?? 0
    checkNumber(op, 'objective.sigmaMin', sigmaMin, { lo: 0, hi: 1, openHigh: true })
    return { ...objective, sigmaMin }
  }
  const sigmas = objective.sigmas as unknown
  if (!(Array.isArray(sigmas) || sigmas instanceof Float64Array) || sigmas.length < 1) {
    throw new InvalidArgumentError(
      op,
      'objective.sigmas',
      `must be a non-empty array, got ${JSON.stringify(sigmas)}`,
    )
  }
  const levels = sigmas as ArrayLike<number>
  Array.from(levels).forEach((s, i) => {
    checkNumber(op, `objective.sigmas[${i}]`, s, { lo: 0, openLow: true })
    if (i > 0 && !(s < levels[i - 1])) {
      throw new InvalidArgumentError(
        op,
        'objective.sigmas',
        `must decrease (largest first), got ${levels[i - 1]} then ${s} at index ${i}`,
      )
    }
  })
  return objective
}

/**
 * The weight on the prediction's MSE of one example at SNR `snr` (see {@link LossWeighting}).
 *
 * @param prediction - what the network predicts
 * @param weighting - the scheme
 * @param snr - ᾱ_t / (1 − ᾱ_t) of the example's step
 * @param gamma - γ of min-SNR (default 5)
 * @returns the weight (1 for 'none')
 * @example
 * ```ts
 * lossWeight('epsilon', 'min-snr', 20, 5) // min(20, 5) / 20 = 0.25
 * ```
 */
export function lossWeight(prediction: Prediction, weighting: LossWeighting, snr: number, gamma = 5): number {
  if (weighting === 'none') return 1
  const lambda = weighting === 'min-snr' ? Math.min(snr, gamma) : Math.max(snr, 1)
  if (prediction === 'epsilon') return lambda / snr
  if (prediction === 'x0') return lambda
  return lambda / (snr + 1)
}

/**
 * The time input a score network sees for noise level σ on a ladder σ₀ > … > σ_{L−1}:
 * `ln(σ₀/σ) / ln(σ₀/σ_{L−1})`, 0 at the largest level and 1 at the smallest (0 for a one-level
 * ladder), so a net with timeScale 1000 embeds it like a flow time; any σ between the ends
 * gets a time between 0 and 1 too.
 *
 * @param sigma - the noise level
 * @param sigmas - the training ladder, largest first
 * @returns the time in [0, 1] for σ inside the ladder
 * @example
 * ```ts
 * noiseLevelTime(0.1, [1, 0.1, 0.01]) // 0.5
 * ```
 */
export function noiseLevelTime(sigma: number, sigmas: ArrayLike<number>): number {
  const span = Math.log(sigmas[0] / sigmas[sigmas.length - 1])
  return span === 0 ? 0 : Math.log(sigmas[0] / sigma) / span
}

function floats(backend: BackendV1, values: ArrayLike<number>, shape: readonly number[]): Tensor {
  return fromArray(values, { shape, backend, dtype: 'float32' })
}

function fixedOrDrawn(
  op: string,
  [argument, fixed]: readonly [string, ArrayLike<number> | undefined],
  count: number,
  draw: () => ArrayLike<number>,
): ArrayLike<number> {
  if (fixed === undefined) return draw()
  if (typeof fixed !== 'object' || fixed.length !== count) {
    throw new InvalidArgumentError(
      op,
      argument,
      `must hold ${count} numbers, got ${fixed === null ? 'null' : String(fixed.length)}`,
    )
  }
  return fixed
}

/**
 * Builds one training batch of an objective from clean data: draws the timestep (or flow
 * time, or noise level) of each example uniformly, the Gaussian noise, and the label dropout,
 * then forms the network's input, its target and each example's loss weight (see the module
 * comment for the formulas of each family).
 *
 * Shapes: x0 `[B, ...]` → input and target `[B, ...]`, t and weights `[B]`, labels `[B]`.
 *
 * @param objective - diffusion, flow matching or score matching
 * @param x0 - a batch of clean data (flow matching: x₁)
 * @param options - key, labels with numClasses and labelDropout, fixed timesteps / noise
 * @returns input, t, target, weights (and labels)
 * @throws InvalidArgumentError for a bad objective, labels without numClasses, a dropout
 *   outside [0, 1], or fixed values of the wrong length
 * @example
 * ```ts
 * const batch = makeTrainingBatch({ kind: 'flow-matching' }, x1, { key: fold(runKey, step) })
 * const loss = weightedMse(net(batch.input, batch.t), batch.target, batch.weights)
 * ```
 */
export function makeTrainingBatch(
  objective: TrainingObjective,
  x0: Tensor,
  options: TrainingBatchOptions,
): TrainingBatch {
  const op = 'makeTrainingBatch'
  const o = validateObjective(objective)
  checkTensor(op, 'x0', x0)
  checkObject(op, 'options', options)
  if (x0.rank < 1 || x0.shape[0] < 1) {
    throw new InvalidArgumentError(op, 'x0', `must be [B, ...] with B >= 1, got [${x0.shape.join(', ')}]`)
  }
  const batch = x0.shape[0]
  const backend = x0.backend
  const exact = backend.floatPrecision === 64
  const k = options.key
  const noise = fixedOrDrawn(op, ['options.noise', options.noise], x0.size, () =>
    exact ? normalFloats(fold(k, 1), x0.size, 'float64') : normalFloats(fold(k, 1), x0.size),
  )
  const eps = floats(backend, noise, x0.shape)
  const perExample = (values: ArrayLike<number>) => floats(backend, values, [batch])
  const broadcast = (values: ArrayLike<number>) =>
    floats(backend, values, [batch, ...new Array<number>(x0.rank - 1).fill(1)])
  let result: Omit<TrainingBatch, 'labels'>
  if (o.kind === 'diffusion') {
    const schedule = o.schedule
    const steps = Int32Array.from(
      fixedOrDrawn(op, ['options.timesteps', options.timesteps], batch, () =>
        randomIntegers(fold(k, 0), batch, 0, schedule.numTimesteps),
      ),
    )
    const input = qSample(schedule, x0, steps, eps)
    const target = o.prediction === 'x0' ? x0 : o.prediction === 'v' ? vTarget(schedule, x0, steps, eps) : eps
    const weights = Float64Array.from(steps, (t) =>
      lossWeight(o.prediction ?? 'epsilon', o.weighting ?? 'none', schedule.snr[t], o.snrGamma),
    )
    result = { input, t: perExample(steps), target, weights: perExample(weights) }
  } else if (o.kind === 'flow-matching') {
    const times = fixedOrDrawn(op, ['options.timesteps', options.timesteps], batch, () =>
      exact ? uniformFloats(fold(k, 0), batch, 'float64') : uniformFloats(fold(k, 0), batch),
    )
    const sigmaMin = o.sigmaMin ?? 0
    // x_t = (1 − (1 − σ_min) t) x₀ + t x₁ with x₀ the noise (eps) and x₁ the data (x0 here)
    const tb = broadcast(times)
    const keep = broadcast(Float64Array.from(times, (t) => 1 - (1 - sigmaMin) * t))
    const input = add(mul(keep, eps), mul(tb, x0))
    const target = sub(x0, mul(eps, 1 - sigmaMin))
    result = { input, t: perExample(times), target, weights: perExample(new Float64Array(batch).fill(1)) }
  } else {
    const { sigmas } = o
    const levels = fixedOrDrawn(op, ['options.timesteps', options.timesteps], batch, () =>
      randomIntegers(fold(k, 0), batch, 0, sigmas.length),
    )
    for (let i = 0; i < batch; i++) {
      const l = levels[i]
      if (!Number.isInteger(l) || l < 0 || l >= sigmas.length) {
        throw new InvalidArgumentError(
          op,
          'options.timesteps',
          `must be level indices in [0, ${sigmas.length - 1}], got ${l} at ${i}`,
        )
      }
    }
    const sigma = broadcast(Float64Array.from(levels, (l) => sigmas[l]))
    // x̃ = x + σ z; the network gives σ·s(x̃, σ), whose target is σ·∇ log q_σ(x̃ | x) = −z
    const input = add(x0, mul(sigma, eps))
    const times = Float64Array.from(levels, (l) => noiseLevelTime(sigmas[l], sigmas))
    result = {
      input,
      t: perExample(times),
      target: mul(eps, -1),
      weights: perExample(new Float64Array(batch).fill(1)),
    }
  }
  if (options.labels === undefined) return result
  return { ...result, labels: dropLabels(op, options, batch, backend) }
}

function dropLabels(op: string, options: TrainingBatchOptions, batch: number, backend: BackendV1): Tensor {
  const { labels, numClasses, labelDropout = 0 } = options
  checkTensor(op, 'options.labels', labels, 'int32')
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new InvalidArgumentError(
      op,
      'options.labels',
      `must be int32 [${batch}], got [${labels.shape.join(', ')}]`,
    )
  }
  checkInteger(op, 'options.numClasses', numClasses)
  checkNumber(op, 'options.labelDropout', labelDropout, { lo: 0, hi: 1 })
  if (labelDropout === 0) return labels
  const u = uniformFloats(fold(options.key, 2), batch, 'float64')
  const values = labels.dataSync()
  const dropped = Int32Array.from(values, (y, i) => (u[i] < labelDropout ? numClasses : y))
  return fromArray(dropped, { dtype: 'int32', backend })
}

/**
 * The weighted mean squared error `L = (1/B) Σ_b w_b · mean_d (ŷ_bd − y_bd)²`: the per-example
 * mean over every non-batch element, weighted, averaged over the batch. With unit weights it is
 * Ho et al.'s L_simple (up to their sum over dimensions) and the CFM loss of Lipman et al.
 * (2023, eq. 9); for score matching with target −z it is Song & Ermon's (2019, eq. 2) loss with
 * λ(σ) = σ², times 2/D.
 *
 * Shapes: prediction and target `[B, ...]`, weights `[B]` → scalar.
 *
 * @param prediction - the network's output
 * @param target - its target
 * @param weights - per-example weights
 * @returns the scalar loss
 * @throws InvalidArgumentError when the shapes disagree
 * @example
 * ```ts
 * const loss = weightedMse(net(batch.input, batch.t), batch.target, batch.weights)
 * ```
 */
export function weightedMse(prediction: Tensor, target: Tensor, weights: Tensor): Tensor {
  const op = 'weightedMse'
  checkTensor(op, 'prediction', prediction)
  checkTensor(op, 'target', target)
  checkTensor(op, 'weights', weights)
  const b = prediction.shape[0]
  if (
    prediction.rank < 1 ||
    prediction.rank !== target.rank ||
    prediction.shape.some((d, i) => d !== target.shape[i]) ||
    weights.rank !== 1 ||
    weights.shape[0] !== b
  ) {
    throw new InvalidArgumentError(
      op,
      'prediction',
      `must match target [${target.shape.join(', ')}] with weights [${b}], got [${prediction.shape.join(', ')}] and weights [${weights.shape.join(', ')}]`,
    )
  }
  const perExample = mean(reshape(square(sub(prediction, target)), [b, -1]), { axis: 1 })
  return mul(sum(mul(perExample, weights)), 1 / b)
}
