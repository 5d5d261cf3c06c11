/**
 * Sequential convolutional networks from a plain JSON config: the config type, its
 * validation (with shape inference), `initSequential` (a params tree keyed like PyTorch's
 * `nn.Sequential` state_dict: `'0.weight'`), and the pure forward pass.
 */
import {
  add,
  avgPool2d,
  type BackendV1,
  checkKey,
  checkOptions,
  cpu,
  fold,
  InvalidArgumentError,
  type Key,
  maxPool2d,
  mul,
  pad,
  pow,
  relu,
  reshape,
  ShapeError,
  sigmoid,
  slice,
  square,
  tanh,
  type Tensor,
} from '@gen/core-tensor'
import {
  batchNorm,
  batchNormInit,
  conv2dInit,
  conv2dLayer,
  dropout,
  linear,
  linearInit,
} from '@gen/core-tensor/nn'

/** A size given once for both spatial axes, or as `[height, width]` (JSON-friendly). */
export type SizePair = number | readonly [number, number]

/**
 * One layer of a {@link SequentialConfig}. Channel and feature counts of the input are
 * inferred from the previous layer, so a layer names only what it produces.
 *
 * - `conv2d`: `y = conv2d(x, W) + b`, W `[outChannels, C, kH, kW]`; stride, zero padding and
 *   dilation default to 1, 0, 1.
 * - `maxPool2d` / `avgPool2d`: window `kernelSize`, stride (default the kernel), padding.
 * - `relu`, `tanh`, `sigmoid`: elementwise.
 * - `flatten`: `[N, C, H, W] → [N, C·H·W]`.
 * - `linear`: `y = x·Wᵀ + b`, W `[outFeatures, in]`.
 * - `dropout`: inverted dropout with probability `rate` (training only).
 * - `batchNorm`: batch normalisation over every dim but the channels (Ioffe & Szegedy 2015).
 * - `localResponseNorm`: across-channel normalisation of AlexNet (Krizhevsky, Sutskever &
 *   Hinton 2012, §3.3) in PyTorch's form `b_c = a_c · (k + (α/n) Σ_{c' ∈ window(c)} a_{c'}²)^−β`,
 *   window n = `size` channels centred on c (zeros past the ends); α 1e-4, β 0.75, k 1 by default.
 * - `residual`: `y = body(x) + shortcut(x)` (He, Zhang, Ren & Sun 2016), body = `layers` (any
 *   of these types, nested residuals too); shortcut `'identity'` (default; shapes must match)
 *   or `'projection'`, a 1×1 conv with bias whose stride is the body's total stride. Put the
 *   block's final activation after it as its own layer.
 *
 * @example
 * ```ts
 * const layer: LayerConfig = { type: 'conv2d', outChannels: 6, kernelSize: 5, padding: 2 }
 * ```
 */
export type LayerConfig =
  | {
      readonly type: 'conv2d'
      readonly outChannels: number
      readonly kernelSize: SizePair
      readonly stride?: SizePair
      readonly padding?: SizePair
      readonly dilation?: SizePair
      readonly bias?: boolean
    }
  | {
      readonly type: 'maxPool2d' | 'avgPool2d'
      readonly kernelSize: SizePair
      readonly stride?: SizePair
      readonly padding?: SizePair
    }
  | { readonly type: 'relu' | 'tanh' | 'sigmoid' | 'flatten' }
  | { readonly type: 'linear'; readonly outFeatures: number; readonly bias?: boolean }
  | { readonly type: 'dropout'; readonly rate: number }
  | { readonly type: 'batchNorm'; readonly momentum?: number; readonly epsilon?: number }
  | {
      readonly type: 'localResponseNorm'
      readonly size: number
      readonly alpha?: number
      readonly beta?: number
      readonly k?: number
    }
  | {
      readonly type: 'residual'
      readonly layers: readonly LayerConfig[]
      readonly shortcut?: 'identity' | 'projection'
    }

/** The layer type names of {@link LayerConfig}. */
export type LayerType = LayerConfig['type']

/**
 * A sequential network as plain data: the shape of one input example and the layers in
 * order. JSON-serialisable, checked by {@link validateSequentialConfig}.
 *
 * @example
 * ```ts
 * const config: SequentialConfig = {
 *   inputShape: [1, 28, 28],
 *   layers: [
 *     { type: 'conv2d', outChannels: 8, kernelSize: 3, padding: 1 },
 *     { type: 'relu' },
 *     { type: 'maxPool2d', kernelSize: 2 },
 *     { type: 'flatten' },
 *     { type: 'linear', outFeatures: 10 },
 *   ],
 * }
 * ```
 */
export interface SequentialConfig {
  /** `[channels, height, width]` of one example, or `[features]` for a fully connected net. */
  readonly inputShape: readonly number[]
  /** The layers, applied in order. */
  readonly layers: readonly LayerConfig[]
}

/**
 * The parameters of a sequential network: per layer index (as a string, PyTorch's
 * `nn.Sequential` naming), `{ weight, bias? }` for conv2d, linear and batchNorm (γ, β). Layers
 * without parameters have no entry.
 *
 * @example
 * ```ts
 * const params: SequentialParams = initSequential(config, { key: key(0) })
 * params['0'].weight.shape // [8, 1, 3, 3]
 * ```
 */
export type SequentialParams = Readonly<Record<string, { readonly weight: Tensor; readonly bias?: Tensor }>>

/**
 * Running statistics of the batchNorm layers, per layer index (PyTorch's `running_mean` and
 * `running_var` buffers). Empty for a network without batchNorm.
 *
 * @example
 * ```ts
 * const state: SequentialState = initSequentialState(config)
 * ```
 */
export type SequentialState = Readonly<
  Record<string, { readonly runningMean: Tensor; readonly runningVar: Tensor }>
>

/** Options of {@link initSequential}. */
export interface InitOptions {
  /** The random key of the initialisation (one key per layer is folded from it). */
  readonly key: Key
  /** Backend of the parameters; defaults to `cpu`. */
  readonly backend?: BackendV1
}

/** The geometry of a convolution or pooling layer along both spatial axes (resolved defaults). */
export interface WindowGeometry {
  /** Kernel `[kH, kW]`. */
  readonly kernel: readonly [number, number]
  /** Stride `[sH, sW]`. */
  readonly stride: readonly [number, number]
  /** Zero padding on each side `[pH, pW]`. */
  readonly padding: readonly [number, number]
  /** Dilation `[dH, dW]` (1 for pooling). */
  readonly dilation: readonly [number, number]
}

/**
 * Per layer of a validated config: its type, the input and output shape of one example, its
 * parameter count and, for conv and pool layers, the window geometry; for a residual block
 * its body's layers and its projection shortcut.
 */
export interface LayerInfo {
  /** Index in its layer list (`config.layers`, or the residual body it sits in). */
  readonly index: number
  /** Parameter name prefix: `'3'` at the top, `'3.body.0'` inside the residual layer 3. */
  readonly name: string
  /** The layer type. */
  readonly type: LayerType
  /** Shape of one input example (without the batch dim). */
  readonly inputShape: readonly number[]
  /** Shape of one output example. */
  readonly outputShape: readonly number[]
  /** Trainable parameters of this layer (a residual block: its body and shortcut together). */
  readonly parameterCount: number
  /** Window geometry of conv2d and pooling layers (and of a projection shortcut's 1×1 conv). */
  readonly geometry?: WindowGeometry
  /** A residual block's body, one info per body layer. */
  readonly body?: readonly LayerInfo[]
  /** A residual block's projection (a 1×1 conv2d named `'<block>.shortcut'`); absent for identity. */
  readonly shortcut?: LayerInfo
}

const op = 'validateSequentialConfig'

function isCount(value: unknown, min = 1): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min
}

function pairOf(where: string, value: unknown, fallback: number, min: number): [number, number] {
  const v = value ?? fallback
  if (isCount(v, min)) return [v, v]
  if (Array.isArray(v) && v.length === 2 && isCount(v[0], min) && isCount(v[1], min)) {
    return [v[0], v[1]]
  }
  throw new InvalidArgumentError(
    op,
    where,
    `must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`,
  )
}

function windowOut(size: number, g: WindowGeometry, axis: 0 | 1): number {
  const span = g.dilation[axis] * (g.kernel[axis] - 1) + 1
  return Math.floor((size + 2 * g.padding[axis] - span) / g.stride[axis]) + 1
}

const layerTypes =
  'conv2d, maxPool2d, avgPool2d, relu, tanh, sigmoid, flatten, linear, dropout, batchNorm, localResponseNorm, residual'

function positiveNumber(where: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(op, where, `must be a finite number > 0, got ${String(value)}`)
  }
}

/** Validates `layers` on an input of `shape`; `where` and `name` prefix the messages and parameter names. */
function validateLayers(
  layers: readonly LayerConfig[],
  input: readonly number[],
  where0: string,
  name0: string,
): LayerInfo[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InvalidArgumentError(op, where0, `must be a non-empty array, got ${JSON.stringify(layers)}`)
  }
  const infos: LayerInfo[] = []
  let shape: number[] = [...input]
  layers.forEach((layer: LayerConfig, index) => {
    const where = `${where0}[${index}]`
    const name = name0 === '' ? String(index) : `${name0}.${index}`
    if (typeof layer !== 'object' || layer === null) {
      throw new InvalidArgumentError(op, where, `must be a layer object, got ${String(layer)}`)
    }
    const needSpatial = (): [number, number, number] => {
      if (shape.length !== 3) {
        throw new InvalidArgumentError(
          op,
          where,
          `${layer.type} needs a [C, H, W] input, got [${shape.join(', ')}] (after flatten?)`,
        )
      }
      return shape as [number, number, number]
    }
    let parameterCount = 0
    let geometry: WindowGeometry | undefined
    let body: LayerInfo[] | undefined
    let shortcut: LayerInfo | undefined
    const inputShapeHere = shape
    switch (layer.type) {
      case 'conv2d':
      case 'maxPool2d':
      case 'avgPool2d': {
        const [c, h, w] = needSpatial()
        const isConv = layer.type === 'conv2d'
        const kernel = pairOf(`${where}.kernelSize`, layer.kernelSize, 0, 1)
        const g: WindowGeometry = {
          kernel,
          stride:
            !isConv && layer.stride === undefined ? kernel : pairOf(`${where}.stride`, layer.stride, 1, 1),
          padding: pairOf(`${where}.padding`, layer.padding, 0, 0),
          dilation: isConv ? pairOf(`${where}.dilation`, layer.dilation, 1, 1) : [1, 1],
        }
        if (!isConv && (g.padding[0] > kernel[0] / 2 || g.padding[1] > kernel[1] / 2)) {
          throw new InvalidArgumentError(
            op,
            `${where}.padding`,
            `must be at most half the kernel size, got [${g.padding.join(', ')}] for kernel [${kernel.join(', ')}]`,
          )
        }
        const out = [windowOut(h, g, 0), windowOut(w, g, 1)]
        if (out[0] < 1 || out[1] < 1) {
          throw new InvalidArgumentError(
            op,
            where,
            `the ${layer.type} window must fit in its padded input, got input [${shape.join(', ')}] and kernel [${kernel.join(', ')}]`,
          )
        }
        geometry = g
        if (layer.type === 'conv2d') {
          if (!isCount(layer.outChannels)) {
            throw new InvalidArgumentError(
              op,
              `${where}.outChannels`,
              `must be an integer >= 1, got ${String(layer.outChannels)}`,
            )
          }
          parameterCount =
            layer.outChannels * c * kernel[0] * kernel[1] + (layer.bias === false ? 0 : layer.outChannels)
          shape = [layer.outChannels, out[0], out[1]]
        } else {
          shape = [c, out[0], out[1]]
        }
        break
      }
      case 'relu':
      case 'tanh':
      case 'sigmoid':
        break
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)]
        break
      case 'linear': {
        if (shape.length !== 1) {
          throw new InvalidArgumentError(
            op,
            where,
            `linear needs a flat [features] input, got [${shape.join(', ')}] (add a flatten layer)`,
          )
        }
        if (!isCount(layer.outFeatures)) {
          throw new InvalidArgumentError(
            op,
            `${where}.outFeatures`,
            `must be an integer >= 1, got ${String(layer.outFeatures)}`,
          )
        }
        parameterCount = layer.outFeatures * shape[0] + (layer.bias === false ? 0 : layer.outFeatures)
        shape = [layer.outFeatures]
        break
      }
      case 'dropout':
        if (typeof layer.rate !== 'number' || !(layer.rate >= 0 && layer.rate < 1)) {
          throw new InvalidArgumentError(op, `${where}.rate`, `must be in [0, 1), got ${String(layer.rate)}`)
        }
        break
      case 'batchNorm': {
        const { momentum = 0.1, epsilon = 1e-5 } = layer
        if (!(momentum >= 0 && momentum <= 1)) {
          throw new InvalidArgumentError(
            op,
            `${where}.momentum`,
            `must be in [0, 1], got ${String(momentum)}`,
          )
        }
        if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
          throw new InvalidArgumentError(
            op,
            `${where}.epsilon`,
            `must be a finite number >= 0, got ${String(epsilon)}`,
          )
        }
        parameterCount = 2 * shape[0]
        break
      }
      case 'localResponseNorm': {
        needSpatial()
        if (!isCount(layer.size)) {
          throw new InvalidArgumentError(
            op,
            `${where}.size`,
            `must be an integer >= 1, got ${String(layer.size)}`,
          )
        }
        positiveNumber(`${where}.alpha`, layer.alpha ?? 1e-4)
        positiveNumber(`${where}.beta`, layer.beta ?? 0.75)
        positiveNumber(`${where}.k`, layer.k ?? 1)
        break
      }
      case 'residual': {
        const [c, h, w] = needSpatial()
        body = validateLayers(layer.layers, shape, `${where}.layers`, `${name}.body`)
        const out = body.at(-1)?.outputShape ?? shape
        const mode = layer.shortcut ?? 'identity'
        if (mode !== 'identity' && mode !== 'projection') {
          throw new InvalidArgumentError(
            op,
            `${where}.shortcut`,
            `must be 'identity' or 'projection', got ${JSON.stringify(mode)}`,
          )
        }
        if (out.length !== 3) {
          throw new InvalidArgumentError(
            op,
            `${where}.layers`,
            `must end in a [C, H, W] map to add the shortcut to, got [${out.join(', ')}]`,
          )
        }
        if (mode === 'identity') {
          if (out.some((d, i) => d !== shape[i])) {
            throw new InvalidArgumentError(
              op,
              `${where}.shortcut`,
              `'identity' needs the body to keep the shape [${shape.join(', ')}], got [${out.join(', ')}] (use 'projection')`,
            )
          }
        } else {
          // the body's total stride, so the 1×1 conv lands on the body's grid
          const stride: [number, number] = [1, 1]
          const strideOf = (infos: readonly LayerInfo[]): void => {
            for (const info of infos) {
              if (info.geometry !== undefined) {
                stride[0] *= info.geometry.stride[0]
                stride[1] *= info.geometry.stride[1]
              }
              if (info.body !== undefined) strideOf(info.body)
            }
          }
          strideOf(body)
          const g: WindowGeometry = { kernel: [1, 1], stride, padding: [0, 0], dilation: [1, 1] }
          const projected = [out[0], windowOut(h, g, 0), windowOut(w, g, 1)]
          if (projected[1] !== out[1] || projected[2] !== out[2]) {
            throw new InvalidArgumentError(
              op,
              `${where}.shortcut`,
              `a 1×1 projection of stride [${stride.join(', ')}] gives [${projected.join(', ')}], not the body's [${out.join(', ')}]`,
            )
          }
          shortcut = {
            index: 0,
            name: `${name}.shortcut`,
            type: 'conv2d',
            inputShape: shape,
            outputShape: out,
            parameterCount: out[0] * c + out[0],
            geometry: g,
          }
        }
        parameterCount = body.reduce((t, l) => t + l.parameterCount, 0) + (shortcut?.parameterCount ?? 0)
        shape = [...out]
        break
      }
      default:
        throw new InvalidArgumentError(
          op,
          `${where}.type`,
          `must be one of ${layerTypes}, got ${JSON.stringify((layer as { type: unknown }).type)}`,
        )
    }
    infos.push({
      index,
      name,
      type: layer.type,
      inputShape: inputShapeHere,
      outputShape: shape,
      parameterCount,
      geometry,
      ...(body === undefined ? {} : { body }),
      ...(shortcut === undefined ? {} : { shortcut }),
    })
  })
  return infos
}

/**
 * Checks a sequential config and infers the shape after every layer.
 *
 * Output size of a conv layer `⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1`, of a pooling layer
 * `⌊(H + 2p − k)/s⌋ + 1` (PyTorch's floor mode).
 *
 * @param config - the config to check
 * @returns one {@link LayerInfo} per layer (residual blocks carry their body's infos)
 * @throws InvalidArgumentError for an unknown layer type, a size below 1, a window that does
 *   not fit, a spatial layer after flatten or a linear layer on a spatial input, a pooling
 *   padding above half the kernel, a dropout rate outside [0, 1), a residual block whose
 *   shortcut cannot match its body's output
 * @example
 * ```ts
 * const info = validateSequentialConfig(lenet5Config())
 * info.at(-1)?.outputShape // [10]
 * ```
 */
export function validateSequentialConfig(config: SequentialConfig): LayerInfo[] {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError(
      op,
      'config',
      `must be an object with inputShape and layers, got ${String(config)}`,
    )
  }
  const { inputShape, layers } = config
  if (
    !Array.isArray(inputShape) ||
    ![1, 3].includes(inputShape.length) ||
    !inputShape.every((d) => isCount(d))
  ) {
    throw new InvalidArgumentError(
      op,
      'inputShape',
      `must be [channels, height, width] or [features] of integers >= 1, got ${JSON.stringify(inputShape)}`,
    )
  }
  return validateLayers(layers, inputShape, 'layers', '')
}

/**
 * The number of trainable parameters of a config, from the shapes alone: `Σ O·C·kH·kW + O`
 * over conv layers, `Σ out·in + out` over linear layers, `2·C` per batchNorm, residual
 * blocks counting their body and their projection (`O·C + O`).
 *
 * @param config - the network
 * @returns the parameter count (61,706 for {@link lenet5Config})
 * @throws InvalidArgumentError as {@link validateSequentialConfig}
 * @example
 * ```ts
 * parameterCount(lenet5Config()) // 61706
 * ```
 */
export function parameterCount(config: SequentialConfig): number {
  return validateSequentialConfig(config).reduce((total, layer) => total + layer.parameterCount, 0)
}

/** One parameterised layer of a network, found by walking its config (residual bodies included). */
export interface ParameterSlot {
  /** The params key: `'3'`, `'3.body.0'`, `'3.shortcut'`. */
  readonly name: string
  /** conv2d (a projection shortcut included), linear or batchNorm. */
  readonly type: 'conv2d' | 'linear' | 'batchNorm'
  /** Shape of `weight` (`[O, C, kH, kW]`, `[out, in]`, `[C]` for γ). */
  readonly weight: readonly number[]
  /** Shape of `bias` (β for batchNorm), absent without one. */
  readonly bias?: readonly number[]
}

/**
 * Every parameterised layer of a network in order, with the shapes of its tensors: what
 * {@link initSequential} creates and checkpoints store.
 *
 * @param config - the network
 * @returns one {@link ParameterSlot} per conv2d, linear and batchNorm layer (recursing into residual blocks)
 * @throws InvalidArgumentError as {@link validateSequentialConfig}
 * @example
 * ```ts
 * parameterSlots(lenet5Config())[0] // { name: '0', type: 'conv2d', weight: [6, 1, 5, 5], bias: [6] }
 * ```
 */
export function parameterSlots(config: SequentialConfig): ParameterSlot[] {
  const slots: ParameterSlot[] = []
  const walk = (layers: readonly LayerConfig[], infos: readonly LayerInfo[]): void => {
    infos.forEach((info, i) => {
      const layer = layers[i]
      if (layer.type === 'conv2d') {
        const [kh, kw] = info.geometry?.kernel ?? [1, 1]
        const weight = [layer.outChannels, info.inputShape[0], kh, kw]
        slots.push(
          layer.bias === false
            ? { name: info.name, type: 'conv2d', weight }
            : { name: info.name, type: 'conv2d', weight, bias: [layer.outChannels] },
        )
      } else if (layer.type === 'linear') {
        const weight = [layer.outFeatures, info.inputShape[0]]
        slots.push(
          layer.bias === false
            ? { name: info.name, type: 'linear', weight }
            : { name: info.name, type: 'linear', weight, bias: [layer.outFeatures] },
        )
      } else if (layer.type === 'batchNorm') {
        slots.push({
          name: info.name,
          type: 'batchNorm',
          weight: [info.inputShape[0]],
          bias: [info.inputShape[0]],
        })
      } else if (layer.type === 'residual' && info.body !== undefined) {
        walk(layer.layers, info.body)
        const s = info.shortcut
        if (s !== undefined) {
          slots.push({
            name: s.name,
            type: 'conv2d',
            weight: [s.outputShape[0], s.inputShape[0], 1, 1],
            bias: [s.outputShape[0]],
          })
        }
      }
    })
  }
  walk(config.layers, validateSequentialConfig(config))
  return slots
}

/** The key layer `name` (`'3'`, `'3.body.0'`, `'3.shortcut'`) draws from: `fold` along the path. */
function keyOf(root: Key, name: string): Key {
  let k = root
  for (const part of name.split('.')) {
    if (part === 'body') continue
    // the shortcut folds a number no body index reaches, so it never shares a body layer's key
    k = fold(k, part === 'shortcut' ? 1_000_003 : Number(part))
  }
  return k
}

/**
 * Initialises a sequential network: conv2d and linear layers as PyTorch does
 * (`U(−1/√fanIn, 1/√fanIn)` for weight and bias, He et al. 2015), batchNorm with γ = 1,
 * β = 0. Layer i draws from `fold(key, i)` (layer j of residual block i from
 * `fold(fold(key, i), j)`), so inserting a parameter-free layer does not change the other
 * layers' draws... except that it renumbers the later ones.
 *
 * @param config - the network
 * @param options - key, backend (default cpu)
 * @returns the params tree: `{ [name]: { weight, bias? } }` with the names of {@link parameterSlots}
 * @throws InvalidArgumentError as {@link validateSequentialConfig}
 * @example
 * ```ts
 * const params = initSequential(lenet5Config(), { key: key(0) })
 * params['0'].weight.shape // [6, 1, 5, 5]
 * ```
 */
export function initSequential(config: SequentialConfig, options: InitOptions): SequentialParams {
  checkOptions('initSequential', options)
  checkKey('initSequential', options.key)
  const backend = options.backend ?? cpu
  const params: Record<string, { weight: Tensor; bias?: Tensor }> = {}
  for (const slot of parameterSlots(config)) {
    const layerKey = keyOf(options.key, slot.name)
    if (slot.type === 'conv2d') {
      const [o, c, kh, kw] = slot.weight
      params[slot.name] = conv2dInit(layerKey, {
        inChannels: c,
        outChannels: o,
        kernelSize: [kh, kw],
        bias: slot.bias !== undefined,
        backend,
      })
    } else if (slot.type === 'linear') {
      params[slot.name] = linearInit(layerKey, slot.weight[1], slot.weight[0], {
        bias: slot.bias !== undefined,
        backend,
      })
    } else {
      params[slot.name] = batchNormInit(slot.weight[0], { backend }).params
    }
  }
  return params
}

/**
 * The initial running statistics of the batchNorm layers (mean 0, variance 1).
 *
 * @param config - the network
 * @param options - backend (default cpu)
 * @returns `{ [name]: { runningMean, runningVar } }`, empty without batchNorm
 * @throws InvalidArgumentError as {@link validateSequentialConfig}
 * @example
 * ```ts
 * const state = initSequentialState(config)
 * ```
 */
export function initSequentialState(
  config: SequentialConfig,
  options: { readonly backend?: BackendV1 } = {},
): SequentialState {
  const state: Record<string, { runningMean: Tensor; runningVar: Tensor }> = {}
  for (const slot of parameterSlots(config)) {
    if (slot.type === 'batchNorm') {
      state[slot.name] = batchNormInit(slot.weight[0], { backend: options.backend ?? cpu }).state
    }
  }
  return state
}

/** Options of {@link forwardSequential} and {@link applySequential}. */
export interface ForwardOptions {
  /** Training mode: dropout active and batchNorm on batch statistics. Default false. */
  readonly training?: boolean
  /** Key of the dropout masks (needed when training with dropout); layer i uses `fold(key, i)`. */
  readonly key?: Key
  /** BatchNorm running statistics (needed in evaluation when the net has batchNorm). */
  readonly state?: SequentialState
  /** Stop after this many layers (e.g. `layers.length − 1` for penultimate features). Default all. */
  readonly numLayers?: number
  /** Keep every layer's output in `activations`. Default false. */
  readonly keepActivations?: boolean
}

/** What {@link forwardSequential} returns. */
export interface ForwardResult {
  /** The last computed layer's output `[N, ...]`. */
  readonly output: Tensor
  /** The new batchNorm state (updated in training, the given one in evaluation). */
  readonly state: SequentialState
  /** Each top-level layer's output, when `keepActivations` was asked for (else empty). */
  readonly activations: readonly Tensor[]
}

function checkInputShape(config: SequentialConfig, x: Tensor, name: string): void {
  const expected = config.inputShape
  if (x.rank !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
    throw new ShapeError(name, `x must be [N, ${expected.join(', ')}], got [${x.shape.join(', ')}]`, [
      x.shape,
    ])
  }
}

/**
 * Local response normalisation across channels (Krizhevsky et al. 2012, §3.3; PyTorch's
 * `LocalResponseNorm`): `b_c = a_c · (k + (α/n) Σ_{c'=c−⌊n/2⌋}^{c+⌈n/2⌉−1} a_{c'}²)^−β` with zeros
 * past the channel ends. Composed from differentiable ops, so autodiff gives its gradient.
 *
 * @param x - `[N, C, H, W]`
 * @param options - size n, alpha α (1e-4), beta β (0.75), k (1)
 * @returns b, the shape of x
 * @throws InvalidArgumentError for a size below 1 or a non-positive α, β or k
 * @throws ShapeError unless x is 4-D
 * @example
 * ```ts
 * const y = localResponseNorm(x, { size: 5, alpha: 1e-4, beta: 0.75, k: 2 }) // AlexNet's values
 * ```
 */
export function localResponseNorm(
  x: Tensor,
  options: { readonly size: number; readonly alpha?: number; readonly beta?: number; readonly k?: number },
): Tensor {
  const name = 'localResponseNorm'
  if (x.rank !== 4) {
    throw new ShapeError(name, `x must be [N, C, H, W], got [${x.shape.join(', ')}]`, [x.shape])
  }
  const { size, alpha = 1e-4, beta = 0.75, k = 1 } = options
  if (!isCount(size)) {
    throw new InvalidArgumentError(name, 'size', `must be an integer >= 1, got ${String(size)}`)
  }
  for (const [arg, v] of [
    ['alpha', alpha],
    ['beta', beta],
    ['k', k],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new InvalidArgumentError(name, arg, `must be a finite number > 0, got ${String(v)}`)
    }
  }
  const c = x.shape[1]
  // PyTorch pads ⌊n/2⌋ before and ⌈n/2⌉ − 1 after, then sums n neighbours
  const before = Math.floor(size / 2)
  const squared = pad(square(x), [
    [0, 0],
    [before, size - 1 - before],
  ])
  let window = slice(squared, [null, { start: 0, stop: c }])
  for (let s = 1; s < size; s++) window = add(window, slice(squared, [null, { start: s, stop: s + c }]))
  return mul(x, pow(add(mul(window, alpha / size), k), -beta))
}

interface RunContext {
  readonly training: boolean
  readonly key?: Key
  readonly state: SequentialState
  readonly params: SequentialParams
  readonly nextState: Record<string, { runningMean: Tensor; runningVar: Tensor }>
}

function runLayer(
  [layer, info]: readonly [LayerConfig, LayerInfo],
  h: Tensor,
  ctx: RunContext,
  layerKey?: Key,
): Tensor {
  const name = 'forwardSequential'
  const p = ctx.params[info.name] as { weight: Tensor; bias?: Tensor } | undefined
  const needParams = (): { weight: Tensor; bias?: Tensor } => {
    if (p === undefined) {
      throw new InvalidArgumentError(
        name,
        `params['${info.name}']`,
        `must hold the ${layer.type} layer's weight, got undefined`,
      )
    }
    return p
  }
  const g = info.geometry
  switch (layer.type) {
    case 'conv2d':
      return conv2dLayer(needParams(), h, { stride: g?.stride, padding: g?.padding, dilation: g?.dilation })
    case 'maxPool2d':
      return maxPool2d(h, { kernelSize: g?.kernel ?? 1, stride: g?.stride, padding: g?.padding })
    case 'avgPool2d':
      return avgPool2d(h, { kernelSize: g?.kernel ?? 1, stride: g?.stride, padding: g?.padding })
    case 'relu':
      return relu(h)
    case 'tanh':
      return tanh(h)
    case 'sigmoid':
      return sigmoid(h)
    case 'flatten':
      return reshape(h, [h.shape[0], -1])
    case 'linear':
      return linear(needParams(), h)
    case 'dropout':
      if (ctx.training && layer.rate > 0) {
        if (layerKey === undefined) {
          throw new InvalidArgumentError(
            name,
            'key',
            'must be given when training a network with dropout, got undefined',
          )
        }
        return dropout(layerKey, h, { rate: layer.rate })
      }
      return h
    case 'localResponseNorm':
      return localResponseNorm(h, layer)
    case 'batchNorm': {
      let running = ctx.state[info.name] as SequentialState[string] | undefined
      if (running === undefined) {
        if (!ctx.training) {
          throw new InvalidArgumentError(
            name,
            'state',
            `must hold the running statistics of batchNorm layer ${info.name} in evaluation, got none`,
          )
        }
        running = batchNormInit(h.shape[1], { backend: h.backend }).state
      }
      const result = batchNorm(needParams() as { weight: Tensor; bias: Tensor }, running, h, {
        training: ctx.training,
        momentum: layer.momentum,
        epsilon: layer.epsilon,
      })
      ctx.nextState[info.name] = result.state
      return result.y
    }
    case 'residual': {
      let y = h
      const body = info.body ?? []
      layer.layers.forEach((inner, j) => {
        y = runLayer([inner, body[j]], y, ctx, layerKey === undefined ? undefined : fold(layerKey, j))
      })
      const s = info.shortcut
      let skip = h
      if (s !== undefined) {
        const projection: SequentialParams[string] | undefined = ctx.params[s.name]
        if (projection === undefined) {
          throw new InvalidArgumentError(
            name,
            `params['${s.name}']`,
            "must hold the residual block's projection weight, got undefined",
          )
        }
        skip = conv2dLayer(projection, h, { stride: s.geometry?.stride })
      }
      return add(y, skip)
    }
  }
}

/**
 * The forward pass of a sequential network, layer by layer, as a pure function: new tensors
 * out, params and state untouched.
 *
 * Shapes: x `[N, ...inputShape]` → output `[N, ...outputShape of the last layer run]`.
 *
 * @param config - the network (validated again: cheap)
 * @param params - from {@link initSequential} (or a checkpoint)
 * @param x - a batch of inputs, float32
 * @param options - training, key, state, numLayers, keepActivations
 * @returns `{ output, state, activations }`
 * @throws ShapeError when x does not match `inputShape`
 * @throws InvalidArgumentError when training with dropout without a key, or evaluating a
 *   batchNorm without state, or for numLayers outside [0, layers.length]
 * @example
 * ```ts
 * const { output } = forwardSequential(config, params, x, { numLayers: config.layers.length - 1 })
 * ```
 */
export function forwardSequential(
  config: SequentialConfig,
  params: SequentialParams,
  x: Tensor,
  options: ForwardOptions = {},
): ForwardResult {
  const name = 'forwardSequential'
  const infos = validateSequentialConfig(config)
  checkInputShape(config, x, name)
  const { training = false, key, state = {}, numLayers = infos.length, keepActivations = false } = options
  if (!isCount(numLayers, 0) || numLayers > infos.length) {
    throw new InvalidArgumentError(
      name,
      'numLayers',
      `must be an integer in [0, ${infos.length}], got ${String(numLayers)}`,
    )
  }
  const ctx: RunContext = { training, key, state, params, nextState: { ...state } }
  const activations: Tensor[] = []
  let h = x
  for (let i = 0; i < numLayers; i++) {
    h = runLayer([config.layers[i], infos[i]], h, ctx, key === undefined ? undefined : fold(key, i))
    if (keepActivations) activations.push(h)
  }
  return { output: h, state: ctx.nextState, activations }
}

/**
 * The forward pass returning only the output: {@link forwardSequential}'s `output`.
 * For classifiers these are the logits `[N, classes]`.
 *
 * @param config - the network
 * @param params - its parameters
 * @param x - `[N, ...inputShape]`
 * @param options - training, key, state, numLayers
 * @returns the output of the last layer run
 * @throws ShapeError, InvalidArgumentError as {@link forwardSequential}
 * @example
 * ```ts
 * const logits = applySequential(config, params, images) // [N, 10]
 * ```
 */
export function applySequential(
  config: SequentialConfig,
  params: SequentialParams,
  x: Tensor,
  options: ForwardOptions = {},
): Tensor {
  return forwardSequential(config, params, x, options).output
}
