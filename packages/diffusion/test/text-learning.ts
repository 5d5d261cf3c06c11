// Training and scoring of the text models on the grammar corpus, shared by
// test/text-learning.test.ts (slow tag) and scripts/text-bench.ts.
import { type BackendV1, cpu, key, type Tensor } from '@gen/core-tensor'
import { warmupCosineSchedule } from '@gen/core-tensor/optim'
import {
  autoregressiveNll,
  autoregressiveSample,
  fitNgram,
  initTransformer,
  maskedDiffusionNelbo,
  maskedDiffusionSample,
  ngramNll,
  type Remasking,
  type TextObjective,
  type TextSampleMetrics,
  textSampleMetrics,
  timeGeneration,
  trainTextModel,
  transformer,
  type TransformerConfig,
  type TransformerParams,
} from '../src/index'
import type { GrammarCorpus } from './text-corpus'

export interface TextRunSettings {
  readonly width: number
  readonly depth: number
  readonly numHeads: number
  readonly steps: number
  readonly batchSize: number
  readonly learningRate: number
  readonly seed?: number
  readonly backend?: BackendV1
}

export interface TrainedTextModel {
  readonly config: TransformerConfig
  readonly params: TransformerParams
  readonly seconds: number
  readonly finalLoss: number
}

export function modelConfig(
  corpus: GrammarCorpus,
  settings: TextRunSettings,
  causal: boolean,
): TransformerConfig {
  return {
    vocabSize: corpus.vocabulary.length,
    contextLength: corpus.length,
    width: settings.width,
    depth: settings.depth,
    numHeads: settings.numHeads,
    activation: 'relu',
    causal,
  }
}

export function trainOn(
  corpus: GrammarCorpus,
  settings: TextRunSettings,
  objective: TextObjective,
  log?: (line: string) => void,
): TrainedTextModel {
  const config = modelConfig(corpus, settings, objective.kind === 'autoregressive')
  const seed = settings.seed ?? 0
  const backend = settings.backend ?? cpu
  const warmupSteps = Math.min(100, Math.floor(settings.steps / 10))
  const result = trainTextModel({
    config,
    params: initTransformer(config, { key: key(seed), backend }),
    data: corpus.train,
    objective,
    key: key(seed + 1),
    steps: settings.steps,
    batchSize: settings.batchSize,
    learningRate: warmupCosineSchedule({
      peak: settings.learningRate,
      warmupSteps,
      totalSteps: settings.steps,
      end: settings.learningRate / 10,
    }),
    logEvery: Math.max(1, Math.floor(settings.steps / 10)),
    onProgress: (p) =>
      log?.(`${objective.kind} step ${p.step}: loss ${p.loss.toFixed(4)} (${p.seconds.toFixed(0)} s)`),
  })
  return {
    config,
    params: result.params,
    seconds: result.seconds,
    finalLoss: result.history[result.history.length - 1]?.loss ?? NaN,
  }
}

export interface SampleReport extends TextSampleMetrics {
  readonly tokensPerSecond: number
  readonly examples: readonly string[]
}

export function diffusionModel(trained: TrainedTextModel): (tokens: Tensor) => Tensor {
  return (tokens) => transformer(trained.config, trained.params, tokens)
}

export function sampleDiffusion(
  corpus: GrammarCorpus,
  trained: TrainedTextModel,
  options: {
    numSteps: number
    remasking: Remasking
    numSamples: number
    seed?: number
    blockLength?: number
  },
): SampleReport {
  let tokens: Int32Array = new Int32Array(0)
  const speed = timeGeneration(() => {
    tokens = maskedDiffusionSample(diffusionModel(trained), {
      key: key(options.seed ?? 100),
      maskId: corpus.maskId,
      length: corpus.length,
      numSteps: options.numSteps,
      numSamples: options.numSamples,
      remasking: options.remasking,
      blockLength: options.blockLength,
      backend: trained.params.head.weight.backend,
    }).tokens
    return tokens.length
  })
  return report(corpus, tokens, speed.tokensPerSecond)
}

export function sampleAutoregressive(
  corpus: GrammarCorpus,
  trained: TrainedTextModel,
  options: { numSamples: number; seed?: number; cache?: boolean },
): SampleReport {
  let tokens: Int32Array = new Int32Array(0)
  const speed = timeGeneration(() => {
    tokens = autoregressiveSample(trained.config, trained.params, {
      key: key(options.seed ?? 100),
      bosId: corpus.maskId,
      length: corpus.length,
      numSamples: options.numSamples,
      cache: options.cache,
    }).tokens
    return tokens.length
  })
  return report(corpus, tokens, speed.tokensPerSecond)
}

function report(corpus: GrammarCorpus, tokens: Int32Array, tokensPerSecond: number): SampleReport {
  const n = tokens.length / corpus.length
  const texts = Array.from({ length: n }, (_, b) =>
    corpus.decode(tokens.subarray(b * corpus.length, (b + 1) * corpus.length)),
  )
  const metrics = textSampleMetrics(texts, {
    check: (s) => corpus.grammar.check(s),
    training: corpus.trainSentences,
  })
  return { ...metrics, tokensPerSecond, examples: texts.slice(0, 4) }
}

export function diffusionBound(
  corpus: GrammarCorpus,
  trained: TrainedTextModel,
  options: { samplesPerSequence: number; estimator?: 'k' | 't'; seed?: number },
): { bitsPerToken: number; standardError: number } {
  return maskedDiffusionNelbo(diffusionModel(trained), corpus.heldOut, {
    key: key(options.seed ?? 7),
    maskId: corpus.maskId,
    samplesPerSequence: options.samplesPerSequence,
    estimator: options.estimator,
  })
}

export function autoregressiveBits(corpus: GrammarCorpus, trained: TrainedTextModel): number {
  return autoregressiveNll((t) => transformer(trained.config, trained.params, t), corpus.heldOut, {
    bosId: corpus.maskId,
  }).bitsPerToken
}

export function ngramBits(corpus: GrammarCorpus, order: number): number {
  const model = fitNgram(corpus.train, { order, vocabSize: corpus.vocabulary.length, bosId: corpus.maskId })
  return ngramNll(model, corpus.heldOut).bitsPerToken
}
