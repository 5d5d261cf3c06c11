// Latent-space tools: PCA, t-SNE, UMAP, neighbour scores and latent pictures.
export {}
