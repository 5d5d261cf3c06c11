/**
 * GAN objectives on the discriminator's raw outputs (logits for the minimax family, scores
 * for the Wasserstein and hinge critics). Each returns a scalar to be minimised by the player
 * it names; gradients come from core-tensor's autodiff.
 */
import { add, mean, neg, relu, reshape, softplus, sub, type Tensor } from '@gen/core-tensor'
import { checkScores } from './internal/check'

/** The adversarial objectives the training loop knows. */
export type GanLoss = 'minimax' | 'non-saturating' | 'wasserstein' | 'hinge'

const flat = (x: Tensor): Tensor => reshape(x, [x.shape[0]])

/**
 * The discriminator's loss of the original GAN (Goodfellow et al. 2014, eq. 1), on logits
 * `D(x) = σ(ℓ)`: the binary cross-entropy with real = 1, fake = 0,
 *
 * ```
 * L_D = −E log σ(ℓ_real) − E log(1 − σ(ℓ_fake)) = E softplus(−ℓ_real) + E softplus(ℓ_fake)
 * ```
 *
 * (softplus keeps it finite at logits of any size.) Its minimum over D, at fixed G, is
 * `2 ln 2 − 2·JSD(p_data ‖ p_g)`, reached by `D* = p_data / (p_data + p_g)`.
 *
 * Shapes: logits `[N]` or `[N, 1]`; N may differ between the two.
 *
 * @param realLogits - ℓ on data samples
 * @param fakeLogits - ℓ on generator samples
 * @returns the scalar loss
 * @throws ShapeError when a logits tensor is not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * discriminatorLoss(fromArray([0]), fromArray([0])).item() // 2 ln 2 ≈ 1.386
 * ```
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  checkScores('discriminatorLoss', 'realLogits', realLogits)
  checkScores('discriminatorLoss', 'fakeLogits', fakeLogits)
  return add(mean(softplus(neg(flat(realLogits)))), mean(softplus(flat(fakeLogits))))
}

/**
 * The generator's loss of the original minimax game (Goodfellow et al. 2014, eq. 1):
 *
 * ```
 * L_G = E log(1 − σ(ℓ_fake)) = −E softplus(ℓ_fake),   ∂L_G/∂ℓ = −σ(ℓ)/N
 * ```
 *
 * It saturates: when D rejects the samples confidently (σ(ℓ) → 0, early in training) the
 * gradient vanishes, which is why the paper itself recommends {@link nonSaturatingGeneratorLoss}.
 *
 * @param fakeLogits - ℓ on generator samples, `[N]` or `[N, 1]`
 * @returns the scalar loss (≤ 0)
 * @throws ShapeError when the logits are not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * minimaxGeneratorLoss(fromArray([0])).item() // −ln 2
 * ```
 */
export function minimaxGeneratorLoss(fakeLogits: Tensor): Tensor {
  checkScores('minimaxGeneratorLoss', 'fakeLogits', fakeLogits)
  return neg(mean(softplus(flat(fakeLogits))))
}

/**
 * The non-saturating generator loss (Goodfellow et al. 2014, §3; "−log D trick"):
 *
 * ```
 * L_G = −E log σ(ℓ_fake) = E softplus(−ℓ_fake),   ∂L_G/∂ℓ = −(1 − σ(ℓ))/N
 * ```
 *
 * The same fixed point as the minimax loss, but its gradient tends to −1/N, not 0, when D
 * rejects the samples.
 *
 * @param fakeLogits - ℓ on generator samples, `[N]` or `[N, 1]`
 * @returns the scalar loss (≥ 0)
 * @throws ShapeError when the logits are not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * nonSaturatingGeneratorLoss(fromArray([0])).item() // ln 2
 * ```
 */
export function nonSaturatingGeneratorLoss(fakeLogits: Tensor): Tensor {
  checkScores('nonSaturatingGeneratorLoss', 'fakeLogits', fakeLogits)
  return mean(softplus(neg(flat(fakeLogits))))
}

/**
 * The Wasserstein critic loss (Arjovsky et al. 2017, eq. 3, as a minimisation): the
 * negated Kantorovich–Rubinstein dual estimate,
 *
 * ```
 * L_C = E f(x_fake) − E f(x_real),   ∂L_C/∂f_real = −1/N,  ∂L_C/∂f_fake = 1/M
 * ```
 *
 * Meaningful only for a Lipschitz critic: add {@link gradientPenalty} (WGAN-GP).
 *
 * @param realScores - f on data samples, `[N]` or `[N, 1]`
 * @param fakeScores - f on generator samples, `[M]` or `[M, 1]`
 * @returns the scalar loss
 * @throws ShapeError when a score tensor is not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * wassersteinCriticLoss(fromArray([2, 4]), fromArray([1])).item() // 1 − 3 = −2
 * ```
 */
export function wassersteinCriticLoss(realScores: Tensor, fakeScores: Tensor): Tensor {
  checkScores('wassersteinCriticLoss', 'realScores', realScores)
  checkScores('wassersteinCriticLoss', 'fakeScores', fakeScores)
  return sub(mean(flat(fakeScores)), mean(flat(realScores)))
}

/**
 * The Wasserstein generator loss (Arjovsky et al. 2017; Gulrajani et al. 2017, Algorithm 1),
 * also the generator loss of the hinge GAN (Lim & Ye 2017; Miyato et al. 2018):
 * `L_G = −E f(x_fake)`.
 *
 * @param fakeScores - f on generator samples, `[N]` or `[N, 1]`
 * @returns the scalar loss
 * @throws ShapeError when the scores are not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * wassersteinGeneratorLoss(fromArray([1, 3])).item() // −2
 * ```
 */
export function wassersteinGeneratorLoss(fakeScores: Tensor): Tensor {
  checkScores('wassersteinGeneratorLoss', 'fakeScores', fakeScores)
  return neg(mean(flat(fakeScores)))
}

/**
 * The hinge discriminator loss (Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, eq. 16):
 *
 * ```
 * L_D = E max(0, 1 − f(x_real)) + E max(0, 1 + f(x_fake))
 * ```
 *
 * Samples already beyond the margin (real scores ≥ 1, fake ≤ −1) give no gradient. The
 * generator's loss is {@link wassersteinGeneratorLoss}.
 *
 * @param realScores - f on data samples, `[N]` or `[N, 1]`
 * @param fakeScores - f on generator samples, `[M]` or `[M, 1]`
 * @returns the scalar loss (≥ 0)
 * @throws ShapeError when a score tensor is not `[N]` or `[N, 1]`
 * @example
 * ```ts
 * hingeDiscriminatorLoss(fromArray([0.5, 2]), fromArray([-3, 0])).item() // 0.25 + 0.5 = 0.75
 * ```
 */
export function hingeDiscriminatorLoss(realScores: Tensor, fakeScores: Tensor): Tensor {
  checkScores('hingeDiscriminatorLoss', 'realScores', realScores)
  checkScores('hingeDiscriminatorLoss', 'fakeScores', fakeScores)
  const real = mean(relu(sub(1, flat(realScores))))
  const fake = mean(relu(add(1, flat(fakeScores))))
  return add(real, fake)
}
