/**
 * Known targets for Langevin sampling, with log-densities built from core-tensor ops (so
 * autodiff gives their scores), exact moments and exact samplers to check a chain against.
 */
import {
  add,
  fromArray,
  logSumExp,
  mul,
  normalFloats,
  square,
  stack,
  sub,
  sum,
  slice,
  squeeze,
  type Key,
  type Tensor,
} from '@gen/core-tensor'
import { checkInteger, checkNumber } from '../schedule/check'
import {
  gaussianMixture,
  gaussianMixtureMoments,
  sampleGaussianMixture,
  type GaussianMixture,
} from '../samplers/exact-gaussian'
import type { LogDensity } from './langevin'

/** A target distribution on R^dim with its exact moments and an exact sampler. */
export interface LangevinTarget {
  /** Dimension D. */
  readonly dim: number
  /** log pi up to a constant: chains `[B, D]` -> `[B]`. */
  readonly logDensity: LogDensity
  /** Exact mean, `[D]`. */
  readonly mean: Float64Array
  /** Exact per-dimension variance, `[D]`. */
  readonly variance: Float64Array
  /** Exact samples, row-major `[count, D]` in float64. */
  readonly sample: (key: Key, count: number) => Float64Array
}

/**
 * A Gaussian mixture with diagonal covariances as a Langevin target:
 * log pi(x) = logsumexp_k (log w_k - sum_j [(x_j - mu_kj)^2 / (2 s_kj^2) + log s_kj]) (constant dropped).
 *
 * @param mixture - from `gaussianMixture`
 * @returns the target
 * @example
 * ```ts
 * const target = gaussianMixtureTarget(gaussianMixture([
 *   { weight: 1, mean: [-2, 0], std: 0.5 }, { weight: 1, mean: [2, 0], std: 0.5 },
 * ]))
 * ```
 */
export function gaussianMixtureTarget(mixture: GaussianMixture): LangevinTarget {
  const { dim, numComponents: K, weights, means, stds } = mixture
  const { mean, variance } = gaussianMixtureMoments(mixture)
  const logDensity: LogDensity = (x) => {
    const terms: Tensor[] = []
    for (let k = 0; k < K; k++) {
      const mu = fromArray(means.subarray(k * dim, (k + 1) * dim), { shape: [1, dim], backend: x.backend })
      const inverseStd = fromArray(
        stds.subarray(k * dim, (k + 1) * dim).map((s) => 1 / s),
        { shape: [1, dim], backend: x.backend },
      )
      let constant = Math.log(weights[k])
      for (let j = 0; j < dim; j++) constant -= Math.log(stds[k * dim + j])
      const z = mul(sub(x, mu), inverseStd)
      terms.push(add(mul(sum(square(z), { axis: 1 }), -0.5), constant))
    }
    return K === 1 ? terms[0] : logSumExp(stack(terms, 1), { axis: 1 })
  }
  return {
    dim,
    logDensity,
    mean,
    variance,
    sample: (key, count) => sampleGaussianMixture(mixture, key, count),
  }
}

/**
 * A Gaussian N(mean, diag std^2) as a Langevin target.
 *
 * @param options - mean `[D]` and std (a number or `[D]`, > 0)
 * @returns the target
 * @throws InvalidArgumentError for an empty mean or std <= 0
 * @example
 * ```ts
 * const target = gaussianTarget({ mean: [1, -1], std: [0.5, 2] })
 * ```
 */
export function gaussianTarget(options: {
  readonly mean: readonly number[]
  readonly std: number | readonly number[]
}): LangevinTarget {
  return gaussianMixtureTarget(gaussianMixture([{ weight: 1, mean: options.mean, std: options.std }]))
}

/**
 * The standard normal N(0, I_dim): log pi(x) = -|x|^2 / 2. For ULA with step h its
 * stationary variance is 1 / (1 - h/2) in every coordinate.
 *
 * @param dim - dimension D >= 1
 * @returns the target
 * @throws InvalidArgumentError for dim < 1
 * @example
 * ```ts
 * const target = standardNormalTarget(1)
 * ```
 */
export function standardNormalTarget(dim: number): LangevinTarget {
  checkInteger('standardNormalTarget', 'dim', dim)
  return gaussianTarget({ mean: new Array<number>(dim).fill(0), std: 1 })
}

/** Options of {@link bananaTarget}. */
export interface BananaOptions {
  /** Curvature b of the ridge y = b x^2. Default 1. */
  readonly curvature?: number
  /** Std of x. Default 1. */
  readonly scaleX?: number
  /** Std of y around the ridge. Default 0.5. */
  readonly scaleY?: number
}

/**
 * A 2-D banana (twisted Gaussian, Haario, Saksman & Tamminen 1999; the Rosenbrock-shaped
 * valley that defeats isotropic samplers): x ~ N(0, a^2), y | x ~ N(b x^2, c^2), so
 * log pi(x, y) = -x^2 / (2 a^2) - (y - b x^2)^2 / (2 c^2). Exact moments: E[x] = 0,
 * Var x = a^2, E[y] = b a^2, Var y = c^2 + 2 b^2 a^4.
 *
 * @param options - curvature b (1), scaleX a (1), scaleY c (0.5)
 * @returns the target
 * @throws InvalidArgumentError for a non-finite b or a, c <= 0
 * @example
 * ```ts
 * const banana = bananaTarget({ curvature: 0.5 })
 * ```
 */
export function bananaTarget(options: BananaOptions = {}): LangevinTarget {
  const op = 'bananaTarget'
  const b = options.curvature ?? 1
  const a = options.scaleX ?? 1
  const c = options.scaleY ?? 0.5
  checkNumber(op, 'curvature', b)
  checkNumber(op, 'scaleX', a, { lo: 0, openLow: true })
  checkNumber(op, 'scaleY', c, { lo: 0, openLow: true })
  const logDensity: LogDensity = (point) => {
    const x = squeeze(slice(point, [null, { start: 0, stop: 1 }]), 1)
    const y = squeeze(slice(point, [null, { start: 1, stop: 2 }]), 1)
    const ridge = sub(y, mul(square(x), b))
    return add(mul(square(x), -1 / (2 * a * a)), mul(square(ridge), -1 / (2 * c * c)))
  }
  return {
    dim: 2,
    logDensity,
    mean: Float64Array.from([0, b * a * a]),
    variance: Float64Array.from([a * a, c * c + 2 * b * b * a ** 4]),
    sample: (key, count) => {
      const z = normalFloats(key, 2 * count, 'float64')
      const out = new Float64Array(2 * count)
      for (let i = 0; i < count; i++) {
        const x = a * z[2 * i]
        out[2 * i] = x
        out[2 * i + 1] = b * x * x + c * z[2 * i + 1]
      }
      return out
    },
  }
}
