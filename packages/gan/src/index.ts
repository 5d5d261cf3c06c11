/**
 * @packageDocumentation
 * Generative adversarial networks: minimax and non-saturating losses, DCGAN, WGAN-GP and conditional GANs.
 */

/** The npm name of this package. */
export const packageName = '@gen/gan'
