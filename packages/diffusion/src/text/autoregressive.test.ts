import { fromArray, key, reference, type Tensor, zeros } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { autoregressiveLoss, autoregressiveNll, autoregressiveSample } from './autoregressive'
import { initTransformer, transformer, type TransformerConfig, transformerDecode } from './transformer'

const ids = (rows: number[][]) =>
  fromArray(Int32Array.from(rows.flat()), {
    shape: [rows.length, rows[0].length],
    dtype: 'int32',
    backend: reference,
  })

const config: TransformerConfig = {
  vocabSize: 6,
  contextLength: 5,
  width: 8,
  depth: 2,
  numHeads: 2,
  causal: true,
}
const BOS = 5

describe('autoregressive twin', () => {
  it('predicts each token from BOS and the tokens before it', () => {
    let seen: number[] = []
    const uniform = (tokens: Tensor) => {
      seen = Array.from(tokens.dataSync())
      return zeros([...tokens.shape, 6], { backend: reference })
    }
    const x0 = ids([
      [1, 2, 3],
      [4, 0, 0],
    ])
    expect(autoregressiveLoss(uniform, x0, { bosId: BOS }).item()).toBeCloseTo(Math.log(6), 12)
    expect(seen).toEqual([BOS, 1, 2, BOS, 4, 0])
    const nll = autoregressiveNll(uniform, x0, { bosId: BOS })
    expect(nll.bitsPerToken).toBeCloseTo(Math.log2(6), 12)
    expect(nll.tokens).toBe(6)
  })

  it('scores the exact likelihood: the NLL equals the chain rule through the key-value cache', () => {
    const params = initTransformer(config, { key: key(1), backend: reference })
    const x0 = ids([
      [1, 2, 3, 0, 0],
      [4, 4, 1, 2, 0],
    ])
    const model = (tokens: Tensor) => transformer(config, params, tokens)
    const nll = autoregressiveNll(model, x0, { bosId: BOS, batchSize: 1 })
    const rows = [
      [1, 2, 3, 0, 0],
      [4, 4, 1, 2, 0],
    ]
    const perSequence = rows.map((row) => {
      let cache: ReturnType<typeof transformerDecode>['cache'] | undefined
      let previous = BOS
      let total = 0
      for (const token of row) {
        const step = transformerDecode(config, params, ids([[previous]]), cache)
        cache = step.cache
        const logits = Array.from(step.logits.dataSync())
        const top = Math.max(...logits)
        const logZ = top + Math.log(logits.reduce((a, v) => a + Math.exp(v - top), 0))
        total += logZ - logits[token]
        previous = token
      }
      return total / row.length / Math.LN2
    })
    expect(nll.bitsPerToken).toBeCloseTo((perSequence[0] + perSequence[1]) / 2, 10)
    expect(autoregressiveLoss(model, x0, { bosId: BOS }).item() / Math.LN2).toBeCloseTo(nll.bitsPerToken, 10)
  })

  it('samples the same sequences from the key-value cache as by full recomputation, and never emits BOS', () => {
    const params = initTransformer(config, { key: key(2), backend: reference })
    for (const options of [{}, { temperature: 0.7, topK: 3 }, { topP: 0.8 }, { temperature: 0 }]) {
      const common = { key: key(3), bosId: BOS, length: 5, numSamples: 40, ...options }
      const cached = autoregressiveSample(config, params, common)
      const full = autoregressiveSample(config, params, { ...common, cache: false })
      expect(Array.from(cached.tokens)).toEqual(Array.from(full.tokens))
      expect(cached.shape).toEqual([40, 5])
      expect(Array.from(cached.tokens)).not.toContain(BOS)
    }
    expect(() => autoregressiveSample(config, params, { key: key(0), bosId: BOS, length: 6 })).toThrow(
      /contextLength/,
    )
  })
})
