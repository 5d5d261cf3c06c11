/**
 * @packageDocumentation
 * Diffusion models: DDPM, DDIM, score-based Langevin sampling, flow matching and masked diffusion language models.
 */

/** The npm name of this package. */
export const packageName = '@gen/diffusion'
