// Learning check of issue 12 on the word-level agreement-grammar corpus (test/text-corpus.ts):
// a masked diffusion LM (2 blocks, width 64) must produce valid sentences with K = L steps and
// bound the held-out likelihood below a bigram fitted to the same data; the two unbiased
// estimators of its bound (k-uniform and t-uniform) must agree within Monte Carlo error (P14).
// Full form (GEN_TEST_FULL=1): 2000 steps and at least 90% valid (scripts/text-bench.ts with
// the same settings measured 95.6% valid, bound 2.308 ± 0.010 against the bigram's 2.667).
// The 1/t check (the model trained without 1/t scores a worse bound) is not asserted:
// on this corpus it did not hold (2.296 ± 0.009 without 1/t, `pnpm text -- --ablation`).
// Reduced form (CI): 500 steps (about a minute on a free core: 0.12 s a step), thresholds below
// what that run measured: 85% valid, 93% distinct, bound 2.32 ± 0.03 (t-estimator 2.39 ± 0.04)
// against the bigram's 2.66 bits per token. scripts/text-bench.ts prints the full table.
import { isFullRun } from '@gen-tooling/vitest-config'
import { expect, test } from 'vitest'
import { grammarCorpus } from './text-corpus'
import { diffusionBound, ngramBits, sampleDiffusion, trainOn } from './text-learning'

const full = isFullRun()
const settings = {
  width: 64,
  depth: 2,
  numHeads: 4,
  batchSize: 64,
  learningRate: 3e-3,
  steps: full ? 2000 : 500,
}

test(
  'a masked diffusion LM learns the agreement grammar: valid samples at K = L and a bound below the bigram',
  { tags: ['slow'], timeout: full ? 7_200_000 : 900_000 },
  () => {
    const corpus = grammarCorpus({ trainSize: 20000, heldOutSize: full ? 1000 : 300 })
    const model = trainOn(corpus, settings, { kind: 'masked-diffusion', maskId: corpus.maskId })
    const samples = sampleDiffusion(corpus, model, {
      numSteps: corpus.length,
      remasking: 'random',
      numSamples: full ? 1000 : 300,
    })
    const bound = diffusionBound(corpus, model, { samplesPerSequence: full ? 16 : 4 })
    const boundT = diffusionBound(corpus, model, { samplesPerSequence: full ? 16 : 8, estimator: 't' })
    const bigram = ngramBits(corpus, 2)
    console.log(
      JSON.stringify({
        full,
        steps: settings.steps,
        trainSeconds: model.seconds,
        valid: samples.valid,
        distinct: samples.distinct,
        novel: samples.novel,
        bound,
        boundT,
        bigram,
        examples: samples.examples,
      }),
    )
    expect(samples.valid).toBeGreaterThanOrEqual(full ? 0.9 : 0.7)
    expect(samples.distinct).toBeGreaterThanOrEqual(0.8)
    expect(bound.bitsPerToken + 2 * bound.standardError).toBeLessThan(bigram)
    // the k-uniform and t-uniform estimators measure one bound (P14)
    const se = Math.hypot(bound.standardError, boundT.standardError)
    expect(Math.abs(bound.bitsPerToken - boundT.bitsPerToken)).toBeLessThan(4 * se)
  },
)
