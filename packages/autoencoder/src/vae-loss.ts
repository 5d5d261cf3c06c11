/**
 * The per-example objectives: the VAE's evidence lower bound (ELBO) with its reconstruction
 * and KL terms, and the (sparse, denoising) autoencoder's reconstruction loss.
 */
import {
  abs,
  add,
  fromArray,
  InvalidArgumentError,
  type Key,
  log,
  mean,
  mul,
  normalFloats,
  reshape,
  sub,
  sum,
  type Tensor,
  zeros,
} from '@gen/core-tensor'
import type { AutoencoderConfig } from './config'
import { klToStdNormal, reparameterize, sumPerExample } from './losses'
import { type AutoencoderParams, type ConditionOptions, decode, encode, reconstructionLogLik } from './model'

/** Per-example terms of the VAE objective, all `[N]` tensors in nats. */
export interface ElboTerms {
  /** E_q[log p(x|z)], one sample: log p(x | z = μ + σ·ε). */
  readonly rec: Tensor
  /** KL(q(z|x) ‖ p(z)), closed form. */
  readonly kl: Tensor
  /** rec − kl (the ELBO, β = 1). */
  readonly elbo: Tensor
  /** The scalar to minimise: mean over the batch of −rec + β·kl. */
  readonly loss: Tensor
}

/** Options of {@link elboTerms}. */
export interface ElboOptions extends ConditionOptions {
  /** ε `[N, Z]`, the reparameterisation noise; drawn from `key` when absent. */
  readonly eps?: Tensor
  /** Key for ε when `eps` is absent. */
  readonly key?: Key
  /** KL weight of the loss (β-VAE, KL annealing). Default the config's beta. */
  readonly beta?: number
}

/**
 * The VAE's ELBO per example (Kingma & Welling 2014, eq. 10), with one reparameterised sample
 * and the closed-form KL:
 *
 * ```
 * ELBO(x) = log p(x | z) − KL(q(z|x) ‖ N(0, I)),   z = μ(x) + e^{½ logVar(x)} ⊙ ε
 * loss    = (1/N) Σ_n [ −log p(x_n | z_n) + β·KL_n ]      (β-VAE: Higgins et al. 2017)
 * ```
 *
 * Sums over pixels and latent dims, so every term is in nats per example and independent of
 * the batch size.
 *
 * @param config - a `kind: 'vae'` config
 * @param params - its parameters
 * @param x - `[N, D]` targets (binary for a Bernoulli decoder)
 * @param options - eps or key, labels, beta
 * @returns `{ rec, kl, elbo, loss }`
 * @throws ShapeError when the shapes do not fit
 * @example
 * ```ts
 * const { elbo } = elboTerms(config, params, x, { key: key(0) })
 * ```
 */
export function elboTerms(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: ElboOptions = {},
): ElboTerms {
  const { mu, logVar } = encode(config, params, x, options)
  if (logVar === undefined)
    throw new InvalidArgumentError('elboTerms', 'config.kind', `must be 'vae', got '${config.kind}'`)
  let eps = options.eps
  if (eps === undefined) {
    if (options.key === undefined)
      throw new InvalidArgumentError('elboTerms', 'options', 'must give eps or key, got neither')
    eps = fromArray(normalFloats(options.key, mu.size), { shape: mu.shape, backend: mu.backend })
  }
  const z = reparameterize(mu, logVar, eps)
  const out = decode(config, params, z, options)
  const flat = x.rank === 2 ? x : reshape(x, [x.shape[0], x.size / x.shape[0]])
  const rec = reconstructionLogLik(config, params, flat, out)
  const kl = klToStdNormal(mu, logVar)
  const beta = options.beta ?? config.beta ?? 1
  return { rec, kl, elbo: sub(rec, kl), loss: mean(add(mul(rec, -1), mul(kl, beta))) }
}

/** Per-example terms of the autoencoder objective, `[N]` tensors. */
export interface AeTerms {
  /** log p(x_clean | decoder(encoder(x_input))), nats. */
  readonly rec: Tensor
  /** The sparsity penalty (0 without sparsity); per example for L1, the batch's for KL sparsity. */
  readonly penalty: Tensor
  /** The scalar to minimise: mean(−rec) + mean(penalty). */
  readonly loss: Tensor
  /** The code `[N, Z]`. */
  readonly code: Tensor
  /** The decoder's output `[N, D]`. */
  readonly out: Tensor
}

/**
 * The autoencoder objective: the negative log-likelihood of the clean input under the decoder
 * fed the (possibly corrupted) input — a denoising AE (Vincent et al. 2008) when they differ —
 * plus the sparsity penalty: `weight·Σ_j |h_j|` (L1) or
 * `weight·Σ_j [ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j))]` with ρ̂_j the batch mean of the
 * sigmoid code (Ng 2011).
 *
 * @param config - a `kind: 'ae'` config
 * @param params - its parameters
 * @param clean - `[N, D]` targets
 * @param options - input: `[N, D]` what the encoder sees (default the clean input); labels
 * @returns `{ rec, penalty, loss, code, out }`
 * @example
 * ```ts
 * const { loss } = aeTerms(config, params, x, { input: corrupted })
 * ```
 */
export function aeTerms(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  clean: Tensor,
  options: ConditionOptions & { readonly input?: Tensor } = {},
): AeTerms {
  const code = encode(config, params, options.input ?? clean, options).mu
  const out = decode(config, params, code, options)
  const rec = reconstructionLogLik(config, params, clean, out)
  const n = code.shape[0]
  let penalty: Tensor = zeros([n], { backend: code.backend })
  const s = config.sparsity
  if (s?.type === 'l1') penalty = mul(sumPerExample(abs(code)), s.weight)
  else if (s?.type === 'kl') {
    const rhoHat = mean(code, { axis: 0 })
    const rho = s.target
    const kl = add(
      mul(sub(Math.log(rho), log(rhoHat)), rho),
      mul(sub(Math.log(1 - rho), log(sub(1, rhoHat))), 1 - rho),
    )
    // one batch-level penalty, reported on every example
    penalty = add(penalty, mul(sum(kl), s.weight))
  }
  return { rec, penalty, loss: add(mean(mul(rec, -1)), mean(penalty)), code, out }
}
