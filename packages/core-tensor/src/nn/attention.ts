/**
 * Multi-head attention (Vaswani et al. 2017, "Attention Is All You Need", §3.2) and sinusoidal
 * position / timestep embeddings (§3.5; Ho et al. 2020, DDPM).
 */
import { cpu } from '../backend/cpu'
import type { BackendV1 } from '../backend/spec'
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors'
import { add, mul } from '../ops/binary'
import { fromArray } from '../ops/creation'
import { einsum } from '../ops/einsum'
import { checkTensor, fmtShape, toFloat } from '../ops/internal'
import { concat } from '../ops/join'
import { softmax } from '../ops/softmax'
import { cos, sin } from '../ops/unary'
import { reshape, transpose } from '../ops/views'
import { where } from '../ops/where'
import { split, type Key } from '../random/key'
import type { Tensor } from '../tensor'
import { linear, linearInit, type LinearParams } from './layers'

/** Parameters of {@link multiHeadAttention}: the four projections, as `nn.Linear` layers. */
export interface MultiHeadAttentionParams {
  /** Query projection, `[embedDim, embedDim]` (+ bias). */
  readonly query: LinearParams
  /** Key projection, `[embedDim, keyDim]` (+ bias). */
  readonly key: LinearParams
  /** Value projection, `[embedDim, valueDim]` (+ bias). */
  readonly value: LinearParams
  /** Output projection, `[embedDim, embedDim]` (+ bias). */
  readonly output: LinearParams
}

/** Options of {@link multiHeadAttentionInit}. */
export interface MultiHeadAttentionInitOptions {
  /** Feature size of the key input. Default embedDim. */
  readonly keyDim?: number
  /** Feature size of the value input. Default embedDim. */
  readonly valueDim?: number
  /** Whether the projections have biases. Default true. */
  readonly bias?: boolean
  /** Backend of the parameters; defaults to `cpu`. */
  readonly backend?: BackendV1
}

/**
 * Parameters of a multi-head attention block: four linear projections initialised as
 * `nn.Linear` (see `linearInit`), from keys split off `key`.
 *
 * @param key - the random key
 * @param embedDim - model width E (queries and output), divisible by `numHeads` when applied
 * @param options - keyDim, valueDim, bias, backend
 * @returns `{ query, key, value, output }`
 * @throws InvalidArgumentError for sizes below 1
 * @example
 * ```ts
 * const attn = multiHeadAttentionInit(key(0), 64)
 * const y = multiHeadAttention(attn, { query: x }, { numHeads: 4, causal: true }) // x [B, T, 64]
 * ```
 */
export function multiHeadAttentionInit(
  key: Key,
  embedDim: number,
  options: MultiHeadAttentionInitOptions = {},
): MultiHeadAttentionParams {
  const { keyDim = embedDim, valueDim = embedDim, bias = true, backend = cpu } = options
  const [kq, kk, kv, ko] = split(key, 4)
  const opts = { bias, backend }
  return {
    query: linearInit(kq, embedDim, embedDim, opts),
    key: linearInit(kk, keyDim, embedDim, opts),
    value: linearInit(kv, valueDim, embedDim, opts),
    output: linearInit(ko, embedDim, embedDim, opts),
  }
}

/** Inputs of {@link multiHeadAttention}; key defaults to query and value to key (self-attention). */
export interface AttentionInputs {
  /** `[B, Tq, E]`. */
  readonly query: Tensor
  /** `[B, Tk, Ek]`. Default: query. */
  readonly key?: Tensor
  /** `[B, Tk, Ev]`. Default: key. */
  readonly value?: Tensor
}

/** Options of {@link multiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Number of heads H; must divide the model width E. */
  readonly numHeads: number
  /**
   * Which keys each query may see, broadcastable to `[B, H, Tq, Tk]`: a bool tensor (`true` =
   * may attend, as in Flax) or a float tensor added to the scores (0 or −∞, as PyTorch's float
   * `attn_mask`).
   */
  readonly mask?: Tensor
  /** Query i sees keys j ≤ i + (Tk − Tq) only (autoregressive decoding). Default false. */
  readonly causal?: boolean
}

/** Score given to masked positions: finite, so a fully masked row gives uniform weights, not NaN. */
const MASKED = -1e30

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1 and §3.2.2):
 *
 * ```
 * headₕ = softmax(Qₕ Kₕᵀ / √d + M) Vₕ,   Q = q Wqᵀ + bq, K = k Wkᵀ + bk, V = v Wvᵀ + bv
 * out   = concat(head₁ … head_H) Woᵀ + bo,   d = E / H
 * ```
 *
 * Shapes: query `[B, Tq, E]`, key `[B, Tk, Ek]`, value `[B, Tk, Ev]` → `[B, Tq, E]`. Give
 * only the query for self-attention. A masked position gets score −10³⁰; a query
 * whose every key is masked attends uniformly instead of returning NaN.
 *
 * @param params - from {@link multiHeadAttentionInit}
 * @param inputs - `{ query, key?, value? }`
 * @param options - numHeads, mask, causal
 * @returns `[B, Tq, E]`
 * @throws ShapeError when the inputs are not rank 3 or their batch, length or widths disagree
 * @throws InvalidArgumentError when numHeads does not divide E
 * @example
 * ```ts
 * const y = multiHeadAttention(params, { query: x }, { numHeads: 8, causal: true })
 * const z = multiHeadAttention(cross, { query: x, key: memory }, { numHeads: 8 })
 * ```
 */
export function multiHeadAttention(
  params: MultiHeadAttentionParams,
  inputs: AttentionInputs,
  options: MultiHeadAttentionOptions,
): Tensor {
  const op = 'multiHeadAttention'
  const { query, key = query, value = key } = inputs
  checkTensor(op, 'query', query)
  checkTensor(op, 'key', key)
  checkTensor(op, 'value', value)
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (t.rank !== 3)
      throw new ShapeError(op, `${name} must be [batch, length, features], got ${fmtShape(t.shape)}`)
  }
  const [batch, tq] = query.shape
  const tk = key.shape[1]
  if (key.shape[0] !== batch || value.shape[0] !== batch || value.shape[1] !== tk) {
    throw new ShapeError(
      op,
      `key and value must be [${batch}, Tk, ·] with one Tk, got key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)}`,
    )
  }
  const embedDim = params.query.weight.shape[0]
  const { numHeads, mask, causal = false } = options
  if (!Number.isSafeInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
    throw new InvalidArgumentError(
      op,
      'numHeads',
      `must be an integer >= 1 dividing the width ${embedDim}, got ${String(numHeads)}`,
    )
  }
  const d = embedDim / numHeads
  // [B, T, E] → [B, H, T, d]
  const heads = (x: Tensor, t: number) => transpose(reshape(x, [batch, t, numHeads, d]), 1, 2)
  const q = heads(linear(params.query, query), tq)
  const k = heads(linear(params.key, key), tk)
  const v = heads(linear(params.value, value), tk)
  let scores = mul(einsum('bhqd,bhkd->bhqk', q, k), 1 / Math.sqrt(d))
  if (mask !== undefined) {
    checkTensor(op, 'mask', mask)
    if (mask.dtype === 'int32')
      throw new DTypeError(op, `mask must be bool or float32, got int32`, mask.dtype)
    scores = mask.dtype === 'bool' ? where(mask, scores, MASKED) : add(scores, mask)
  }
  if (causal) {
    const allowed = new Uint8Array(tq * tk)
    for (let i = 0; i < tq; i++) for (let j = 0; j < tk; j++) allowed[i * tk + j] = j <= i + (tk - tq) ? 1 : 0
    scores = where(
      fromArray(allowed, { shape: [tq, tk], dtype: 'bool', backend: query.backend }),
      scores,
      MASKED,
    )
  }
  const weights = softmax(scores, -1)
  const context = einsum('bhqk,bhkd->bhqd', weights, v)
  return linear(params.output, reshape(transpose(context, 1, 2), [batch, tq, embedDim]))
}

/** Options of {@link sinusoidalEmbedding}. */
export interface SinusoidalEmbeddingOptions {
  /** The longest period, 10 000 in Vaswani et al. and DDPM. */
  readonly maxPeriod?: number
}

/**
 * Sinusoidal embedding of positions or diffusion timesteps (Vaswani et al. 2017, §3.5; Ho et
 * al. 2020, DDPM, as in `get_timestep_embedding`):
 *
 * ```
 * ωᵢ = maxPeriod^(−i / (dim/2)),   i = 0 … dim/2 − 1
 * emb(t) = [sin(t ω₀) … sin(t ω_{dim/2−1}), cos(t ω₀) … cos(t ω_{dim/2−1})]
 * ```
 *
 * The sines fill the first half and the cosines the second (tensor2tensor and DDPM's layout;
 * Vaswani interleaves them, which is a fixed permutation of the same features). DDPM divides
 * by `dim/2 − 1` instead of `dim/2`, a slightly different frequency ladder.
 *
 * Shapes: t `[N]` (float or int32; fractional t allowed) → `[N, dim]`.
 *
 * @param t - positions or timesteps
 * @param dim - embedding width, even and >= 2
 * @param options - maxPeriod (default 10 000)
 * @returns float32 `[N, dim]`
 * @throws ShapeError when t is not 1-D
 * @throws InvalidArgumentError for an odd dim or maxPeriod <= 1
 * @example
 * ```ts
 * const temb = sinusoidalEmbedding(fromArray([0, 10, 999]), 128) // [3, 128]
 * ```
 */
export function sinusoidalEmbedding(
  t: Tensor,
  dim: number,
  options: SinusoidalEmbeddingOptions = {},
): Tensor {
  const op = 'sinusoidalEmbedding'
  checkTensor(op, 't', t)
  if (t.rank !== 1) throw new ShapeError(op, `t must be 1-D [N], got ${fmtShape(t.shape)}`)
  if (!Number.isSafeInteger(dim) || dim < 2 || dim % 2 !== 0) {
    throw new InvalidArgumentError(op, 'dim', `must be an even integer >= 2, got ${String(dim)}`)
  }
  const { maxPeriod = 10_000 } = options
  if (!(maxPeriod > 1) || !Number.isFinite(maxPeriod)) {
    throw new InvalidArgumentError(op, 'maxPeriod', `must be finite and > 1, got ${String(maxPeriod)}`)
  }
  const half = dim / 2
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(maxPeriod) * i) / half))
  const angles = mul(reshape(toFloat(t), [t.shape[0], 1]), fromArray([freqs], { backend: t.backend }))
  return concat([sin(angles), cos(angles)], 1)
}
