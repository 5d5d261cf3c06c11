/**
 * Two more conv nets as plain {@link SequentialConfig}s, sized for 28×28 and 32×32 images: a
 * small AlexNet (Krizhevsky, Sutskever & Hinton 2012) and a small ResNet (He, Zhang, Ren &
 * Sun 2016).
 */
import { InvalidArgumentError } from '@gen/core-tensor'
import type { LayerConfig, SequentialConfig } from './sequential'

/** Options of {@link alexnetConfig}. */
export interface AlexnetOptions {
  /** Side of the square input, 28 (MNIST) or 32 (CIFAR-sized). Default 28. */
  readonly inputSize?: 28 | 32
  /** Input channels (1 grayscale, 3 colour). Default 1. */
  readonly inputChannels?: number
  /** Output classes. Default 10. */
  readonly numClasses?: number
  /** Channels of the five conv layers. Default `[16, 32, 48, 48, 32]`. */
  readonly widths?: readonly [number, number, number, number, number]
  /** Width of the two hidden fully connected layers. Default 128. */
  readonly hidden?: number
  /**
   * `'localResponse'`: LRN (n 5, α 1e-4, β 0.75, k 2: the paper's values) after the ReLU of
   * conv 1 and 2, as published. `'batchNorm'`: batch norm between every conv (then without
   * bias) and its ReLU. Default `'localResponse'`.
   */
  readonly normalization?: 'localResponse' | 'batchNorm'
  /** Dropout rate before each hidden fully connected layer (the paper's 0.5). Default 0.5. */
  readonly dropout?: number
}

function checkCount(op: string, argument: string, value: unknown, min: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min}, got ${String(value)}`)
  }
}

function checkShapeOptions(
  op: string,
  inputSize: unknown,
  inputChannels: unknown,
  numClasses: unknown,
): void {
  if (inputSize !== 28 && inputSize !== 32) {
    throw new InvalidArgumentError(op, 'inputSize', `must be 28 or 32, got ${String(inputSize)}`)
  }
  checkCount(op, 'inputChannels', inputChannels, 1)
  checkCount(op, 'numClasses', numClasses, 2)
}

/**
 * A small AlexNet for 28×28 or 32×32 inputs: AlexNet's layout (five convs, overlapping 3×3
 * max pooling of stride 2 after conv 1, 2 and 5, local response normalisation after conv 1
 * and 2, two dropout-regularised hidden layers; Krizhevsky et al. 2012, §3–4) with 5×5 and
 * 3×3 kernels of stride 1 and fewer channels, so that it trains on a CPU.
 *
 * Maps (28×28): 28 → pool 13 → 13 → pool 6 → 6 → 6 → 6 → pool 2, so the flattened features
 * are `widths[4]·2·2`; on 32×32: 32 → 15 → 15 → 7 → 7 → 3, `widths[4]·3·3`.
 *
 * @param options - inputSize (28), inputChannels (1), numClasses (10), widths, hidden (128),
 *   normalization (`'localResponse'`), dropout (0.5)
 * @returns a plain config (96,074 parameters with the defaults)
 * @throws InvalidArgumentError for another input size, widths that are not five integers >= 1,
 *   or a dropout rate outside [0, 1)
 * @example
 * ```ts
 * const config = alexnetConfig({ normalization: 'batchNorm' })
 * const params = initSequential(config, { key: key(0) })
 * ```
 */
export function alexnetConfig(options: AlexnetOptions = {}): SequentialConfig {
  const op = 'alexnetConfig'
  const {
    inputSize = 28,
    inputChannels = 1,
    numClasses = 10,
    widths = [16, 32, 48, 48, 32],
    hidden = 128,
    normalization = 'localResponse',
    dropout = 0.5,
  } = options
  checkShapeOptions(op, inputSize, inputChannels, numClasses)
  const list: unknown = widths
  if (!Array.isArray(list) || list.length !== 5) {
    throw new InvalidArgumentError(op, 'widths', `must be five channel counts, got ${JSON.stringify(widths)}`)
  }
  widths.forEach((w, i) => checkCount(op, `widths[${i}]`, w, 1))
  checkCount(op, 'hidden', hidden, 1)
  if (normalization !== 'localResponse' && normalization !== 'batchNorm') {
    throw new InvalidArgumentError(
      op,
      'normalization',
      `must be 'localResponse' or 'batchNorm', got ${JSON.stringify(normalization)}`,
    )
  }
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new InvalidArgumentError(op, 'dropout', `must be in [0, 1), got ${String(dropout)}`)
  }
  const bn = normalization === 'batchNorm'
  const conv = (i: number, kernelSize: number): LayerConfig[] => [
    { type: 'conv2d', outChannels: widths[i], kernelSize, padding: (kernelSize - 1) / 2, bias: !bn },
    ...(bn ? [{ type: 'batchNorm' } as const] : []),
    { type: 'relu' },
    ...(!bn && i < 2 ? [{ type: 'localResponseNorm', size: 5, alpha: 1e-4, beta: 0.75, k: 2 } as const] : []),
  ]
  const pool: LayerConfig = { type: 'maxPool2d', kernelSize: 3, stride: 2 }
  const drop: LayerConfig[] = dropout > 0 ? [{ type: 'dropout', rate: dropout }] : []
  return {
    inputShape: [inputChannels, inputSize, inputSize],
    layers: [
      ...conv(0, 5),
      pool,
      ...conv(1, 5),
      pool,
      ...conv(2, 3),
      ...conv(3, 3),
      ...conv(4, 3),
      pool,
      { type: 'flatten' },
      ...drop,
      { type: 'linear', outFeatures: hidden },
      { type: 'relu' },
      ...drop,
      { type: 'linear', outFeatures: hidden },
      { type: 'relu' },
      { type: 'linear', outFeatures: numClasses },
    ],
  }
}

/** Options of {@link resnetConfig}. */
export interface ResnetOptions {
  /** Side of the square input, 28 or 32. Default 28. */
  readonly inputSize?: 28 | 32
  /** Input channels. Default 1. */
  readonly inputChannels?: number
  /** Output classes. Default 10. */
  readonly numClasses?: number
  /** Channels per stage; stage s > 0 halves the map in its first block. Default `[8, 16, 32]`. */
  readonly widths?: readonly number[]
  /** Residual blocks per stage. Default 1. */
  readonly blocksPerStage?: number
}

/**
 * A small ResNet in the CIFAR layout of He et al. 2016, §4.2: a 3×3 conv stem, then stages of
 * basic residual blocks `x ↦ relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))` (3×3 convs
 * without bias, each followed by batch norm), the first block of every later stage with
 * stride 2 and a 1×1 projection shortcut (option B), then global average pooling and a linear
 * classifier. Depth `2·stages·blocksPerStage + 2` (8 with the defaults).
 *
 * Maps: 28 → 28 → 14 → 7 (32 → 32 → 16 → 8) with the default three stages.
 *
 * @param options - inputSize (28), inputChannels (1), numClasses (10), widths ([8, 16, 32]),
 *   blocksPerStage (1)
 * @returns a plain config with `residual` layers (19,762 parameters with the defaults)
 * @throws InvalidArgumentError for another input size, empty widths or blocks below 1, or
 *   more stages than the input can halve
 * @example
 * ```ts
 * const config = resnetConfig({ widths: [16, 32, 64], blocksPerStage: 3 }) // ResNet-20
 * ```
 */
export function resnetConfig(options: ResnetOptions = {}): SequentialConfig {
  const op = 'resnetConfig'
  const {
    inputSize = 28,
    inputChannels = 1,
    numClasses = 10,
    widths = [8, 16, 32],
    blocksPerStage = 1,
  } = options
  checkShapeOptions(op, inputSize, inputChannels, numClasses)
  const list: unknown = widths
  if (!Array.isArray(list) || list.length < 1 || list.length > 4) {
    throw new InvalidArgumentError(
      op,
      'widths',
      `must be 1 to 4 channel counts, got ${JSON.stringify(widths)}`,
    )
  }
  widths.forEach((w, i) => checkCount(op, `widths[${i}]`, w, 1))
  checkCount(op, 'blocksPerStage', blocksPerStage, 1)
  const layers: LayerConfig[] = [
    { type: 'conv2d', outChannels: widths[0], kernelSize: 3, padding: 1, bias: false },
    { type: 'batchNorm' },
    { type: 'relu' },
  ]
  let channels = widths[0]
  let size: number = inputSize
  widths.forEach((width, stage) => {
    for (let b = 0; b < blocksPerStage; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1
      layers.push(
        {
          type: 'residual',
          layers: [
            { type: 'conv2d', outChannels: width, kernelSize: 3, stride, padding: 1, bias: false },
            { type: 'batchNorm' },
            { type: 'relu' },
            { type: 'conv2d', outChannels: width, kernelSize: 3, padding: 1, bias: false },
            { type: 'batchNorm' },
          ],
          shortcut: stride === 1 && width === channels ? 'identity' : 'projection',
        },
        { type: 'relu' },
      )
      // a 3×3 conv of stride s and padding 1: ⌊(H − 1)/s⌋ + 1
      size = Math.floor((size - 1) / stride) + 1
      channels = width
    }
  })
  layers.push(
    { type: 'avgPool2d', kernelSize: size },
    { type: 'flatten' },
    { type: 'linear', outFeatures: numClasses },
  )
  return { inputShape: [inputChannels, inputSize, inputSize], layers }
}
