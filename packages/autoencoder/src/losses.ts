/**
 * Per-example loss terms of autoencoders and VAEs, in nats: the closed-form Gaussian KL, the
 * decoders' log-likelihoods (Bernoulli, Gaussian, continuous Bernoulli) summed over every
 * pixel, the reparameterised sample and a stable log-mean-exp.
 */
import {
  abs,
  add,
  clamp,
  exp,
  expm1,
  InvalidArgumentError,
  less,
  log,
  logSumExp,
  mul,
  reciprocal,
  ShapeError,
  softplus,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  where,
} from '@gen/core-tensor'

const LOG_2PI = Math.log(2 * Math.PI)

function checkPair(op: string, names: readonly [string, string], a: Tensor, b: Tensor): void {
  if (a.rank < 1 || a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      op,
      `${names[0]} and ${names[1]} must have one shape [N, ...], got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
      [a.shape, b.shape],
    )
  }
}

/** Sums every axis but the first: `[N, ...] → [N]`. */
export function sumPerExample(t: Tensor): Tensor {
  if (t.rank < 1) throw new ShapeError('sumPerExample', `t must be [N, ...], got a scalar`, [t.shape])
  if (t.rank === 1) return t
  return sum(t, { axis: Array.from({ length: t.rank - 1 }, (_, i) => i + 1) })
}

/**
 * KL divergence of the encoder's diagonal Gaussian from the standard-normal prior, summed over
 * the latent dims, per example (Kingma & Welling 2014, "Auto-Encoding Variational Bayes",
 * Appendix B; case H7):
 *
 * ```
 * KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (e^{logVar_j} + μ_j² − 1 − logVar_j),   σ_j = e^{½·logVar_j}
 * ```
 *
 * It is ≥ 0, and exactly 0 at μ = 0, logVar = 0; ∂/∂μ = μ, ∂/∂logVar = ½(e^logVar − 1).
 *
 * @param mu - μ, `[N, Z]`
 * @param logVar - log σ², `[N, Z]`
 * @returns `[N]`, nats per example
 * @throws ShapeError when the shapes differ or are scalars
 * @example
 * ```ts
 * klToStdNormal(fromArray([[1, 0]]), fromArray([[0, Math.log(4)]])).toArray() // [1.3068528]
 * ```
 */
export function klToStdNormal(mu: Tensor, logVar: Tensor): Tensor {
  checkPair('klToStdNormal', ['mu', 'logVar'], mu, logVar)
  // (e^lv − lv − 1) + μ²: the first bracket is ≥ 0 for every lv, so no cancellation sign issue
  const terms = add(sub(sub(exp(logVar), logVar), 1), square(mu))
  return mul(sumPerExample(terms), 0.5)
}

/**
 * Reparameterised sample of the encoder's Gaussian (Kingma & Welling 2014, §2.4):
 * `z = μ + e^{½·logVar} · ε` with ε ~ N(0, I) given, so z is differentiable in μ and logVar.
 *
 * @param mu - μ, any shape
 * @param logVar - log σ², the same shape
 * @param eps - ε, the same shape (or broadcasting against it, e.g. `[K, N, Z]` against `[N, Z]`)
 * @returns z
 * @example
 * ```ts
 * reparameterize(fromArray([1]), fromArray([Math.log(4)]), fromArray([0.5])).item() // 2
 * ```
 */
export function reparameterize(mu: Tensor, logVar: Tensor, eps: Tensor): Tensor {
  return add(mu, mul(exp(mul(logVar, 0.5)), eps))
}

/**
 * Log-likelihood of x under independent Bernoulli(σ(ℓ)) pixels, summed over every pixel, per
 * example, in the overflow-free form `x·ℓ − softplus(ℓ)` (finite at logits ±100 and beyond):
 *
 * ```
 * log p(x | ℓ) = Σ_i x_i·log σ(ℓ_i) + (1 − x_i)·log(1 − σ(ℓ_i))
 * ```
 *
 * @param x - observations in [0, 1], `[N, ...]`
 * @param logits - ℓ, the same shape
 * @returns `[N]`, nats (≤ 0 for binary x)
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * bernoulliLogLik(fromArray([[1, 0]]), fromArray([[0, 0]])).toArray() // [−2 ln 2]
 * ```
 */
export function bernoulliLogLik(x: Tensor, logits: Tensor): Tensor {
  checkPair('bernoulliLogLik', ['x', 'logits'], x, logits)
  return sumPerExample(sub(mul(x, logits), softplus(logits)))
}

/**
 * Log-density of x under independent Gaussians N(mean, e^logVar) per pixel, summed, per example:
 *
 * ```
 * log p(x | μ, σ²) = −½ Σ_i (log 2π + logVar_i + (x_i − μ_i)² e^{−logVar_i})
 * ```
 *
 * @param x - observations `[N, ...]`
 * @param mean - μ, the same shape
 * @param logVar - log σ², the same shape, or a number for one fixed variance
 * @returns `[N]`, nats
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * gaussianLogLik(fromArray([[0]]), fromArray([[0]]), 0).toArray() // [−½ ln 2π]
 * ```
 */
export function gaussianLogLik(x: Tensor, mean: Tensor, logVar: Tensor | number): Tensor {
  checkPair('gaussianLogLik', ['x', 'mean'], x, mean)
  if (typeof logVar === 'number') {
    if (!Number.isFinite(logVar)) {
      throw new InvalidArgumentError('gaussianLogLik', 'logVar', `must be finite, got ${logVar}`)
    }
    const q = mul(sumPerExample(square(sub(x, mean))), -0.5 * Math.exp(-logVar))
    const perPixel = x.size / Math.max(1, x.shape[0])
    return add(q, -0.5 * perPixel * (LOG_2PI + logVar))
  }
  const quadratic = mul(square(sub(x, mean)), exp(mul(logVar, -1)))
  return mul(sumPerExample(add(add(quadratic, logVar), LOG_2PI)), -0.5)
}

/**
 * Log-normaliser of the continuous Bernoulli with logit ℓ (Loaiza-Ganem & Cunningham 2019,
 * "The continuous Bernoulli", eq. 7), λ = σ(ℓ):
 *
 * ```
 * C(λ) = 2·artanh(1 − 2λ) / (1 − 2λ) = ℓ / tanh(ℓ/2),   C = 2 at ℓ = 0
 * ```
 *
 * Near ℓ = 0 the Taylor form `log 2 + ℓ²/12 − 7ℓ⁴/1440` is used (error below 1e-12 for |ℓ| < 0.01).
 *
 * @param logits - ℓ, any shape
 * @returns log C, the same shape
 * @example
 * ```ts
 * continuousBernoulliLogNorm(fromArray([0])).item() // ln 2
 * ```
 */
export function continuousBernoulliLogNorm(logits: Tensor): Tensor {
  const a = abs(logits)
  const small = less(a, 1e-2)
  // the far branch sees ℓ = 1 where ℓ is small, so neither branch produces inf or NaN gradients
  const safe = where(small, 1, a)
  const far = sub(log(safe), log(tanh(mul(safe, 0.5))))
  const l2 = square(logits)
  const near = add(sub(mul(l2, 1 / 12), mul(square(l2), 7 / 1440)), Math.LN2)
  return where(small, near, far)
}

/**
 * Log-density of x ∈ [0, 1] under independent continuous Bernoulli pixels (Loaiza-Ganem &
 * Cunningham 2019), the proper likelihood for grey levels:
 * `log p(x | ℓ) = Σ_i x_i·ℓ_i − softplus(ℓ_i) + log C(σ(ℓ_i))`, per example.
 *
 * @param x - observations in [0, 1], `[N, ...]`
 * @param logits - ℓ, the same shape
 * @returns `[N]`, nats
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * continuousBernoulliLogLik(fromArray([[0.3]]), fromArray([[0]])).toArray() // [0] (uniform density)
 * ```
 */
export function continuousBernoulliLogLik(x: Tensor, logits: Tensor): Tensor {
  checkPair('continuousBernoulliLogLik', ['x', 'logits'], x, logits)
  return sumPerExample(add(sub(mul(x, logits), softplus(logits)), continuousBernoulliLogNorm(logits)))
}

/**
 * Mean of the continuous Bernoulli with logit ℓ (the decoder's grey-level reconstruction):
 * `E[x] = λ/(2λ − 1) + 1/(2·artanh(1 − 2λ))`, which with λ = σ(ℓ) is `1/(1 − e^{−ℓ}) − 1/ℓ`
 * (½ at ℓ = 0; Taylor `½ + ℓ/12` near 0).
 *
 * @param logits - ℓ, any shape
 * @returns the means, in (0, 1)
 * @example
 * ```ts
 * continuousBernoulliMean(fromArray([0])).item() // 0.5
 * ```
 */
export function continuousBernoulliMean(logits: Tensor): Tensor {
  const small = less(abs(logits), 1e-3)
  // clamp to ±50 so e^{±ℓ} stays finite in float32 (the mean is within 2e-22 of its limit there)
  const safe = clamp(where(small, 1, logits), -50, 50)
  const far = sub(reciprocal(mul(expm1(mul(safe, -1)), -1)), reciprocal(safe))
  const near = add(mul(logits, 1 / 12), 0.5)
  return where(small, near, far)
}

/**
 * `log (1/K) Σ_k e^{a_k}` along an axis, stable for any magnitudes (the IWAE bound's core).
 *
 * @param a - values
 * @param axis - the axis to average over
 * @returns the reduced tensor
 * @example
 * ```ts
 * logMeanExp(fromArray([1000, 1000]), 0).item() // 1000
 * ```
 */
export function logMeanExp(a: Tensor, axis: number): Tensor {
  const k = a.shape[axis < 0 ? a.rank + axis : axis]
  return sub(logSumExp(a, { axis }), Math.log(k))
}
