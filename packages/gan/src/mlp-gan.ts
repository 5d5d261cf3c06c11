/**
 * Fully connected generator and discriminator for low-dimensional data (the 2-D toy
 * distributions), as in the toy experiments of Gulrajani et al. 2017 (§5.1: 8 and 25
 * Gaussians, ReLU MLPs) and Metz et al. 2017. Optionally conditional on a class label,
 * given to both networks as a one-hot vector concatenated to the input (Mirza & Osindero 2014).
 */
import { concat, type Key, leakyRelu, oneHot, relu, split, type Tensor } from '@gen/core-tensor'
import { linear, linearInit, type LinearParams } from '@gen/core-tensor/nn'
import type { BackendV1 } from '@gen/core-tensor'

/** An MLP GAN as plain data. */
export interface MlpGanConfig {
  readonly kind: 'mlp'
  /** Dimension of the noise z ~ N(0, I). */
  readonly latentDim: number
  /** Dimension of a data point (2 for the toy sets). */
  readonly dataDim: number
  /** Hidden layer widths of the generator (ReLU). */
  readonly generatorHidden: readonly number[]
  /** Hidden layer widths of the discriminator (leaky ReLU, slope 0.2; no normalisation, so WGAN-GP applies). */
  readonly discriminatorHidden: readonly number[]
  /** Number of classes of a conditional GAN; absent for an unconditional one. */
  readonly numClasses?: number
}

/** Parameters of one MLP: its linear layers in order. */
export interface MlpParams {
  readonly layers: readonly LinearParams[]
}

function initMlp(key: Key, sizes: readonly number[], backend: BackendV1): MlpParams {
  const keys = split(key, sizes.length - 1)
  return {
    layers: sizes.slice(1).map((out, i) => linearInit(keys[i], sizes[i], out, { backend })),
  }
}

function withLabels(x: Tensor, numClasses: number | undefined, labels: Tensor | undefined): Tensor {
  if (numClasses === undefined || labels === undefined) return x
  return concat([x, oneHot(labels, numClasses)], 1)
}

/** @internal Initialises both MLPs (PyTorch's nn.Linear init). */
export function initMlpGan(
  config: MlpGanConfig,
  keys: readonly [Key, Key],
  backend: BackendV1,
): { generator: MlpParams; discriminator: MlpParams } {
  const extra = config.numClasses ?? 0
  return {
    generator: initMlp(
      keys[0],
      [config.latentDim + extra, ...config.generatorHidden, config.dataDim],
      backend,
    ),
    discriminator: initMlp(keys[1], [config.dataDim + extra, ...config.discriminatorHidden, 1], backend),
  }
}

/** @internal G(z): ReLU hidden layers, a linear output `[N, dataDim]`. */
export function mlpGenerate(config: MlpGanConfig, params: MlpParams, z: Tensor, labels?: Tensor): Tensor {
  let h = withLabels(z, config.numClasses, labels)
  params.layers.forEach((layer, i) => {
    h = linear(layer, h)
    if (i < params.layers.length - 1) h = relu(h)
  })
  return h
}

/** @internal D(x): leaky-ReLU hidden layers, one logit or score per example `[N]`. */
export function mlpDiscriminate(config: MlpGanConfig, params: MlpParams, x: Tensor, labels?: Tensor): Tensor {
  let h = withLabels(x, config.numClasses, labels)
  params.layers.forEach((layer, i) => {
    h = linear(layer, h)
    if (i < params.layers.length - 1) h = leakyRelu(h, 0.2)
  })
  return h
}
