import { fromArray, InvalidArgumentError, key, normalFloats, reference, type Tensor } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { sampleTokens } from './categorical'
import { commitSchedule, maskedDiffusionSample } from './sampler'

const M = 4 // mask id of a 5-token vocabulary

/**
 * A model whose predictions are fixed by hand: at position l it gives the target token
 * probability confidence[l] (the other three ordinary tokens share the rest), whatever the
 * input; the mask id gets the largest logit of all, which a sampler must ignore.
 */
function fixedModel(targets: number[], confidence: number[]) {
  const calls: number[][] = []
  const model = (tokens: Tensor) => {
    const [batch, length] = tokens.shape
    calls.push(Array.from(tokens.dataSync()))
    const logits = new Float64Array(batch * length * 5)
    for (let b = 0; b < batch; b++) {
      for (let l = 0; l < length; l++) {
        for (let c = 0; c < 4; c++) {
          logits[(b * length + l) * 5 + c] = Math.log(
            c === targets[l] ? confidence[l] : (1 - confidence[l]) / 3,
          )
        }
        logits[(b * length + l) * 5 + M] = 50
      }
    }
    return fromArray(logits, { shape: [batch, length, 5], backend: reference })
  }
  return { model, calls }
}

const greedy = { maskId: M, temperature: 0, key: key(0), trace: true, backend: reference } as const

describe('commitSchedule', () => {
  it('spreads n commits over the steps linearly, the remainder first', () => {
    expect(commitSchedule(5, 3)).toEqual([2, 2, 1])
    expect(commitSchedule(8, 8)).toEqual(new Array(8).fill(1))
    expect(commitSchedule(8, 2)).toEqual([4, 4])
    expect(commitSchedule(3, 5)).toEqual([1, 1, 1, 0, 0])
    expect(commitSchedule(0, 2)).toEqual([0, 0])
  })
})

describe('maskedDiffusionSample with hand-fixed predictions', () => {
  const { model } = fixedModel([0, 1, 2, 3], [0.5, 0.9, 0.6, 0.95])

  it('commits the most confident predictions first (low-confidence re-masking)', () => {
    const out = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 2,
      remasking: 'low-confidence',
    })
    expect(Array.from(out.tokens)).toEqual([0, 1, 2, 3])
    expect(out.trace?.map((s) => s.positions[0])).toEqual([
      [3, 1],
      [2, 0],
    ])
    expect(out.trace?.map((s) => s.tokens[0])).toEqual([
      [3, 1],
      [2, 0],
    ])
    expect(out.modelCalls).toBe(2)
    const one = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 4,
      remasking: 'low-confidence',
    })
    expect(one.trace?.map((s) => s.positions[0])).toEqual([[3], [1], [2], [0]])
  })

  it('follows the commit schedule, and the model sees what was committed', () => {
    const spy = fixedModel([0, 1, 2, 3, 0], [0.5, 0.9, 0.6, 0.95, 0.7])
    const out = maskedDiffusionSample(spy.model, {
      ...greedy,
      length: 5,
      numSteps: 3,
      remasking: 'low-confidence',
    })
    expect(out.trace?.map((s) => s.positions[0])).toEqual([[3, 1], [4, 2], [0]])
    expect(spy.calls).toEqual([
      [M, M, M, M, M],
      [M, 1, M, 3, M],
      [M, 1, 2, 3, 0],
    ])
  })

  it('decodes block by block, left to right (semi-autoregressive)', () => {
    const out = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 4,
      blockLength: 2,
      remasking: 'low-confidence',
    })
    expect(out.trace?.map((s) => [s.block, ...s.positions[0]])).toEqual([
      [0, 1],
      [0, 0],
      [1, 3],
      [1, 2],
    ])
    const two = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 2,
      blockLength: 2,
      remasking: 'low-confidence',
    })
    expect(two.trace?.map((s) => s.positions[0])).toEqual([
      [1, 0],
      [3, 2],
    ])
    expect(() => maskedDiffusionSample(model, { ...greedy, length: 4, numSteps: 3, blockLength: 2 })).toThrow(
      InvalidArgumentError,
    )
  })

  it('infills around fixed tokens and never changes them', () => {
    const out = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 3,
      init: [M, 2, M, M],
      remasking: 'low-confidence',
    })
    expect(Array.from(out.tokens)).toEqual([0, 2, 2, 3])
    expect(out.trace?.map((s) => s.positions[0])).toEqual([[3], [2], [0]])
    // a prompt per sequence, with the rest generated: steps with nothing left to commit make no call
    const prompted = maskedDiffusionSample(model, {
      ...greedy,
      length: 4,
      numSteps: 4,
      numSamples: 2,
      init: [1, 1, M, M, 3, 3, 3, M],
      remasking: 'low-confidence',
    })
    expect(Array.from(prompted.tokens)).toEqual([1, 1, 2, 3, 3, 3, 3, 3])
    expect(prompted.modelCalls).toBe(2)
  })

  it('commits the scheduled number at random positions with random re-masking, fills every position, never emits the mask', () => {
    const wide = fixedModel(new Array<number>(8).fill(0), new Array<number>(8).fill(0.25))
    const out = maskedDiffusionSample(wide.model, {
      maskId: M,
      key: key(3),
      length: 8,
      numSteps: 3,
      numSamples: 50,
      trace: true,
      backend: reference,
    })
    for (let b = 0; b < 50; b++) {
      expect(out.trace?.map((s) => s.positions[b].length)).toEqual([3, 3, 2])
      expect(new Set(out.trace?.flatMap((s) => s.positions[b])).size).toBe(8)
    }
    const tokens = Array.from(out.tokens)
    expect(tokens).not.toContain(M)
    // uniform predictions over the four ordinary tokens (the mask's huge logit is ignored)
    for (let c = 0; c < 4; c++) {
      const f = tokens.filter((v) => v === c).length / tokens.length
      expect(Math.abs(f - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / tokens.length))
    }
    // the first positions committed are spread over the sequence, not the most confident
    const firsts = new Set(out.trace?.[0].positions.map((p) => p[0]))
    expect(firsts.size).toBeGreaterThan(4)
  })
})

describe('sampleTokens', () => {
  it('reproduces softmax frequencies within 1% (10⁵ draws, 28 classes, float64; P15)', () => {
    const classes = 28
    const row = Array.from(normalFloats(key(11), classes, 'float64'), (z) => 1.5 * z)
    const draws = 100_000
    const logits = fromArray(
      Float32Array.from({ length: draws * classes }, (_, i) => row[i % classes]),
      {
        shape: [draws, classes],
      },
    )
    const { tokens, probabilities } = sampleTokens(key(12), logits)
    const f32 = Float32Array.from(row)
    const top = Math.max(...f32)
    const z = Array.from(f32).reduce((a, v) => a + Math.exp(v - top), 0)
    const p = Array.from(f32, (v) => Math.exp(v - top) / z)
    const counts = new Array<number>(classes).fill(0)
    tokens.forEach((t) => counts[t]++)
    let entropy = 0
    let sampleEntropy = 0
    p.forEach((pc, c) => {
      const f = counts[c] / draws
      expect(Math.abs(f - pc)).toBeLessThan(0.01)
      expect(Math.abs(f - pc)).toBeLessThan(4.5 * Math.sqrt((pc * (1 - pc)) / draws) + 1e-12)
      entropy -= pc * Math.log2(pc)
      if (f > 0) sampleEntropy -= f * Math.log2(f)
    })
    expect(Math.abs(sampleEntropy - entropy)).toBeLessThan(0.05)
    tokens.forEach((t, i) => {
      if (i < 50) expect(probabilities[i]).toBeCloseTo(p[t], 6)
    })
  })

  it('applies temperature 0, top-k, top-p and exclusions', () => {
    const p = [0.4, 0.3, 0.2, 0.1]
    const draws = 20_000
    const logits = fromArray(Array.from({ length: draws }, () => p.map(Math.log)).flat(), {
      shape: [draws, 4],
    })
    const freq = (options: Parameters<typeof sampleTokens>[2]) => {
      const counts = [0, 0, 0, 0]
      sampleTokens(key(13), logits, options).tokens.forEach((t) => counts[t]++)
      return counts.map((c) => c / draws)
    }
    expect(freq({ temperature: 0 })).toEqual([1, 0, 0, 0])
    expect(freq({ temperature: 0, excludeIds: [0] })).toEqual([0, 1, 0, 0])
    const topK = freq({ topK: 2 })
    expect(topK[2] + topK[3]).toBe(0)
    expect(Math.abs(topK[0] - 4 / 7)).toBeLessThan(0.015)
    const topP = freq({ topP: 0.75 }) // 0.4 + 0.3 < 0.75, so the nucleus is {0, 1, 2}
    expect(topP[3]).toBe(0)
    expect(Math.abs(topP[2] - 2 / 9)).toBeLessThan(0.015)
    const cold = freq({ temperature: 0.5 }) // p² renormalised: 16/30, 9/30, 4/30, 1/30
    expect(Math.abs(cold[0] - 16 / 30)).toBeLessThan(0.015)
    expect(() => sampleTokens(key(0), logits, { excludeIds: [0, 1, 2, 3] })).toThrow(InvalidArgumentError)
    expect(() => sampleTokens(key(0), logits, { topP: 0 })).toThrow(InvalidArgumentError)
  })
})
