/**
 * Autoencoder and VAE networks from a config: parameter init, the encoder, the decoder and the
 * decoder's likelihood. Inputs are flat `[N, D]` (D = C·H·W) float32 tensors; conv models
 * reshape them to `[N, C, H, W]` inside.
 */
import {
  type BackendV1,
  broadcastTo,
  concat,
  cpu,
  type Key,
  oneHot,
  relu,
  reshape,
  ShapeError,
  sigmoid,
  split,
  type Tensor,
  zeros,
} from '@gen/core-tensor'
import {
  conv2dInit,
  conv2dLayer,
  convTranspose2dInit,
  convTranspose2dLayer,
  linear,
  linearInit,
} from '@gen/core-tensor/nn'
import { type AutoencoderConfig, validateAutoencoderConfig } from './config'
import { bernoulliLogLik, continuousBernoulliLogLik, continuousBernoulliMean, gaussianLogLik } from './losses'

/** A layer's parameters: `{ weight, bias }` of a linear, conv2d or transposed conv2d layer. */
// type aliases, not interfaces, so that the tree is assignable to core-tensor's TensorTree
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type LayerParams = { readonly weight: Tensor; readonly bias?: Tensor }

/**
 * The parameters of a model, a plain tree of tensors: `encoder` and `decoder` layers named by
 * position (`'0'`, `'1'`...), the code heads (`mu`, and `logVar` for a VAE) and, for a Gaussian
 * decoder with learned variance, `pixelLogVar` `[D]`.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type AutoencoderParams = {
  readonly encoder: Readonly<Record<string, LayerParams>>
  readonly mu: LayerParams
  readonly logVar?: LayerParams
  readonly decoder: Readonly<Record<string, LayerParams>>
  readonly pixelLogVar?: Tensor
}

/** What the encoder returns: the code (`mu`), and for a VAE the log-variance of q(z|x). */
export interface Encoding {
  /** `[N, Z]`: q's mean for a VAE, the code itself for an AE. */
  readonly mu: Tensor
  /** `[N, Z]`: log σ² of q(z|x) (VAE only). */
  readonly logVar?: Tensor
}

/** Number of values in one input, C·H·W. */
export function inputSize(config: AutoencoderConfig): number {
  const [c, h, w] = config.inputShape
  return c * h * w
}

interface ConvGeometry {
  readonly chans: readonly number[]
  readonly h: number
  readonly w: number
}

function convGeometry(config: AutoencoderConfig): ConvGeometry {
  if (config.architecture.type !== 'conv') throw new Error('unreachable')
  const stages = config.architecture.channels.length
  return {
    chans: [config.inputShape[0], ...config.architecture.channels],
    h: config.inputShape[1] / 2 ** stages,
    w: config.inputShape[2] / 2 ** stages,
  }
}

/**
 * Initial parameters: linear layers as PyTorch's `nn.Linear`, conv layers as `nn.Conv2d` /
 * `nn.ConvTranspose2d`, all from keys split off `key`; `pixelLogVar` starts at 0.
 *
 * @param config - the model
 * @param options - key, backend (default cpu)
 * @returns the parameter tree
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const params = initAutoencoder(config, { key: key(0) })
 * ```
 */
export function initAutoencoder(
  config: AutoencoderConfig,
  options: { readonly key: Key; readonly backend?: BackendV1 },
): AutoencoderParams {
  const cfg = validateAutoencoderConfig(config)
  const backend = options.backend ?? cpu
  const keys = split(options.key, 64)
  let k = 0
  const next = (): Key => keys[k++]
  const d = inputSize(cfg)
  const extra = cfg.classes ?? 0
  const z = cfg.latentDim
  const encoder: Record<string, LayerParams> = {}
  const decoder: Record<string, LayerParams> = {}
  let codeIn: number
  if (cfg.architecture.type === 'dense') {
    let width = d + extra
    cfg.architecture.hidden.forEach((h, i) => {
      encoder[String(i)] = linearInit(next(), width, h, { backend })
      width = h
    })
    codeIn = width
    width = z + extra
    ;[...cfg.architecture.hidden].reverse().forEach((h, i) => {
      decoder[String(i)] = linearInit(next(), width, h, { backend })
      width = h
    })
    decoder[String(cfg.architecture.hidden.length)] = linearInit(next(), width, d, { backend })
  } else {
    const { chans, h, w } = convGeometry(cfg)
    const stages = chans.length - 1
    for (let i = 0; i < stages; i++) {
      encoder[String(i)] = conv2dInit(next(), {
        inChannels: chans[i],
        outChannels: chans[i + 1],
        kernelSize: 4,
        backend,
      })
    }
    const flat = chans[stages] * h * w
    const hidden = cfg.architecture.hidden
    encoder[String(stages)] = linearInit(next(), flat + extra, hidden, { backend })
    codeIn = hidden
    decoder['0'] = linearInit(next(), z + extra, hidden, { backend })
    decoder['1'] = linearInit(next(), hidden, flat, { backend })
    for (let i = 0; i < stages; i++) {
      // transposed convs run the channel list backwards: chans[stages] → … → chans[0]
      decoder[String(i + 2)] = convTranspose2dInit(next(), {
        inChannels: chans[stages - i],
        outChannels: chans[stages - i - 1],
        kernelSize: 4,
        backend,
      })
    }
  }
  const mu = linearInit(next(), codeIn, z, { backend })
  const params: Record<string, unknown> = { encoder, mu, decoder }
  if (cfg.kind === 'vae') params.logVar = linearInit(next(), codeIn, z, { backend })
  if (cfg.likelihood === 'gaussian' && cfg.decoderLogVar === 'learned') {
    params.pixelLogVar = zeros([d], { backend })
  }
  return params as AutoencoderParams
}

function checkInput(op: string, config: AutoencoderConfig, x: Tensor): Tensor {
  const d = inputSize(config)
  if (x.rank === 2 && x.shape[1] === d) return x
  if (x.rank === 4 && x.shape.slice(1).every((s, i) => s === config.inputShape[i]))
    return reshape(x, [x.shape[0], d])
  throw new ShapeError(
    op,
    `x must be [N, ${d}] or [N, ${config.inputShape.join(', ')}], got [${x.shape.join(', ')}]`,
    [x.shape],
  )
}

function labelsFeature(
  op: string,
  config: AutoencoderConfig,
  n: number,
  labels: Tensor | undefined,
): Tensor | undefined {
  if (config.classes === undefined) return undefined
  if (labels?.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      op,
      `labels must be int32 [${n}] for a conditional model, got ${labels === undefined ? 'none' : `[${labels.shape.join(', ')}]`}`,
      [labels?.shape ?? []],
    )
  }
  return oneHot(labels, config.classes)
}

const withLabels = (h: Tensor, y: Tensor | undefined): Tensor => (y === undefined ? h : concat([h, y], 1))

/** Options of the encoder and decoder: the labels of a conditional model. */
export interface ConditionOptions {
  /** int32 `[N]` class labels (conditional models only). */
  readonly labels?: Tensor
}

/**
 * The encoder: `[N, D] → { mu [N, Z], logVar [N, Z] }` for a VAE (q(z|x) = N(mu, e^logVar)),
 * `{ mu }` (the code) for an AE. AE codes with KL sparsity pass through a sigmoid.
 *
 * @param config - the model
 * @param params - its parameters
 * @param x - `[N, D]` or `[N, C, H, W]`
 * @param options - labels of a conditional model
 * @returns the encoding
 * @throws ShapeError when x or labels do not fit the config
 * @example
 * ```ts
 * const { mu, logVar } = encode(config, params, x)
 * ```
 */
export function encode(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  options: ConditionOptions = {},
): Encoding {
  const flat = checkInput('encode', config, x)
  const n = flat.shape[0]
  const y = labelsFeature('encode', config, n, options.labels)
  let h: Tensor
  if (config.architecture.type === 'dense') {
    h = withLabels(flat, y)
    config.architecture.hidden.forEach((_, i) => {
      h = relu(linear(params.encoder[String(i)], h))
    })
  } else {
    const stages = config.architecture.channels.length
    h = reshape(flat, [n, ...config.inputShape])
    for (let i = 0; i < stages; i++) {
      h = relu(conv2dLayer(params.encoder[String(i)], h, { stride: 2, padding: 1 }))
    }
    h = withLabels(reshape(h, [n, h.size / n]), y)
    h = relu(linear(params.encoder[String(stages)], h))
  }
  const mu = linear(params.mu, h)
  if (config.kind === 'vae') {
    if (params.logVar === undefined)
      throw new ShapeError('encode', 'params.logVar must exist for a VAE, got none')
    return { mu, logVar: linear(params.logVar, h) }
  }
  return { mu: config.sparsity?.type === 'kl' ? sigmoid(mu) : mu }
}

/**
 * The decoder: codes `[N, Z] → [N, D]`, the likelihood's natural parameter per pixel: logits
 * for `'bernoulli'` and `'continuousBernoulli'`, means for `'gaussian'`.
 *
 * @param config - the model
 * @param params - its parameters
 * @param z - `[N, Z]` (or `[..., N, Z]` for several samples per example, dense models only)
 * @param options - labels of a conditional model
 * @returns `[N, D]`
 * @throws ShapeError when z or labels do not fit the config
 * @example
 * ```ts
 * const logits = decode(config, params, z)
 * ```
 */
export function decode(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  z: Tensor,
  options: ConditionOptions = {},
): Tensor {
  if (z.rank < 2 || z.shape[z.rank - 1] !== config.latentDim) {
    throw new ShapeError('decode', `z must be [N, ${config.latentDim}], got [${z.shape.join(', ')}]`, [
      z.shape,
    ])
  }
  const n = z.shape[z.rank - 2]
  const y = labelsFeature('decode', config, n, options.labels)
  const yb =
    y === undefined
      ? undefined
      : z.rank === 2
        ? y
        : reshape(y, [...z.shape.slice(0, -2).map(() => 1), n, y.shape[1]])
  let h = yb === undefined ? z : concatLast(z, yb)
  if (config.architecture.type === 'dense') {
    const layers = config.architecture.hidden.length
    for (let i = 0; i < layers; i++) h = relu(linear(params.decoder[String(i)], h))
    return linear(params.decoder[String(layers)], h)
  }
  if (z.rank !== 2)
    throw new ShapeError('decode', `z must be [N, Z] for a conv model, got [${z.shape.join(', ')}]`, [
      z.shape,
    ])
  const { chans, h: hh, w } = convGeometry(config)
  const stages = chans.length - 1
  h = relu(linear(params.decoder['0'], h))
  h = relu(linear(params.decoder['1'], h))
  h = reshape(h, [n, chans[stages], hh, w])
  for (let i = 0; i < stages; i++) {
    h = convTranspose2dLayer(params.decoder[String(i + 2)], h, { stride: 2, padding: 1 })
    if (i < stages - 1) h = relu(h)
  }
  return reshape(h, [n, inputSize(config)])
}

function concatLast(z: Tensor, y: Tensor): Tensor {
  if (z.rank === 2) return concat([z, y], 1)
  // broadcast the labels over the leading sample axes
  const shape = [...z.shape.slice(0, -1), y.shape[y.rank - 1]]
  return concat([z, broadcastTo(y, shape)], z.rank - 1)
}

/**
 * log p(x | decoder output) per example, summed over every pixel (nats): Bernoulli on logits,
 * Gaussian on means with the config's (or learned) log-variance, or continuous Bernoulli.
 *
 * @param config - the model
 * @param params - its parameters (for a learned `pixelLogVar`)
 * @param x - targets `[N, D]` (or `[..., N, D]` matching `out`)
 * @param out - the decoder's output, the same shape
 * @returns `[N]` (or `[..., N]`... flattened to per-row sums)
 * @throws ShapeError when the shapes differ
 * @example
 * ```ts
 * const logLik = reconstructionLogLik(config, params, x, decode(config, params, z))
 * ```
 */
export function reconstructionLogLik(
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: Tensor,
  out: Tensor,
): Tensor {
  const flatX = x.rank === 2 ? x : reshape(x, [x.size / x.shape[x.rank - 1], x.shape[x.rank - 1]])
  const flatOut =
    out.rank === 2 ? out : reshape(out, [out.size / out.shape[out.rank - 1], out.shape[out.rank - 1]])
  let ll: Tensor
  if (config.likelihood === 'bernoulli') ll = bernoulliLogLik(flatX, flatOut)
  else if (config.likelihood === 'continuousBernoulli') ll = continuousBernoulliLogLik(flatX, flatOut)
  else {
    const lv = config.decoderLogVar ?? 'learned'
    if (lv === 'learned') {
      if (params.pixelLogVar === undefined)
        throw new ShapeError(
          'reconstructionLogLik',
          'params.pixelLogVar must exist for a learned variance, got none',
        )
      ll = gaussianLogLik(flatX, flatOut, broadcastTo(params.pixelLogVar, flatOut.shape))
    } else ll = gaussianLogLik(flatX, flatOut, lv)
  }
  return out.rank === 2 ? ll : reshape(ll, out.shape.slice(0, -1))
}

/**
 * The decoder's mean image, in pixel units: σ(logits) for Bernoulli, the continuous
 * Bernoulli's mean, or the Gaussian mean itself.
 *
 * @param config - the model
 * @param out - the decoder's output `[N, D]`
 * @returns `[N, D]`
 * @example
 * ```ts
 * const images = decoderMean(config, decode(config, params, z))
 * ```
 */
export function decoderMean(config: AutoencoderConfig, out: Tensor): Tensor {
  if (config.likelihood === 'bernoulli') return sigmoid(out)
  if (config.likelihood === 'continuousBernoulli') return continuousBernoulliMean(out)
  return out
}
