/**
 * Drawing tokens from a model's logits in float64: temperature, top-k (Fan et al. 2018) and
 * nucleus / top-p (Holtzman et al. 2020) filtering, ids that may never be emitted (the mask
 * token), and inverse-CDF categorical draws from one uniform each.
 */
import { InvalidArgumentError, type Key, type Tensor, uniformFloats } from '@gen/core-tensor'
import { checkInteger, checkNumber } from '../nets/check'

/** How a token is drawn from a row of logits. */
export interface TokenSamplingOptions {
  /**
   * Softmax temperature τ: p ∝ exp(logit/τ). 0 picks the most likely token (greedy). Default 1.
   */
  readonly temperature?: number
  /** Keep only the k most likely tokens. Default: all. */
  readonly topK?: number
  /**
   * Keep the smallest set of most likely tokens whose probability reaches p (nucleus
   * sampling), in (0, 1]. Default 1 (all).
   */
  readonly topP?: number
  /** Ids that are never drawn (the mask id; a BOS id). */
  readonly excludeIds?: readonly number[]
}

/** @internal Checks sampling options once, at a public boundary. */
export function checkTokenSampling(op: string, options: TokenSamplingOptions): void {
  if (options.temperature !== undefined) checkNumber(op, 'temperature', options.temperature, { lo: 0 })
  if (options.topK !== undefined) checkInteger(op, 'topK', options.topK)
  if (options.topP !== undefined) checkNumber(op, 'topP', options.topP, { lo: 0, hi: 1, openLow: true })
}

/**
 * @internal The sampling distribution of one row of logits (`[V]`, V = out.length) after
 * exclusion, temperature, top-k and top-p, written into `out` (probabilities summing to 1;
 * greedy puts 1 on the arg max).
 */
export function samplingDistribution(
  logits: ArrayLike<number>,
  excluded: Uint8Array,
  options: TokenSamplingOptions,
  out: Float64Array,
): void {
  const vocab = out.length
  const temperature = options.temperature ?? 1
  let top = -Infinity
  let best = -1
  for (let c = 0; c < vocab; c++) {
    const v = excluded[c] === 1 ? -Infinity : logits[c]
    if (v > top) {
      top = v
      best = c
    }
  }
  if (best < 0)
    throw new InvalidArgumentError('sampleTokens', 'logits', 'must leave some id that may be emitted')
  if (temperature === 0) {
    out.fill(0)
    out[best] = 1
    return
  }
  let total = 0
  for (let c = 0; c < vocab; c++) {
    const p = excluded[c] === 1 ? 0 : Math.exp((logits[c] - top) / temperature)
    out[c] = p
    total += p
  }
  for (let c = 0; c < vocab; c++) out[c] /= total
  const topK = options.topK ?? vocab
  const topP = options.topP ?? 1
  if (topK >= vocab && topP >= 1) return
  const order = Array.from({ length: vocab }, (_, c) => c).sort((a, b) => out[b] - out[a] || a - b)
  let kept = 0
  let mass = 0
  for (const c of order) {
    // keep the first token always; then while below k and the mass has not reached p
    if (kept === 0 || (kept < topK && mass < topP)) {
      mass += out[c]
      kept++
    } else out[c] = 0
  }
  for (let c = 0; c < vocab; c++) out[c] /= mass
}

/** @internal The inverse-CDF draw: the first class whose cumulative probability exceeds u. */
export function drawFrom(probabilities: Float64Array, u: number): number {
  let cumulative = 0
  let last = 0
  for (let c = 0; c < probabilities.length; c++) {
    if (probabilities[c] <= 0) continue
    cumulative += probabilities[c]
    last = c
    if (u < cumulative) return c
  }
  return last
}

/** @internal A 0/1 table of the ids that may not be emitted. */
export function exclusionTable(op: string, vocab: number, ids: readonly number[]): Uint8Array {
  const table = new Uint8Array(vocab)
  ids.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= vocab) {
      throw new InvalidArgumentError(op, `excludeIds[${i}]`, `must be an id in [0, ${vocab}), got ${id}`)
    }
    table[id] = 1
  })
  return table
}

/**
 * Draws one token per row of logits, in float64: `p = softmax(logits/τ)` restricted to the
 * top-k and the top-p nucleus with the excluded ids at 0 and renormalised, then the
 * inverse-CDF draw from one uniform of `key` per row. τ = 0 is the arg max.
 *
 * Shapes: logits `[..., V]` → tokens int32 `[rows]` (flattened), with the model's own
 * probability (softmax at τ = 1 without the excluded ids) of each drawn token.
 *
 * @param key - the random key
 * @param logits - float32 `[..., V]`
 * @param options - temperature, topK, topP, excludeIds
 * @returns `{ tokens, probabilities }`, one entry per row
 * @throws InvalidArgumentError for bad options or a row with every id excluded
 * @example
 * ```ts
 * const { tokens } = sampleTokens(key(0), logits, { temperature: 0.8, topP: 0.9, excludeIds: [maskId] })
 * ```
 */
export function sampleTokens(
  key: Key,
  logits: Tensor,
  options: TokenSamplingOptions = {},
): { tokens: Int32Array; probabilities: Float64Array } {
  const op = 'sampleTokens'
  checkTokenSampling(op, options)
  const vocab = logits.shape[logits.rank - 1]
  const rows = logits.size / vocab
  const excluded = exclusionTable(op, vocab, options.excludeIds ?? [])
  const values = logits.dataSync()
  const u = uniformFloats(key, rows, 'float64')
  const tokens = new Int32Array(rows)
  const probabilities = new Float64Array(rows)
  const dist = new Float64Array(vocab)
  const model = new Float64Array(vocab)
  for (let r = 0; r < rows; r++) {
    samplingDistribution(values.subarray(r * vocab, (r + 1) * vocab), excluded, options, dist)
    tokens[r] = drawFrom(dist, u[r])
    samplingDistribution(values.subarray(r * vocab, (r + 1) * vocab), excluded, {}, model)
    probabilities[r] = model[tokens[r]]
  }
  return { tokens, probabilities }
}
