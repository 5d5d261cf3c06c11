/**
 * Masked (absorbing-state) diffusion for text: the forward process replaces each token by a
 * mask token with probability t, and the model learns to predict the original tokens at the
 * masked positions. Its loss, weighted by 1/t, is an upper bound on the negative
 * log-likelihood (LLaDA, Nie et al. 2025, eq. 3; MDLM, Sahoo et al. 2024, eq. 10; Shi et al.
 * 2024, "Simplified and Generalized Masked Diffusion", eq. 5).
 */
import {
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  mul,
  permutation,
  reshape,
  ShapeError,
  split,
  sum,
  type Tensor,
  tidy,
  uniformFloats,
} from '@gen/core-tensor'
import { crossEntropyWithLogits } from '@gen/core-tensor/nn'
import { checkInteger, checkNumber, checkObject, checkTensor } from '../nets/check'

/**
 * A network as the samplers and losses see it: token ids int32 `[B, L]` → logits `[B, L, V]`.
 * Wrap a transformer as `(tokens) => transformer(config, params, tokens)`.
 */
export type TokenModel = (tokens: Tensor) => Tensor

/** How the masked positions of a sequence are drawn. */
export type MaskingMode = 'bernoulli' | 'exact'

/** A masked batch: the noisy tokens and what was masked. */
export interface MaskedBatch {
  /** int32 `[B, L]`: x_t, the clean tokens with the masked positions set to the mask id. */
  readonly tokens: Tensor
  /** `[B·L]`, row-major: 1 where the token was masked. */
  readonly isMasked: Uint8Array
  /** `[B]`: the masking level t of each sequence, in (0, 1]. */
  readonly t: Float64Array
  /** `[B]`: the positions of each sequence that may be masked (L minus its prompt). */
  readonly free: Int32Array
}

/** Options of {@link maskTokens}. */
export interface MaskTokensOptions {
  /** Id of the mask token. */
  readonly maskId: number
  /** Masking level of each sequence, `[B]`, in [0, 1]. */
  readonly t: ArrayLike<number>
  /**
   * `'bernoulli'` (default): each free position is masked with probability t, independently.
   * `'exact'`: exactly round(t · free) distinct free positions, uniformly at random.
   */
  readonly mode?: MaskingMode
  /**
   * Positions that are never masked (a prompt): a number of leading positions shared by
   * every sequence, or one per sequence. Default 0.
   */
  readonly promptLength?: number | ArrayLike<number>
}

function promptLengths(
  op: string,
  value: MaskTokensOptions['promptLength'],
  batch: number,
  length: number,
): Int32Array {
  const out = new Int32Array(batch)
  if (value === undefined) return out
  if (typeof value === 'number') {
    checkInteger(op, 'promptLength', value, 0)
    if (value >= length) {
      throw new InvalidArgumentError(op, 'promptLength', `must be below the length ${length}, got ${value}`)
    }
    return out.fill(value)
  }
  if (value.length !== batch) {
    throw new InvalidArgumentError(
      op,
      'promptLength',
      `must have one entry per sequence (${batch}), got ${value.length}`,
    )
  }
  for (let b = 0; b < batch; b++) {
    const p = value[b]
    if (!Number.isSafeInteger(p) || p < 0 || p >= length) {
      throw new InvalidArgumentError(
        op,
        `promptLength[${b}]`,
        `must be an integer in [0, ${length}), got ${p}`,
      )
    }
    out[b] = p
  }
  return out
}

function checkSequences(op: string, x0: unknown, maskId: number): Tensor {
  checkTensor(op, 'x0', x0, 'int32')
  if (x0.rank !== 2 || x0.shape[1] < 1) {
    throw new ShapeError(op, `x0 must be [batch, length], got [${x0.shape.join(', ')}]`, [x0.shape])
  }
  checkInteger(op, 'maskId', maskId, 0)
  const ids = x0.dataSync()
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === maskId) {
      throw new InvalidArgumentError(
        op,
        'x0',
        `must not contain the mask id ${maskId}, got it at flat index ${i}`,
      )
    }
  }
  return x0
}

/**
 * The forward process of masked diffusion, q(x_t | x_0): every free position becomes the mask
 * token with probability t (Bernoulli mode), or exactly round(t · free) distinct free positions
 * do (exact mode, the "k-uniform" form of LLaDA's Algorithm 3). Prompt positions stay.
 *
 * Shapes: x0 int32 `[B, L]`, t `[B]` → tokens int32 `[B, L]`, isMasked `[B·L]`.
 *
 * @param key - the random key
 * @param x0 - the clean sequences (no mask ids)
 * @param options - maskId, t, mode, promptLength
 * @returns the {@link MaskedBatch}
 * @throws InvalidArgumentError for t outside [0, 1], a mask id in x0 or a bad prompt length
 * @example
 * ```ts
 * const { tokens, isMasked } = maskTokens(key(0), x0, { maskId: 39, t: [0.5, 0.25], mode: 'exact' })
 * ```
 */
export function maskTokens(key: Key, x0: Tensor, options: MaskTokensOptions): MaskedBatch {
  const op = 'maskTokens'
  checkObject(op, 'options', options)
  checkSequences(op, x0, options.maskId)
  const [batch, length] = x0.shape
  const mode = options.mode ?? 'bernoulli'
  if (mode !== 'bernoulli' && mode !== 'exact') {
    throw new InvalidArgumentError(op, 'mode', `must be 'bernoulli' or 'exact', got ${JSON.stringify(mode)}`)
  }
  if (options.t.length !== batch) {
    throw new InvalidArgumentError(
      op,
      't',
      `must have one level per sequence (${batch}), got ${options.t.length}`,
    )
  }
  const t = Float64Array.from(options.t)
  t.forEach((v, b) => checkNumber(op, `t[${b}]`, v, { lo: 0, hi: 1 }))
  const prompt = promptLengths(op, options.promptLength, batch, length)
  const ids = Int32Array.from(x0.dataSync())
  const isMasked = new Uint8Array(batch * length)
  const free = new Int32Array(batch)
  const keys = split(key, batch)
  for (let b = 0; b < batch; b++) {
    const p = prompt[b]
    const n = length - p
    free[b] = n
    if (mode === 'bernoulli') {
      const u = uniformFloats(keys[b], n, 'float64')
      for (let i = 0; i < n; i++) if (u[i] < t[b]) isMasked[b * length + p + i] = 1
    } else {
      const count = Math.round(t[b] * n)
      const order = permutation(keys[b], n)
      for (let i = 0; i < count; i++) isMasked[b * length + p + order[i]] = 1
    }
  }
  for (let i = 0; i < ids.length; i++) if (isMasked[i] === 1) ids[i] = options.maskId
  return {
    tokens: fromArray(ids, { shape: [batch, length], dtype: 'int32', backend: x0.backend }),
    isMasked,
    t,
    free,
  }
}

/**
 * The masked-diffusion bound on a batch masked by {@link maskTokens}, from the model's logits:
 *
 * ```
 * loss = (1/B) Σ_b (1/L_b) Σ_{l masked} −log p_θ(x0_bl | x_t) / t_b
 * ```
 *
 * L_b is the number of free positions (L without a prompt, so the normaliser is B·L, as in
 * LLaDA eq. 3). Unmasked positions contribute nothing, so a batch with no mask gives 0.
 * `weighting: 'none'` drops the 1/t (a plain masked cross-entropy, which is not a bound).
 *
 * Shapes: logits `[B, L, V]`, x0 int32 `[B, L]` → a scalar, in nats per token.
 *
 * @param logits - the model's logits at x_t
 * @param x0 - the clean tokens
 * @param batch - the masked batch (isMasked, t, free)
 * @param options - weighting: 'elbo' (default) or 'none'
 * @returns the loss, differentiable in the logits
 * @throws ShapeError when the shapes disagree
 * @example
 * ```ts
 * const masked = maskTokens(key(0), x0, { maskId, t: [0.5, 0.5] })
 * const loss = maskedDiffusionElbo(model(masked.tokens), x0, masked)
 * ```
 */
export function maskedDiffusionElbo(
  logits: Tensor,
  x0: Tensor,
  batch: Pick<MaskedBatch, 'isMasked' | 't' | 'free'>,
  options: { readonly weighting?: 'elbo' | 'none' } = {},
): Tensor {
  const op = 'maskedDiffusionElbo'
  checkTensor(op, 'logits', logits)
  checkTensor(op, 'x0', x0, 'int32')
  const [b, l] = x0.shape
  if (x0.rank !== 2 || logits.rank !== 3 || logits.shape[0] !== b || logits.shape[1] !== l) {
    throw new ShapeError(
      op,
      `logits must be [B, L, V] for x0 [B, L], got logits [${logits.shape.join(', ')}] and x0 [${x0.shape.join(', ')}]`,
    )
  }
  if (batch.isMasked.length !== b * l || batch.t.length !== b || batch.free.length !== b) {
    throw new ShapeError(op, `batch must hold isMasked [${b * l}], t [${b}] and free [${b}]`)
  }
  const weighting = options.weighting ?? 'elbo'
  const weights = new Float64Array(b * l)
  for (let i = 0; i < b; i++) {
    const scale = (weighting === 'elbo' ? 1 / batch.t[i] : 1) / (b * batch.free[i])
    for (let j = 0; j < l; j++) if (batch.isMasked[i * l + j] === 1) weights[i * l + j] = scale
  }
  const vocab = logits.shape[2]
  const ce = crossEntropyWithLogits(reshape(logits, [b * l, vocab]), reshape(x0, [b * l]), {
    reduction: 'none',
  })
  return sum(mul(ce, fromArray(weights, { backend: logits.backend })))
}

/** Options of {@link maskedDiffusionLoss}. */
export interface MaskedDiffusionLossOptions {
  /** Randomness of the levels and the masks. */
  readonly key: Key
  /** Id of the mask token. */
  readonly maskId: number
  /**
   * `'bernoulli'` (default): t ~ U(minT, 1), each free token masked with probability t (LLaDA's
   * training). `'exact'`: k ~ U{1 … L_b}, exactly k distinct free tokens masked, t = k / L_b
   * (so 1/t = L_b/k, the unbiased k-uniform estimator of the same bound).
   */
  readonly mode?: MaskingMode
  /** Lower end of t in Bernoulli mode, keeping 1/t finite (LLaDA's ε). Default 1e-3. */
  readonly minT?: number
  /** Leading prompt positions that are never masked and carry no loss (conditioning). */
  readonly promptLength?: number | ArrayLike<number>
  /** 'elbo' (default): weight 1/t. 'none': drop it (an ablation, not a bound). */
  readonly weighting?: 'elbo' | 'none'
}

/**
 * Draws the masking levels of a batch: t ~ U(minT, 1) per sequence (Bernoulli mode), or
 * t = k / L_b with k ~ U{1 … L_b} (exact mode).
 *
 * @param key - the random key
 * @param free - free (maskable) positions per sequence
 * @param options - mode, minT
 * @returns t, one level per sequence
 * @throws InvalidArgumentError for minT outside [0, 1)
 * @example
 * ```ts
 * sampleMaskingLevels(key(0), Int32Array.of(8, 8), { mode: 'exact' }) // e.g. [0.375, 1]
 * ```
 */
export function sampleMaskingLevels(
  key: Key,
  free: ArrayLike<number>,
  options: { readonly mode?: MaskingMode; readonly minT?: number } = {},
): Float64Array {
  const op = 'sampleMaskingLevels'
  const minT = options.minT ?? 1e-3
  checkNumber(op, 'minT', minT, { lo: 0, hi: 1, openHigh: true })
  const u = uniformFloats(key, free.length, 'float64')
  return Float64Array.from(u, (v, b) => {
    if (options.mode === 'exact') {
      const k = 1 + Math.min(free[b] - 1, Math.floor(v * free[b]))
      return k / free[b]
    }
    return minT + (1 - minT) * v
  })
}

/**
 * The masked-diffusion training loss of LLaDA / MDLM on a batch of clean sequences: draw t
 * per sequence, mask (see {@link maskTokens}), and take {@link maskedDiffusionElbo} of the
 * model's predictions:
 *
 * ```
 * L(θ) = E_{t, x_t} [ (1/(B·L)) Σ_b Σ_{l: x_t = M} −log p_θ(x0_l | x_t) / t ]  ≥  −log p_θ(x0) / L
 * ```
 *
 * (Nie et al. 2025, LLaDA, eq. 3; Sahoo et al. 2024, MDLM, eq. 10; Shi et al. 2024, eq. 5.)
 * Padding convention: pad each sequence with the end-of-sequence token up to L and keep the
 * pads in the loss (LLaDA §2.3), so the model learns where a sentence ends; see
 * {@link padSequences}. With `promptLength`, the prompt is never masked and the loss is
 * averaged over the response only (LLaDA's supervised fine-tuning, eq. 5).
 *
 * Shapes: x0 int32 `[B, L]` → a scalar in nats per token.
 *
 * @param model - token ids → logits
 * @param x0 - clean sequences, no mask ids
 * @param options - key, maskId, mode, minT, promptLength, weighting
 * @returns the loss (differentiable through the model)
 * @throws InvalidArgumentError for a mask id in x0 or bad options
 * @example
 * ```ts
 * const step = valueAndGrad((p: TransformerParams, x0: Tensor) =>
 *   maskedDiffusionLoss((tokens) => transformer(config, p, tokens), x0, { key: fold(k, s), maskId }))
 * ```
 */
export function maskedDiffusionLoss(
  model: TokenModel,
  x0: Tensor,
  options: MaskedDiffusionLossOptions,
): Tensor {
  const op = 'maskedDiffusionLoss'
  checkObject(op, 'options', options)
  checkSequences(op, x0, options.maskId)
  const [batch, length] = x0.shape
  const prompt = promptLengths(op, options.promptLength, batch, length)
  const [kt, km] = split(options.key)
  const free = Int32Array.from(prompt, (p) => length - p)
  const t = sampleMaskingLevels(kt, free, options)
  const masked = maskTokens(km, x0, { maskId: options.maskId, t, mode: options.mode, promptLength: prompt })
  return maskedDiffusionElbo(model(masked.tokens), x0, masked, { weighting: options.weighting })
}

/** Options of {@link maskedDiffusionNelbo}. */
export interface MaskedDiffusionNelboOptions {
  readonly key: Key
  readonly maskId: number
  /** Monte Carlo draws of the masking per sequence. Default 8. */
  readonly samplesPerSequence?: number
  /**
   * `'k'` (default): k ~ U{1 … L}, exactly k masked, weight L/k (LLaDA Algorithm 3, lower
   * variance). `'t'`: t ~ U(minT, 1), Bernoulli masking, weight 1/t. Both estimate one bound.
   */
  readonly estimator?: 'k' | 't'
  /** Sequences per forward pass. Default 64. */
  readonly batchSize?: number
  readonly promptLength?: number | ArrayLike<number>
}

/** A bound on the negative log-likelihood, in bits per token. */
export interface BitsPerToken {
  /** The estimate: mean over sequences of (bound in nats) / (tokens) / ln 2. */
  readonly bitsPerToken: number
  /** Standard error of the Monte Carlo estimate (0 for an exact value). */
  readonly standardError: number
  /** Tokens scored. */
  readonly tokens: number
}

/**
 * Estimates the masked-diffusion negative ELBO of held-out sequences in bits per token: the
 * bound −log p_θ(x0) ≤ E_t[(1/t) Σ_masked −log p_θ(x0_l | x_t)], averaged by Monte Carlo over
 * the masking and divided by the free tokens and ln 2 (LLaDA, Nie et al. 2025, eq. 3 and
 * Algorithm 3; MDLM, Sahoo et al. 2024).
 *
 * Shapes: sequences int32 `[N, L]`.
 *
 * @param model - token ids → logits
 * @param sequences - clean held-out sequences
 * @param options - key, maskId, samplesPerSequence, estimator, batchSize, promptLength
 * @returns `{ bitsPerToken, standardError, tokens }`
 * @throws InvalidArgumentError for a mask id in the data or bad options
 * @example
 * ```ts
 * const { bitsPerToken } = maskedDiffusionNelbo(model, heldOut, { key: key(9), maskId })
 * ```
 */
export function maskedDiffusionNelbo(
  model: TokenModel,
  sequences: Tensor,
  options: MaskedDiffusionNelboOptions,
): BitsPerToken {
  const op = 'maskedDiffusionNelbo'
  checkObject(op, 'options', options)
  checkSequences(op, sequences, options.maskId)
  const samples = options.samplesPerSequence ?? 8
  const batchSize = options.batchSize ?? 64
  checkInteger(op, 'samplesPerSequence', samples)
  checkInteger(op, 'batchSize', batchSize)
  const estimator = options.estimator ?? 'k'
  if (estimator !== 'k' && estimator !== 't') {
    throw new InvalidArgumentError(op, 'estimator', `must be 'k' or 't', got ${JSON.stringify(estimator)}`)
  }
  const [n, length] = sequences.shape
  const prompt = promptLengths(op, options.promptLength, n, length)
  const ids = sequences.dataSync()
  const perSequence = new Float64Array(n) // mean bound of each sequence, nats per free token
  let tokens = 0
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start)
    const chunk = fromArray(ids.slice(start * length, (start + rows) * length), {
      shape: [rows, length],
      dtype: 'int32',
      backend: sequences.backend,
    })
    const chunkPrompt = prompt.slice(start, start + rows)
    const free = Int32Array.from(chunkPrompt, (p) => length - p)
    for (let s = 0; s < samples; s++) {
      const k = fold(fold(options.key, start), s)
      const [kt, km] = split(k)
      const mode = estimator === 'k' ? 'exact' : 'bernoulli'
      const t = sampleMaskingLevels(kt, free, { mode })
      const masked = maskTokens(km, chunk, { maskId: options.maskId, t, mode, promptLength: chunkPrompt })
      const values = tidy(() => {
        const logits = model(masked.tokens)
        const flat = reshape(logits, [rows * length, logits.shape[2]])
        return crossEntropyWithLogits(flat, reshape(chunk, [rows * length]), { reduction: 'none' }).dataSync()
      })
      masked.tokens.dispose()
      for (let b = 0; b < rows; b++) {
        let total = 0
        for (let j = 0; j < length; j++)
          if (masked.isMasked[b * length + j] === 1) total += values[b * length + j]
        perSequence[start + b] += total / t[b] / free[b] / samples
      }
    }
    chunk.dispose()
    for (let b = 0; b < rows; b++) tokens += free[b]
  }
  return summarise(perSequence, tokens)
}

/** @internal Mean and standard error in bits of per-sequence values in nats per token. */
export function summarise(perSequence: Float64Array, tokens: number): BitsPerToken {
  const n = perSequence.length
  let mean = 0
  for (const v of perSequence) mean += v / n
  let sq = 0
  for (const v of perSequence) sq += (v - mean) ** 2
  const se = n > 1 ? Math.sqrt(sq / (n - 1) / n) : 0
  return { bitsPerToken: mean / Math.LN2, standardError: se / Math.LN2, tokens }
}
