import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { add, div, mul, sub } from '../ops/binary'
import { fromArray, ones, zeros } from '../ops/creation'
import { indexSelect } from '../ops/indexing'
import { checkTensor, fmtShape } from '../ops/internal'
import { matmul } from '../ops/matmul'
import { mean, variance } from '../ops/reduce'
import { sqrt } from '../ops/unary'
import { reshape, transpose } from '../ops/views'
import { split, type Key } from '../random/key'
import { uniformFloats } from '../random/distributions'
import type { Tensor } from '../tensor'
import { normalInit, uniformInit } from './init'

function checkFeatures(op: string, argument: string, value: unknown): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InvalidArgumentError(op, argument, `must be an integer >= 1, got ${String(value)}`)
  }
}

/** Parameters of a linear layer, named as PyTorch's `nn.Linear` state_dict. */
export interface LinearParams {
  /** `[outFeatures, inFeatures]`. */
  readonly weight: Tensor
  /** `[outFeatures]`, or absent for a layer without bias. */
  readonly bias?: Tensor
}

/** Options of {@link linearInit}. */
export interface LinearInitOptions {
  /** Backend of the parameters; defaults to `cpu`. */
  readonly backend?: BackendV1
  /** Whether the layer has a bias. Default true. */
  readonly bias?: boolean
}

/**
 * Parameters of a linear layer, initialised as PyTorch's `nn.Linear`: weight and bias
 * `~ U(−1/√in, 1/√in)` (Kaiming uniform with a = √5, He et al. 2015), from two keys split
 * off `key`.
 *
 * @param key - the random key
 * @param inFeatures - input size, integer >= 1
 * @param outFeatures - output size, integer >= 1
 * @param options - backend, bias (default true)
 * @returns `{ weight: [out, in], bias: [out] }`
 * @throws InvalidArgumentError for sizes below 1
 * @example
 * ```ts
 * const params = linearInit(key(0), 784, 128)
 * const y = linear(params, x) // x: [batch, 784] → y: [batch, 128]
 * ```
 */
export function linearInit(
  key: Key,
  inFeatures: number,
  outFeatures: number,
  options: LinearInitOptions = {},
): LinearParams {
  checkFeatures('linearInit', 'inFeatures', inFeatures)
  checkFeatures('linearInit', 'outFeatures', outFeatures)
  const { backend = cpu, bias = true } = options
  const [wKey, bKey] = split(key)
  const bound = 1 / Math.sqrt(inFeatures)
  const weight = uniformInit(wKey, [outFeatures, inFeatures], { low: -bound, high: bound, backend })
  if (!bias) return { weight }
  return { weight, bias: uniformInit(bKey, [outFeatures], { low: -bound, high: bound, backend }) }
}

/**
 * A linear (fully connected) layer: `y = x·Wᵀ + b`.
 *
 * Shapes: x `[..., in]`, weight `[out, in]`, bias `[out]` → y `[..., out]`.
 *
 * @param params - `{ weight, bias? }` as {@link linearInit} makes them
 * @param x - input with `in` features in its last dim
 * @returns the output
 * @throws ShapeError when x's last dim differs from the weight's `in` or the bias is not `[out]`
 * @example
 * ```ts
 * linear({ weight: fromArray([[1, 2]]), bias: fromArray([3]) }, fromArray([[1, 1]])).toArray() // [[6]]
 * ```
 */
export function linear(params: LinearParams, x: Tensor): Tensor {
  const op = 'linear'
  checkTensor(op, 'params.weight', params.weight)
  checkTensor(op, 'x', x)
  const { weight, bias } = params
  if (weight.rank !== 2)
    throw new ShapeError(op, `weight must be [out, in], got ${fmtShape(weight.shape)}`, [weight.shape])
  const [outFeatures, inFeatures] = weight.shape
  if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(
      op,
      `x must end in ${inFeatures} features to match weight ${fmtShape(weight.shape)}, got ${fmtShape(x.shape)}`,
      [x.shape, weight.shape],
    )
  }
  if (bias !== undefined) {
    checkTensor(op, 'params.bias', bias)
    if (bias.rank !== 1 || bias.shape[0] !== outFeatures) {
      throw new ShapeError(op, `bias must be [${outFeatures}], got ${fmtShape(bias.shape)}`, [bias.shape])
    }
  }
  const y = reshape(matmul(x, transpose(weight)), [...x.shape.slice(0, -1), outFeatures])
  return bias === undefined ? y : add(y, bias)
}

/** Parameters of an embedding table, named as PyTorch's `nn.Embedding`. */
export interface EmbeddingParams {
  /** `[numEmbeddings, dim]`. */
  readonly weight: Tensor
}

/**
 * An embedding table initialised `N(0, 1)`, as PyTorch's `nn.Embedding`.
 *
 * @param key - the random key
 * @param numEmbeddings - vocabulary size, integer >= 1
 * @param dim - embedding size, integer >= 1
 * @param options - backend
 * @returns `{ weight: [numEmbeddings, dim] }`
 * @throws InvalidArgumentError for sizes below 1
 * @example
 * ```ts
 * const table = embeddingInit(key(0), 1000, 64)
 * ```
 */
export function embeddingInit(
  key: Key,
  numEmbeddings: number,
  dim: number,
  options: { readonly backend?: BackendV1 } = {},
): EmbeddingParams {
  checkFeatures('embeddingInit', 'numEmbeddings', numEmbeddings)
  checkFeatures('embeddingInit', 'dim', dim)
  return { weight: normalInit(key, [numEmbeddings, dim], { std: 1, backend: options.backend }) }
}

/**
 * Looks rows up in an embedding table: `out[..., :] = weight[indices[...], :]`. The gradient
 * adds into the rows used (repeated indices accumulate).
 *
 * Shapes: indices `[...]` int32, weight `[n, dim]` → `[..., dim]`.
 *
 * @param params - `{ weight }`
 * @param indices - int32 tensor of indices in [0, n)
 * @returns the embeddings
 * @throws DTypeError when indices are not int32
 * @throws InvalidArgumentError for an index out of range
 * @example
 * ```ts
 * embedding(table, fromArray([[1, 2]], { dtype: 'int32' })).shape // [1, 2, dim]
 * ```
 */
export function embedding(params: EmbeddingParams, indices: Tensor): Tensor {
  const op = 'embedding'
  checkTensor(op, 'params.weight', params.weight)
  checkTensor(op, 'indices', indices)
  if (params.weight.rank !== 2) {
    throw new ShapeError(op, `weight must be [n, dim], got ${fmtShape(params.weight.shape)}`, [
      params.weight.shape,
    ])
  }
  if (indices.dtype !== 'int32')
    throw new DTypeError(op, `indices must be int32, got ${indices.dtype}`, indices.dtype)
  const dim = params.weight.shape[1]
  const rows = indexSelect(params.weight, 0, reshape(indices, [indices.size]))
  return reshape(rows, [...indices.shape, dim])
}

/** Parameters of a layer norm, named as PyTorch's `nn.LayerNorm`. */
export interface LayerNormParams {
  /** Scale γ, with the normalised shape. */
  readonly weight: Tensor
  /** Shift β, with the normalised shape. */
  readonly bias: Tensor
}

/**
 * Layer-norm parameters: γ = 1, β = 0 over the trailing `normalizedShape`.
 *
 * @param normalizedShape - the trailing dims to normalise over (a number for one dim)
 * @param options - backend
 * @returns `{ weight: ones, bias: zeros }`
 * @throws InvalidArgumentError for a dim below 1
 * @example
 * ```ts
 * const norm = layerNormInit(64)
 * ```
 */
export function layerNormInit(
  normalizedShape: number | readonly number[],
  options: { readonly backend?: BackendV1 } = {},
): LayerNormParams {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape]
  shape.forEach((d) => checkFeatures('layerNormInit', 'normalizedShape', d))
  const backend = options.backend ?? cpu
  return { weight: ones(shape, { backend }), bias: zeros(shape, { backend }) }
}

/**
 * Layer normalisation (Ba, Kiros & Hinton 2016, "Layer Normalization", eq. 4) over the
 * trailing dims that the parameters span:
 *
 * ```
 * y = (x − μ) / √(σ² + ε) · γ + β,   μ, σ² the mean and population variance over those dims
 * ```
 *
 * @param params - `{ weight, bias }` with the normalised shape
 * @param x - input whose trailing dims equal the normalised shape
 * @param options - ε (default 1e-5, as PyTorch)
 * @returns y, the shape of x
 * @throws ShapeError when x does not end in the normalised shape
 * @throws InvalidArgumentError when ε is negative
 * @example
 * ```ts
 * layerNorm(layerNormInit(3), fromArray([[1, 2, 3]])) // ≈ [[-1.2247, 0, 1.2247]]
 * ```
 */
export function layerNorm(
  params: LayerNormParams,
  x: Tensor,
  options: { readonly epsilon?: number } = {},
): Tensor {
  const op = 'layerNorm'
  checkTensor(op, 'params.weight', params.weight)
  checkTensor(op, 'params.bias', params.bias)
  checkTensor(op, 'x', x)
  const { epsilon = 1e-5 } = options
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new InvalidArgumentError(op, 'epsilon', `must be a finite number >= 0, got ${epsilon}`)
  }
  const shape = params.weight.shape
  const k = shape.length
  const tail = x.shape.slice(x.rank - k)
  if (x.rank < k || tail.some((d, i) => d !== shape[i]) || params.bias.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      op,
      `x must end in the normalised shape ${fmtShape(shape)}, got ${fmtShape(x.shape)}`,
      [x.shape, shape],
    )
  }
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i)
  const mu = mean(x, { axis: axes, keepdims: true })
  const centred = sub(x, mu)
  const sigma2 = variance(x, { axis: axes, keepdims: true })
  return add(mul(div(centred, sqrt(add(sigma2, epsilon))), params.weight), params.bias)
}

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Probability p of zeroing an element, in [0, 1). */
  readonly rate: number
  /** When false, dropout is the identity (evaluation). Default true. */
  readonly training?: boolean
}

/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks
 * from Overfitting"): each element is kept with probability 1 − p and scaled by 1/(1 − p), so
 * the expectation is unchanged. The mask comes from `key` only: the same key gives the same
 * mask, two keys give independent masks.
 *
 * @param key - the random key of this call (split a fresh one per step and per layer)
 * @param x - input
 * @param options - rate p in [0, 1), training (default true)
 * @returns `x · m / (1 − p)` with `m_i ~ Bernoulli(1 − p)`, or x itself when not training or p = 0
 * @throws InvalidArgumentError when the rate is outside [0, 1)
 * @example
 * ```ts
 * const h = dropout(dropKey, x, { rate: 0.5 })
 * ```
 */
export function dropout(key: Key, x: Tensor, options: DropoutOptions): Tensor {
  const op = 'dropout'
  checkTensor(op, 'x', x)
  const { rate, training = true } = options
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new InvalidArgumentError(op, 'rate', `must be in [0, 1), got ${String(rate)}`)
  }
  if (!training || rate === 0) return x
  const u = uniformFloats(key, x.size)
  const scale = 1 / (1 - rate)
  const mask = new Float64Array(x.size)
  for (let i = 0; i < mask.length; i++) mask[i] = u[i] >= rate ? scale : 0
  return mul(x, fromArray(mask, { shape: x.shape, backend: x.backend }))
}
