// Latent-space tools: PCA, t-SNE, UMAP, neighbour scores and latent pictures.
export { toMatrix, type Matrix, type MatrixInput } from './matrix'
export { squaredDistanceMatrix, nearestNeighbors, type Neighbors, type DistanceOptions } from './distances'
export { symmetricEigen, type SymmetricEigen, type SymmetricEigenOptions } from './symmetric-eigen'
export { pca, pcaFit, pcaTransform, pcaInverseTransform, type PcaModel, type PcaOptions } from './pca'
export {
  conditionalAffinities,
  jointAffinities,
  type SparseRows,
  type ConditionalAffinities,
  type AffinityOptions,
} from './affinities'
export { tsneGradient, tsneKlDivergence, type TsneGradientOptions } from './tsne-gradient'
export { tsne, type TsneOptions, type TsneProgress, type TsneResult } from './tsne'
export { knnAccuracy, trustworthiness } from './scores'
export { umap, type UmapOptions } from './umap'
export { keyedRandom } from './keyed-random'
export { normalQuantile, erfc } from './normal-quantile'
export {
  latentGrid,
  lerp,
  slerp,
  latentTraversal,
  type LatentGridOptions,
  type TraversalOptions,
} from './latent-paths'
export { encodeDataset, type EncodeDatasetOptions } from './encode-dataset'
