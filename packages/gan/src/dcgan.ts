/**
 * DCGAN for 28×28 single-channel images (Radford et al. 2016, "Unsupervised Representation
 * Learning with Deep Convolutional GANs", §3 guidelines): strided (transposed) convolutions in
 * place of pooling, batch norm in the generator and (optionally) the discriminator but not on
 * G's output or D's input layer, ReLU in G with a tanh output, leaky ReLU (0.2) in D, weights
 * from N(0, 0.02). Conditional on a digit label when `numClasses` is set (Mirza & Osindero
 * 2014): G gets the one-hot label concatenated to z, D gets it as constant extra input planes.
 */
import {
  add,
  type BackendV1,
  concat,
  expand,
  type Key,
  leakyRelu,
  oneHot,
  relu,
  reshape,
  split,
  tanh,
  type Tensor,
  zeros,
} from '@gen/core-tensor'
import {
  batchNorm,
  batchNormInit,
  type BatchNormState,
  conv2dLayer,
  convTranspose2dLayer,
  linear,
  normalInit,
  type NormParams,
} from '@gen/core-tensor/nn'

/** A DCGAN for `[N, 1, 28, 28]` images in [−1, 1], as plain data. */
export interface DcganConfig {
  readonly kind: 'dcgan'
  /** Dimension of the noise z ~ N(0, I). */
  readonly latentDim: number
  /** Base width w: G maps z to 2w×7×7, then w×14×14, then 1×28×28; D mirrors it. */
  readonly width: number
  /** Batch norm in D's second conv (`'batch'`, DCGAN) or none (`'none'`, needed for WGAN-GP). */
  readonly discriminatorNorm: 'batch' | 'none'
  /** Number of classes of a conditional GAN (10 for digits); absent for an unconditional one. */
  readonly numClasses?: number
}

/** DCGAN generator parameters (PyTorch-like names). */
export interface DcganGeneratorParams {
  /** z (+ label) → 2w·7·7. */
  readonly project: { readonly weight: Tensor; readonly bias: Tensor }
  readonly norm0: NormParams
  /** ConvTranspose 2w → w, kernel 4, stride 2, padding 1: 7×7 → 14×14. */
  readonly up1: { readonly weight: Tensor; readonly bias: Tensor }
  readonly norm1: NormParams
  /** ConvTranspose w → 1: 14×14 → 28×28, then tanh. */
  readonly up2: { readonly weight: Tensor; readonly bias: Tensor }
}

/** DCGAN discriminator parameters. */
export interface DcganDiscriminatorParams {
  /** Conv (1 + classes) → w, kernel 4, stride 2, padding 1: 28×28 → 14×14. */
  readonly down1: { readonly weight: Tensor; readonly bias: Tensor }
  /** Conv w → 2w: 14×14 → 7×7. */
  readonly down2: { readonly weight: Tensor; readonly bias: Tensor }
  /** Present when `discriminatorNorm` is `'batch'`. */
  readonly norm2?: NormParams
  /** 2w·7·7 → 1 logit. */
  readonly head: { readonly weight: Tensor; readonly bias: Tensor }
}

/** Batch-norm running statistics of both networks. */
export interface DcganState {
  readonly generator: { readonly norm0: BatchNormState; readonly norm1: BatchNormState }
  readonly discriminator: { readonly norm2?: BatchNormState }
}

const std = 0.02

function weightNormInit(key: Key, channels: number, backend: BackendV1): NormParams {
  // γ ~ N(1, 0.02), β = 0 (the DCGAN reference code)
  const noise = normalInit(key, [channels], { std, backend })
  const { params } = batchNormInit(channels, { backend })
  return { weight: add(noise, params.weight), bias: params.bias }
}

/** @internal Initialises both DCGAN networks and their batch-norm state. */
export function initDcgan(
  config: DcganConfig,
  keys: readonly [Key, Key],
  backend: BackendV1,
): { generator: DcganGeneratorParams; discriminator: DcganDiscriminatorParams; state: DcganState } {
  const w = config.width
  const c = config.numClasses ?? 0
  const g = split(keys[0], 5)
  const d = split(keys[1], 4)
  const bias = (n: number): Tensor => zeros([n], { backend })
  const generator: DcganGeneratorParams = {
    project: {
      weight: normalInit(g[0], [2 * w * 49, config.latentDim + c], { std, backend }),
      bias: bias(2 * w * 49),
    },
    norm0: weightNormInit(g[1], 2 * w * 49, backend),
    up1: { weight: normalInit(g[2], [2 * w, w, 4, 4], { std, backend }), bias: bias(w) },
    norm1: weightNormInit(g[3], w, backend),
    up2: { weight: normalInit(g[4], [w, 1, 4, 4], { std, backend }), bias: bias(1) },
  }
  const discriminator: DcganDiscriminatorParams = {
    down1: { weight: normalInit(d[0], [w, 1 + c, 4, 4], { std, backend }), bias: bias(w) },
    down2: { weight: normalInit(d[1], [2 * w, w, 4, 4], { std, backend }), bias: bias(2 * w) },
    ...(config.discriminatorNorm === 'batch' ? { norm2: weightNormInit(d[2], 2 * w, backend) } : {}),
    head: { weight: normalInit(d[3], [1, 2 * w * 49], { std, backend }), bias: bias(1) },
  }
  const state: DcganState = {
    generator: {
      norm0: batchNormInit(2 * w * 49, { backend }).state,
      norm1: batchNormInit(w, { backend }).state,
    },
    discriminator:
      config.discriminatorNorm === 'batch' ? { norm2: batchNormInit(2 * w, { backend }).state } : {},
  }
  return { generator, discriminator, state }
}

/** @internal G(z): `[N, latentDim]` → `[N, 1, 28, 28]` in (−1, 1). */
export function dcganGenerate(
  config: DcganConfig,
  params: DcganGeneratorParams,
  z: Tensor,
  options: { readonly training: boolean; readonly state: DcganState['generator']; readonly labels?: Tensor },
): { images: Tensor; state: DcganState['generator'] } {
  const { state } = options
  const w = config.width
  const n = z.shape[0]
  const input =
    config.numClasses !== undefined && options.labels !== undefined
      ? concat([z, oneHot(options.labels, config.numClasses)], 1)
      : z
  const b0 = batchNorm(params.norm0, state.norm0, linear(params.project, input), {
    training: options.training,
  })
  const h0 = reshape(relu(b0.y), [n, 2 * w, 7, 7])
  const h1 = convTranspose2dLayer(params.up1, h0, { stride: 2, padding: 1 })
  const b1 = batchNorm(params.norm1, state.norm1, h1, { training: options.training })
  const h2 = convTranspose2dLayer(params.up2, relu(b1.y), { stride: 2, padding: 1 })
  return { images: tanh(h2), state: { norm0: b0.state, norm1: b1.state } }
}

/** @internal D(x): `[N, 1, 28, 28]` → one logit or score per image `[N, 1]`. */
export function dcganDiscriminate(
  config: DcganConfig,
  params: DcganDiscriminatorParams,
  x: Tensor,
  options: {
    readonly training: boolean
    readonly state: DcganState['discriminator']
    readonly labels?: Tensor
  },
): { scores: Tensor; state: DcganState['discriminator'] } {
  const { state } = options
  const n = x.shape[0]
  let input = x
  if (config.numClasses !== undefined && options.labels !== undefined) {
    const planes = expand(reshape(oneHot(options.labels, config.numClasses), [n, config.numClasses, 1, 1]), [
      n,
      config.numClasses,
      28,
      28,
    ])
    input = concat([x, planes], 1)
  }
  const h1 = leakyRelu(conv2dLayer(params.down1, input, { stride: 2, padding: 1 }), 0.2)
  let h2 = conv2dLayer(params.down2, h1, { stride: 2, padding: 1 })
  let nextState = state
  if (params.norm2 !== undefined && state.norm2 !== undefined) {
    const b = batchNorm(params.norm2, state.norm2, h2, { training: options.training })
    h2 = b.y
    nextState = { norm2: b.state }
  }
  const flat = reshape(leakyRelu(h2, 0.2), [n, -1])
  return { scores: linear(params.head, flat), state: nextState }
}
