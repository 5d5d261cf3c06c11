/**
 * Sample-quality figures of a text model: the fraction of samples an exact checker accepts
 * (a grammar's), the fraction that are distinct, the fraction not seen in training, and
 * generation speed in tokens per second.
 */
import { InvalidArgumentError } from '@gen/core-tensor'

/** The quality figures of a set of samples. */
export interface TextSampleMetrics {
  /** Number of samples. */
  readonly count: number
  /** Fraction the checker accepts. */
  readonly valid: number
  /** Distinct samples / samples. */
  readonly distinct: number
  /** Samples not in the training set / samples. */
  readonly novel: number
  /** Valid samples that are also novel / samples: new sentences of the language. */
  readonly validNovel: number
}

function checkSamples(op: string, samples: unknown): asserts samples is readonly string[] {
  if (!Array.isArray(samples) || samples.length === 0 || samples.some((s) => typeof s !== 'string')) {
    throw new InvalidArgumentError(
      op,
      'samples',
      `must be a non-empty array of strings, got ${String(samples)}`,
    )
  }
}

/**
 * Scores samples: the fraction valid under `check`, distinct (unique / all) and novel (not in
 * `training`), and the fraction both valid and novel.
 *
 * @param samples - decoded samples (non-empty)
 * @param options - check (an exact acceptor, e.g. a grammar's), training (the training texts)
 * @returns the {@link TextSampleMetrics}
 * @throws InvalidArgumentError for an empty sample list
 * @example
 * ```ts
 * textSampleMetrics(['a cat runs', 'a cat runs', 'cat a'], { check: grammar.check, training: new Set(['a cat runs']) })
 * // { count: 3, valid: 2/3, distinct: 2/3, novel: 1/3, validNovel: 0 }
 * ```
 */
export function textSampleMetrics(
  samples: readonly string[],
  options: { readonly check: (text: string) => boolean; readonly training: ReadonlySet<string> },
): TextSampleMetrics {
  const op = 'textSampleMetrics'
  checkSamples(op, samples)
  const n = samples.length
  let valid = 0
  let novel = 0
  let validNovel = 0
  for (const s of samples) {
    const ok = options.check(s)
    const unseen = !options.training.has(s)
    if (ok) valid++
    if (unseen) novel++
    if (ok && unseen) validNovel++
  }
  return {
    count: n,
    valid: valid / n,
    distinct: new Set(samples).size / n,
    novel: novel / n,
    validNovel: validNovel / n,
  }
}

/**
 * Times a generator: runs `generate` (which returns the number of tokens it produced)
 * `repeats` times and reports tokens per second of wall time (`performance.now`). Speed on a
 * shared machine is noisy: compare figures from one run.
 *
 * @param generate - produces tokens and says how many
 * @param options - repeats (default 1)
 * @returns `{ tokens, seconds, tokensPerSecond }`
 * @example
 * ```ts
 * timeGeneration(() => maskedDiffusionSample(model, options).tokens.length).tokensPerSecond
 * ```
 */
export function timeGeneration(
  generate: () => number,
  options: { readonly repeats?: number } = {},
): { tokens: number; seconds: number; tokensPerSecond: number } {
  const repeats = options.repeats ?? 1
  if (!Number.isSafeInteger(repeats) || repeats < 1) {
    throw new InvalidArgumentError('timeGeneration', 'repeats', `must be an integer >= 1, got ${repeats}`)
  }
  const start = performance.now()
  let tokens = 0
  for (let r = 0; r < repeats; r++) tokens += generate()
  const seconds = (performance.now() - start) / 1000
  return { tokens, seconds, tokensPerSecond: tokens / Math.max(seconds, 1e-9) }
}
