// P18 on real digits: 100 MNIST training images binarised to ±1 (pixel > 127 → +1), the lower
// half of each query set to 0 (unknown). Ramsauer et al. (2020), §3 and their Fig. 2.
import { loadMnistSplit } from '@gen/datasets/node'
import { describe, expect, test } from 'vitest'
import { modernHopfieldMemory, modernRetrievalCurve } from '../src/index'

describe('modern Hopfield network on 100 half-masked MNIST digits (P18)', () => {
  test('β = 0.01 gives the metastable average for every query (~3% retrieved); β = 0.05 retrieves 100%', async () => {
    const train = await loadMnistSplit('train')
    const size = train.height * train.width
    const count = 100
    const patterns = Array.from({ length: count }, (_, k) =>
      Int8Array.from(train.images.subarray(k * size, (k + 1) * size), (v) => (v > 127 ? 1 : -1)),
    )
    const queries = patterns.map((p) => Float64Array.from(p, (v, i) => (i >= size / 2 ? 0 : v)))
    const targets = patterns.map((_, i) => i)
    const [tooSmall, enough, sharp] = modernRetrievalCurve({
      memory: modernHopfieldMemory(patterns),
      queries,
      targets,
      betas: [0.01, 0.05, 0.1],
    })
    console.log(tooSmall, enough, sharp)
    // β = 0.01: every output within ~10% of the common average, no query sharply attends one digit,
    // and only the few queries whose own digit happens to be nearest that average count.
    expect(tooSmall.retrievedFraction).toBeLessThanOrEqual(0.05)
    expect(tooSmall.outputSpread).toBeLessThan(0.15)
    expect(tooSmall.meanMaxAttention).toBeLessThan(0.05)
    // β = 0.05: every half-masked digit retrieves its own stored digit.
    expect(enough.retrievedFraction).toBe(1)
    expect(enough.outputSpread).toBeGreaterThan(0.5)
    expect(sharp.retrievedFraction).toBe(1)
    expect(sharp.meanCosine).toBeGreaterThan(0.99)
  })
})
