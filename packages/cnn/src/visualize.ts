/**
 * What a conv net sees, as plain pixel data (`{ shape, data }`, which `@gen/viz`'s `toImage`
 * and `imageGrid` read directly): first-layer filters, feature maps, misclassified examples,
 * saliency maps by input gradient (Simonyan, Vedaldi & Zisserman 2014) and the effective
 * receptive field (Luo, Li, Urtasun & Zemel 2016).
 */
import {
  abs,
  fromArray,
  InvalidArgumentError,
  mul,
  noGrad,
  oneHot,
  ShapeError,
  slice,
  sum,
  type Tensor,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import {
  forwardSequential,
  type SequentialConfig,
  type SequentialParams,
  type SequentialState,
  validateSequentialConfig,
} from './sequential'

/** Numbers with a shape, row-major (what `@gen/viz` calls a shaped array). */
export interface PixelBatch<T extends Float32Array | Float64Array = Float32Array> {
  /** `[N, H, W]` for a batch of gray pictures, `[H, W]` for one. */
  readonly shape: readonly number[]
  /** The values, row-major. */
  readonly data: T
}

/**
 * The first-layer filters of a conv net as a batch of small pictures, one per output channel
 * (ready for `imageGrid(batch, { range: '0..1' })`). `'each'` scales every filter to [0, 1]
 * by its own min and max (a constant filter gives 0.5); `'shared'` maps all filters by one
 * symmetric scale, `0.5 + w / (2·max|w|)`, so 0.5 is a zero weight and contrasts compare.
 *
 * @param weight - a conv weight `[O, C, kH, kW]` (e.g. `params['0'].weight`)
 * @param options - channel (default 0), scale (`'each'` default, or `'shared'`)
 * @returns `{ shape: [O, kH, kW], data }` in [0, 1]
 * @throws ShapeError unless the weight is 4-D
 * @throws InvalidArgumentError for a channel outside [0, C)
 * @example
 * ```ts
 * const filters = firstLayerFilters(params['0'].weight) // LeNet-5: [6, 5, 5]
 * ```
 */
export function firstLayerFilters(
  weight: Tensor,
  options: { readonly channel?: number; readonly scale?: 'each' | 'shared' } = {},
): PixelBatch {
  const op = 'firstLayerFilters'
  if (weight.rank !== 4) {
    throw new ShapeError(op, `weight must be [O, C, kH, kW], got [${weight.shape.join(', ')}]`, [
      weight.shape,
    ])
  }
  const [o, c, kh, kw] = weight.shape
  const { channel = 0, scale = 'each' } = options
  if (!Number.isSafeInteger(channel) || channel < 0 || channel >= c) {
    throw new InvalidArgumentError(op, 'channel', `must be an integer in [0, ${c}), got ${String(channel)}`)
  }
  if (scale !== 'each' && scale !== 'shared') {
    throw new InvalidArgumentError(op, 'scale', `must be 'each' or 'shared', got ${JSON.stringify(scale)}`)
  }
  const w = weight.dataSync()
  const size = kh * kw
  const data = new Float32Array(o * size)
  let shared = 0
  for (let f = 0; f < o; f++) {
    for (let k = 0; k < size; k++) shared = Math.max(shared, Math.abs(w[(f * c + channel) * size + k]))
  }
  for (let f = 0; f < o; f++) {
    const base = (f * c + channel) * size
    let lo = Infinity
    let hi = -Infinity
    for (let k = 0; k < size; k++) {
      lo = Math.min(lo, w[base + k])
      hi = Math.max(hi, w[base + k])
    }
    for (let k = 0; k < size; k++) {
      const v = w[base + k]
      data[f * size + k] =
        scale === 'shared'
          ? shared > 0
            ? 0.5 + v / (2 * shared)
            : 0.5
          : hi > lo
            ? (v - lo) / (hi - lo)
            : 0.5
    }
  }
  return { shape: [o, kh, kw], data }
}

function checkLayer(op: string, config: SequentialConfig, layer: number): readonly number[] {
  const infos = validateSequentialConfig(config)
  if (!Number.isSafeInteger(layer) || layer < 0 || layer >= infos.length) {
    throw new InvalidArgumentError(
      op,
      'layer',
      `must be an integer in [0, ${infos.length}), got ${String(layer)}`,
    )
  }
  return infos[layer].outputShape
}

/**
 * The feature maps of one image after layer `layer`, in evaluation mode: `[C, H, W]` raw
 * activations (show them with `range: 'auto'` per map, or `'symmetric'` with a diverging
 * colormap).
 *
 * @param config - the network
 * @param params - its parameters
 * @param image - one input `[1, ...inputShape]`
 * @param options - layer index (its output is returned), state (batchNorm statistics)
 * @returns `{ shape: [C, H, W], data }`
 * @throws InvalidArgumentError when the layer is out of range or its output is not `[C, H, W]`
 * @throws ShapeError when the image is not one input of the network
 * @example
 * ```ts
 * const maps = featureMaps(config, params, digit, { layer: 1 }) // LeNet-5 C1 after ReLU: [6, 28, 28]
 * ```
 */
export function featureMaps(
  config: SequentialConfig,
  params: SequentialParams,
  image: Tensor,
  options: { readonly layer: number; readonly state?: SequentialState },
): PixelBatch {
  const op = 'featureMaps'
  const shape = checkLayer(op, config, options.layer)
  if (shape.length !== 3) {
    throw new InvalidArgumentError(
      op,
      'layer',
      `must produce [C, H, W] maps, got [${shape.join(', ')}] after layer ${options.layer}`,
    )
  }
  if (image.rank < 1 || image.shape[0] !== 1) {
    throw new ShapeError(op, `image must be one input [1, ...], got [${image.shape.join(', ')}]`, [
      image.shape,
    ])
  }
  const data = tidy(() =>
    noGrad(() =>
      Float32Array.from(
        forwardSequential(config, params, image, {
          numLayers: options.layer + 1,
          state: options.state,
        }).output.dataSync(),
      ),
    ),
  )
  return { shape, data }
}

/** What {@link misclassified} returns. */
export interface Misclassified {
  /** Indices of the wrong predictions, in order (at most `limit`). */
  readonly indices: Int32Array
  /** The predicted class of each. */
  readonly predicted: Int32Array
  /** The true class of each. */
  readonly actual: Int32Array
  /** How many were wrong in all (may exceed `indices.length`). */
  readonly total: number
}

/**
 * The misclassified examples: every i with `predictions[i] ≠ labels[i]`, in index order,
 * the first `limit` of them with their predicted and true classes (label tiles with
 * `` `${actual}→${predicted}` ``).
 *
 * @param labels - true classes
 * @param predictions - predicted classes (`evaluateClassifier(...).predictions`)
 * @param options - limit (default all)
 * @returns `{ indices, predicted, actual, total }`
 * @throws InvalidArgumentError when the lengths differ or the limit is negative
 * @example
 * ```ts
 * const wrong = misclassified(test.labels.dataSync(), predictions, { limit: 32 })
 * ```
 */
export function misclassified(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: { readonly limit?: number } = {},
): Misclassified {
  const op = 'misclassified'
  if (labels.length !== predictions.length) {
    throw new InvalidArgumentError(
      op,
      'predictions',
      `must have one entry per label, got ${predictions.length} for ${labels.length} labels`,
    )
  }
  const limit = options.limit ?? labels.length
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidArgumentError(op, 'limit', `must be an integer >= 0, got ${String(limit)}`)
  }
  const indices: number[] = []
  let total = 0
  for (let i = 0; i < labels.length; i++) {
    if (predictions[i] === labels[i]) continue
    total += 1
    if (indices.length < limit) indices.push(i)
  }
  return {
    indices: Int32Array.from(indices),
    predicted: Int32Array.from(indices, (i) => predictions[i]),
    actual: Int32Array.from(indices, (i) => labels[i]),
    total,
  }
}

/**
 * Saliency maps by input gradient (Simonyan, Vedaldi & Zisserman 2014, §3.1): for each image,
 * `M_ij = max_c |∂ f_t(x) / ∂ x_{c,i,j}|`, the gradient of the target class's logit `f_t`
 * (by default the predicted class), largest absolute value over input channels; with
 * `signed`, the gradient itself (summed over channels). For a linear model `f = Wx + b` the
 * map is `|W_t|`, reshaped to the image.
 *
 * @param config - the classifier (its last layer gives logits)
 * @param params - its parameters
 * @param images - `[N, C, H, W]`
 * @param options - targets (one class per image; default the predicted), signed (default false), state
 * @returns `{ shape: [N, H, W], data }`
 * @throws ShapeError when the images do not match the network
 * @throws InvalidArgumentError when the targets are not one class per image
 * @example
 * ```ts
 * const maps = saliencyMaps(config, params, test.images.slice(0, 8))
 * ```
 */
export function saliencyMaps(
  config: SequentialConfig,
  params: SequentialParams,
  images: Tensor,
  options: {
    readonly targets?: ArrayLike<number>
    readonly signed?: boolean
    readonly state?: SequentialState
  } = {},
): PixelBatch {
  const op = 'saliencyMaps'
  const infos = validateSequentialConfig(config)
  if (images.rank !== 4) {
    throw new ShapeError(op, `images must be [N, C, H, W], got [${images.shape.join(', ')}]`, [images.shape])
  }
  const [n, c, h, w] = images.shape
  const classes = infos[infos.length - 1].outputShape[0]
  const logitsOf = (x: Tensor): Tensor =>
    forwardSequential(config, params, x, { state: options.state }).output
  let targets = options.targets
  if (targets === undefined) {
    const logits = tidy(() => noGrad(() => logitsOf(images).dataSync()))
    targets = Int32Array.from({ length: n }, (_, i) => {
      let best = 0
      for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k
      return best
    })
  }
  if (
    targets.length !== n ||
    !Array.from(targets).every((t) => Number.isInteger(t) && t >= 0 && t < classes)
  ) {
    throw new InvalidArgumentError(
      op,
      'targets',
      `must hold ${n} classes in [0, ${classes}), got ${targets.length} values`,
    )
  }
  const picked = Int32Array.from(targets)
  const g = tidy(() => {
    const mask = oneHot(fromArray(picked, { backend: images.backend }), classes)
    // Σ_i f_{t_i}(x_i): the examples do not interact in evaluation mode, so its gradient
    // holds each image's own ∂f_t/∂x
    const { grads } = valueAndGrad((x: Tensor) => sum(mul(logitsOf(x), mask)))(images)
    return (options.signed === true ? grads : abs(grads)).dataSync()
  })
  const plane = h * w
  const data = new Float32Array(n * plane)
  for (let k = 0; k < n; k++) {
    for (let p = 0; p < plane; p++) {
      let v = options.signed === true ? 0 : -Infinity
      for (let ch = 0; ch < c; ch++) {
        const x = g[(k * c + ch) * plane + p]
        v = options.signed === true ? v + x : Math.max(v, x)
      }
      data[k * plane + p] = v
    }
  }
  return { shape: [n, h, w], data }
}

/**
 * The effective receptive field (Luo et al. 2016, "Understanding the effective receptive
 * field in deep convolutional neural networks", §2): the mean over input images of
 * `|∂ y_u / ∂ x|`, where `y_u` is one unit of layer `layer` (by default the centre of its
 * map, summed over its channels, or one `channel`), summed over input channels. Its support
 * lies inside the analytic receptive field (`receptiveFieldBox`); in deep stacks its mass
 * gathers near the centre, roughly Gaussian and much smaller than the box (Luo et al., §3).
 *
 * @param config - the network (evaluation mode: dropout off, batchNorm on `state`)
 * @param params - its (trained or untrained) parameters
 * @param images - the inputs to average over, `[N, ...inputShape]`
 * @param options - layer, unit `[row, col]` (default the map's centre), channel (default all), state
 * @returns `{ shape: [H, W], data: Float64Array }` (H, W of the input)
 * @throws InvalidArgumentError for a layer without a `[C, H, W]` output, a unit outside its map,
 *   or a channel outside its channels
 * @throws ShapeError when the images do not match the network
 * @example
 * ```ts
 * const erf = effectiveReceptiveField(config, params, test.images.slice(0, 200), { layer: 6 })
 * ```
 */
export function effectiveReceptiveField(
  config: SequentialConfig,
  params: SequentialParams,
  images: Tensor,
  options: {
    readonly layer: number
    readonly unit?: readonly [number, number]
    readonly channel?: number
    readonly state?: SequentialState
  },
): PixelBatch<Float64Array> {
  const op = 'effectiveReceptiveField'
  const shape = checkLayer(op, config, options.layer)
  if (shape.length !== 3) {
    throw new InvalidArgumentError(
      op,
      'layer',
      `must produce [C, H, W] maps, got [${shape.join(', ')}] after layer ${options.layer}`,
    )
  }
  const [channels, mh, mw] = shape
  const unit = options.unit ?? [Math.floor((mh - 1) / 2), Math.floor((mw - 1) / 2)]
  if (!unit.every((u, a) => Number.isSafeInteger(u) && u >= 0 && u < [mh, mw][a])) {
    throw new InvalidArgumentError(
      op,
      'unit',
      `must be [row, col] inside the ${mh}×${mw} map, got ${JSON.stringify(unit)}`,
    )
  }
  const { channel } = options
  if (channel !== undefined && !(Number.isSafeInteger(channel) && channel >= 0 && channel < channels)) {
    throw new InvalidArgumentError(
      op,
      'channel',
      `must be an integer in [0, ${channels}), got ${String(channel)}`,
    )
  }
  if (images.rank !== 4) {
    throw new ShapeError(op, `images must be [N, C, H, W], got [${images.shape.join(', ')}]`, [images.shape])
  }
  const [n, c, h, w] = images.shape
  const g = tidy(() => {
    const { grads } = valueAndGrad((x: Tensor) => {
      const y = forwardSequential(config, params, x, {
        numLayers: options.layer + 1,
        state: options.state,
      }).output
      return sum(slice(y, [null, channel ?? null, unit[0], unit[1]]))
    })(images)
    return abs(grads).dataSync()
  })
  const plane = h * w
  const data = new Float64Array(plane)
  for (let k = 0; k < n; k++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (k * c + ch) * plane
      for (let p = 0; p < plane; p++) data[p] += g[base + p] / n
    }
  }
  return { shape: [h, w], data }
}
