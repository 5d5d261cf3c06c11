// The grammar corpus of the text tests and scripts/text-bench.ts: sentences of
// @gen/datasets' agreement grammar (`the small cats chase a dog`), tokenised by word, padded
// with <eos> to L = 8 (the longest sentence has 7 words), with <mask> as the last id (also the
// autoregressive twin's begin-of-sequence token). The held-out set is drawn from another seed
// and holds only sentences absent from the training set.
import { agreementGrammar, type Grammar } from '@gen/datasets'
import type { Tensor } from '@gen/core-tensor'
import { padSequences, trimAtEos } from '../src/index'

export interface GrammarCorpus {
  readonly grammar: Grammar
  /** Words then `<eos>`, `<mask>`. */
  readonly vocabulary: readonly string[]
  readonly eosId: number
  readonly maskId: number
  readonly length: number
  readonly train: Tensor
  readonly heldOut: Tensor
  readonly trainSentences: ReadonlySet<string>
  decode(tokens: ArrayLike<number>): string
}

export function grammarCorpus(options: {
  trainSize: number
  heldOutSize: number
  seed?: number
}): GrammarCorpus {
  const grammar = agreementGrammar()
  const seed = options.seed ?? 0
  const trainText = grammar.generate(options.trainSize, { seed })
  const words = [...new Set(grammar.generate(5000, { seed: 12345 }).flatMap((s) => s.split(' ')))].sort()
  const vocabulary = [...words, '<eos>', '<mask>']
  const eosId = words.length
  const maskId = words.length + 1
  const index = new Map(words.map((w, i) => [w, i]))
  const encode = (s: string) => s.split(' ').map((w) => index.get(w)!)
  const trainSentences = new Set(trainText)
  const heldOutText = grammar
    .generate(options.heldOutSize * 3, { seed: seed + 1 })
    .filter((s) => !trainSentences.has(s))
    .slice(0, options.heldOutSize)
  const length = 8
  return {
    grammar,
    vocabulary,
    eosId,
    maskId,
    length,
    train: padSequences(trainText.map(encode), { length, eosId }),
    heldOut: padSequences(heldOutText.map(encode), { length, eosId }),
    trainSentences,
    decode: (tokens) =>
      trimAtEos(tokens, eosId)
        .map((t) => vocabulary[t])
        .join(' '),
  }
}
