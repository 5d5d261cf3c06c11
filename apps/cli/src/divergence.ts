// When a training run has blown up without producing NaN: a likelihood far below what a model
// that ignores the data gets, or a GAN loss no working pair of players reaches.

/**
 * The log-likelihood, in nats per image, of the model that gives every one of `pixels` binary
 * pixels probability 1/2: `pixels · ln 2` (543.4 nats for 784 MNIST pixels). Every training run
 * starts near it (small random weights).
 */
export function coinFlipNats(pixels = 784): number {
  return pixels * Math.LN2
}

/**
 * True when a per-image log-likelihood (pseudo-log-likelihood, log p(x | x̂), ELBO) is not
 * finite or is below twice the coin-flip figure: a run that has learnt anything sits above
 * `−pixels · ln 2`, so `−2 · pixels · ln 2` (−1087 nats on MNIST) means the steps overshoot.
 */
export function likelihoodDiverged(nats: number, pixels = 784): boolean {
  return !Number.isFinite(nats) || nats < -2 * coinFlipNats(pixels)
}

/**
 * The largest GAN loss magnitude taken as working. The non-saturating losses are −log σ(·) of
 * the discriminator's logits, so 1000 nats means logits in the thousands; the WGAN-GP critic
 * loss of a working run on MNIST stays within tens.
 */
export const MAX_GAN_LOSS = 1000

/** True when a GAN loss is not finite or above MAX_GAN_LOSS in magnitude. */
export function ganLossDiverged(loss: number): boolean {
  return !Number.isFinite(loss) || Math.abs(loss) > MAX_GAN_LOSS
}
