/**
 * A small pre-norm transformer over token ids (Vaswani et al. 2017; the GPT-2 block layout of
 * Radford et al. 2019): token and learned position embeddings, `depth` blocks of multi-head
 * self-attention and an MLP, each behind a layer norm on a residual stream, a final layer
 * norm and a linear head to the vocabulary. Bidirectional for the masked diffusion model
 * (LLaDA, Nie et al. 2025; MDLM, Sahoo et al. 2024), causal for its autoregressive twin, which
 * also decodes one token at a time from a key-value cache.
 */
import {
  add,
  type BackendV1,
  concat,
  cpu,
  einsum,
  fromArray,
  gelu,
  InvalidArgumentError,
  type Key,
  mul,
  relu,
  reshape,
  ShapeError,
  softmax,
  split,
  type Tensor,
  transpose,
  where,
} from '@gen/core-tensor'
import {
  embedding,
  type EmbeddingParams,
  layerNorm,
  layerNormInit,
  type LayerNormParams,
  linear,
  linearInit,
  type LinearParams,
  multiHeadAttention,
  multiHeadAttentionInit,
  type MultiHeadAttentionParams,
  normalInit,
} from '@gen/core-tensor/nn'
import { checkChoice, checkInteger, checkObject, checkTensor } from '../nets/check'

/** A transformer as plain, JSON-serialisable data. */
export interface TransformerConfig {
  /** Number of token ids V, special tokens (mask, end of sequence) included. */
  readonly vocabSize: number
  /** Longest input, in tokens: the number of learned positions. */
  readonly contextLength: number
  /** Model width E (the residual stream). */
  readonly width: number
  /** Number of blocks. */
  readonly depth: number
  /** Attention heads H; must divide the width. */
  readonly numHeads: number
  /** Hidden width of the MLP as a multiple of the width. Default 4. */
  readonly mlpRatio?: number
  /** Activation of the MLP. Default 'gelu' (GPT-2); 'relu' is cheaper on the cpu backend. */
  readonly activation?: 'gelu' | 'relu'
  /** Whether a position sees only itself and earlier ones (autoregressive). Default false. */
  readonly causal?: boolean
}

/** A {@link TransformerConfig} with its defaults filled in. */
export type ResolvedTransformerConfig = Required<TransformerConfig>

/** One block's parameters: `h + attn(ln1(h))`, then `h + mlp(ln2(h))`. */
export interface TransformerBlockParams {
  readonly norm1: LayerNormParams
  readonly attention: MultiHeadAttentionParams
  readonly norm2: LayerNormParams
  /** `[mlpRatio·E, E]`. */
  readonly mlpIn: LinearParams
  /** `[E, mlpRatio·E]`. */
  readonly mlpOut: LinearParams
}

/** Parameters of {@link transformer}: a plain tree of tensors. */
export interface TransformerParams {
  /** `[V, E]`. */
  readonly tokenEmbedding: EmbeddingParams
  /** `[contextLength, E]`. */
  readonly positionEmbedding: EmbeddingParams
  readonly blocks: readonly TransformerBlockParams[]
  readonly finalNorm: LayerNormParams
  /** `[V, E]`. */
  readonly head: LinearParams
}

/**
 * Checks a transformer config and fills in its defaults.
 *
 * @param config - the config
 * @returns the config with mlpRatio, activation and causal set
 * @throws InvalidArgumentError naming the field that is out of range
 * @example
 * ```ts
 * validateTransformerConfig({ vocabSize: 40, contextLength: 8, width: 64, depth: 2, numHeads: 4 })
 * ```
 */
export function validateTransformerConfig(config: TransformerConfig): ResolvedTransformerConfig {
  const op = 'validateTransformerConfig'
  checkObject(op, 'config', config)
  checkInteger(op, 'config.vocabSize', config.vocabSize, 2)
  checkInteger(op, 'config.contextLength', config.contextLength)
  checkInteger(op, 'config.width', config.width)
  checkInteger(op, 'config.depth', config.depth)
  checkInteger(op, 'config.numHeads', config.numHeads)
  if (config.width % config.numHeads !== 0) {
    throw new InvalidArgumentError(
      op,
      'config.numHeads',
      `must divide the width ${config.width}, got ${config.numHeads}`,
    )
  }
  const mlpRatio = config.mlpRatio ?? 4
  checkInteger(op, 'config.mlpRatio', mlpRatio)
  const activation = config.activation ?? 'gelu'
  checkChoice(op, 'config.activation', activation, ['gelu', 'relu'])
  const causal = config.causal ?? false
  if (typeof causal !== 'boolean') {
    throw new InvalidArgumentError(op, 'config.causal', `must be a boolean, got ${String(causal)}`)
  }
  return { ...config, mlpRatio, activation, causal }
}

/**
 * Initialises a transformer: embeddings `~ N(0, 0.02²)` (GPT-2), linear layers as PyTorch's
 * `nn.Linear`, layer norms at γ = 1, β = 0.
 *
 * @param config - the architecture
 * @param options - key (required), backend (default cpu)
 * @returns the parameters
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const config = { vocabSize: 40, contextLength: 8, width: 64, depth: 2, numHeads: 4 }
 * const params = initTransformer(config, { key: key(0) })
 * ```
 */
export function initTransformer(
  config: TransformerConfig,
  options: { readonly key: Key; readonly backend?: BackendV1 },
): TransformerParams {
  checkObject('initTransformer', 'options', options)
  const c = validateTransformerConfig(config)
  const backend = options.backend ?? cpu
  const [kt, kp, kh, kb] = split(options.key, 4)
  const hidden = c.mlpRatio * c.width
  const blocks = split(kb, c.depth).map((k): TransformerBlockParams => {
    const [ka, ki, ko] = split(k, 3)
    return {
      norm1: layerNormInit(c.width, { backend }),
      attention: multiHeadAttentionInit(ka, c.width, { backend }),
      norm2: layerNormInit(c.width, { backend }),
      mlpIn: linearInit(ki, c.width, hidden, { backend }),
      mlpOut: linearInit(ko, hidden, c.width, { backend }),
    }
  })
  return {
    tokenEmbedding: { weight: normalInit(kt, [c.vocabSize, c.width], { std: 0.02, backend }) },
    positionEmbedding: { weight: normalInit(kp, [c.contextLength, c.width], { std: 0.02, backend }) },
    blocks,
    finalNorm: layerNormInit(c.width, { backend }),
    head: linearInit(kh, c.width, c.vocabSize, { backend }),
  }
}

function checkTokens(op: string, config: ResolvedTransformerConfig, tokens: unknown, offset: number): Tensor {
  checkTensor(op, 'tokens', tokens, 'int32')
  if (tokens.rank !== 2 || tokens.shape[1] < 1 || offset + tokens.shape[1] > config.contextLength) {
    throw new ShapeError(
      op,
      `tokens must be [batch, length] with ${offset === 0 ? '' : `${offset} + `}length <= contextLength ${config.contextLength}, got [${tokens.shape.join(', ')}]`,
      [tokens.shape],
    )
  }
  const ids = tokens.dataSync()
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < config.vocabSize)) {
      throw new InvalidArgumentError(
        op,
        'tokens',
        `must hold ids in [0, ${config.vocabSize}), got ${ids[i]} at flat index ${i}`,
      )
    }
  }
  return tokens
}

function embed(params: TransformerParams, tokens: Tensor, offset: number): Tensor {
  const length = tokens.shape[1]
  const positions = Array.from({ length }, (_, i) => offset + i)
  const pos = embedding(
    params.positionEmbedding,
    fromArray(Int32Array.from(positions), { dtype: 'int32', backend: tokens.backend }),
  )
  return add(embedding(params.tokenEmbedding, tokens), pos)
}

function mlp(config: ResolvedTransformerConfig, block: TransformerBlockParams, x: Tensor): Tensor {
  const h = linear(block.mlpIn, x)
  return linear(block.mlpOut, config.activation === 'relu' ? relu(h) : gelu(h))
}

/**
 * The transformer's logits over the vocabulary at every position:
 *
 * ```
 * h₀ = E_tok[x] + E_pos[0 … T−1]
 * hₗ' = hₗ₋₁ + MHA(LN₁(hₗ₋₁)),   hₗ = hₗ' + W₂ act(W₁ LN₂(hₗ') + b₁) + b₂
 * logits = W_head LN_f(h_depth) + b_head
 * ```
 *
 * Attention is bidirectional unless `config.causal` (or `options.causal`) is set.
 *
 * Shapes: tokens int32 `[B, T]` with T <= contextLength → logits `[B, T, V]`.
 *
 * @param config - the architecture
 * @param params - from {@link initTransformer}
 * @param tokens - token ids in [0, V)
 * @param options - causal: overrides the config's mask
 * @returns the logits
 * @throws ShapeError when tokens are not `[B, T]` with T <= contextLength
 * @throws InvalidArgumentError for an id out of range
 * @example
 * ```ts
 * const logits = transformer(config, params, fromArray([[3, 1, 4]], { dtype: 'int32' })) // [1, 3, V]
 * ```
 */
export function transformer(
  config: TransformerConfig,
  params: TransformerParams,
  tokens: Tensor,
  options: { readonly causal?: boolean } = {},
): Tensor {
  const op = 'transformer'
  const c = validateTransformerConfig(config)
  checkTokens(op, c, tokens, 0)
  const causal = options.causal ?? c.causal
  let h = embed(params, tokens, 0)
  for (const block of params.blocks) {
    h = add(
      h,
      multiHeadAttention(
        block.attention,
        { query: layerNorm(block.norm1, h) },
        { numHeads: c.numHeads, causal },
      ),
    )
    h = add(h, mlp(c, block, layerNorm(block.norm2, h)))
  }
  return linear(params.head, layerNorm(params.finalNorm, h))
}

/**
 * The keys and values of the positions a causal transformer has already read, one entry per
 * block, each `[B, H, P, E/H]` (P positions so far).
 */
export interface KeyValueCache {
  /** Positions held, P. */
  readonly length: number
  readonly layers: readonly { readonly key: Tensor; readonly value: Tensor }[]
}

const MASKED_SCORE = -1e30

/**
 * Reads `n` more tokens into a causal transformer, attending to the cached keys and values
 * of the P positions before them instead of recomputing them (the key-value cache of
 * autoregressive decoding). Its logits equal {@link transformer}'s with `causal: true` at
 * positions P … P+n−1 of the whole sequence.
 *
 * ```
 * qᵢ = W_q LN₁(hᵢ),   scoresᵢⱼ = qᵢ·kⱼ/√d for j ≤ P + i,   K = [K_cache; W_k LN₁(h_new)]
 * ```
 *
 * Shapes: tokens int32 `[B, n]` with P + n <= contextLength → logits `[B, n, V]`, and a
 * cache of length P + n.
 *
 * @param config - the architecture (its `causal` flag is not read: decoding is causal)
 * @param params - from {@link initTransformer}
 * @param tokens - the next ids
 * @param cache - from the previous call, or undefined to start at position 0
 * @returns `{ logits, cache }`; the caller owns both (dispose the old cache when done)
 * @throws ShapeError when the cache would pass contextLength or its batch differs
 * @example
 * ```ts
 * let { logits, cache } = transformerDecode(config, params, bos)   // bos [B, 1]
 * ;({ logits, cache } = transformerDecode(config, params, next, cache))
 * ```
 */
export function transformerDecode(
  config: TransformerConfig,
  params: TransformerParams,
  tokens: Tensor,
  cache?: KeyValueCache,
): { logits: Tensor; cache: KeyValueCache } {
  const op = 'transformerDecode'
  const c = validateTransformerConfig(config)
  const past = cache?.length ?? 0
  checkTokens(op, c, tokens, past)
  const [batch, n] = tokens.shape
  if (cache !== undefined && cache.layers.length > 0 && cache.layers[0].key.shape[0] !== batch) {
    throw new ShapeError(
      op,
      `tokens must have the cache's batch ${cache.layers[0].key.shape[0]}, got [${tokens.shape.join(', ')}]`,
    )
  }
  const heads = c.numHeads
  const d = c.width / heads
  const split4 = (x: Tensor) => transpose(reshape(x, [batch, n, heads, d]), 1, 2) // [B, H, n, d]
  const total = past + n
  const allowed = new Uint8Array(n * total)
  for (let i = 0; i < n; i++) for (let j = 0; j < total; j++) allowed[i * total + j] = j <= past + i ? 1 : 0
  const mask = fromArray(allowed, { shape: [n, total], dtype: 'bool', backend: tokens.backend })
  let h = embed(params, tokens, past)
  const layers: { key: Tensor; value: Tensor }[] = []
  params.blocks.forEach((block, l) => {
    const x = layerNorm(block.norm1, h)
    const q = split4(linear(block.attention.query, x))
    let k = split4(linear(block.attention.key, x))
    let v = split4(linear(block.attention.value, x))
    if (cache !== undefined && past > 0) {
      k = concat([cache.layers[l].key, k], 2)
      v = concat([cache.layers[l].value, v], 2)
    }
    layers.push({ key: k, value: v })
    const scores = where(mask, mul(einsum('bhqd,bhkd->bhqk', q, k), 1 / Math.sqrt(d)), MASKED_SCORE)
    const context = einsum('bhqk,bhkd->bhqd', softmax(scores, -1), v)
    h = add(h, linear(block.attention.output, reshape(transpose(context, 1, 2), [batch, n, c.width])))
    h = add(h, mlp(c, block, layerNorm(block.norm2, h)))
  })
  return { logits: linear(params.head, layerNorm(params.finalNorm, h)), cache: { length: total, layers } }
}
