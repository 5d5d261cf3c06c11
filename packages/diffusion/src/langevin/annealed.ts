/**
 * Annealed Langevin dynamics over a ladder of noise levels (Song & Ermon 2019, "Generative
 * modeling by estimating gradients of the data distribution", Algorithm 1).
 */
import { checkOptions, InvalidArgumentError, mul, tidy, type Tensor } from '@gen/core-tensor'
import { checkFunction, checkInteger, checkNumber } from '../schedule/check'
import { callModel, combine, startState, stepNoise } from '../samplers/internal'
import type { SamplerStart, ScoreFunction } from '../samplers/types'

/**
 * `count` noise levels in geometric progression from sigmaMax down to sigmaMin (NCSN's
 * ladder, Song & Ermon 2019, Sec. 4.2): sigma_i = sigmaMax (sigmaMin / sigmaMax)^(i / (count - 1)).
 *
 * @param sigmaMax - the largest level (> sigmaMin)
 * @param sigmaMin - the smallest level (> 0)
 * @param count - number of levels (>= 2)
 * @returns a decreasing Float64Array
 * @throws InvalidArgumentError for sigmaMin <= 0, sigmaMax <= sigmaMin or count < 2
 * @example
 * ```ts
 * geometricSigmas(1, 0.01, 3) // Float64Array [1, 0.1, 0.01]
 * ```
 */
export function geometricSigmas(sigmaMax: number, sigmaMin: number, count: number): Float64Array {
  const op = 'geometricSigmas'
  checkNumber(op, 'sigmaMin', sigmaMin, { lo: 0, openLow: true })
  checkNumber(op, 'sigmaMax', sigmaMax, { lo: sigmaMin, openLow: true })
  checkInteger(op, 'count', count, 2)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = sigmaMax * (sigmaMin / sigmaMax) ** (i / (count - 1))
  out[count - 1] = sigmaMin
  return out
}

/** Options of {@link annealedLangevinSample}. */
export interface AnnealedLangevinOptions extends SamplerStart {
  /** The noise levels, strictly decreasing, all > 0. */
  readonly sigmas: readonly number[] | Float64Array
  /** Langevin steps per level (T in the paper). Default 100. */
  readonly stepsPerLevel?: number
  /** epsilon: the step at level i is alpha_i = epsilon sigma_i^2 / sigma_L^2. Default 2e-5 (the paper's). */
  readonly stepSize?: number
  /** End with the denoising step x + sigma_L^2 s(x, sigma_L) (Tweedie; Song & Ermon 2020). Default true. */
  readonly denoiseLastStep?: boolean
}

/**
 * Annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1): for each level sigma_i, from
 * the largest down, run `stepsPerLevel` Langevin steps
 * x <- x + (alpha_i / 2) s(x, sigma_i) + sqrt(alpha_i) z with alpha_i = epsilon sigma_i^2 / sigma_L^2,
 * then (by default) one denoising step x + sigma_L^2 s(x, sigma_L), the posterior mean of
 * the clean data (Tweedie's formula; Song & Ermon 2020, "Improved techniques", Appendix C).
 * When `initialNoise` is not given, the start is N(0, sigma_1^2 I): the data convolved with
 * the largest level is close to that.
 *
 * Shapes: `shape` (or initialNoise) `[B, ...]`; the score gets `[B, ...]` and sigma `[B]`; result `[B, ...]`.
 *
 * @param score - s_theta(x, sigma)
 * @param options - sigmas, stepsPerLevel (100), stepSize epsilon (2e-5), denoiseLastStep (true), key, shape or initialNoise, onStep
 * @returns samples, `[B, ...]`
 * @throws InvalidArgumentError for sigmas that are not strictly decreasing and positive, epsilon <= 0, stepsPerLevel < 1, a bad key or shape
 * @example
 * ```ts
 * const sigmas = geometricSigmas(5, 0.01, 10)
 * const x = annealedLangevinSample(score, { sigmas, stepSize: 5e-5, key: key(0), shape: [1000, 2] })
 * ```
 */
export function annealedLangevinSample(score: ScoreFunction, options: AnnealedLangevinOptions): Tensor {
  const op = 'annealedLangevinSample'
  checkFunction(op, 'score', score)
  checkOptions(op, options)
  const sigmas = options.sigmas as unknown
  if (!(Array.isArray(sigmas) || sigmas instanceof Float64Array) || sigmas.length < 1) {
    throw new InvalidArgumentError(op, 'sigmas', 'must be a non-empty array of noise levels')
  }
  const levels = Float64Array.from(sigmas as ArrayLike<number>)
  for (let i = 0; i < levels.length; i++) {
    if (!(levels[i] > 0 && Number.isFinite(levels[i])) || (i > 0 && !(levels[i] < levels[i - 1]))) {
      throw new InvalidArgumentError(
        op,
        'sigmas',
        `must be positive and strictly decreasing, got ${levels[i]} at index ${i}${i > 0 ? ` after ${levels[i - 1]}` : ''}`,
      )
    }
  }
  const stepsPerLevel = options.stepsPerLevel ?? 100
  checkInteger(op, 'stepsPerLevel', stepsPerLevel)
  const epsilon = options.stepSize ?? 2e-5
  checkNumber(op, 'stepSize', epsilon, { lo: 0, openLow: true })
  const start = startState(op, options)
  const sigmaLast = levels[levels.length - 1]
  const owned = options.initialNoise === undefined
  let x = owned ? tidy(() => mul(start.x, levels[0])) : start.x
  if (owned) start.x.dispose()
  const numSteps = levels.length * stepsPerLevel
  let step = 0
  for (const sigma of levels) {
    const alpha = (epsilon * sigma * sigma) / (sigmaLast * sigmaLast)
    for (let k = 0; k < stepsPerLevel; k++, step++) {
      const current = x
      x = tidy(() => {
        const s = callModel(op, score, current, sigma)
        const next = combine([
          [1, current],
          [alpha / 2, s],
          [Math.sqrt(alpha), stepNoise(start.stepKey, step, current)],
        ])
        start.onStep?.({ step, numSteps, t: sigma, x: next })
        return next
      })
      if (current !== start.x || owned) current.dispose()
    }
  }
  if (options.denoiseLastStep ?? true) {
    const current = x
    x = tidy(() => {
      const s = callModel(op, score, current, sigmaLast)
      return combine([
        [1, current],
        [sigmaLast * sigmaLast, s],
      ])
    })
    if (current !== start.x || owned) current.dispose()
  }
  return x
}
