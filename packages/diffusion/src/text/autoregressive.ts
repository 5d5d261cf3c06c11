/**
 * The autoregressive twin of the masked diffusion model: the same transformer with a causal
 * mask, trained on next-token prediction, sampled left to right from a key-value cache, and
 * scored by its exact negative log-likelihood (Radford et al. 2019, GPT-2; the baseline LLaDA,
 * Nie et al. 2025, and MDLM, Sahoo et al. 2024, compare against).
 */
import {
  type BackendV1,
  concat,
  dispose,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  reshape,
  ShapeError,
  slice,
  type Tensor,
  tidy,
  type TypedArray,
  uniformFloats,
} from '@gen/core-tensor'
import { crossEntropyWithLogits } from '@gen/core-tensor/nn'
import { checkInteger, checkObject, checkTensor } from '../nets/check'
import {
  checkTokenSampling,
  drawFrom,
  exclusionTable,
  samplingDistribution,
  type TokenSamplingOptions,
} from './categorical'
import { type BitsPerToken, summarise, type TokenModel } from './masked-diffusion'
import {
  type KeyValueCache,
  transformer,
  type TransformerConfig,
  transformerDecode,
  type TransformerParams,
} from './transformer'

function shiftRight(op: string, x0: unknown, bosId: number): Tensor {
  checkTensor(op, 'x0', x0, 'int32')
  if (x0.rank !== 2 || x0.shape[1] < 1) {
    throw new ShapeError(op, `x0 must be [batch, length], got [${x0.shape.join(', ')}]`, [x0.shape])
  }
  checkInteger(op, 'bosId', bosId, 0)
  const [batch, length] = x0.shape
  const bos = fromArray(new Int32Array(batch).fill(bosId), {
    shape: [batch, 1],
    dtype: 'int32',
    backend: x0.backend,
  })
  return length === 1 ? bos : concat([bos, slice(x0, [null, { stop: length - 1 }])], 1)
}

/**
 * Next-token cross-entropy of a causal model, in nats per token: the input is the sequence
 * shifted right behind a begin-of-sequence id, and position l predicts x_l from x_{<l}:
 *
 * ```
 * loss = −(1/(B·L)) Σ_b Σ_l log p_θ(x_bl | BOS, x_b1 … x_b,l−1)
 * ```
 *
 * The BOS id may be the mask id of the diffusion twin (the mask never occurs in data), so both
 * models share one vocabulary. Shapes: x0 int32 `[B, L]` → a scalar.
 *
 * @param model - a causal model, int32 `[B, L]` → logits `[B, L, V]`
 * @param x0 - the sequences (EOS-padded to L)
 * @param options - bosId
 * @returns the loss
 * @throws ShapeError when x0 is not `[B, L]`
 * @example
 * ```ts
 * const loss = autoregressiveLoss((t) => transformer(arConfig, p, t), x0, { bosId: maskId })
 * ```
 */
export function autoregressiveLoss(
  model: TokenModel,
  x0: Tensor,
  options: { readonly bosId: number },
): Tensor {
  const op = 'autoregressiveLoss'
  checkObject(op, 'options', options)
  const input = shiftRight(op, x0, options.bosId)
  const [batch, length] = x0.shape
  const logits = model(input)
  const flat = reshape(logits, [batch * length, logits.shape[2]])
  return crossEntropyWithLogits(flat, reshape(x0, [batch * length]))
}

/**
 * The exact negative log-likelihood of sequences under a causal model, in bits per token:
 * `−log₂ p_θ(x) / L = −(1/L) Σ_l log₂ p_θ(x_l | x_{<l})`, averaged over the sequences.
 *
 * Shapes: sequences int32 `[N, L]`.
 *
 * @param model - a causal model
 * @param sequences - held-out sequences
 * @param options - bosId, batchSize (default 64)
 * @returns `{ bitsPerToken, standardError, tokens }` (the error is over sequences)
 * @throws ShapeError when sequences are not `[N, L]`
 * @example
 * ```ts
 * autoregressiveNll(model, heldOut, { bosId: maskId }).bitsPerToken
 * ```
 */
export function autoregressiveNll(
  model: TokenModel,
  sequences: Tensor,
  options: { readonly bosId: number; readonly batchSize?: number },
): BitsPerToken {
  const op = 'autoregressiveNll'
  checkObject(op, 'options', options)
  shiftRight(op, sequences, options.bosId).dispose()
  const batchSize = options.batchSize ?? 64
  checkInteger(op, 'batchSize', batchSize)
  const [n, length] = sequences.shape
  const ids = sequences.dataSync()
  const perSequence = new Float64Array(n)
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start)
    const values = tidy(() => {
      const chunk = fromArray(ids.slice(start * length, (start + rows) * length), {
        shape: [rows, length],
        dtype: 'int32',
        backend: sequences.backend,
      })
      const logits = model(shiftRight(op, chunk, options.bosId))
      return crossEntropyWithLogits(
        reshape(logits, [rows * length, logits.shape[2]]),
        reshape(chunk, [rows * length]),
        {
          reduction: 'none',
        },
      ).dataSync()
    })
    for (let b = 0; b < rows; b++) {
      let total = 0
      for (let l = 0; l < length; l++) total += values[b * length + l]
      perSequence[start + b] = total / length
    }
  }
  return summarise(perSequence, n * length)
}

/** Options of {@link autoregressiveSample}. */
export interface AutoregressiveSampleOptions extends TokenSamplingOptions {
  readonly key: Key
  /** The begin-of-sequence id fed first; it is never emitted. */
  readonly bosId: number
  /** Tokens to generate, L <= contextLength. */
  readonly length: number
  /** Sequences drawn at once. Default 1. */
  readonly numSamples?: number
  /**
   * Decode from a key-value cache (default true), or recompute the whole prefix at every
   * step (the slow reference that the cache must equal).
   */
  readonly cache?: boolean
  /** Backend of the token tensors. Default: that of the parameters. */
  readonly backend?: BackendV1
}

/**
 * Samples left to right from the causal transformer: x₁ ~ p_θ(· | BOS), then
 * x_l ~ p_θ(· | BOS, x_{<l}), with temperature, top-k and top-p; the BOS id (and any
 * `excludeIds`) is never emitted. With the key-value cache each step reads one token
 * ({@link transformerDecode}); without it each step reruns the whole prefix. Both give the
 * same sequences for the same key.
 *
 * Shapes: → `[B·L]` row-major.
 *
 * @param config - the causal transformer's architecture
 * @param params - its parameters
 * @param options - key, bosId, length, numSamples, cache, temperature, topK, topP, excludeIds
 * @returns `{ tokens, shape }`
 * @throws InvalidArgumentError when length exceeds the context or for bad sampling options
 * @example
 * ```ts
 * const { tokens } = autoregressiveSample(arConfig, arParams, { key: key(0), bosId: maskId, length: 8, numSamples: 16 })
 * ```
 */
export function autoregressiveSample(
  config: TransformerConfig,
  params: TransformerParams,
  options: AutoregressiveSampleOptions,
): { tokens: Int32Array; shape: readonly [number, number] } {
  const op = 'autoregressiveSample'
  checkObject(op, 'options', options)
  checkTokenSampling(op, options)
  const { bosId, length } = options
  const batch = options.numSamples ?? 1
  checkInteger(op, 'bosId', bosId, 0)
  checkInteger(op, 'length', length)
  checkInteger(op, 'numSamples', batch)
  if (length > config.contextLength) {
    throw new InvalidArgumentError(
      op,
      'length',
      `must be <= contextLength ${config.contextLength}, got ${length}`,
    )
  }
  const vocab = config.vocabSize
  const excluded = exclusionTable(op, vocab, [...(options.excludeIds ?? []), bosId])
  const backend = options.backend ?? params.head.weight.backend
  const out = new Int32Array(batch * length)
  const dist = new Float64Array(vocab)
  const useCache = options.cache ?? true
  let cache: KeyValueCache | undefined
  let next = new Int32Array(batch).fill(bosId)
  const causal = { ...config, causal: true }
  for (let l = 0; l < length; l++) {
    const u = uniformFloats(fold(options.key, l), batch, 'float64')
    let values: TypedArray
    if (useCache) {
      const input = fromArray(next, { shape: [batch, 1], dtype: 'int32', backend })
      const step = transformerDecode(causal, params, input, cache)
      input.dispose()
      if (cache !== undefined) dispose(cache.layers)
      cache = step.cache
      values = step.logits.dataSync()
      step.logits.dispose()
    } else {
      const prefix = new Int32Array(batch * (l + 1))
      for (let b = 0; b < batch; b++) {
        prefix[b * (l + 1)] = bosId
        for (let j = 0; j < l; j++) prefix[b * (l + 1) + j + 1] = out[b * length + j]
      }
      values = tidy(() => {
        const logits = transformer(
          causal,
          params,
          fromArray(prefix, { shape: [batch, l + 1], dtype: 'int32', backend }),
        )
        return slice(logits, [null, { start: l }]).dataSync()
      })
    }
    next = new Int32Array(batch)
    for (let b = 0; b < batch; b++) {
      samplingDistribution(values.subarray(b * vocab, (b + 1) * vocab), excluded, options, dist)
      next[b] = drawFrom(dist, u[b])
      out[b * length + l] = next[b]
    }
  }
  if (cache !== undefined) dispose(cache.layers)
  return { tokens: out, shape: [batch, length] }
}
