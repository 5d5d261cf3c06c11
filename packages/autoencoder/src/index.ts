/**
 * @packageDocumentation
 * Autoencoders, denoising autoencoders and VAEs, with latent-space tools (PCA, t-SNE, UMAP).
 */

/** The npm name of this package. */
export const packageName = '@gen/autoencoder'

// Latent-space tools (src/latent).
export * from './latent/index'
