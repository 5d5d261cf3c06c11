import {
  fromArray,
  InvalidArgumentError,
  key,
  reference,
  type Tensor,
  valueAndGrad,
  zeros,
} from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import {
  maskedDiffusionElbo,
  maskedDiffusionLoss,
  maskedDiffusionNelbo,
  maskTokens,
  sampleMaskingLevels,
} from './masked-diffusion'

const ids = (rows: number[][]) =>
  fromArray(Int32Array.from(rows.flat()), {
    shape: [rows.length, rows[0].length],
    dtype: 'int32',
    backend: reference,
  })

const sequences = (batch: number, length: number, vocab: number) =>
  ids(Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, l) => (b * 7 + l * 3) % vocab)))

describe('maskTokens', () => {
  it('masks exactly round(t·L) distinct positions in exact mode, never the prompt', () => {
    const x0 = sequences(6, 10, 5)
    const t = [0, 0.04, 0.25, 0.5, 0.96, 1]
    const masked = maskTokens(key(0), x0, { maskId: 5, t, mode: 'exact' })
    const tokens = masked.tokens.dataSync()
    t.forEach((level, b) => {
      const row = Array.from(masked.isMasked.slice(b * 10, b * 10 + 10))
      expect(row.filter((m) => m === 1)).toHaveLength(Math.round(level * 10))
      row.forEach((m, l) => expect(tokens[b * 10 + l] === 5).toBe(m === 1))
    })
    const prompted = maskTokens(key(1), x0, {
      maskId: 5,
      t: [1, 1, 0.5, 0.5, 0.25, 0],
      mode: 'exact',
      promptLength: 4,
    })
    ;[6, 6, 3, 3, 2, 0].forEach((count, b) => {
      const row = Array.from(prompted.isMasked.slice(b * 10, b * 10 + 10))
      expect(row.slice(0, 4)).toEqual([0, 0, 0, 0])
      expect(row.filter((m) => m === 1)).toHaveLength(count)
    })
    expect(Array.from(prompted.free)).toEqual([6, 6, 6, 6, 6, 6])
  })

  it('masks each position with probability t in Bernoulli mode (within 4 standard errors)', () => {
    const batch = 400
    const length = 50
    const x0 = sequences(batch, length, 7)
    for (const level of [0.1, 0.5, 0.9]) {
      const masked = maskTokens(key(2), x0, { maskId: 7, t: new Array<number>(batch).fill(level) })
      const fraction = masked.isMasked.reduce((a, m) => a + m, 0) / (batch * length)
      const se = Math.sqrt((level * (1 - level)) / (batch * length))
      expect(Math.abs(fraction - level)).toBeLessThan(4 * se)
    }
  })

  it('rejects a mask id inside the data, t outside [0, 1] and a prompt as long as the sequence', () => {
    const x0 = ids([[1, 2, 3]])
    expect(() => maskTokens(key(0), x0, { maskId: 2, t: [0.5] })).toThrow(/must not contain the mask id 2/)
    expect(() => maskTokens(key(0), x0, { maskId: 4, t: [1.5] })).toThrow(InvalidArgumentError)
    expect(() => maskTokens(key(0), x0, { maskId: 4, t: [0.5], promptLength: 3 })).toThrow(/promptLength/)
  })
})

describe('maskedDiffusionElbo', () => {
  // V = 3, B = 2, L = 2. Logits at every position: [ln 1, ln 2, ln 5] → p = [1/8, 2/8, 5/8].
  const logits = () =>
    fromArray(Array.from({ length: 4 }, () => [0, Math.log(2), Math.log(5)]).flat(), {
      shape: [2, 2, 3],
      backend: reference,
    })

  it('matches the ELBO formula on hand-fixed predictions', () => {
    const x0 = ids([
      [0, 2],
      [1, 1],
    ])
    // sequence 0: both masked at t = 0.5; sequence 1: position 1 masked at t = 0.25
    const batch = {
      isMasked: Uint8Array.of(1, 1, 0, 1),
      t: Float64Array.of(0.5, 0.25),
      free: Int32Array.of(2, 2),
    }
    const expected = ((-Math.log(1 / 8) - Math.log(5 / 8)) / 0.5 + -Math.log(2 / 8) / 0.25) / (2 * 2)
    expect(maskedDiffusionElbo(logits(), x0, batch).item()).toBeCloseTo(expected, 12)
    // without the 1/t weight: the plain masked cross-entropy over B·L
    const plain = (-Math.log(1 / 8) - Math.log(5 / 8) - Math.log(2 / 8)) / 4
    expect(maskedDiffusionElbo(logits(), x0, batch, { weighting: 'none' }).item()).toBeCloseTo(plain, 12)
    // a prompt of one token: the normaliser is the response length 1, not L = 2
    const prompted = {
      isMasked: Uint8Array.of(0, 1, 0, 1),
      t: Float64Array.of(0.5, 0.25),
      free: Int32Array.of(1, 1),
    }
    const expectedPrompted = (-Math.log(5 / 8) / 0.5 + -Math.log(2 / 8) / 0.25) / 2
    expect(maskedDiffusionElbo(logits(), x0, prompted).item()).toBeCloseTo(expectedPrompted, 12)
  })

  it('gives 0 for an all-unmasked input, and no gradient to unmasked logits (P14)', () => {
    const x0 = ids([
      [0, 2],
      [1, 1],
    ])
    const none = { isMasked: new Uint8Array(4), t: Float64Array.of(1e-3, 0.7), free: Int32Array.of(2, 2) }
    expect(maskedDiffusionElbo(logits(), x0, none).item()).toBe(0)
    const { grads } = valueAndGrad((l: Tensor) =>
      maskedDiffusionElbo(l, x0, {
        isMasked: Uint8Array.of(1, 0, 0, 0),
        t: Float64Array.of(0.5, 0.5),
        free: Int32Array.of(2, 2),
      }),
    )(logits())
    const g = Array.from(grads.dataSync())
    expect(g.slice(3).every((v) => v === 0)).toBe(true)
    // softmax − onehot(0) at the masked position, times 1/(t·B·L) = 1/2
    ;[1 / 8 - 1, 2 / 8, 5 / 8].forEach((v, i) => expect(g[i]).toBeCloseTo(v / 2, 12))
    // t → 0 in exact mode rounds to no mask at all, so the sequence contributes nothing
    const zeroModel = (tokens: Tensor) => zeros([...tokens.shape, 3], { backend: reference })
    const exact = maskTokens(key(3), x0, { maskId: 3, t: [0.2, 0.2], mode: 'exact' })
    expect(exact.isMasked.every((m) => m === 0)).toBe(true)
    expect(maskedDiffusionElbo(zeroModel(exact.tokens), x0, exact).item()).toBe(0)
  })
})

describe('maskedDiffusionLoss and maskedDiffusionNelbo', () => {
  const vocab = 6
  const uniform = (tokens: Tensor) => zeros([...tokens.shape, vocab], { backend: reference })

  it('draws t = k/L with k uniform in exact mode, and t in [minT, 1) otherwise', () => {
    const free = new Int32Array(20000).fill(8)
    const exact = sampleMaskingLevels(key(4), free, { mode: 'exact' })
    const counts = new Array<number>(9).fill(0)
    exact.forEach((t) => counts[Math.round(t * 8)]++)
    expect(counts[0]).toBe(0)
    counts.slice(1).forEach((c) => expect(Math.abs(c - 2500)).toBeLessThan(4 * Math.sqrt(2500)))
    const bern = sampleMaskingLevels(key(5), free, { minT: 0.1 })
    expect(Math.min(...bern)).toBeGreaterThanOrEqual(0.1)
    expect(Math.max(...bern)).toBeLessThan(1)
  })

  it('is an unbiased bound: a uniform predictor scores log₂V bits per token, exactly with the k estimator', () => {
    const x0 = sequences(64, 8, vocab - 1)
    const k = maskedDiffusionNelbo(uniform, x0, { key: key(6), maskId: vocab - 1, samplesPerSequence: 4 })
    expect(k.bitsPerToken).toBeCloseTo(Math.log2(vocab), 10)
    expect(k.standardError).toBeLessThan(1e-9)
    expect(k.tokens).toBe(64 * 8)
    const t = maskedDiffusionNelbo(uniform, x0, {
      key: key(7),
      maskId: vocab - 1,
      samplesPerSequence: 16,
      estimator: 't',
    })
    expect(Math.abs(t.bitsPerToken - Math.log2(vocab))).toBeLessThan(4 * t.standardError)
    // one training step's loss estimates the same bound, in nats
    const losses = Array.from({ length: 40 }, (_, s) =>
      maskedDiffusionLoss(uniform, x0, { key: key(100 + s), maskId: vocab - 1, mode: 'exact' }).item(),
    )
    losses.forEach((l) => expect(l).toBeCloseTo(Math.log(vocab), 10))
  })

  it('conditions on a prompt: the loss only sees the response', () => {
    const x0 = sequences(4, 6, vocab - 1)
    let seen: number[] = []
    const spy = (tokens: Tensor) => {
      seen = Array.from(tokens.dataSync())
      return uniform(tokens)
    }
    const loss = maskedDiffusionLoss(spy, x0, {
      key: key(8),
      maskId: vocab - 1,
      promptLength: 2,
      mode: 'exact',
    })
    expect(loss.item()).toBeCloseTo(Math.log(vocab), 10)
    const clean = Array.from(x0.dataSync())
    for (let b = 0; b < 4; b++) expect(seen.slice(b * 6, b * 6 + 2)).toEqual(clean.slice(b * 6, b * 6 + 2))
  })
})
