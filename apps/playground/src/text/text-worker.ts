/**
 * The text page's worker: a masked diffusion language model (LLaDA/MDLM; @gen/diffusion's
 * transformer, 2 blocks of width 64, 4 heads) trained on sentences of @gen/datasets'
 * agreement grammar padded with an end token to L = 8 (the README's example), and sampled
 * from an all-masked sequence in K steps with the trace of the positions committed at each.
 * Both run on core-tensor's cpu backend (the sampler reads the logits synchronously).
 */
import { fold, key, type Tensor } from '@gen/core-tensor'
import { agreementGrammar } from '@gen/datasets'
import {
  initTransformer,
  maskedDiffusionSample,
  padSequences,
  trainTextModel,
  transformer,
  trimAtEos,
  type TransformerParams,
} from '@gen/diffusion'
import type { FromTextWorker, SampledSentence, ToTextWorker } from './protocol.ts'

const LENGTH = 8
const grammar = agreementGrammar()
const sentences = grammar.generate(20_000, { seed: 0 })
const words = [...new Set(sentences.flatMap((s) => s.split(' ')))].sort()
const eosId = words.length
const maskId = words.length + 1
const config = {
  vocabSize: words.length + 2,
  contextLength: LENGTH,
  width: 64,
  depth: 2,
  numHeads: 4,
  activation: 'relu',
} as const
const data = padSequences(
  sentences.map((s) => s.split(' ').map((w) => words.indexOf(w))),
  { length: LENGTH, eosId },
)
let params: TransformerParams | null = null

const post = (message: FromTextWorker) => (self as unknown as Worker).postMessage(message)

function train(steps: number, seed: number): void {
  const result = trainTextModel({
    config,
    params: initTransformer(config, { key: fold(key(seed), 1) }),
    data,
    objective: { kind: 'masked-diffusion', maskId },
    key: fold(key(seed), 2),
    steps,
    batchSize: 64,
    learningRate: 3e-3,
    logEvery: 25,
    onProgress: (p) => post({ type: 'progress', step: p.step, loss: p.loss, seconds: p.seconds }),
  })
  params = result.params
  const last = result.history.at(-1)
  post({ type: 'trained', steps, seconds: result.seconds, loss: last?.loss ?? Number.NaN })
}

function sample(message: Extract<ToTextWorker, { type: 'sample' }>): void {
  if (params === null) throw new Error('sample before training')
  const trained = params
  const started = performance.now()
  const result = maskedDiffusionSample((t: Tensor) => transformer(config, trained, t), {
    key: key(message.seed),
    maskId,
    length: LENGTH,
    numSteps: message.numSteps,
    numSamples: message.numSamples,
    remasking: message.remasking,
    trace: true,
  })
  const milliseconds = performance.now() - started
  const out: SampledSentence[] = []
  for (let b = 0; b < message.numSamples; b++) {
    const row = result.tokens.subarray(b * LENGTH, (b + 1) * LENGTH)
    const committedAt = new Array<number>(LENGTH).fill(-1)
    for (const step of result.trace ?? []) for (const p of step.positions[b]) committedAt[p] = step.step
    const text = trimAtEos(row, eosId)
      .map((i) => words[i])
      .join(' ')
    out.push({
      tokens: Array.from(row, (i) => (i === eosId ? '<eos>' : words[i])),
      text,
      valid: grammar.check(text),
      committedAt,
    })
  }
  post({
    type: 'samples',
    numSteps: message.numSteps,
    length: LENGTH,
    modelCalls: result.modelCalls,
    milliseconds,
    sentences: out,
  })
}

self.addEventListener('message', (event: MessageEvent<ToTextWorker>) => {
  try {
    if (event.data.type === 'train') train(event.data.steps, event.data.seed)
    else sample(event.data)
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) })
  }
})
