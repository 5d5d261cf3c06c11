/**
 * Sampling from a masked diffusion language model (LLaDA, Nie et al. 2025, Algorithms 4–5;
 * MDLM, Sahoo et al. 2024; Shi et al. 2024): start from all masks and in K steps predict every
 * masked token, commit a schedule-determined number of the predictions and leave the rest
 * masked, until no mask is left.
 */
import {
  type BackendV1,
  cpu,
  fold,
  fromArray,
  InvalidArgumentError,
  type Key,
  tidy,
  uniformFloats,
} from '@gen/core-tensor'
import { checkInteger, checkObject } from '../nets/check'
import {
  checkTokenSampling,
  drawFrom,
  exclusionTable,
  samplingDistribution,
  type TokenSamplingOptions,
} from './categorical'
import type { TokenModel } from './masked-diffusion'

/** Which predictions are committed at a step. */
export type Remasking = 'random' | 'low-confidence'

/** Options of {@link maskedDiffusionSample}. */
export interface MaskedDiffusionSampleOptions extends TokenSamplingOptions {
  /** The random key. */
  readonly key: Key
  /** Id of the mask token; it is never emitted. */
  readonly maskId: number
  /** Sequence length L. */
  readonly length: number
  /** Number of steps K (each a forward pass), at least one per block. */
  readonly numSteps: number
  /** Sequences drawn at once, B. Default 1. */
  readonly numSamples?: number
  /**
   * `'random'` (default): the positions committed at a step are chosen uniformly among the
   * masked ones (the ancestral sampler of MDLM). `'low-confidence'`: the predictions the model
   * is most sure of (highest probability of the drawn token) are committed and the least
   * confident are re-masked (LLaDA §2.4).
   */
  readonly remasking?: Remasking
  /**
   * Semi-autoregressive block decoding (LLaDA §2.4): the sequence is generated left to right
   * in blocks of this many positions, K / (number of blocks) steps each. Default L (one block).
   */
  readonly blockLength?: number
  /**
   * The starting sequence, `[L]` (shared) or `[B·L]`: the mask id where a token is to be
   * generated, any other id is kept as given (a prompt, or infilling anywhere). Default all masks.
   */
  readonly init?: ArrayLike<number>
  /** Record which positions were committed at each step. Default false. */
  readonly trace?: boolean
  /** Backend of the token tensors given to the model. Default cpu. */
  readonly backend?: BackendV1
}

/** What one sampling step committed. */
export interface SampleTraceStep {
  /** Step index, 0 … K−1. */
  readonly step: number
  /** Block being decoded. */
  readonly block: number
  /** Per sequence: the positions committed at this step, in the order chosen. */
  readonly positions: readonly (readonly number[])[]
  /** Per sequence: the tokens committed there. */
  readonly tokens: readonly (readonly number[])[]
}

/** Result of {@link maskedDiffusionSample}. */
export interface MaskedDiffusionSample {
  /** `[B·L]` row-major: the sampled sequences, no mask left. */
  readonly tokens: Int32Array
  /** `[B, L]`. */
  readonly shape: readonly [number, number]
  /** Forward passes made (steps that had nothing to commit are skipped). */
  readonly modelCalls: number
  /** The step-by-step trace when asked for. */
  readonly trace?: readonly SampleTraceStep[]
}

/**
 * How many of n masked positions a linear schedule commits at each of `steps` steps: ⌊n/steps⌋
 * each, the remainder one more at the first steps (LLaDA's `get_num_transfer_tokens`), so the
 * expected fraction still masked falls linearly, as α_t = 1 − t in MDLM.
 *
 * @param n - masked positions
 * @param steps - steps, >= 1
 * @returns the counts, summing to n
 * @example
 * ```ts
 * commitSchedule(5, 3) // [2, 2, 1]
 * ```
 */
export function commitSchedule(n: number, steps: number): number[] {
  checkInteger('commitSchedule', 'n', n, 0)
  checkInteger('commitSchedule', 'steps', steps)
  const base = Math.floor(n / steps)
  const extra = n % steps
  return Array.from({ length: steps }, (_, s) => base + (s < extra ? 1 : 0))
}

/**
 * Samples sequences from a masked diffusion language model. Start from x = all masks (or
 * `init`); for each block and each of its steps: predict every masked position with the model,
 * draw x̂ₗ ~ p_θ(· | x) (temperature, top-k, top-p; the mask id excluded), and commit
 * `commitSchedule(masked in block, steps)[s]` of the block's masked positions, chosen at random
 * or by highest confidence p_θ(x̂ₗ | x) (low-confidence re-masking); the rest stay masked.
 * After K steps every position holds a token and none is the mask.
 *
 * (Nie et al. 2025, LLaDA, §2.4 and Algorithms 4–5; Sahoo et al. 2024, MDLM §3.3; Shi et al. 2024.)
 *
 * Shapes: the model maps int32 `[B, L]` to logits `[B, L, V]`; the result is `[B·L]`.
 *
 * @param model - token ids → logits (a bidirectional transformer)
 * @param options - key, maskId, length, numSteps, numSamples, remasking, blockLength, init,
 *   temperature, topK, topP, excludeIds, trace
 * @returns the sequences, the number of model calls and the optional trace
 * @throws InvalidArgumentError when K is not a multiple of the number of blocks or below it,
 *   for a bad init, or bad sampling options
 * @example
 * ```ts
 * const model = (tokens: Tensor) => transformer(config, params, tokens)
 * const { tokens } = maskedDiffusionSample(model, { key: key(0), maskId, length: 8, numSteps: 8, numSamples: 16 })
 * ```
 */
export function maskedDiffusionSample(
  model: TokenModel,
  options: MaskedDiffusionSampleOptions,
): MaskedDiffusionSample {
  const op = 'maskedDiffusionSample'
  checkObject(op, 'options', options)
  checkTokenSampling(op, options)
  const { maskId, length, numSteps } = options
  checkInteger(op, 'maskId', maskId, 0)
  checkInteger(op, 'length', length)
  checkInteger(op, 'numSteps', numSteps)
  const batch = options.numSamples ?? 1
  checkInteger(op, 'numSamples', batch)
  const blockLength = options.blockLength ?? length
  checkInteger(op, 'blockLength', blockLength)
  const numBlocks = Math.ceil(length / blockLength)
  if (numSteps % numBlocks !== 0) {
    throw new InvalidArgumentError(
      op,
      'numSteps',
      `must be a multiple of the number of blocks ${numBlocks} (length ${length} / blockLength ${blockLength}), got ${numSteps}`,
    )
  }
  const stepsPerBlock = numSteps / numBlocks
  const remasking = options.remasking ?? 'random'
  if (remasking !== 'random' && remasking !== 'low-confidence') {
    throw new InvalidArgumentError(
      op,
      'remasking',
      `must be 'random' or 'low-confidence', got ${JSON.stringify(remasking)}`,
    )
  }
  const x = new Int32Array(batch * length).fill(maskId)
  if (options.init !== undefined) {
    const init = options.init
    if (init.length !== length && init.length !== batch * length) {
      throw new InvalidArgumentError(
        op,
        'init',
        `must have length L = ${length} or B·L = ${batch * length}, got ${init.length}`,
      )
    }
    for (let i = 0; i < x.length; i++) {
      const v = init[init.length === length ? i % length : i]
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new InvalidArgumentError(op, `init[${i}]`, `must be a token id or the mask id, got ${v}`)
      }
      x[i] = v
    }
  }
  const backend = options.backend ?? cpu
  const trace: SampleTraceStep[] = []
  let modelCalls = 0
  let excluded: Uint8Array | undefined
  const dist = new Float64Array(0)
  let sampling = dist
  let modelDist = dist
  for (let block = 0; block < numBlocks; block++) {
    const from = block * blockLength
    const to = Math.min(length, from + blockLength)
    // the schedule of each sequence is fixed by how many masks its block holds at the start
    const schedules = Array.from({ length: batch }, (_, b) => {
      let n = 0
      for (let l = from; l < to; l++) if (x[b * length + l] === maskId) n++
      return commitSchedule(n, stepsPerBlock)
    })
    for (let s = 0; s < stepsPerBlock; s++) {
      const step = block * stepsPerBlock + s
      const positions: number[][] = Array.from({ length: batch }, () => [])
      const committed: number[][] = Array.from({ length: batch }, () => [])
      if (schedules.some((counts) => counts[s] > 0)) {
        modelCalls++
        const values = tidy(() =>
          model(fromArray(x, { shape: [batch, length], dtype: 'int32', backend })).dataSync(),
        )
        const vocab = values.length / (batch * length)
        if (excluded === undefined) {
          if (!Number.isSafeInteger(vocab) || maskId >= vocab) {
            throw new InvalidArgumentError(
              op,
              'maskId',
              `must be an id of the model's vocabulary of ${vocab}, got ${maskId}`,
            )
          }
          excluded = exclusionTable(op, vocab, [...(options.excludeIds ?? []), maskId])
          sampling = new Float64Array(vocab)
          modelDist = new Float64Array(vocab)
        }
        const stepKey = fold(options.key, step)
        const uDraw = uniformFloats(fold(stepKey, 0), batch * length, 'float64')
        const uPick = uniformFloats(fold(stepKey, 1), batch * length, 'float64')
        for (let b = 0; b < batch; b++) {
          const count = schedules[b][s]
          if (count === 0) continue
          const candidates: { position: number; token: number; score: number }[] = []
          for (let l = from; l < to; l++) {
            const i = b * length + l
            if (x[i] !== maskId) continue
            samplingDistribution(values.subarray(i * vocab, (i + 1) * vocab), excluded, options, sampling)
            const token = drawFrom(sampling, uDraw[i])
            let score: number
            if (remasking === 'random') score = uPick[i]
            else {
              samplingDistribution(values.subarray(i * vocab, (i + 1) * vocab), excluded, {}, modelDist)
              score = modelDist[token]
            }
            candidates.push({ position: l, token, score })
          }
          candidates.sort((p, q) => q.score - p.score || p.position - q.position)
          for (const c of candidates.slice(0, count)) {
            x[b * length + c.position] = c.token
            positions[b].push(c.position)
            committed[b].push(c.token)
          }
        }
      }
      if (options.trace === true) trace.push({ step, block, positions, tokens: committed })
    }
  }
  return {
    tokens: x,
    shape: [batch, length],
    modelCalls,
    ...(options.trace === true ? { trace } : {}),
  }
}
