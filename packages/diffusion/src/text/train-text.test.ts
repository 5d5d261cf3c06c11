import { fromArray, key } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { initTransformer, type TransformerConfig } from './transformer'
import { trainTextModel } from './train-text'

describe('trainTextModel', () => {
  const data = fromArray(Int32Array.from([0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 1, 1, 2, 2, 0, 4, 0, 4, 0, 4]), {
    shape: [4, 5],
    dtype: 'int32',
  })
  const config: TransformerConfig = { vocabSize: 6, contextLength: 5, width: 16, depth: 1, numHeads: 2 }

  for (const objective of [
    { kind: 'masked-diffusion', maskId: 5 },
    { kind: 'autoregressive', bosId: 5 },
  ] as const) {
    it(`overfits four sequences (${objective.kind})`, { timeout: 60_000 }, () => {
      const { history, params } = trainTextModel({
        config,
        params: initTransformer(config, { key: key(0) }),
        data,
        objective,
        key: key(1),
        steps: 150,
        batchSize: 8,
        learningRate: 1e-2,
        logEvery: 50,
      })
      expect(history.map((h) => h.step)).toEqual([50, 100, 150])
      expect(history[0].loss).toBeGreaterThan(history[2].loss)
      // four equally likely sequences: log 4 / 5 nats per token is the autoregressive floor
      expect(history[2].loss).toBeLessThan(objective.kind === 'autoregressive' ? 0.5 : 1)
      expect(params.blocks).toHaveLength(1)
    })
  }
})
