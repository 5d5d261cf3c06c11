/**
 * Receptive fields of sequential conv nets: computed analytically layer by layer (size, jump,
 * start), and measured as the nonzero support of the gradient of one output unit with respect
 * to the input.
 */
import {
  add,
  avgPool2d,
  conv2d,
  InvalidArgumentError,
  ones,
  reference,
  slice,
  sum,
  type Tensor,
  valueAndGrad,
} from '@gen/core-tensor'
import {
  type LayerInfo,
  type SequentialConfig,
  validateSequentialConfig,
  type WindowGeometry,
} from './sequential'

/**
 * The receptive field of the units of one layer, per spatial axis `[rows, cols]`, in input
 * pixels. Unit `u` of the layer sees input positions `start + u·jump … start + u·jump + size − 1`
 * (coordinates of the unpadded input; negative or past-the-end positions lie in padding).
 */
export interface ReceptiveField {
  /** Index of the layer in the config. */
  readonly index: number
  /** Its type. */
  readonly type: string
  /** Output map size `[H, W]` of the layer. */
  readonly outputSize: readonly [number, number]
  /** Receptive-field size r. */
  readonly size: readonly [number, number]
  /** Jump j: input pixels between neighbouring units (the product of the strides so far). */
  readonly jump: readonly [number, number]
  /** Input coordinate of the first pixel seen by unit 0. */
  readonly start: readonly [number, number]
  /** Centre of unit 0's field, `start + (size − 1)/2`. */
  readonly center: readonly [number, number]
}

interface Field {
  readonly r: readonly number[]
  readonly j: readonly number[]
  readonly start: readonly number[]
}

/** One window (kernel k, stride s, padding p, dilation d) applied after `f`, per axis. */
function window(f: Field, g: WindowGeometry): Field {
  const next = [0, 1].map((a) => {
    const span = g.dilation[a] * (g.kernel[a] - 1) + 1
    return {
      r: f.r[a] + (span - 1) * f.j[a],
      j: f.j[a] * g.stride[a],
      start: f.start[a] - g.padding[a] * f.j[a],
    }
  })
  return { r: next.map((v) => v.r), j: next.map((v) => v.j), start: next.map((v) => v.start) }
}

/**
 * The field after layer `info`: windows compose; a residual block's field is the union of
 * its body's and its shortcut's (both paths reach the sum), which share one jump.
 */
function compose(f: Field, info: LayerInfo): Field {
  if (info.body !== undefined) {
    const body = info.body.reduce(compose, f)
    const skip = info.shortcut?.geometry === undefined ? f : window(f, info.shortcut.geometry)
    const start = [0, 1].map((a) => Math.min(body.start[a], skip.start[a]))
    const end = [0, 1].map((a) => Math.max(body.start[a] + body.r[a], skip.start[a] + skip.r[a]) - 1)
    return { r: [0, 1].map((a) => end[a] - start[a] + 1), j: body.j, start }
  }
  return info.geometry === undefined ? f : window(f, info.geometry)
}

/**
 * Receptive fields of every layer before the first `flatten` (units after it see the whole
 * input), by the recurrences (Araujo, Norris & Sim 2019, "Computing Receptive Fields of
 * Convolutional Neural Networks", Distill, eqs. 1–2; Dumoulin & Visin 2016), per axis, for a
 * window of kernel k, stride s, padding p, dilation d:
 *
 * ```
 * k' = d·(k − 1) + 1
 * r_l = r_{l−1} + (k' − 1)·j_{l−1}      j_l = j_{l−1}·s      start_l = start_{l−1} − p·j_{l−1}
 * ```
 *
 * from `r_0 = 1, j_0 = 1, start_0 = 0` at the input. Elementwise layers (activations,
 * dropout, batchNorm, localResponseNorm) change nothing; a residual block's field is the
 * union of its body's and its shortcut's.
 *
 * For LeNet-5 on 28×28 (C1 padded by 2), C1 … C5 have sizes 5, 6, 14, 16, 32, jumps
 * 1, 2, 2, 4, 4 and start −2 (LeCun et al. 1998: C5's units see the whole 32×32 field).
 *
 * @param config - a network with a `[C, H, W]` input
 * @returns one {@link ReceptiveField} per layer before the first flatten/linear
 * @throws InvalidArgumentError when the input is not `[C, H, W]`, or as {@link validateSequentialConfig}
 * @example
 * ```ts
 * receptiveFields(lenet5Config())[6].size // [32, 32]
 * ```
 */
export function receptiveFields(config: SequentialConfig): ReceptiveField[] {
  const infos = validateSequentialConfig(config)
  if (config.inputShape.length !== 3) {
    throw new InvalidArgumentError(
      'receptiveFields',
      'config.inputShape',
      `must be [C, H, W], got [${config.inputShape.join(', ')}]`,
    )
  }
  const out: ReceptiveField[] = []
  let field: Field = { r: [1, 1], j: [1, 1], start: [0, 0] }
  for (const info of infos) {
    if (info.type === 'flatten' || info.type === 'linear') break
    field = compose(field, info)
    const { r, j, start } = field
    out.push({
      index: info.index,
      type: info.type,
      outputSize: [info.outputShape[1], info.outputShape[2]],
      size: [r[0], r[1]],
      jump: [j[0], j[1]],
      start: [start[0], start[1]],
      center: [start[0] + (r[0] - 1) / 2, start[1] + (r[1] - 1) / 2],
    })
  }
  return out
}

/**
 * The input rectangle one unit sees according to {@link receptiveFields}, clipped to the
 * image: rows `[max(0, s₀ + i·j₀), min(H − 1, s₀ + i·j₀ + r₀ − 1)]`, likewise columns.
 *
 * @param config - the network
 * @param options - layer index, unit `[row, col]` in that layer's output map
 * @returns `{ rows: [first, last], cols: [first, last] }` (inclusive)
 * @throws InvalidArgumentError when the layer has no spatial field or the unit is outside its map
 * @example
 * ```ts
 * receptiveFieldBox(lenet5Config(), { layer: 3, unit: [3, 3] }) // { rows: [4, 17], cols: [4, 17] }
 * ```
 */
export function receptiveFieldBox(
  config: SequentialConfig,
  options: { readonly layer: number; readonly unit: readonly [number, number] },
): { rows: [number, number]; cols: [number, number] } {
  const field = fieldOf('receptiveFieldBox', config, options)
  const [, h, w] = config.inputShape
  const limits = [h, w]
  const [rows, cols] = [0, 1].map((a): [number, number] => {
    const first = field.start[a] + options.unit[a] * field.jump[a]
    return [Math.max(0, first), Math.min(limits[a] - 1, first + field.size[a] - 1)]
  })
  return { rows, cols }
}

function fieldOf(
  op: string,
  config: SequentialConfig,
  options: { readonly layer: number; readonly unit: readonly [number, number] },
): ReceptiveField {
  const fields = receptiveFields(config)
  const field = fields.find((f) => f.index === options.layer)
  if (field === undefined) {
    throw new InvalidArgumentError(
      op,
      'layer',
      `must index a layer before the first flatten (0..${fields.length - 1}), got ${String(options.layer)}`,
    )
  }
  const unit = options.unit as unknown
  if (
    !Array.isArray(unit) ||
    unit.length !== 2 ||
    !unit.every((u, a) => Number.isSafeInteger(u) && u >= 0 && u < field.outputSize[a])
  ) {
    throw new InvalidArgumentError(
      op,
      'unit',
      `must be [row, col] inside the layer's ${field.outputSize.join('×')} map, got ${JSON.stringify(unit)}`,
    )
  }
  return field
}

/** What {@link measureReceptiveField} returns. */
export interface MeasuredReceptiveField {
  /** First and last input row where the gradient is nonzero (inclusive). */
  readonly rows: [number, number]
  /** First and last input column where the gradient is nonzero (inclusive). */
  readonly cols: [number, number]
  /** Number of input pixels with a nonzero gradient (holes appear with dilation). */
  readonly support: number
  /** `|∂y/∂x|` summed over input channels, `[H·W]` row-major: the field made visible. */
  readonly gradient: Float64Array
}

/**
 * Measures a unit's receptive field from the gradient: `g = ∂y_{c,i,j} / ∂x` of the unit at
 * `[channel, row, col]` of layer `layer`, and its nonzero support in the input.
 *
 * The gradient is taken through a probe of the network on the float64 `reference` backend:
 * the same window geometry with every conv weight 1 and bias 0, max pooling replaced by
 * average pooling of the same window, elementwise layers left out and a residual block's two
 * paths summed, at an input of ones.
 * Every path from an input pixel to the unit then carries a positive weight, so no
 * cancellation, dead ReLU or max-pool routing hides a pixel: the support is the geometric
 * receptive field, and its bounding box must equal {@link receptiveFieldBox}.
 *
 * @param config - the network
 * @param options - layer index, unit `[row, col]`, channel (default 0)
 * @returns the bounding rows and columns, the support count and the gradient map
 * @throws InvalidArgumentError as {@link receptiveFieldBox}, or for a channel outside the layer's
 * @example
 * ```ts
 * const m = measureReceptiveField(lenet5Config(), { layer: 3, unit: [3, 3] })
 * m.rows // [4, 17], as receptiveFieldBox
 * ```
 */
export function measureReceptiveField(
  config: SequentialConfig,
  options: { readonly layer: number; readonly unit: readonly [number, number]; readonly channel?: number },
): MeasuredReceptiveField {
  const op = 'measureReceptiveField'
  fieldOf(op, config, options)
  const infos = validateSequentialConfig(config)
  const channel = options.channel ?? 0
  const channels = infos[options.layer].outputShape[0]
  if (!Number.isSafeInteger(channel) || channel < 0 || channel >= channels) {
    throw new InvalidArgumentError(
      op,
      'channel',
      `must be an integer in [0, ${channels}), got ${String(channel)}`,
    )
  }
  const [c, h, w] = config.inputShape
  const weights: Tensor[] = []
  const onesConv = (o: number, inC: number, g: WindowGeometry): Tensor => {
    const t = ones([o, inC, g.kernel[0], g.kernel[1]], { backend: reference })
    weights.push(t)
    return t
  }
  // the positive probe of one layer: ones for conv weights, average for every pooling, the
  // sum of both paths for a residual block, nothing for elementwise layers
  const probeLayer = (hidden: Tensor, info: LayerInfo): Tensor => {
    const g = info.geometry
    if (info.body !== undefined) {
      const body = info.body.reduce(probeLayer, hidden)
      const s = info.shortcut
      const skip =
        s?.geometry === undefined
          ? hidden
          : conv2d(hidden, onesConv(s.outputShape[0], s.inputShape[0], s.geometry), {
              stride: s.geometry.stride,
            })
      return add(body, skip)
    }
    if (g === undefined) return hidden
    if (info.type === 'conv2d') {
      return conv2d(hidden, onesConv(info.outputShape[0], info.inputShape[0], g), {
        stride: g.stride,
        padding: g.padding,
        dilation: g.dilation,
      })
    }
    return avgPool2d(hidden, { kernelSize: g.kernel, stride: g.stride, padding: g.padding })
  }
  const probe = (x: Tensor): Tensor => {
    const hidden = infos.slice(0, options.layer + 1).reduce(probeLayer, x)
    const [i, j] = options.unit
    return sum(slice(hidden, [0, channel, i, j]))
  }
  const x = ones([1, c, h, w], { backend: reference })
  const { value, grads } = valueAndGrad(probe)(x)
  const g = grads.dataSync()
  value.dispose()
  grads.dispose()
  x.dispose()
  for (const t of weights) t.dispose()
  const gradient = new Float64Array(h * w)
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < h * w; p++) gradient[p] += Math.abs(g[ch * h * w + p])
  }
  let support = 0
  const rows: [number, number] = [h, -1]
  const cols: [number, number] = [w, -1]
  for (let r = 0; r < h; r++) {
    for (let q = 0; q < w; q++) {
      if (gradient[r * w + q] === 0) continue
      support += 1
      rows[0] = Math.min(rows[0], r)
      rows[1] = Math.max(rows[1], r)
      cols[0] = Math.min(cols[0], q)
      cols[1] = Math.max(cols[1], q)
    }
  }
  return { rows, cols, support, gradient }
}
