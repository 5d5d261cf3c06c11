import type { Suite } from '../harness.ts'
// Relative source imports, as in the other suites, until the bench depends on the packages.
import { key, type Tensor } from '../../../../packages/core-tensor/src/index.ts'
import {
  autoregressiveSample,
  initTransformer,
  maskedDiffusionSample,
  transformer,
  type TransformerConfig,
  type TransformerParams,
} from '../../../../packages/diffusion/src/index.ts'

// Text generation speed (issue 12): masked diffusion sampling with K = L, L/2, L/4 steps against
// its autoregressive twin (the same transformer with a causal mask) decoding left to right from
// a key-value cache, and without one. Same size as `pnpm --filter @gen/diffusion text` (V = 38
// word ids plus <eos> and <mask>, 2 blocks of width 64, 4 heads), on the cpu backend, 64
// sequences per iteration; a second case at L = 32. The models are freshly initialised:
// sampling does the same work whatever the weights, so speed needs no training (quality is in
// the package README). Throughput reads in generated tokens per second.

const vocabSize = 40
const maskId = 39
const bosId = 39
const batch = 64

function textSuite(length: number): Suite {
  const config: TransformerConfig = {
    vocabSize,
    contextLength: length,
    width: 64,
    depth: 2,
    numHeads: 4,
    activation: 'relu',
  }
  const causal: TransformerConfig = { ...config, causal: true }
  const diffusion = (numSteps: number) => ({
    library: `masked diffusion K=${numSteps}`,
    setup: () => initTransformer(config, { key: key(0) }),
    run: (state: unknown) => {
      const params = state as TransformerParams
      maskedDiffusionSample((t: Tensor) => transformer(config, params, t), {
        key: key(1),
        maskId,
        length,
        numSteps,
        numSamples: batch,
      })
    },
  })
  const autoregressive = (cache: boolean) => ({
    library: cache ? 'autoregressive, kv cache' : 'autoregressive, no cache',
    setup: () => initTransformer(causal, { key: key(0) }),
    run: (state: unknown) => {
      autoregressiveSample(causal, state as TransformerParams, {
        key: key(1),
        bosId,
        length,
        numSamples: batch,
        cache,
      })
    },
  })
  return {
    group: 'diffusion',
    name: `text sampling L=${length}, 64 sequences (width 64, 2 blocks)`,
    work: { amount: batch * length, unit: 'tokens' },
    baseline: 'autoregressive, kv cache',
    candidates: [
      diffusion(length),
      diffusion(length / 2),
      diffusion(length / 4),
      autoregressive(false),
      autoregressive(true),
    ],
  }
}

/** Masked diffusion vs autoregressive text sampling at L = 8 and L = 32. */
export function textSuites(): Suite[] {
  return [textSuite(8), textSuite(32)]
}
