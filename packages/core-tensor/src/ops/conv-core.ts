/**
 * The convolution core (internal), on validated inputs and normalised params, written with
 * primitives only so that the gradient rule of the fused kernel can call it.
 *
 * Legend: x [N, C, H, W], w [O, Cg, kH, kW] with Cg = C / groups, Og = O / groups,
 * y [N, O, oH, oW]; padding is [top, bottom, left, right].
 */
import type { Conv2dParams } from '../backend/spec'
import { convOutputSize } from '../backend/conv-kernel'
import {
  concatP,
  expandP,
  fusedConv2dBackwardFilterP,
  fusedConv2dBackwardInputP,
  fusedConv2dP,
  matmulP,
  permuteP,
  reshapeP,
  sliceP,
  type SliceAxis,
  zerosP,
} from '../primitives'
import type { Tensor } from '../tensor'

/** The output shape [N, O, oH, oW] of conv2d. */
function conv2dShape(xShape: readonly number[], wShape: readonly number[], params: Conv2dParams): number[] {
  const [top, bottom, left, right] = params.padding
  return [
    xShape[0],
    wShape[0],
    convOutputSize(xShape[2] + top + bottom, wShape[2], params.stride[0], params.dilation[0]),
    convOutputSize(xShape[3] + left + right, wShape[3], params.stride[1], params.dilation[1]),
  ]
}

const whole = (d: number): SliceAxis => ({ start: 0, step: 1, size: d })

/**
 * Pads axis `axis` with `before`/`after` zeros; a negative amount crops that many elements
 * instead.
 */
function padOrCrop(x: Tensor, axis: number, before: number, after: number): Tensor {
  let out = x
  if (before < 0 || after < 0) {
    const start = Math.max(0, -before)
    const size = out.shape[axis] - start - Math.max(0, -after)
    out = sliceP(
      out,
      out.shape.map((d, i) => (i === axis ? { start, step: 1, size } : whole(d))),
    )
  }
  const parts: Tensor[] = []
  const zerosOf = (count: number): Tensor =>
    zerosP(
      out.backend,
      out.shape.map((d, i) => (i === axis ? count : d)),
      out.dtype,
    )
  if (before > 0) parts.push(zerosOf(before))
  parts.push(out)
  if (after > 0) parts.push(zerosOf(after))
  return parts.length === 1 ? out : concatP(parts, axis)
}

/**
 * The composed convolution: zero-pad, gather the kH·kW shifted strided windows (im2col as
 * slice views), then one batched matmul per group.
 */
function conv2dComposed(x: Tensor, w: Tensor, params: Conv2dParams): Tensor {
  const [n, c] = x.shape
  const [o, cg, kh, kw] = w.shape
  const groups = params.groups
  const [sh, sw] = params.stride
  const [dh, dw] = params.dilation
  const [top, bottom, left, right] = params.padding
  const outShape = conv2dShape(x.shape, w.shape, params)
  const [, , oh, ow] = outShape
  const xp = padOrCrop(padOrCrop(x, 2, top, bottom), 3, left, right)
  const x5 = reshapeP(xp, [n, groups, c / groups, xp.shape[2], xp.shape[3]])
  const windows: Tensor[] = []
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const win = sliceP(x5, [
        whole(n),
        whole(groups),
        whole(cg),
        { start: i * dh, step: sh, size: oh },
        { start: j * dw, step: sw, size: ow },
      ])
      windows.push(reshapeP(win, [n, groups, cg, 1, oh * ow]))
    }
  }
  // cols [N, groups, Cg·kH·kW, L], rows ordered (c, i, j) like w's flattened [Og, Cg·kH·kW]
  const stacked = windows.length === 1 ? windows[0] : concatP(windows, 3)
  const cols = reshapeP(stacked, [n, groups, cg * kh * kw, oh * ow])
  const k = cg * kh * kw
  const wg = expandP(reshapeP(w, [1, groups, o / groups, k]), [n, groups, o / groups, k])
  return reshapeP(matmulP(wg, cols), outShape)
}

/** conv2d on validated inputs: the backend's fused kernel, else the composed path. */
export function conv2dCore(x: Tensor, w: Tensor, params: Conv2dParams): Tensor {
  return fusedConv2dP(x, w, params, conv2dShape(x.shape, w.shape, params)) ?? conv2dComposed(x, w, params)
}

/** Inserts `s − 1` zeros between neighbours along H and W: [N, C, H, W] → [N, C, (H−1)s+1, ...]. */
function dilateZeros(y: Tensor, sh: number, sw: number): Tensor {
  if (sh === 1 && sw === 1) return y
  const [n, c, h, w] = y.shape
  let t = reshapeP(y, [n, c, h, 1, w, 1])
  if (sh > 1) t = concatP([t, zerosP(y.backend, [n, c, h, sh - 1, w, 1], y.dtype)], 3)
  if (sw > 1) t = concatP([t, zerosP(y.backend, [n, c, h, sh, w, sw - 1], y.dtype)], 5)
  const flat = reshapeP(t, [n, c, h * sh, w * sw])
  return sliceP(flat, [whole(n), whole(c), whole((h - 1) * sh + 1), whole((w - 1) * sw + 1)])
}

/**
 * Transposed convolution (the adjoint of conv2d in x) on validated inputs: y [N, Cin, Hin, Win],
 * w [Cin, Cout/groups, kH, kW] (PyTorch's layout), output [N, Cout, outH, outW]. Written as a
 * stride-1 conv2d of the zero-dilated y with the flipped, regrouped kernel.
 */
export function convTransposeCore(
  y: Tensor,
  w: Tensor,
  params: Conv2dParams,
  outSize: readonly [number, number],
): Tensor {
  const [cin, coutG, kh, kw] = w.shape
  const groups = params.groups
  const xShape = [y.shape[0], groups * coutG, outSize[0], outSize[1]]
  // the fused input gradient applies when conv2d of an x of the output's shape gives y's shape
  const forward = conv2dShape(xShape, w.shape, params)
  if (forward[2] === y.shape[2] && forward[3] === y.shape[3]) {
    const fused = fusedConv2dBackwardInputP(y, w, params, xShape)
    if (fused !== null) return fused
  }
  const [dh, dw] = params.dilation
  const [top, , left] = params.padding
  const flipped = sliceP(
    reshapeP(permuteP(reshapeP(w, [groups, cin / groups, coutG, kh, kw]), [0, 2, 1, 3, 4]), [
      groups * coutG,
      cin / groups,
      kh,
      kw,
    ]),
    [
      whole(groups * coutG),
      whole(cin / groups),
      { start: kh - 1, step: -1, size: kh },
      { start: kw - 1, step: -1, size: kw },
    ],
  )
  const z = dilateZeros(y, params.stride[0], params.stride[1])
  const padTop = dh * (kh - 1) - top
  const padLeft = dw * (kw - 1) - left
  const padBottom = outSize[0] + dh * (kh - 1) - z.shape[2] - padTop
  const padRight = outSize[1] + dw * (kw - 1) - z.shape[3] - padLeft
  const cropped = padOrCrop(
    padOrCrop(z, 2, Math.min(0, padTop), Math.min(0, padBottom)),
    3,
    Math.min(0, padLeft),
    Math.min(0, padRight),
  )
  return conv2dCore(cropped, flipped, {
    stride: [1, 1],
    padding: [Math.max(0, padTop), Math.max(0, padBottom), Math.max(0, padLeft), Math.max(0, padRight)],
    dilation: [dh, dw],
    groups,
  })
}

/**
 * ∂L/∂w of y = conv2d(x, w) given g = ∂L/∂y: a convolution of x (batch and channels swapped)
 * with g as the kernel, stride and dilation exchanged, cropped to [kH, kW]:
 * `dw[o, c, i, j] = Σ_{n, p, q} g[n, o, p, q] · xpad[n, g·Cg + c, p·sH + i·dH, q·sW + j·dW]`.
 */
export function conv2dWeightGrad(
  x: Tensor,
  g: Tensor,
  params: Conv2dParams,
  wShape: readonly number[],
): Tensor {
  const fused = fusedConv2dBackwardFilterP(x, g, params, wShape)
  if (fused !== null) return fused
  const [n, c, h, w] = x.shape
  const [o, cg, kh, kw] = wShape
  const groups = params.groups
  // input [Cg, groups·N, H, W]: batch c, channel (group, n)
  const xt = reshapeP(permuteP(reshapeP(x, [n, groups, c / groups, h, w]), [2, 1, 0, 3, 4]), [
    cg,
    groups * n,
    h,
    w,
  ])
  const gt = permuteP(g, [1, 0, 2, 3]) // kernel [O, N, oH, oW]
  const full = conv2dCore(xt, gt, {
    stride: params.dilation,
    padding: params.padding,
    dilation: params.stride,
    groups,
  })
  // full: [Cg, O, ≥kH, ≥kW]
  const cropped = sliceP(full, [whole(cg), whole(o), whole(kh), whole(kw)])
  return permuteP(cropped, [1, 0, 2, 3])
}

/** ∂L/∂x of y = conv2d(x, w) given g = ∂L/∂y: the transposed convolution of g with w. */
export function conv2dInputGrad(
  g: Tensor,
  w: Tensor,
  params: Conv2dParams,
  xShape: readonly number[],
): Tensor {
  return (
    fusedConv2dBackwardInputP(g, w, params, xShape) ?? convTransposeCore(g, w, params, [xShape[2], xShape[3]])
  )
}
