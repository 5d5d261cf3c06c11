// The text benchmark of issue 12: train a masked diffusion LM (LLaDA / MDLM loss) and its
// autoregressive twin (same transformer, causal, same steps and batch) on the word-level
// agreement-grammar corpus of test/text-corpus.ts, then print, for K = L, L/2, L/4, L/8 steps
// and random vs low-confidence re-masking, the fraction of valid samples (the grammar's exact
// checker), distinct and novel samples, the held-out bound in bits per token and generation
// speed, next to the AR twin (exact NLL, key-value cache) and bigram/trigram baselines.
//
//   pnpm --filter @gen/diffusion text [-- --steps 2000 --width 64 --depth 2 --heads 4
//                                         --batch 64 --lr 3e-3 --samples 500 --ablation --out text-bench.json]
//
// --ablation also trains the diffusion model without the 1/t weight and scores it under the
// correct bound (the weighting check).
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { grammarCorpus } from '../test/text-corpus'
import {
  autoregressiveBits,
  diffusionBound,
  ngramBits,
  sampleAutoregressive,
  sampleDiffusion,
  type SampleReport,
  trainOn,
} from '../test/text-learning'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    width: { type: 'string', default: '64' },
    depth: { type: 'string', default: '2' },
    heads: { type: 'string', default: '4' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '3e-3' },
    samples: { type: 'string', default: '500' },
    train: { type: 'string', default: '20000' },
    bound: { type: 'string', default: '16' },
    ablation: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})

const log = (line: string) => console.error(line)
const corpus = grammarCorpus({ trainSize: Number(values.train), heldOutSize: 1000 })
const settings = {
  width: Number(values.width),
  depth: Number(values.depth),
  numHeads: Number(values.heads),
  steps: Number(values.steps),
  batchSize: Number(values.batch),
  learningRate: Number(values.lr),
}
const numSamples = Number(values.samples)
const boundSamples = Number(values.bound)
log(
  `corpus: ${corpus.train.shape[0]} training sentences (${corpus.trainSentences.size} distinct), ${corpus.heldOut.shape[0]} held out, V = ${corpus.vocabulary.length}, L = ${corpus.length}`,
)
log(`model: ${JSON.stringify(settings)}`)

const diffusion = trainOn(corpus, settings, { kind: 'masked-diffusion', maskId: corpus.maskId }, log)
const autoregressive = trainOn(corpus, settings, { kind: 'autoregressive', bosId: corpus.maskId }, log)
const bound = diffusionBound(corpus, diffusion, { samplesPerSequence: boundSamples })
const boundT = diffusionBound(corpus, diffusion, { samplesPerSequence: boundSamples, estimator: 't' })
const arBits = autoregressiveBits(corpus, autoregressive)

interface Row extends Partial<SampleReport> {
  readonly model: string
  readonly steps?: number
  readonly remasking?: string
  readonly bitsPerToken?: number
  readonly bound?: string
}
const rows: Row[] = []
const L = corpus.length
for (const remasking of ['random', 'low-confidence'] as const) {
  for (const numSteps of [L, L / 2, L / 4, L / 8]) {
    const r = sampleDiffusion(corpus, diffusion, { numSteps, remasking, numSamples })
    rows.push({
      model: 'masked diffusion',
      steps: numSteps,
      remasking,
      bitsPerToken: bound.bitsPerToken,
      bound: '≤',
      ...r,
    })
    log(`diffusion K=${numSteps} ${remasking}: ${JSON.stringify(r)}`)
  }
}
const ar = sampleAutoregressive(corpus, autoregressive, { numSamples })
rows.push({ model: 'autoregressive (KV cache)', steps: L, bitsPerToken: arBits, bound: '=', ...ar })
const arFull = sampleAutoregressive(corpus, autoregressive, { numSamples, cache: false })
rows.push({ model: 'autoregressive (no cache)', steps: L, bitsPerToken: arBits, bound: '=', ...arFull })
rows.push({ model: 'bigram (add-0.01)', bitsPerToken: ngramBits(corpus, 2), bound: '=' })
rows.push({ model: 'trigram (add-0.01)', bitsPerToken: ngramBits(corpus, 3), bound: '=' })

let ablation: { bitsPerToken: number; standardError: number } | undefined
if (values.ablation) {
  const plain = trainOn(
    corpus,
    settings,
    { kind: 'masked-diffusion', maskId: corpus.maskId, weighting: 'none' },
    log,
  )
  ablation = diffusionBound(corpus, plain, { samplesPerSequence: boundSamples })
  const r = sampleDiffusion(corpus, plain, { numSteps: L, remasking: 'random', numSamples })
  rows.push({
    model: 'masked diffusion without 1/t',
    steps: L,
    remasking: 'random',
    bitsPerToken: ablation.bitsPerToken,
    bound: '≤',
    ...r,
  })
}

const pct = (v: number | undefined) => (v === undefined ? '' : `${(100 * v).toFixed(1)}%`)
console.log('| model | K | re-masking | valid | distinct | novel | valid & novel | bits/token | tokens/s |')
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.steps ?? ''} | ${r.remasking ?? ''} | ${pct(r.valid)} | ${pct(r.distinct)} | ${pct(r.novel)} | ${pct(r.validNovel)} | ${r.bound ?? ''} ${r.bitsPerToken?.toFixed(3) ?? ''} | ${r.tokensPerSecond?.toFixed(0) ?? ''} |`,
  )
}
console.log(
  `\nheld-out bound of the diffusion model: ${bound.bitsPerToken.toFixed(3)} ± ${bound.standardError.toFixed(3)} bits/token (k-estimator), ${boundT.bitsPerToken.toFixed(3)} ± ${boundT.standardError.toFixed(3)} (t-estimator), ${boundSamples} maskings per sentence`,
)
if (ablation !== undefined)
  console.log(
    `without 1/t: ${ablation.bitsPerToken.toFixed(3)} ± ${ablation.standardError.toFixed(3)} bits/token under the same bound`,
  )
console.log(
  `training: diffusion ${diffusion.seconds.toFixed(0)} s (final loss ${diffusion.finalLoss.toFixed(3)} nats), autoregressive ${autoregressive.seconds.toFixed(0)} s (final loss ${autoregressive.finalLoss.toFixed(3)} nats)`,
)
console.log(`examples (diffusion, K = L, random): ${rows[0].examples?.join(' | ')}`)
console.log(`examples (autoregressive): ${ar.examples.join(' | ')}`)
if (values.out !== undefined) {
  writeFileSync(values.out, JSON.stringify({ settings, rows, bound, boundT, ablation }, null, 2))
}
