/**
 * Pooling and resampling over the spatial dims of `[N, C, H, W]` tensors: max and average
 * pooling, adaptive average pooling, and nearest / bilinear upsampling, with PyTorch's
 * conventions. All are composed (views, reductions, a depthwise conv2d, matmul), so their
 * gradients come from the primitives.
 */
import { InvalidArgumentError, ShapeError } from '../errors'
import { concatP, gatherP, maxPool2dArgmaxP, reduceP, reshapeP, sliceP } from '../primitives'
import type { Tensor } from '../tensor'
import { checkInput, type Pair, toPair } from './conv'
import { conv2dCore } from './conv-core'
import { fromArray, full } from './creation'
import { indexSelect } from './indexing'
import { fmtShape } from './internal'
import { pad } from './join'
import { matmul } from './matmul'
import { transpose } from './views'

/** Options of {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** Window size `kH, kW`. */
  readonly kernelSize: Pair
  /** Step between windows. Default: the kernel size (non-overlapping windows). */
  readonly stride?: Pair
  /** Implicit padding on both sides, at most half the kernel. Default 0. */
  readonly padding?: Pair
}

interface PoolGeometry {
  kernel: [number, number]
  stride: [number, number]
  padding: [number, number]
  out: [number, number]
}

function poolGeometry(op: string, x: Tensor, options: Pool2dOptions): PoolGeometry {
  checkInput(op, 'x', x, '[N, C, H, W]')
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(op, 'options', `must be an object with kernelSize, got ${String(options)}`)
  }
  const kernel = toPair(op, 'kernelSize', options.kernelSize, 1)
  const stride = toPair(op, 'stride', options.stride ?? kernel, 1)
  const padding = toPair(op, 'padding', options.padding ?? 0, 0)
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new InvalidArgumentError(
      op,
      'padding',
      `must be at most half the kernel size, got padding [${padding.join(',')}] for kernel [${kernel.join(',')}]`,
    )
  }
  const [, , h, w] = x.shape
  const out: [number, number] = [
    Math.floor((h + 2 * padding[0] - kernel[0]) / stride[0]) + 1,
    Math.floor((w + 2 * padding[1] - kernel[1]) / stride[1]) + 1,
  ]
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      op,
      `the kernel must fit in the padded input, got x=${fmtShape(x.shape)} and kernel [${kernel.join(',')}]`,
      [x.shape],
    )
  }
  return { kernel, stride, padding, out }
}

/**
 * 2-D max pooling: `y[n, c, p, q] = max_{i < kH, j < kW} x̃[n, c, p·sH + i, q·sW + j]`, with
 * x̃ padded by −∞. The gradient of each window goes to its maximum; on ties, to the first in
 * row-major order, as in PyTorch. A NaN in a window gives NaN.
 *
 * Runs as the backend's argmax kernel and a gather (so the backward pass is one scatter-add);
 * a backend without that kernel composes strided slices and a max reduction, whose gradient
 * splits ties evenly instead.
 *
 * Shapes: `[N, C, H, W]` → `[N, C, ⌊(H + 2pH − kH)/sH⌋ + 1, ⌊(W + 2pW − kW)/sW⌋ + 1]`
 * (PyTorch's `F.max_pool2d`, floor mode).
 *
 * See Zhou & Chellappa 1988 and LeCun et al. 1998 ("Gradient-based learning applied to
 * document recognition") for pooling in convolutional networks.
 *
 * @param x - float32 `[N, C, H, W]`
 * @param options - kernelSize, stride (default kernelSize), padding (default 0, at most kernel/2)
 * @returns the pooled tensor
 * @throws InvalidArgumentError for a kernel or stride below 1, or padding above half the kernel
 * @throws ShapeError when x is not 4-D or the kernel does not fit
 * @example
 * ```ts
 * maxPool2d(fromArray([[[[1, 2], [3, 4]]]]), { kernelSize: 2 }).toArray() // [[[[4]]]]
 * ```
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const geometry = poolGeometry('maxPool2d', x, options)
  const [n, c] = x.shape
  const argmax = maxPool2dArgmaxP(x, geometry)
  if (argmax === null) return maxPool2dComposed(x, geometry)
  const y = gatherP(reshapeP(x, [x.size]), argmax, 0)
  return reshapeP(y, [n, c, geometry.out[0], geometry.out[1]])
}

/**
 * maxPool2d from primitives only: the k·k strided window views stacked on a new axis and
 * reduced by max (for backends without an argmax kernel, and as the kernel's check).
 */
function maxPool2dComposed(x: Tensor, geometry: PoolGeometry): Tensor {
  const { kernel, stride, padding, out } = geometry
  const [n, c] = x.shape
  const xp =
    padding[0] === 0 && padding[1] === 0
      ? x
      : pad(
          x,
          [
            [0, 0],
            [0, 0],
            [padding[0], padding[0]],
            [padding[1], padding[1]],
          ],
          { value: -Infinity },
        )
  const windows: Tensor[] = []
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const win = sliceP(xp, [
        { start: 0, step: 1, size: n },
        { start: 0, step: 1, size: c },
        { start: i, step: stride[0], size: out[0] },
        { start: j, step: stride[1], size: out[1] },
      ])
      windows.push(reshapeP(win, [n, c, out[0], out[1], 1]))
    }
  }
  const stacked = windows.length === 1 ? windows[0] : concatP(windows, 4)
  return reduceP('max', stacked, [4])
}

/**
 * 2-D average pooling: `y[n, c, p, q] = (1 / (kH·kW)) Σ_{i, j} x̃[n, c, p·sH + i, q·sW + j]`
 * with x̃ zero-padded; padded zeros count in the average (PyTorch's default
 * `count_include_pad=True`). Runs as a depthwise conv2d with a constant kernel.
 *
 * Shapes: `[N, C, H, W]` → `[N, C, ⌊(H + 2pH − kH)/sH⌋ + 1, ⌊(W + 2pW − kW)/sW⌋ + 1]`.
 *
 * @param x - float32 `[N, C, H, W]`
 * @param options - kernelSize, stride (default kernelSize), padding (default 0, at most kernel/2)
 * @returns the pooled tensor
 * @throws InvalidArgumentError for a kernel or stride below 1, or padding above half the kernel
 * @throws ShapeError when x is not 4-D or the kernel does not fit
 * @example
 * ```ts
 * avgPool2d(fromArray([[[[1, 2], [3, 4]]]]), { kernelSize: 2 }).toArray() // [[[[2.5]]]]
 * ```
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const { kernel, stride, padding } = poolGeometry('avgPool2d', x, options)
  const c = x.shape[1]
  const w = full([c, 1, kernel[0], kernel[1]], 1 / (kernel[0] * kernel[1]), { backend: x.backend })
  return conv2dCore(x, w, {
    stride,
    padding: [padding[0], padding[0], padding[1], padding[1]],
    dilation: [1, 1],
    groups: c,
  })
}

/**
 * A `[out, in]` matrix whose row r averages input positions `⌊r·in/out⌋ ≤ t < ⌈(r+1)·in/out⌉`
 * (the bins of adaptive pooling).
 */
function binAverages(size: number, outSize: number): number[][] {
  return Array.from({ length: outSize }, (_, r) => {
    const start = Math.floor((r * size) / outSize)
    const end = Math.ceil(((r + 1) * size) / outSize)
    return Array.from({ length: size }, (_, t) => (t >= start && t < end ? 1 / (end - start) : 0))
  })
}

/**
 * Adaptive 2-D average pooling to a fixed output size: output cell (p, q) averages rows
 * `⌊p·H/oH⌋ ≤ h < ⌈(p+1)·H/oH⌉` and columns `⌊q·W/oW⌋ ≤ w < ⌈(q+1)·W/oW⌉` (PyTorch's
 * `F.adaptive_avg_pool2d`). The bins are separable, so it runs as `A_H · x · A_Wᵀ`.
 *
 * Shapes: `[N, C, H, W]` → `[N, C, oH, oW]`; `outputSize` 1 is global average pooling.
 *
 * @param x - float32 `[N, C, H, W]`
 * @param outputSize - `oH, oW` (a number for both), each >= 1
 * @returns the pooled tensor
 * @throws InvalidArgumentError for an output size below 1
 * @throws ShapeError when x is not 4-D
 * @example
 * ```ts
 * adaptiveAvgPool2d(fromArray([[[[1, 2, 3], [4, 5, 6]]]]), 1).toArray() // [[[[3.5]]]]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const op = 'adaptiveAvgPool2d'
  checkInput(op, 'x', x, '[N, C, H, W]')
  const [oh, ow] = toPair(op, 'outputSize', outputSize, 1)
  const [, , h, w] = x.shape
  const ah = fromArray(binAverages(h, oh), { backend: x.backend })
  const aw = fromArray(binAverages(w, ow), { backend: x.backend })
  return matmul(ah, matmul(x, transpose(aw)))
}

/** Options of {@link upsample}: give `scaleFactor` or `size`. */
export interface UpsampleOptions {
  /** Output size = ⌊input size · factor⌋ per axis (a number for both), factors > 0. */
  readonly scaleFactor?: number | readonly [number, number]
  /** Output `[oH, oW]` (a number for both). */
  readonly size?: Pair
  /** `'nearest'` (default) copies the nearest source pixel; `'bilinear'` interpolates. */
  readonly mode?: 'nearest' | 'bilinear'
  /** Bilinear only: map the corner pixels' centres onto each other (PyTorch's `align_corners`). Default false. */
  readonly alignCorners?: boolean
}

/** `[out, in]` bilinear weights along one axis (PyTorch's source-index rule). */
function linearWeights(size: number, outSize: number, alignCorners: boolean): number[][] {
  return Array.from({ length: outSize }, (_, r) => {
    const row = new Array<number>(size).fill(0)
    const src = alignCorners
      ? outSize > 1
        ? (r * (size - 1)) / (outSize - 1)
        : 0
      : Math.max(0, ((r + 0.5) * size) / outSize - 0.5)
    const i0 = Math.min(Math.floor(src), size - 1)
    const i1 = Math.min(i0 + 1, size - 1)
    const lambda = src - i0
    row[i0] += 1 - lambda
    row[i1] += lambda
    return row
  })
}

/**
 * Upsamples (or resizes) the spatial dims of `[N, C, H, W]`, as PyTorch's
 * `F.interpolate` for 4-D input. Source positions use the ratio of input to output size, so
 * integer scale factors and `size` match PyTorch exactly; a fractional `scaleFactor` matches
 * PyTorch's `recompute_scale_factor=True`.
 *
 * - nearest: `y[.., p, q] = x[.., ⌊p·H/oH⌋, ⌊q·W/oW⌋]` (integer factors repeat each pixel);
 * - bilinear: `y = U_H · x · U_Wᵀ`, each row of U holding the two linear weights of the
 *   source position `(p + ½)·H/oH − ½` (clamped at 0), or `p·(H − 1)/(oH − 1)` with
 *   `alignCorners`.
 *
 * @param x - float32 `[N, C, H, W]`
 * @param options - scaleFactor or size, mode (default nearest), alignCorners
 * @returns `[N, C, oH, oW]`
 * @throws InvalidArgumentError unless exactly one of scaleFactor and size is given, for factors <= 0 or sizes < 1, or an unknown mode
 * @throws ShapeError when x is not 4-D
 * @example
 * ```ts
 * upsample(fromArray([[[[1, 2]]]]), { scaleFactor: 2 }).toArray() // [[[[1, 1, 2, 2], [1, 1, 2, 2]]]]
 * upsample(fromArray([[[[0, 1]]]]), { size: [1, 4], mode: 'bilinear' }).toArray() // [[[[0, 0.25, 0.75, 1]]]]
 * ```
 */
export function upsample(x: Tensor, options: UpsampleOptions): Tensor {
  const op = 'upsample'
  checkInput(op, 'x', x, '[N, C, H, W]')
  const { scaleFactor, size, mode = 'nearest', alignCorners = false } = options
  if ((scaleFactor === undefined) === (size === undefined)) {
    throw new InvalidArgumentError(
      op,
      'options',
      'must give exactly one of scaleFactor and size, got both or neither',
    )
  }
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new InvalidArgumentError(op, 'mode', `must be 'nearest' or 'bilinear', got ${String(mode)}`)
  }
  const [, , h, w] = x.shape
  let out: [number, number]
  if (size !== undefined) out = toPair(op, 'size', size, 1)
  else {
    const factors = typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : scaleFactor
    if (
      !Array.isArray(factors) ||
      factors.length !== 2 ||
      !factors.every((f) => Number.isFinite(f) && f > 0)
    ) {
      throw new InvalidArgumentError(
        op,
        'scaleFactor',
        `must be a number > 0 or a pair of them, got ${Array.isArray(scaleFactor) ? `[${scaleFactor.join(',')}]` : String(scaleFactor)}`,
      )
    }
    out = [Math.floor(h * factors[0]), Math.floor(w * factors[1])]
    if (out[0] < 1 || out[1] < 1) {
      throw new InvalidArgumentError(
        op,
        'scaleFactor',
        `must give an output of at least 1x1, got ${out[0]}x${out[1]} from ${h}x${w}`,
      )
    }
  }
  if (mode === 'nearest') {
    const index = (n: number, m: number): number[] =>
      Array.from({ length: m }, (_, r) => Math.min(Math.floor((r * n) / m), n - 1))
    return indexSelect(indexSelect(x, 2, index(h, out[0])), 3, index(w, out[1]))
  }
  const uh = fromArray(linearWeights(h, out[0], alignCorners), { backend: x.backend })
  const uw = fromArray(linearWeights(w, out[1], alignCorners), { backend: x.backend })
  return matmul(uh, matmul(x, transpose(uw)))
}
