import { fromArray, InvalidArgumentError } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { textSampleMetrics, timeGeneration } from './metrics'
import { fitNgram, ngramNll } from './ngram'

const ids = (rows: number[][]) =>
  fromArray(Int32Array.from(rows.flat()), { shape: [rows.length, rows[0].length], dtype: 'int32' })

describe('textSampleMetrics', () => {
  it('counts valid, distinct, novel and valid-and-novel samples', () => {
    const check = (s: string) => s.startsWith('a ')
    const m = textSampleMetrics(['a cat runs', 'a cat runs', 'cat a', 'a dog runs'], {
      check,
      training: new Set(['a cat runs']),
    })
    expect(m).toEqual({ count: 4, valid: 0.75, distinct: 0.75, novel: 0.5, validNovel: 0.25 })
    expect(() => textSampleMetrics([], { check, training: new Set() })).toThrow(InvalidArgumentError)
  })

  it('times a generator in tokens per second', () => {
    const t = timeGeneration(() => 10, { repeats: 3 })
    expect(t.tokens).toBe(30)
    expect(t.tokensPerSecond).toBeGreaterThan(0)
  })
})

describe('n-gram baseline', () => {
  it('gives the hand-computed add-α likelihood', () => {
    // V = 4 with BOS = 3; two sequences [0, 1] and [0, 2]; bigram counts: BOS→0 twice, 0→1, 0→2
    const model = fitNgram(
      ids([
        [0, 1],
        [0, 2],
      ]),
      { order: 2, vocabSize: 4, bosId: 3, alpha: 1 },
    )
    // p(0 | BOS) = (2 + 1) / (2 + 3), p(1 | 0) = (1 + 1) / (2 + 3)
    const bits = -(Math.log2(3 / 5) + Math.log2(2 / 5)) / 2
    expect(ngramNll(model, ids([[0, 1]])).bitsPerToken).toBeCloseTo(bits, 12)
    // an unseen context falls back to uniform over the V − 1 ids BOS excluded
    expect(ngramNll(model, ids([[1, 1]])).bitsPerToken).toBeCloseTo(
      -(Math.log2(1 / 5) + Math.log2(1 / 3)) / 2,
      12,
    )
    const unigram = fitNgram(
      ids([
        [0, 1],
        [0, 2],
      ]),
      { order: 1, vocabSize: 4, bosId: 3, alpha: 1 },
    )
    expect(ngramNll(unigram, ids([[0]])).bitsPerToken).toBeCloseTo(-Math.log2(3 / 7), 12)
    expect(() => fitNgram(ids([[3]]), { order: 2, vocabSize: 4, bosId: 3 })).toThrow(/other than BOS/)
  })
})
