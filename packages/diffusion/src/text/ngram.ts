/**
 * n-gram language models with add-α smoothing (Chen & Goodman 1999, "An empirical study of
 * smoothing techniques for language modeling", §2.1): the baseline a neural text model's
 * bits per token should beat.
 */
import { InvalidArgumentError, type Tensor } from '@gen/core-tensor'
import { checkInteger, checkNumber, checkObject, checkTensor } from '../nets/check'
import { type BitsPerToken, summarise } from './masked-diffusion'

/** A fitted n-gram model: counts of each context's next tokens. */
export interface NgramModel {
  readonly order: number
  readonly vocabSize: number
  /** The begin-of-sequence id that pads the context on the left; never predicted. */
  readonly bosId: number
  /** Add-α pseudo-count. */
  readonly alpha: number
  /** Context (the n−1 previous ids joined by ',') → next-token counts `[V]`. */
  readonly counts: ReadonlyMap<string, Float64Array>
}

function rowsOf(op: string, sequences: unknown): { ids: ArrayLike<number>; n: number; length: number } {
  checkTensor(op, 'sequences', sequences, 'int32')
  if (sequences.rank !== 2)
    throw new InvalidArgumentError(op, 'sequences', `must be [N, L], got [${sequences.shape.join(', ')}]`)
  return { ids: sequences.dataSync(), n: sequences.shape[0], length: sequences.shape[1] }
}

const contextOf = (
  ids: ArrayLike<number>,
  at: number,
  start: number,
  { order, bosId }: { order: number; bosId: number },
): string => {
  const parts: number[] = []
  for (let j = at - order + 1; j < at; j++) parts.push(j < start ? bosId : ids[j])
  return parts.join(',')
}

/**
 * Counts the n-grams of EOS-padded sequences, each read behind n−1 BOS ids.
 *
 * ```
 * p(x_l | x_{l−n+1} … x_{l−1}) = (c(context, x_l) + α) / (c(context) + α·(V − 1))
 * ```
 * (V − 1: every id but BOS can follow.)
 *
 * @param sequences - int32 `[N, L]`
 * @param options - order n >= 1 (2 = bigram), vocabSize V, bosId, alpha > 0 (default 0.01)
 * @returns the model
 * @throws InvalidArgumentError for bad options or ids out of range
 * @example
 * ```ts
 * const bigram = fitNgram(train, { order: 2, vocabSize: 38, bosId: maskId })
 * ngramNll(bigram, heldOut).bitsPerToken
 * ```
 */
export function fitNgram(
  sequences: Tensor,
  options: {
    readonly order: number
    readonly vocabSize: number
    readonly bosId: number
    readonly alpha?: number
  },
): NgramModel {
  const op = 'fitNgram'
  checkObject(op, 'options', options)
  const { order, vocabSize, bosId } = options
  const alpha = options.alpha ?? 0.01
  checkInteger(op, 'order', order)
  checkInteger(op, 'vocabSize', vocabSize, 2)
  checkInteger(op, 'bosId', bosId, 0)
  checkNumber(op, 'alpha', alpha, { lo: 0, openLow: true })
  const { ids, n, length } = rowsOf(op, sequences)
  const counts = new Map<string, Float64Array>()
  for (let b = 0; b < n; b++) {
    for (let l = 0; l < length; l++) {
      const token = ids[b * length + l]
      if (!(token >= 0 && token < vocabSize) || token === bosId) {
        throw new InvalidArgumentError(
          op,
          'sequences',
          `must hold ids in [0, ${vocabSize}) other than BOS, got ${token}`,
        )
      }
      const context = contextOf(ids, b * length + l, b * length, { order, bosId })
      let row = counts.get(context)
      if (row === undefined) {
        row = new Float64Array(vocabSize)
        counts.set(context, row)
      }
      row[token] += 1
    }
  }
  return { order, vocabSize, bosId, alpha, counts }
}

/**
 * The exact negative log-likelihood of sequences under an n-gram model, in bits per token.
 *
 * @param model - from {@link fitNgram}
 * @param sequences - int32 `[N, L]`
 * @returns `{ bitsPerToken, standardError, tokens }`
 * @example
 * ```ts
 * ngramNll(fitNgram(train, { order: 2, vocabSize, bosId }), heldOut).bitsPerToken
 * ```
 */
export function ngramNll(model: NgramModel, sequences: Tensor): BitsPerToken {
  const { ids, n, length } = rowsOf('ngramNll', sequences)
  const { order, vocabSize, bosId, alpha } = model
  const totals = new Map<string, number>()
  for (const [context, row] of model.counts)
    totals.set(
      context,
      row.reduce((a, v) => a + v, 0),
    )
  const perSequence = new Float64Array(n)
  for (let b = 0; b < n; b++) {
    let nats = 0
    for (let l = 0; l < length; l++) {
      const context = contextOf(ids, b * length + l, b * length, { order, bosId })
      const count = model.counts.get(context)?.[ids[b * length + l]] ?? 0
      nats -= Math.log((count + alpha) / ((totals.get(context) ?? 0) + alpha * (vocabSize - 1)))
    }
    perSequence[b] = nats / length
  }
  return summarise(perSequence, n * length)
}
