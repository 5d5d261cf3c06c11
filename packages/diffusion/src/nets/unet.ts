/**
 * A small UNet for 28×28 images (Ronneberger et al. 2015, in the form of Ho et al. 2020's
 * DDPM network and Nichol & Dhariwal 2021): residual blocks with group norm, SiLU and the
 * time/class embedding added per channel; stride-2 convolutions down, nearest upsampling plus a
 * convolution up, skip connections concatenated across; self-attention in the middle, at the
 * lowest resolution. Width (`baseChannels`, `channelMultipliers`) and depth (`numResBlocks`)
 * are configurable.
 */
import {
  add,
  type BackendV1,
  concat,
  cpu,
  InvalidArgumentError,
  type Key,
  reshape,
  silu,
  split,
  type Tensor,
  transpose,
  upsample,
} from '@gen/core-tensor'
import {
  type Conv2dLayerParams,
  conv2dInit,
  conv2dLayer,
  groupNorm,
  groupNormInit,
  linear,
  linearInit,
  type LinearParams,
  multiHeadAttention,
  multiHeadAttentionInit,
  type MultiHeadAttentionParams,
  type NormParams,
} from '@gen/core-tensor/nn'
import { checkInteger, checkNumber, checkObject, checkShape, checkTensor } from './check'
import { checkDenoiserParams } from './param-shapes'
import {
  conditioning,
  conditioningInit,
  type ConditioningConfig,
  type ConditioningParams,
  type DenoiserInputs,
} from './conditioning'

/** A UNet as plain, JSON-serialisable data. */
export interface UNetConfig {
  readonly kind: 'unet'
  /** Height = width of the images; divisible by 2^(levels − 1). Default 28. */
  readonly imageSize?: number
  /** Input channels (1 for MNIST; more when a condition image is concatenated). Default 1. */
  readonly inChannels?: number
  /** Output channels. Default inChannels. */
  readonly outChannels?: number
  /** Channels of the first level. Default 32. */
  readonly baseChannels?: number
  /** Channels of level l = baseChannels · channelMultipliers[l]; one level per entry. Default [1, 2, 2] (28, 14, 7). */
  readonly channelMultipliers?: readonly number[]
  /** Residual blocks per level on the way down and on the way up. Default 1. */
  readonly numResBlocks?: number
  /** Self-attention in the middle block (lowest resolution). Default true. */
  readonly attention?: boolean
  /** Heads of that attention. Default 1. */
  readonly numHeads?: number
  /** Groups of every group norm; must divide every block's channels. Default 8. */
  readonly numGroups?: number
  /** Width of the time (and class) embedding. Default 4 · baseChannels. */
  readonly embedDim?: number
  /** Classes of a conditional model; absent for an unconditional one. */
  readonly numClasses?: number
  /** t is multiplied by this before its sinusoidal features (1 for DDPM steps, 1000 for t ∈ [0, 1]). Default 1. */
  readonly timeScale?: number
}

/** A {@link UNetConfig} with every default filled in. */
export interface ResolvedUNetConfig {
  readonly kind: 'unet'
  readonly imageSize: number
  readonly inChannels: number
  readonly outChannels: number
  readonly baseChannels: number
  readonly channelMultipliers: readonly number[]
  readonly numResBlocks: number
  readonly attention: boolean
  readonly numHeads: number
  readonly numGroups: number
  readonly embedDim: number
  readonly numClasses?: number
  readonly timeScale: number
}

/** A residual block's parameters. */
export interface ResBlockParams {
  readonly norm1: NormParams
  readonly conv1: Conv2dLayerParams
  /** Projects the embedding to one shift per output channel. */
  readonly embedding: LinearParams
  readonly norm2: NormParams
  readonly conv2: Conv2dLayerParams
  /** 1×1 convolution on the residual path when the channel count changes. */
  readonly skip?: Conv2dLayerParams
}

/** Parameters of a self-attention block. */
export interface AttentionBlockParams {
  readonly norm: NormParams
  readonly attention: MultiHeadAttentionParams
}

/** One level of the UNet. */
export interface UNetLevelParams {
  readonly blocks: readonly ResBlockParams[]
  /** Stride-2 convolution (down path) or upsample + convolution (up path); absent at the end. */
  readonly resample?: Conv2dLayerParams
}

/** Parameters of {@link unet}: a plain record of tensors. */
export interface UNetParams {
  readonly conditioning: ConditioningParams
  readonly inputConv: Conv2dLayerParams
  readonly down: readonly UNetLevelParams[]
  readonly middle: {
    readonly block1: ResBlockParams
    readonly attention?: AttentionBlockParams
    readonly block2: ResBlockParams
  }
  readonly up: readonly UNetLevelParams[]
  readonly outputNorm: NormParams
  readonly outputConv: Conv2dLayerParams
}

/**
 * Checks a UNet config and fills in its defaults.
 *
 * @param config - the config
 * @returns the resolved config
 * @throws InvalidArgumentError naming the field that is out of range (an image size that does
 *   not halve evenly, a group count that does not divide a block's channels, ...)
 * @example
 * ```ts
 * validateUNetConfig({ kind: 'unet', baseChannels: 16 }).channelMultipliers // [1, 2, 2]
 * ```
 */
export function validateUNetConfig(config: UNetConfig): ResolvedUNetConfig {
  const op = 'validateUNetConfig'
  checkObject(op, 'config', config)
  if (config.kind !== 'unet') {
    throw new InvalidArgumentError(op, 'config.kind', `must be 'unet', got ${JSON.stringify(config.kind)}`)
  }
  const imageSize = config.imageSize ?? 28
  const inChannels = config.inChannels ?? 1
  const outChannels = config.outChannels ?? inChannels
  const baseChannels = config.baseChannels ?? 32
  const channelMultipliers = config.channelMultipliers ?? [1, 2, 2]
  const numResBlocks = config.numResBlocks ?? 1
  const attention = config.attention ?? true
  const numHeads = config.numHeads ?? 1
  const numGroups = config.numGroups ?? 8
  const embedDim = config.embedDim ?? 4 * baseChannels
  const timeScale = config.timeScale ?? 1
  checkInteger(op, 'config.imageSize', imageSize)
  checkInteger(op, 'config.inChannels', inChannels)
  checkInteger(op, 'config.outChannels', outChannels)
  checkInteger(op, 'config.baseChannels', baseChannels)
  if (!Array.isArray(channelMultipliers) || channelMultipliers.length < 1) {
    throw new InvalidArgumentError(
      op,
      'config.channelMultipliers',
      `must be a non-empty array of integers, got ${JSON.stringify(channelMultipliers)}`,
    )
  }
  channelMultipliers.forEach((m, i) => checkInteger(op, `config.channelMultipliers[${i}]`, m))
  checkInteger(op, 'config.numResBlocks', numResBlocks)
  checkInteger(op, 'config.numHeads', numHeads)
  checkInteger(op, 'config.numGroups', numGroups)
  if (!Number.isSafeInteger(embedDim) || embedDim < 2 || embedDim % 2 !== 0) {
    throw new InvalidArgumentError(
      op,
      'config.embedDim',
      `must be an even integer >= 2, got ${String(embedDim)}`,
    )
  }
  if (config.numClasses !== undefined) checkInteger(op, 'config.numClasses', config.numClasses)
  checkNumber(op, 'config.timeScale', timeScale, { lo: 0, openLow: true })
  const factor = 2 ** (channelMultipliers.length - 1)
  if (imageSize % factor !== 0) {
    throw new InvalidArgumentError(
      op,
      'config.imageSize',
      `must be divisible by 2^(levels − 1) = ${factor} for ${channelMultipliers.length} levels, got ${imageSize}`,
    )
  }
  const widths = channelMultipliers.map((m) => m * baseChannels)
  const lowest = widths[widths.length - 1]
  // every group norm's input: the level widths and the up path's concatenations
  const normed = new Set<number>([baseChannels, ...widths])
  widths.forEach((w, l) => normed.add((l === widths.length - 1 ? lowest : widths[l + 1]) + w))
  for (const c of normed) {
    if (c % numGroups !== 0) {
      throw new InvalidArgumentError(
        op,
        'config.numGroups',
        `must divide every block's channels (${[...normed].sort((a, b) => a - b).join(', ')}), got ${numGroups}`,
      )
    }
  }
  if (attention && lowest % numHeads !== 0) {
    throw new InvalidArgumentError(
      op,
      'config.numHeads',
      `must divide the lowest level's ${lowest} channels, got ${numHeads}`,
    )
  }
  return {
    kind: 'unet',
    imageSize,
    inChannels,
    outChannels,
    baseChannels,
    channelMultipliers,
    numResBlocks,
    attention,
    numHeads,
    numGroups,
    embedDim,
    ...(config.numClasses === undefined ? {} : { numClasses: config.numClasses }),
    timeScale,
  }
}

function conditioningConfig(c: ResolvedUNetConfig): ConditioningConfig {
  return {
    sinusoidalDim: c.baseChannels * 2,
    dim: c.embedDim,
    numClasses: c.numClasses,
    timeScale: c.timeScale,
  }
}

function resBlockInit(
  key: Key,
  sizes: { readonly inChannels: number; readonly outChannels: number; readonly embedDim: number },
  backend: BackendV1,
) {
  const { inChannels, outChannels, embedDim } = sizes
  const [k1, k2, k3, k4] = split(key, 4)
  const block: ResBlockParams = {
    norm1: groupNormInit(inChannels, { backend }),
    conv1: conv2dInit(k1, { inChannels, outChannels, kernelSize: 3, backend }),
    embedding: linearInit(k2, embedDim, outChannels, { backend }),
    norm2: groupNormInit(outChannels, { backend }),
    conv2: conv2dInit(k3, { inChannels: outChannels, outChannels, kernelSize: 3, backend }),
    ...(inChannels === outChannels
      ? {}
      : { skip: conv2dInit(k4, { inChannels, outChannels, kernelSize: 1, backend }) }),
  }
  return block
}

/**
 * Initialises a UNet (PyTorch's default conv and linear init; group norms at γ = 1, β = 0).
 *
 * @param config - the architecture
 * @param options - key (required), backend (default cpu)
 * @returns the parameters
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const config = { kind: 'unet', baseChannels: 32, numClasses: 10 } as const
 * const params = initUNet(config, { key: key(0) })
 * ```
 */
export function initUNet(
  config: UNetConfig,
  options: { readonly key: Key; readonly backend?: BackendV1 },
): UNetParams {
  checkObject('initUNet', 'options', options)
  const c = validateUNetConfig(config)
  const backend = options.backend ?? cpu
  const [kCond, kIn, kDown, kMid, kUp, kOut] = split(options.key, 6)
  const widths = c.channelMultipliers.map((m) => m * c.baseChannels)
  const levels = widths.length
  const downKeys = split(kDown, levels)
  let channels = c.baseChannels
  const down = widths.map((w, l): UNetLevelParams => {
    const keys = split(downKeys[l], c.numResBlocks + 1)
    const blocks = keys
      .slice(0, c.numResBlocks)
      .map((k, b) =>
        resBlockInit(
          k,
          { inChannels: b === 0 ? channels : w, outChannels: w, embedDim: c.embedDim },
          backend,
        ),
      )
    channels = w
    if (l === levels - 1) return { blocks }
    return {
      blocks,
      resample: conv2dInit(keys[c.numResBlocks], { inChannels: w, outChannels: w, kernelSize: 3, backend }),
    }
  })
  const lowest = widths[levels - 1]
  const [m1, m2, m3] = split(kMid, 3)
  const middle = {
    block1: resBlockInit(m1, { inChannels: lowest, outChannels: lowest, embedDim: c.embedDim }, backend),
    ...(c.attention
      ? {
          attention: {
            norm: groupNormInit(lowest, { backend }),
            attention: multiHeadAttentionInit(m2, lowest, { backend }),
          },
        }
      : {}),
    block2: resBlockInit(m3, { inChannels: lowest, outChannels: lowest, embedDim: c.embedDim }, backend),
  }
  const upKeys = split(kUp, levels)
  channels = lowest
  // up[j] is level l = levels − 1 − j
  const up = upKeys.map((k, j): UNetLevelParams => {
    const l = levels - 1 - j
    const w = widths[l]
    const keys = split(k, c.numResBlocks + 1)
    const blocks = keys
      .slice(0, c.numResBlocks)
      .map((kb, b) =>
        resBlockInit(
          kb,
          { inChannels: b === 0 ? channels + w : w, outChannels: w, embedDim: c.embedDim },
          backend,
        ),
      )
    channels = w
    if (l === 0) return { blocks }
    return {
      blocks,
      resample: conv2dInit(keys[c.numResBlocks], { inChannels: w, outChannels: w, kernelSize: 3, backend }),
    }
  })
  return {
    conditioning: conditioningInit(kCond, conditioningConfig(c), backend),
    inputConv: conv2dInit(kIn, {
      inChannels: c.inChannels,
      outChannels: c.baseChannels,
      kernelSize: 3,
      backend,
    }),
    down,
    middle,
    up,
    outputNorm: groupNormInit(widths[0], { backend }),
    outputConv: conv2dInit(kOut, {
      inChannels: widths[0],
      outChannels: c.outChannels,
      kernelSize: 3,
      backend,
    }),
  }
}

function resBlock(params: ResBlockParams, x: Tensor, emb: Tensor, numGroups: number): Tensor {
  const [n] = x.shape
  let h = conv2dLayer(params.conv1, silu(groupNorm(params.norm1, x, { numGroups })), { padding: 1 })
  const shift = linear(params.embedding, silu(emb)) // [N, C_out]
  h = add(h, reshape(shift, [n, shift.shape[1], 1, 1]))
  h = conv2dLayer(params.conv2, silu(groupNorm(params.norm2, h, { numGroups })), { padding: 1 })
  return add(params.skip === undefined ? x : conv2dLayer(params.skip, x), h)
}

function attentionBlock(
  params: AttentionBlockParams,
  x: Tensor,
  numGroups: number,
  numHeads: number,
): Tensor {
  const [n, c, height, width] = x.shape
  // [N, C, H, W] → [N, HW, C]: every pixel is a token
  const tokens = transpose(reshape(groupNorm(params.norm, x, { numGroups }), [n, c, height * width]), 1, 2)
  const out = multiHeadAttention(params.attention, { query: tokens }, { numHeads })
  return add(x, reshape(transpose(out, 1, 2), [n, c, height, width]))
}

/**
 * The UNet denoiser f(x, t, y) (Ronneberger et al. 2015; Ho et al. 2020, appendix B; Nichol &
 * Dhariwal 2021). Each residual block computes
 *
 * ```
 * h = conv₃(silu(GN(x))) + W_e silu(c(t, y))      (one shift per channel)
 * out = skip(x) + conv₃(silu(GN(h)))
 * ```
 *
 * where c is the conditioning vector (sinusoidal time embedding through a SiLU MLP, plus the
 * class embedding). Down: blocks then a stride-2 conv per level; middle: block, self-attention
 * over the lowest-resolution pixels, block; up: the level's skip concatenated, blocks, nearest
 * 2× upsampling and a conv; out: conv₃(silu(GN(h))).
 *
 * Shapes: x `[N, inChannels, S, S]`, t `[N]` (float), labels int32 `[N]` → `[N, outChannels, S, S]`.
 *
 * @param config - the architecture
 * @param params - from {@link initUNet}
 * @param x - noisy images
 * @param inputs - t, the time or noise level of each image in the objective's units, and
 *   labels (0 … numClasses − 1, or numClasses for "no label")
 * @returns `[N, outChannels, S, S]`
 * @throws ShapeError when x, t, labels or a parameter do not fit the config
 * @throws InvalidArgumentError when t holds a NaN, an infinity or a negative time
 * @example
 * ```ts
 * const eps = unet(config, params, xt, { t: fromArray([999, 10]), labels })
 * ```
 */
export function unet(config: UNetConfig, params: UNetParams, x: Tensor, inputs: DenoiserInputs): Tensor {
  const op = 'unet'
  const c = validateUNetConfig(config)
  checkDenoiserParams(op, config, params)
  checkTensor(op, 'x', x)
  checkShape(op, 'x', x, [-1, c.inChannels, c.imageSize, c.imageSize])
  const n = x.shape[0]
  const emb = conditioning(op, conditioningConfig(c), params.conditioning, { ...inputs, n })
  const g = c.numGroups
  let h = conv2dLayer(params.inputConv, x, { padding: 1 })
  const skips: Tensor[] = []
  for (const level of params.down) {
    for (const block of level.blocks) h = resBlock(block, h, emb, g)
    skips.push(h)
    if (level.resample !== undefined) h = conv2dLayer(level.resample, h, { stride: 2, padding: 1 })
  }
  h = resBlock(params.middle.block1, h, emb, g)
  if (params.middle.attention !== undefined) h = attentionBlock(params.middle.attention, h, g, c.numHeads)
  h = resBlock(params.middle.block2, h, emb, g)
  params.up.forEach((level, j) => {
    h = concat([h, skips[skips.length - 1 - j]], 1)
    for (const block of level.blocks) h = resBlock(block, h, emb, g)
    if (level.resample !== undefined) {
      h = conv2dLayer(level.resample, upsample(h, { scaleFactor: 2 }), { padding: 1 })
    }
  })
  return conv2dLayer(params.outputConv, silu(groupNorm(params.outputNorm, h, { numGroups: g })), {
    padding: 1,
  })
}
