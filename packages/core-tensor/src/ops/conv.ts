/**
 * Convolutions: conv2d, conv1d and the transposed conv2d, with PyTorch's layouts and
 * arguments. On the cpu backend they run the fused im2col + WebAssembly SIMD GEMM kernel;
 * elsewhere they are composed of strided slice views and matmul. Either way the gradient with
 * respect to both operands is itself a convolution.
 */
import type { Conv2dParams } from '../backend/spec'
import { convOutputSize } from '../backend/conv-kernel'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { reshapeP, sameBackend } from '../primitives'
import type { Tensor } from '../tensor'
import { conv2dCore, convTransposeCore } from './conv-core'
import { checkTensor, fmtShape } from './internal'

/** A size given once for both spatial axes, or as `[height, width]`. */
export type Pair = number | readonly [number, number]

/**
 * Zero padding of a convolution: the same on every side, `[height, width]` (each applied
 * before and after), `'valid'` (none) or `'same'` (output size = input size at stride 1; an
 * odd total puts the extra row/column at the bottom/right, as PyTorch and TensorFlow do).
 */
export type ConvPadding = Pair | 'same' | 'valid'

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step between windows. Default 1. */
  readonly stride?: Pair
  /** Zero padding. Default 0. */
  readonly padding?: ConvPadding
  /** Spacing between kernel taps (à trous). Default 1. */
  readonly dilation?: Pair
  /** Channel groups: input and output channels split into `groups` independent convolutions. Default 1. */
  readonly groups?: number
}

/** Options of {@link conv1d}. */
export interface Conv1dOptions {
  /** Step between windows. Default 1. */
  readonly stride?: number
  /** Zero padding on both ends, `'valid'` or `'same'`. Default 0. */
  readonly padding?: number | 'same' | 'valid'
  /** Spacing between kernel taps. Default 1. */
  readonly dilation?: number
  /** Channel groups. Default 1. */
  readonly groups?: number
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  /** Stride of the convolution this one transposes (the upsampling factor). Default 1. */
  readonly stride?: Pair
  /** Padding of the convolution this one transposes: removes `dilation·(k−1) − padding` less. Default 0. */
  readonly padding?: Pair
  /** Extra rows/columns at the bottom/right of the output, each < max(stride, dilation). Default 0. */
  readonly outputPadding?: Pair
  /** Spacing between kernel taps. Default 1. */
  readonly dilation?: Pair
  /** Channel groups. Default 1. */
  readonly groups?: number
}

/** `[a, b]` from a number or pair of integers >= `min`. */
export function toPair(op: string, argument: string, value: unknown, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => Number.isSafeInteger(v) && (v as number) >= min)
  ) {
    const got = Array.isArray(value) ? `[${value.join(',')}]` : String(value)
    throw new InvalidArgumentError(op, argument, `must be an integer >= ${min} or a pair of them, got ${got}`)
  }
  return [pair[0] as number, pair[1] as number]
}

/** Throws unless `groups` is an integer >= 1. */
function checkGroups(op: string, groups: unknown): number {
  if (!Number.isSafeInteger(groups) || (groups as number) < 1) {
    throw new InvalidArgumentError(op, 'groups', `must be an integer >= 1, got ${String(groups)}`)
  }
  return groups as number
}

/** Throws unless `x` is float32 with one dim per entry of `layout` (e.g. `'[N, C, H, W]'`). */
export function checkInput(op: string, argument: string, x: unknown, layout: string): asserts x is Tensor {
  checkTensor(op, argument, x)
  const rank = layout.split(',').length
  if (x.dtype !== 'float32') throw new DTypeError(op, `${argument} must be float32, got ${x.dtype}`, x.dtype)
  if (x.rank !== rank) {
    throw new ShapeError(op, `${argument} must be ${rank}-D ${layout}, got ${fmtShape(x.shape)}`, [x.shape])
  }
}

/** Normalised params of conv2d, validated against the operands' shapes. */
function conv2dParams(op: string, x: Tensor, w: Tensor, options: Conv2dOptions): Conv2dParams {
  checkInput(op, 'x', x, '[N, C, H, W]')
  checkInput(op, 'w', w, '[O, C/groups, kH, kW]')
  sameBackend(op, [x, w])
  const stride = toPair(op, 'stride', options.stride ?? 1, 1)
  const dilation = toPair(op, 'dilation', options.dilation ?? 1, 1)
  const groups = checkGroups(op, options.groups ?? 1)
  const [, c, h, width] = x.shape
  const [o, cg, kh, kw] = w.shape
  if (c % groups !== 0 || o % groups !== 0) {
    throw new ShapeError(
      op,
      `input and output channels must be divisible by groups=${groups}, got x=${fmtShape(x.shape)} and w=${fmtShape(w.shape)}`,
      [x.shape, w.shape],
    )
  }
  if (cg !== c / groups) {
    throw new ShapeError(
      op,
      `w must have C/groups = ${c / groups} input channels, got x=${fmtShape(x.shape)} and w=${fmtShape(w.shape)}`,
      [x.shape, w.shape],
    )
  }
  if (kh < 1 || kw < 1) {
    throw new ShapeError(op, `kernel must be at least 1x1, got w=${fmtShape(w.shape)}`, [w.shape])
  }
  const padding = options.padding ?? 0
  let pads: [number, number, number, number]
  if (padding === 'valid') pads = [0, 0, 0, 0]
  else if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new InvalidArgumentError(op, 'padding', `'same' needs stride 1, got stride [${stride.join(',')}]`)
    }
    const th = dilation[0] * (kh - 1)
    const tw = dilation[1] * (kw - 1)
    pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)]
  } else {
    const [ph, pw] = toPair(op, 'padding', padding, 0)
    pads = [ph, ph, pw, pw]
  }
  const oh = convOutputSize(h + pads[0] + pads[1], kh, stride[0], dilation[0])
  const ow = convOutputSize(width + pads[2] + pads[3], kw, stride[1], dilation[1])
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      op,
      `the dilated kernel must fit in the padded input, got x=${fmtShape(x.shape)}, w=${fmtShape(w.shape)}, padding [${pads.join(',')}], dilation [${dilation.join(',')}]`,
      [x.shape, w.shape],
    )
  }
  return { stride, padding: pads, dilation, groups }
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library):
 *
 * ```
 * y[n, o, p, q] = Σ_{c < C/G} Σ_{i < kH} Σ_{j < kW} w[o, c, i, j] · x̃[n, g·C/G + c, p·sH + i·dH, q·sW + j·dW]
 * ```
 *
 * with `g = ⌊o / (O/G)⌋` the group of output channel o and x̃ the zero-padded input. Output
 * size `oH = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1) / sH⌋ + 1` (likewise oW).
 *
 * Shapes: x `[N, C, H, W]`, w `[O, C/groups, kH, kW]` → `[N, O, oH, oW]` (PyTorch's
 * `F.conv2d` layout; add a bias `[O]` reshaped to `[O, 1, 1]`).
 *
 * Runs as im2col + GEMM (Chellapilla et al. 2006; the fused cpu kernel uses the WebAssembly
 * SIMD matmul). Gradients: ∂x is the transposed convolution of ∂y with w, ∂w a convolution of
 * x with ∂y (Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning").
 *
 * @param x - input, float32 `[N, C, H, W]`
 * @param w - kernel, float32 `[O, C/groups, kH, kW]`
 * @param options - stride, padding (number, `[ph, pw]`, `'same'`, `'valid'`), dilation, groups
 * @returns `[N, O, oH, oW]`
 * @throws ShapeError for wrong ranks, channels that do not match or divide by groups, or a kernel larger than the padded input
 * @throws InvalidArgumentError for a stride, dilation or groups below 1, negative padding, or `'same'` with stride > 1
 * @throws DTypeError unless both operands are float32
 * @example
 * ```ts
 * const x = ones([1, 1, 4, 4])
 * const w = ones([2, 1, 3, 3])
 * conv2d(x, w, { padding: 1 }).shape // [1, 2, 4, 4]; y[0, 0, 0, 0] = 4, y[0, 0, 1, 1] = 9
 * ```
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  return conv2dCore(x, w, conv2dParams('conv2d', x, w, options))
}

/**
 * 1-D convolution (cross-correlation), through conv2d with a height of 1:
 * `y[n, o, t] = Σ_{c, i} w[o, c, i] · x̃[n, g·C/G + c, t·s + i·d]`.
 *
 * Shapes: x `[N, C, L]`, w `[O, C/groups, k]` → `[N, O, ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1]`
 * (PyTorch's `F.conv1d`).
 *
 * @param x - input, float32 `[N, C, L]`
 * @param w - kernel, float32 `[O, C/groups, k]`
 * @param options - stride, padding (number, `'same'`, `'valid'`), dilation, groups
 * @returns `[N, O, oL]`
 * @throws ShapeError, InvalidArgumentError, DTypeError as {@link conv2d}
 * @example
 * ```ts
 * conv1d(fromArray([[[1, 2, 3, 4]]]), fromArray([[[1, -1]]])).toArray() // [[[-1, -1, -1]]]
 * ```
 */
export function conv1d(x: Tensor, w: Tensor, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d'
  checkInput(op, 'x', x, '[N, C, L]')
  checkInput(op, 'w', w, '[O, C/groups, k]')
  const [n, c, l] = x.shape
  const [o, cg, k] = w.shape
  const padding = options.padding ?? 0
  const lift = (v: unknown, name: string, fill: number): [number, number] => {
    if (typeof v !== 'number') {
      const got = Array.isArray(v) ? 'an array' : String(v)
      throw new InvalidArgumentError(op, name, `must be an integer, got ${got}`)
    }
    return [fill, v]
  }
  const params = conv2dParams(op, reshapeP(x, [n, c, 1, l]), reshapeP(w, [o, cg, 1, k]), {
    stride: lift(options.stride ?? 1, 'stride', 1),
    dilation: lift(options.dilation ?? 1, 'dilation', 1),
    padding: padding === 'same' || padding === 'valid' ? padding : lift(padding, 'padding', 0),
    groups: options.groups,
  })
  const y = conv2dCore(reshapeP(x, [n, c, 1, l]), reshapeP(w, [o, cg, 1, k]), params)
  return reshapeP(y, [n, o, y.shape[3]])
}

/**
 * Transposed 2-D convolution ("deconvolution", fractionally strided convolution), the adjoint
 * of {@link conv2d} in its input: `convTranspose2d(y, w)` is `∂/∂x ⟨conv2d(x, w), y⟩` for the
 * same stride, padding, dilation and groups. Each input pixel scatters a scaled copy of the
 * kernel into the output:
 *
 * ```
 * out[n, g·Cout/G + co, p·sH + i·dH − padH, q·sW + j·dW − padW] += x[n, ci, p, q] · w[ci, co, i, j]
 * ```
 *
 * for ci in group g. Output size `Hout = (H − 1)·sH − 2·padH + dH·(kH − 1) + outputPaddingH + 1`.
 *
 * Shapes: x `[N, Cin, H, W]`, w `[Cin, Cout/groups, kH, kW]` (PyTorch's
 * `F.conv_transpose2d` layout) → `[N, Cout, Hout, Wout]`.
 *
 * See Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning", §4.
 *
 * @param x - input, float32 `[N, Cin, H, W]`
 * @param w - kernel, float32 `[Cin, Cout/groups, kH, kW]`
 * @param options - stride, padding, outputPadding, dilation, groups
 * @returns `[N, Cout, Hout, Wout]`
 * @throws ShapeError for wrong ranks, channels that do not match or divide by groups, or an empty output
 * @throws InvalidArgumentError for a stride, dilation or groups below 1, negative padding, or outputPadding >= max(stride, dilation)
 * @throws DTypeError unless both operands are float32
 * @example
 * ```ts
 * // upsample 2x: a 2x2 kernel at stride 2 tiles one copy per pixel
 * convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), { stride: 2 }).shape // [1, 1, 4, 4]
 * ```
 */
export function convTranspose2d(x: Tensor, w: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d'
  checkInput(op, 'x', x, '[N, Cin, H, W]')
  checkInput(op, 'w', w, '[Cin, Cout/groups, kH, kW]')
  sameBackend(op, [x, w])
  const stride = toPair(op, 'stride', options.stride ?? 1, 1)
  const [ph, pw] = toPair(op, 'padding', options.padding ?? 0, 0)
  const outputPadding = toPair(op, 'outputPadding', options.outputPadding ?? 0, 0)
  const dilation = toPair(op, 'dilation', options.dilation ?? 1, 1)
  const groups = checkGroups(op, options.groups ?? 1)
  const [, cin, h, width] = x.shape
  const [wc, , kh, kw] = w.shape
  if (wc !== cin || cin % groups !== 0) {
    throw new ShapeError(
      op,
      `w must be [Cin, Cout/groups, kH, kW] with Cin = x's ${cin} channels divisible by groups=${groups}, got x=${fmtShape(x.shape)} and w=${fmtShape(w.shape)}`,
      [x.shape, w.shape],
    )
  }
  for (let a = 0; a < 2; a++) {
    if (outputPadding[a] >= Math.max(stride[a], dilation[a])) {
      throw new InvalidArgumentError(
        op,
        'outputPadding',
        `must be < max(stride, dilation) on each axis, got [${outputPadding.join(',')}] with stride [${stride.join(',')}] and dilation [${dilation.join(',')}]`,
      )
    }
  }
  const outH = (h - 1) * stride[0] - 2 * ph + dilation[0] * (kh - 1) + outputPadding[0] + 1
  const outW = (width - 1) * stride[1] - 2 * pw + dilation[1] * (kw - 1) + outputPadding[1] + 1
  if (outH < 1 || outW < 1 || kh < 1 || kw < 1) {
    throw new ShapeError(
      op,
      `the output must be at least 1x1, got ${outH}x${outW} for x=${fmtShape(x.shape)} and w=${fmtShape(w.shape)}`,
      [x.shape, w.shape],
    )
  }
  return convTransposeCore(x, w, { stride, padding: [ph, ph, pw, pw], dilation, groups }, [outH, outW])
}
