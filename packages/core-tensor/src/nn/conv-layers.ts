/**
 * Convolutional layers and the normalisations CNNs use, as pure functions of plain parameter
 * (and state) trees: conv2d, convTranspose2d, batch norm (running statistics returned as new
 * state, never mutated) and group norm. Parameter names follow PyTorch's state_dict.
 */
import { noGrad } from '../autodiff/grad'
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { InvalidArgumentError, ShapeError } from '../errors'
import { add, div, mul, sub } from '../ops/binary'
import {
  conv2d,
  type Conv2dOptions,
  convTranspose2d,
  type ConvTranspose2dOptions,
  type Pair,
  toPair,
} from '../ops/conv'
import { ones, zeros } from '../ops/creation'
import { checkTensor, fmtShape } from '../ops/internal'
import { mean, variance } from '../ops/reduce'
import { sqrt } from '../ops/unary'
import { reshape, stopGradient } from '../ops/views'
import { split, type Key } from '../random/key'
import type { Tensor } from '../tensor'
import { uniformInit } from './init'

function checkCount(op: string, argument: string, value: unknown): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= 1, got ${String(value)}`)
  }
}

/** Parameters of a 2-D convolution layer, named as PyTorch's `nn.Conv2d` / `nn.ConvTranspose2d`. */
export interface Conv2dLayerParams {
  /** `[out, in/groups, kH, kW]` for conv2d; `[in, out/groups, kH, kW]` for convTranspose2d. */
  readonly weight: Tensor
  /** `[out]`, or absent for a layer without bias. */
  readonly bias?: Tensor
}

/** Options of {@link conv2dInit} and {@link convTranspose2dInit}. */
export interface Conv2dInitOptions {
  /** Input channels, integer >= 1. */
  readonly inChannels: number
  /** Output channels, integer >= 1. */
  readonly outChannels: number
  /** Kernel size `kH, kW` (a number for both). */
  readonly kernelSize: Pair
  /** Channel groups; both channel counts must be multiples. Default 1. */
  readonly groups?: number
  /** Whether the layer has a bias. Default true. */
  readonly bias?: boolean
  /** Backend of the parameters; defaults to `cpu`. */
  readonly backend?: BackendV1
}

function convInit(op: string, key: Key, options: Conv2dInitOptions, transposed: boolean): Conv2dLayerParams {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      op,
      'options',
      `must be an object with inChannels, outChannels and kernelSize, got ${String(options)}`,
    )
  }
  const { inChannels, outChannels } = options
  checkCount(op, 'inChannels', inChannels)
  checkCount(op, 'outChannels', outChannels)
  const [kh, kw] = toPair(op, 'kernelSize', options.kernelSize, 1)
  const { groups = 1, bias = true, backend = cpu } = options
  checkCount(op, 'groups', groups)
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new InvalidArgumentError(
      op,
      'groups',
      `must divide inChannels and outChannels, got groups=${groups}, inChannels=${inChannels}, outChannels=${outChannels}`,
    )
  }
  const shape = transposed
    ? [inChannels, outChannels / groups, kh, kw]
    : [outChannels, inChannels / groups, kh, kw]
  // PyTorch's fan-in is weight.shape[1] · kH · kW for both layers
  const bound = 1 / Math.sqrt(shape[1] * kh * kw)
  const [wKey, bKey] = split(key)
  const weight = uniformInit(wKey, shape, { low: -bound, high: bound, backend })
  if (!bias) return { weight }
  return { weight, bias: uniformInit(bKey, [outChannels], { low: -bound, high: bound, backend }) }
}

/**
 * Parameters of a conv2d layer, initialised as PyTorch's `nn.Conv2d`: weight and bias
 * `~ U(−1/√fanIn, 1/√fanIn)` with `fanIn = in/groups · kH · kW` (Kaiming uniform with
 * a = √5; He et al. 2015), from two keys split off `key`.
 *
 * @param key - the random key
 * @param options - inChannels C, outChannels O, kernelSize, groups, bias (default true), backend
 * @returns `{ weight: [O, C/groups, kH, kW], bias: [O] }`
 * @throws InvalidArgumentError for sizes below 1 or groups that do not divide the channels
 * @example
 * ```ts
 * const params = conv2dInit(key(0), { inChannels: 1, outChannels: 6, kernelSize: 5 })
 * const y = conv2dLayer(params, x) // x: [N, 1, 28, 28] → y: [N, 6, 24, 24]
 * ```
 */
export function conv2dInit(key: Key, options: Conv2dInitOptions): Conv2dLayerParams {
  return convInit('conv2dInit', key, options, false)
}

/**
 * Parameters of a transposed conv2d layer, initialised as PyTorch's `nn.ConvTranspose2d`:
 * weight `[in, out/groups, kH, kW]` and bias `~ U(−1/√fanIn, 1/√fanIn)` with
 * `fanIn = out/groups · kH · kW` (PyTorch computes it from the weight's second dim).
 *
 * @param key - the random key
 * @param options - inChannels, outChannels, kernelSize, groups, bias (default true), backend
 * @returns `{ weight: [in, out/groups, kH, kW], bias: [out] }`
 * @throws InvalidArgumentError for sizes below 1 or groups that do not divide the channels
 * @example
 * ```ts
 * const up = convTranspose2dInit(key(1), { inChannels: 64, outChannels: 32, kernelSize: 4 })
 * convTranspose2dLayer(up, h, { stride: 2, padding: 1 }) // [N, 64, 7, 7] → [N, 32, 14, 14]
 * ```
 */
export function convTranspose2dInit(key: Key, options: Conv2dInitOptions): Conv2dLayerParams {
  return convInit('convTranspose2dInit', key, options, true)
}

function addChannelBias(op: string, y: Tensor, bias: Tensor | undefined): Tensor {
  if (bias === undefined) return y
  checkTensor(op, 'params.bias', bias)
  const o = y.shape[1]
  if (bias.rank !== 1 || bias.shape[0] !== o) {
    throw new ShapeError(op, `bias must be [${o}], got ${fmtShape(bias.shape)}`, [bias.shape])
  }
  return add(y, reshape(bias, [o, 1, 1]))
}

/**
 * A conv2d layer: `y = conv2d(x, W) + b` (b broadcast over N, H, W), PyTorch's `nn.Conv2d`.
 *
 * Shapes: x `[N, C, H, W]`, weight `[O, C/groups, kH, kW]`, bias `[O]` → `[N, O, oH, oW]`.
 *
 * @param params - `{ weight, bias? }` as {@link conv2dInit} makes them
 * @param x - input `[N, C, H, W]`
 * @param options - stride, padding, dilation, groups, as {@link conv2d}
 * @returns the output
 * @throws ShapeError as {@link conv2d}, or when the bias is not `[O]`
 * @example
 * ```ts
 * conv2dLayer(conv2dInit(key(0), { inChannels: 3, outChannels: 8, kernelSize: 3 }), x, { padding: 'same' }) // [N, 3, H, W] → [N, 8, H, W]
 * ```
 */
export function conv2dLayer(params: Conv2dLayerParams, x: Tensor, options: Conv2dOptions = {}): Tensor {
  checkTensor('conv2dLayer', 'params.weight', params.weight)
  return addChannelBias('conv2dLayer', conv2d(x, params.weight, options), params.bias)
}

/**
 * A transposed conv2d layer: `y = convTranspose2d(x, W) + b`, PyTorch's `nn.ConvTranspose2d`.
 *
 * Shapes: x `[N, Cin, H, W]`, weight `[Cin, Cout/groups, kH, kW]`, bias `[Cout]` →
 * `[N, Cout, (H − 1)·s − 2p + d·(kH − 1) + outputPadding + 1, ...]`.
 *
 * @param params - `{ weight, bias? }` as {@link convTranspose2dInit} makes them
 * @param x - input `[N, Cin, H, W]`
 * @param options - stride, padding, outputPadding, dilation, groups, as {@link convTranspose2d}
 * @returns the output
 * @throws ShapeError as {@link convTranspose2d}, or when the bias is not `[Cout]`
 * @example
 * ```ts
 * convTranspose2dLayer(convTranspose2dInit(key(0), { inChannels: 8, outChannels: 4, kernelSize: 2 }), x, { stride: 2 }) // doubles H and W
 * ```
 */
export function convTranspose2dLayer(
  params: Conv2dLayerParams,
  x: Tensor,
  options: ConvTranspose2dOptions = {},
): Tensor {
  checkTensor('convTranspose2dLayer', 'params.weight', params.weight)
  return addChannelBias('convTranspose2dLayer', convTranspose2d(x, params.weight, options), params.bias)
}

/** Affine parameters of a batch or group norm, named as PyTorch's. */
export interface NormParams {
  /** Scale γ, `[C]`. */
  readonly weight: Tensor
  /** Shift β, `[C]`. */
  readonly bias: Tensor
}

/** Running statistics of a batch norm (PyTorch's `running_mean` / `running_var` buffers). */
export interface BatchNormState {
  /** Running mean, `[C]`. */
  readonly runningMean: Tensor
  /** Running unbiased variance, `[C]`. */
  readonly runningVar: Tensor
}

/**
 * Batch-norm parameters γ = 1, β = 0 and state (running mean 0, running variance 1), as
 * PyTorch's `nn.BatchNorm2d(numFeatures)` starts.
 *
 * @param numFeatures - channels C, integer >= 1
 * @param options - backend
 * @returns `{ params: { weight, bias }, state: { runningMean, runningVar } }`, each `[C]`
 * @throws InvalidArgumentError for C below 1
 * @example
 * ```ts
 * const { params, state } = batchNormInit(16)
 * ```
 */
export function batchNormInit(
  numFeatures: number,
  options: { readonly backend?: BackendV1 } = {},
): { params: NormParams; state: BatchNormState } {
  checkCount('batchNormInit', 'numFeatures', numFeatures)
  const backend = options.backend ?? cpu
  return {
    params: { weight: ones([numFeatures], { backend }), bias: zeros([numFeatures], { backend }) },
    state: { runningMean: zeros([numFeatures], { backend }), runningVar: ones([numFeatures], { backend }) },
  }
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Batch statistics and a state update (true) or the running statistics (false). */
  readonly training: boolean
  /** Weight of the new batch in the running averages. Default 0.1 (PyTorch). */
  readonly momentum?: number
  /** ε added to the variance. Default 1e-5. */
  readonly epsilon?: number
}

/** Reshapes a `[C]` vector to broadcast along dim 1 of a rank-`rank` tensor. */
function perChannel(v: Tensor, rank: number): Tensor {
  return reshape(v, [v.shape[0], ...new Array<number>(rank - 2).fill(1)])
}

function checkNormParams(op: string, params: NormParams, channels: number): void {
  checkTensor(op, 'params.weight', params.weight)
  checkTensor(op, 'params.bias', params.bias)
  for (const [name, t] of [
    ['weight', params.weight],
    ['bias', params.bias],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== channels) {
      throw new ShapeError(
        op,
        `params.${name} must be [${channels}] to match x's channels, got ${fmtShape(t.shape)}`,
        [t.shape],
      )
    }
  }
}

function checkEpsilon(op: string, epsilon: number): void {
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new InvalidArgumentError(op, 'epsilon', `must be a finite number >= 0, got ${epsilon}`)
  }
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network
 * Training by Reducing Internal Covariate Shift", Algorithm 1) over every dim but the channel
 * dim 1:
 *
 * ```
 * y = (x − μ) / √(σ² + ε) · γ + β
 * ```
 *
 * In training, μ and σ² (population variance) are the batch's, and the returned state is
 * `running ← (1 − momentum)·running + momentum·batch`, with the unbiased batch variance for
 * the running variance (PyTorch's convention); the old state is left as it was. In
 * evaluation, μ and σ² are the running statistics and the state is returned unchanged.
 *
 * Shapes: x `[N, C]`, `[N, C, L]` or `[N, C, H, W]`; params and state `[C]`.
 *
 * @param params - `{ weight: γ, bias: β }`
 * @param state - `{ runningMean, runningVar }`
 * @param x - input with channels in dim 1
 * @param options - training (required), momentum (default 0.1), epsilon (default 1e-5)
 * @returns `{ y, state }`: the output and the new state
 * @throws ShapeError when x has rank < 2 or params/state are not `[C]`
 * @throws InvalidArgumentError for momentum outside [0, 1], a negative ε, or training with one value per channel
 * @example
 * ```ts
 * const { params, state } = batchNormInit(16)
 * const { y, state: next } = batchNorm(params, state, h, { training: true })
 * ```
 */
export function batchNorm(
  params: NormParams,
  state: BatchNormState,
  x: Tensor,
  options: BatchNormOptions,
): { y: Tensor; state: BatchNormState } {
  const op = 'batchNorm'
  checkTensor(op, 'x', x)
  if (x.rank < 2) throw new ShapeError(op, `x must be [N, C, ...], got ${fmtShape(x.shape)}`, [x.shape])
  const channels = x.shape[1]
  checkNormParams(op, params, channels)
  checkTensor(op, 'state.runningMean', state.runningMean)
  checkTensor(op, 'state.runningVar', state.runningVar)
  if (state.runningMean.size !== channels || state.runningVar.size !== channels) {
    throw new ShapeError(
      op,
      `state must hold [${channels}] running statistics, got ${fmtShape(state.runningMean.shape)} and ${fmtShape(state.runningVar.shape)}`,
      [state.runningMean.shape, state.runningVar.shape],
    )
  }
  const { training, momentum = 0.1, epsilon = 1e-5 } = options
  if (typeof training !== 'boolean') {
    throw new InvalidArgumentError(op, 'training', `must be a boolean, got ${String(training)}`)
  }
  if (!Number.isFinite(momentum) || momentum < 0 || momentum > 1) {
    throw new InvalidArgumentError(op, 'momentum', `must be in [0, 1], got ${momentum}`)
  }
  checkEpsilon(op, epsilon)
  const rank = x.rank
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)]
  const gamma = perChannel(params.weight, rank)
  const beta = perChannel(params.bias, rank)
  const normalise = (mu: Tensor, sigma2: Tensor): Tensor =>
    add(mul(div(sub(x, mu), sqrt(add(sigma2, epsilon))), gamma), beta)
  if (!training) {
    const y = normalise(perChannel(state.runningMean, rank), perChannel(state.runningVar, rank))
    return { y, state }
  }
  const count = x.size / channels
  if (count < 2) {
    throw new InvalidArgumentError(
      op,
      'x',
      `must hold more than 1 value per channel when training, got ${fmtShape(x.shape)}`,
    )
  }
  const mu = mean(x, { axis: axes, keepdims: true })
  const sigma2 = variance(x, { axis: axes, keepdims: true })
  const y = normalise(mu, sigma2)
  const next = noGrad(() => {
    const batchMean = reshape(stopGradient(mu), [channels])
    const unbiased = mul(reshape(stopGradient(sigma2), [channels]), count / (count - 1))
    return {
      runningMean: add(mul(state.runningMean, 1 - momentum), mul(batchMean, momentum)),
      runningVar: add(mul(state.runningVar, 1 - momentum), mul(unbiased, momentum)),
    }
  })
  return { y, state: next }
}

/**
 * Group-norm parameters γ = 1, β = 0, as PyTorch's `nn.GroupNorm(numGroups, numChannels)`.
 *
 * @param numChannels - channels C, integer >= 1
 * @param options - backend
 * @returns `{ weight: ones [C], bias: zeros [C] }`
 * @throws InvalidArgumentError for C below 1
 * @example
 * ```ts
 * const norm = groupNormInit(32)
 * ```
 */
export function groupNormInit(
  numChannels: number,
  options: { readonly backend?: BackendV1 } = {},
): NormParams {
  checkCount('groupNormInit', 'numChannels', numChannels)
  const backend = options.backend ?? cpu
  return { weight: ones([numChannels], { backend }), bias: zeros([numChannels], { backend }) }
}

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Number of groups G; must divide the channels. */
  readonly numGroups: number
  /** ε added to the variance. Default 1e-5. */
  readonly epsilon?: number
}

/**
 * Group normalisation (Wu & He 2018, "Group Normalization", eq. 1–3): the channels are split
 * into G groups and each sample is normalised over its group's channels and all spatial
 * positions, then scaled and shifted per channel:
 *
 * ```
 * y[n, c, ...] = (x − μ[n, g]) / √(σ²[n, g] + ε) · γ[c] + β[c],   g = ⌊c / (C/G)⌋
 * ```
 *
 * G = 1 is a layer norm over `[C, ...]`; G = C is an instance norm. No running statistics:
 * training and evaluation agree.
 *
 * Shapes: x `[N, C, ...]`, params `[C]` → the shape of x.
 *
 * @param params - `{ weight: γ, bias: β }`
 * @param x - input with channels in dim 1
 * @param options - numGroups (required), epsilon (default 1e-5)
 * @returns y, the shape of x
 * @throws ShapeError when x has rank < 2 or params are not `[C]`
 * @throws InvalidArgumentError when numGroups does not divide C, or for a negative ε
 * @example
 * ```ts
 * groupNorm(groupNormInit(32), h, { numGroups: 8 })
 * ```
 */
export function groupNorm(params: NormParams, x: Tensor, options: GroupNormOptions): Tensor {
  const op = 'groupNorm'
  checkTensor(op, 'x', x)
  if (x.rank < 2) throw new ShapeError(op, `x must be [N, C, ...], got ${fmtShape(x.shape)}`, [x.shape])
  const [n, channels] = x.shape
  checkNormParams(op, params, channels)
  const { numGroups, epsilon = 1e-5 } = options
  if (!Number.isSafeInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw new InvalidArgumentError(
      op,
      'numGroups',
      `must be an integer >= 1 that divides the ${channels} channels, got ${String(numGroups)}`,
    )
  }
  checkEpsilon(op, epsilon)
  const grouped = reshape(x, [n, numGroups, -1])
  const mu = mean(grouped, { axis: 2, keepdims: true })
  const sigma2 = variance(grouped, { axis: 2, keepdims: true })
  const normalised = reshape(div(sub(grouped, mu), sqrt(add(sigma2, epsilon))), x.shape)
  return add(mul(normalised, perChannel(params.weight, x.rank)), perChannel(params.bias, x.rank))
}
