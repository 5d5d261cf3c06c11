/**
 * Exact models for Gaussian-mixture data, the oracles that every sampler is tested with and
 * a ground truth to compare trained models against. For data x_0 ~ sum_k w_k N(mu_k, diag s_k^2)
 * and y = c x_0 + d z with z ~ N(0, I), y is again a mixture, sum_k w_k N(c mu_k, diag(c^2 s_k^2 + d^2)),
 * with responsibilities r_k(y) and
 *
 *   grad log p(y)    = -sum_k r_k (y - c mu_k) / (c^2 s_k^2 + d^2)            (elementwise)
 *   E[z | y]         = -d grad log p(y)                                          (Tweedie)
 *   E[x_0 | y]       = sum_k r_k (mu_k + c s_k^2 (y - c mu_k) / (c^2 s_k^2 + d^2)).
 *
 * The diffusion noise predictor is E[z | y] with c = sqrt(alphaBar), d = sqrt(1 - alphaBar):
 * for one Gaussian, eps* = sqrt(1 - abar)(x_t - sqrt(abar) mu) / (abar s^2 + 1 - abar). The
 * flow velocity is E[x_data - x_noise | y] with c = t, d = 1 - t; the NCSN score is grad log p
 * with c = 1, d = sigma. Everything is computed on the host in float64 from `x.dataSync()`,
 * so the input must live on a backend with synchronous reads (cpu, reference).
 */
import {
  fromArray,
  InvalidArgumentError,
  normalFloats,
  split,
  uniformFloats,
  type Key,
  type Tensor,
} from '@gen/core-tensor'
import { checkFloatTensor, checkInteger, describe } from '../schedule/check'
import { checkSchedule, type NoiseSchedule } from '../schedule/noise-schedule'
import type { NoisePredictor, ScoreFunction, VelocityField } from './types'

/** One component of a Gaussian mixture: weight (> 0, normalised over the mixture), mean, and std (one per dimension, or one for all). */
export interface GaussianComponent {
  readonly weight: number
  readonly mean: readonly number[]
  readonly std: number | readonly number[]
}

/** A checked Gaussian mixture with diagonal covariances, row-major `[K, dim]` tables. */
export interface GaussianMixture {
  readonly dim: number
  readonly numComponents: number
  /** Normalised weights, `[K]`. */
  readonly weights: Float64Array
  /** Means, `[K, dim]`. */
  readonly means: Float64Array
  /** Standard deviations, `[K, dim]`, each > 0. */
  readonly stds: Float64Array
}

/**
 * Builds a Gaussian mixture with diagonal covariances from its components (a single
 * component is a Gaussian).
 *
 * @param components - weight, mean and std of each component; all of one dimension
 * @returns the mixture, weights normalised
 * @throws InvalidArgumentError for no components, ragged means, weights <= 0 or stds <= 0
 * @example
 * ```ts
 * const twoModes = gaussianMixture([
 *   { weight: 1, mean: [-2, 0], std: 0.5 },
 *   { weight: 1, mean: [2, 0], std: 0.5 },
 * ])
 * ```
 */
export function gaussianMixture(components: readonly GaussianComponent[]): GaussianMixture {
  const op = 'gaussianMixture'
  if (!Array.isArray(components) || components.length === 0) {
    throw new InvalidArgumentError(op, 'components', `must be a non-empty array, got ${describe(components)}`)
  }
  const list = components as readonly GaussianComponent[]
  const first = list[0] as GaussianComponent | undefined
  const dim = Array.isArray(first?.mean) ? first.mean.length : 0
  if (dim < 1)
    throw new InvalidArgumentError(
      op,
      'components[0].mean',
      `must be a non-empty array, got ${describe(first?.mean)}`,
    )
  const K = list.length
  const weights = new Float64Array(K)
  const means = new Float64Array(K * dim)
  const stds = new Float64Array(K * dim)
  let total = 0
  list.forEach((c, k) => {
    if (!(typeof c.weight === 'number' && c.weight > 0 && Number.isFinite(c.weight))) {
      throw new InvalidArgumentError(
        op,
        `components[${k}].weight`,
        `must be a finite number > 0, got ${describe(c.weight)}`,
      )
    }
    const mean: readonly number[] = c.mean
    if (!Array.isArray(mean) || mean.length !== dim || c.mean.some((v) => !Number.isFinite(v))) {
      throw new InvalidArgumentError(
        op,
        `components[${k}].mean`,
        `must hold ${dim} finite numbers, got ${describe(c.mean)}`,
      )
    }
    const std: unknown = typeof c.std === 'number' ? new Array<number>(dim).fill(c.std) : c.std
    if (!isNumberList(std, dim, (v) => v > 0 && Number.isFinite(v))) {
      throw new InvalidArgumentError(
        op,
        `components[${k}].std`,
        `must be a number > 0 or ${dim} numbers > 0, got ${describe(c.std)}`,
      )
    }
    weights[k] = c.weight
    total += c.weight
    for (let j = 0; j < dim; j++) {
      means[k * dim + j] = (mean as readonly number[])[j]
      stds[k * dim + j] = std[j]
    }
  })
  for (let k = 0; k < K; k++) weights[k] /= total
  return { dim, numComponents: K, weights, means, stds }
}

function isNumberList(
  value: unknown,
  length: number,
  ok: (v: number) => boolean,
): value is readonly number[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && ok(v))
}

function checkMixture(op: string, mixture: unknown): asserts mixture is GaussianMixture {
  const m = mixture as GaussianMixture
  if (
    typeof mixture !== 'object' ||
    mixture === null ||
    !(m.weights instanceof Float64Array) ||
    !(m.stds instanceof Float64Array)
  ) {
    throw new InvalidArgumentError(
      op,
      'mixture',
      `must be a GaussianMixture from gaussianMixture(), got ${describe(mixture)}`,
    )
  }
}

/**
 * Mean and per-dimension variance of a mixture: m = sum_k w_k mu_k,
 * var = sum_k w_k (s_k^2 + mu_k^2) - m^2.
 *
 * @param mixture - the mixture
 * @returns mean `[dim]` and variance `[dim]`
 * @example
 * ```ts
 * gaussianMixtureMoments(twoModes).variance // Float64Array [4.25, 0.25]
 * ```
 */
export function gaussianMixtureMoments(mixture: GaussianMixture): {
  mean: Float64Array
  variance: Float64Array
} {
  checkMixture('gaussianMixtureMoments', mixture)
  const { dim, numComponents: K, weights, means, stds } = mixture
  const mean = new Float64Array(dim)
  const second = new Float64Array(dim)
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < dim; j++) {
      const mu = means[k * dim + j]
      mean[j] += weights[k] * mu
      second[j] += weights[k] * (stds[k * dim + j] ** 2 + mu * mu)
    }
  }
  return { mean, variance: second.map((s, j) => s - mean[j] ** 2) }
}

/**
 * Exact samples of a mixture: a component by inverse CDF of the weights, then mu + s z.
 *
 * @param mixture - the mixture
 * @param key - the random key
 * @param count - number of samples (>= 1)
 * @returns row-major `[count, dim]` float64 samples
 * @throws InvalidArgumentError for a bad mixture or count
 * @example
 * ```ts
 * const exact = sampleGaussianMixture(twoModes, key(1), 10_000) // Float64Array of 20,000
 * ```
 */
export function sampleGaussianMixture(mixture: GaussianMixture, key: Key, count: number): Float64Array {
  const op = 'sampleGaussianMixture'
  checkMixture(op, mixture)
  checkInteger(op, 'count', count)
  const { dim, numComponents: K, weights, means, stds } = mixture
  const [pickKey, noiseKey] = split(key)
  const u = uniformFloats(pickKey, count, 'float64')
  const z = normalFloats(noiseKey, count * dim, 'float64')
  const out = new Float64Array(count * dim)
  for (let i = 0; i < count; i++) {
    let k = 0
    let cumulative = weights[0]
    while (k < K - 1 && u[i] >= cumulative) cumulative += weights[++k]
    for (let j = 0; j < dim; j++) out[i * dim + j] = means[k * dim + j] + stds[k * dim + j] * z[i * dim + j]
  }
  return out
}

interface Conditional {
  /** grad log p(y), `[B, dim]`. */
  readonly score: Float64Array
  /** E[x_0 | y], `[B, dim]`. */
  readonly meanX0: Float64Array
}

/** The score and posterior mean of y = c_i x_0 + d_i z, row i of `y` with its own (c_i, d_i). */
function conditional(
  mixture: GaussianMixture,
  y: ArrayLike<number>,
  c: Float64Array,
  d: Float64Array,
): Conditional {
  const { dim, numComponents: K, weights, means, stds } = mixture
  const B = c.length
  const score = new Float64Array(B * dim)
  const meanX0 = new Float64Array(B * dim)
  const weight = new Float64Array(K)
  // per (c, d): 1 / variance, c s^2 / variance and the log normaliser of every component,
  // recomputed only when a row's (c, d) differs from the previous row's (samplers pass one t)
  const inverse = new Float64Array(K * dim)
  const gain = new Float64Array(K * dim)
  const shift = new Float64Array(K * dim)
  const logNorm = new Float64Array(K)
  let lastC = Number.NaN
  let lastD = Number.NaN
  for (let i = 0; i < B; i++) {
    if (c[i] !== lastC || d[i] !== lastD) {
      lastC = c[i]
      lastD = d[i]
      for (let k = 0; k < K; k++) {
        let l = Math.log(weights[k])
        for (let j = 0; j < dim; j++) {
          const s2 = stds[k * dim + j] ** 2
          const v = lastC * lastC * s2 + lastD * lastD
          inverse[k * dim + j] = 1 / v
          gain[k * dim + j] = (lastC * s2) / v
          shift[k * dim + j] = lastC * means[k * dim + j]
          l -= 0.5 * Math.log(v)
        }
        logNorm[k] = l
      }
    }
    let maxLog = -Infinity
    for (let k = 0; k < K; k++) {
      let l = logNorm[k]
      for (let j = 0; j < dim; j++) {
        const r = y[i * dim + j] - shift[k * dim + j]
        l -= 0.5 * r * r * inverse[k * dim + j]
      }
      weight[k] = l
      if (l > maxLog) maxLog = l
    }
    let norm = 0
    for (let k = 0; k < K; k++) {
      weight[k] = K === 1 ? 1 : Math.exp(weight[k] - maxLog)
      norm += weight[k]
    }
    for (let k = 0; k < K; k++) {
      const r = weight[k] / norm
      for (let j = 0; j < dim; j++) {
        const residual = y[i * dim + j] - shift[k * dim + j]
        score[i * dim + j] -= r * residual * inverse[k * dim + j]
        meanX0[i * dim + j] += r * (means[k * dim + j] + gain[k * dim + j] * residual)
      }
    }
  }
  return { score, meanX0 }
}

/** Reads `x` as `[B, dim]` and the per-example times, checking shapes. */
function readInput(
  op: string,
  mixture: GaussianMixture,
  x: Tensor,
  t: Tensor,
): { y: ArrayLike<number>; times: ArrayLike<number> } {
  checkFloatTensor(op, 'x', x, 2)
  if (x.rank !== 2 || x.shape[1] !== mixture.dim) {
    throw new InvalidArgumentError(
      op,
      'x',
      `must be [B, ${mixture.dim}] for this mixture, got [${x.shape.join(', ')}]`,
    )
  }
  if (t.rank !== 1 || t.shape[0] !== x.shape[0]) {
    throw new InvalidArgumentError(op, 't', `must be [${x.shape[0]}], got [${t.shape.join(', ')}]`)
  }
  return { y: x.dataSync(), times: t.dataSync() }
}

/**
 * The exact noise predictor of the VP diffusion for mixture data: eps*(x_t, t) = E[eps | x_t]
 * = -sqrt(1 - abar_t) grad log q_t(x_t), with q_t the mixture noised by the schedule (module
 * comment). For N(mu, s^2): eps* = sqrt(1 - abar)(x_t - sqrt(abar) mu) / (abar s^2 + 1 - abar).
 *
 * Shapes: x `[B, dim]`, t `[B]` integer timesteps; result `[B, dim]` on x's backend.
 *
 * @param mixture - the data distribution
 * @param schedule - the noise schedule
 * @returns a NoisePredictor
 * @throws InvalidArgumentError (when called) for x not `[B, dim]` or t not integers in [0, T)
 * @example
 * ```ts
 * const model = gaussianMixtureNoisePredictor(twoModes, cosineSchedule({ numTimesteps: 1000 }))
 * const samples = ddimSample(model, { schedule, key: key(0), shape: [1000, 2], numSteps: 100 })
 * ```
 */
export function gaussianMixtureNoisePredictor(
  mixture: GaussianMixture,
  schedule: NoiseSchedule,
): NoisePredictor {
  const op = 'gaussianMixtureNoisePredictor'
  checkMixture(op, mixture)
  checkSchedule(op, schedule)
  return (x, t) => {
    const { y, times } = readInput(op, mixture, x, t)
    const B = x.shape[0]
    const c = new Float64Array(B)
    const d = new Float64Array(B)
    for (let i = 0; i < B; i++) {
      const step = times[i]
      if (!Number.isInteger(step) || step < 0 || step >= schedule.numTimesteps) {
        throw new InvalidArgumentError(
          op,
          't',
          `must be integers in [0, ${schedule.numTimesteps - 1}], got ${step}`,
        )
      }
      c[i] = schedule.sqrtAlphaBars[step]
      d[i] = schedule.sqrtOneMinusAlphaBars[step]
    }
    const { score } = conditional(mixture, y, c, d)
    for (let i = 0; i < score.length; i++) score[i] *= -d[Math.floor(i / mixture.dim)]
    return fromArray(score, { shape: x.shape, backend: x.backend, dtype: 'float32' })
  }
}

/**
 * The exact flow-matching velocity for mixture data, in this package's convention
 * x_t = (1 - t) x_noise + t x_data, v = x_data - x_noise (see {@link VelocityField}):
 * v*(x, t) = E[x_data | x_t = x] - E[x_noise | x_t = x] (Lipman et al. 2023, eq. 8 marginalised;
 * Liu et al. 2023). For N(mu, s^2): v* = mu + (t s^2 - (1 - t)) (x - t mu) / (t^2 s^2 + (1 - t)^2).
 *
 * Shapes: x `[B, dim]`, t `[B]` in [0, 1]; result `[B, dim]` on x's backend.
 *
 * @param mixture - the data distribution
 * @returns a VelocityField
 * @throws InvalidArgumentError (when called) for x not `[B, dim]` or t outside [0, 1]
 * @example
 * ```ts
 * const samples = flowSample(gaussianMixtureVelocity(twoModes), { key: key(0), shape: [1000, 2], numSteps: 50 })
 * ```
 */
export function gaussianMixtureVelocity(mixture: GaussianMixture): VelocityField {
  const op = 'gaussianMixtureVelocity'
  checkMixture(op, mixture)
  return (x, t) => {
    const { y, times } = readInput(op, mixture, x, t)
    const B = x.shape[0]
    const c = new Float64Array(B)
    const d = new Float64Array(B)
    for (let i = 0; i < B; i++) {
      if (!(times[i] >= 0 && times[i] <= 1)) {
        throw new InvalidArgumentError(op, 't', `must lie in [0, 1], got ${times[i]}`)
      }
      c[i] = times[i]
      d[i] = 1 - times[i]
    }
    const { score, meanX0 } = conditional(mixture, y, c, d)
    // v = E[x_data | y] - E[z | y] with E[z | y] = -d score
    const v = new Float64Array(score.length)
    for (let i = 0; i < v.length; i++) v[i] = meanX0[i] + d[Math.floor(i / mixture.dim)] * score[i]
    return fromArray(v, { shape: x.shape, backend: x.backend, dtype: 'float32' })
  }
}

/**
 * The exact noise-conditional score for mixture data: grad log p_sigma(x), p_sigma = data
 * convolved with N(0, sigma^2 I) (Song & Ermon 2019), i.e.
 * -sum_k r_k (x - mu_k) / (s_k^2 + sigma^2). sigma = 0 is the data's own score.
 *
 * Shapes: x `[B, dim]`, sigma `[B]` (>= 0); result `[B, dim]` on x's backend.
 *
 * @param mixture - the data distribution
 * @returns a ScoreFunction
 * @throws InvalidArgumentError (when called) for x not `[B, dim]` or a negative sigma
 * @example
 * ```ts
 * const samples = annealedLangevinSample(gaussianMixtureScore(twoModes), { key: key(0), shape: [1000, 2], sigmas })
 * ```
 */
export function gaussianMixtureScore(mixture: GaussianMixture): ScoreFunction {
  const op = 'gaussianMixtureScore'
  checkMixture(op, mixture)
  return (x, sigma) => {
    const { y, times } = readInput(op, mixture, x, sigma)
    const B = x.shape[0]
    const c = new Float64Array(B).fill(1)
    const d = new Float64Array(B)
    for (let i = 0; i < B; i++) {
      if (!(times[i] >= 0)) throw new InvalidArgumentError(op, 'sigma', `must be >= 0, got ${times[i]}`)
      d[i] = times[i]
    }
    const { score } = conditional(mixture, y, c, d)
    return fromArray(score, { shape: x.shape, backend: x.backend, dtype: 'float32' })
  }
}
