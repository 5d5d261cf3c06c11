import { cpu, fromArray, key, memoryStats, normalFloats, reference, type Tensor } from '@gen/core-tensor'
import { cosineSchedule, stepSchedule } from '@gen/core-tensor/optim'
import { describe, expect, test } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint'
import { type ImageDataset, validationSplit } from './data'
import { lenet5Config } from './lenet'
import { initSequential, type SequentialConfig } from './sequential'
import { type Checkpoint, evaluateClassifier, trainClassifier, type TrainProgress } from './train'

const tiny: SequentialConfig = {
  inputShape: [1, 8, 8],
  layers: [
    { type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxPool2d', kernelSize: 2 },
    { type: 'flatten' },
    { type: 'linear', outFeatures: 4 },
  ],
}

function randomSet(count: number, shape: number[], classes: number, backend = reference): ImageDataset {
  const size = shape.reduce((a, b) => a * b, 1)
  return {
    images: fromArray(normalFloats(key(count), count * size), { shape: [count, ...shape], backend }),
    labels: fromArray(
      Int32Array.from({ length: count }, (_, i) => (i * 7) % classes),
      { backend },
    ),
  }
}

const values = (t: Tensor): number[] => Array.from(t.dataSync())

describe('trainClassifier', () => {
  test('learning smoke test (reference backend): a tiny net overfits 16 random images with arbitrary labels', async () => {
    const data = randomSet(16, [1, 8, 8], 4)
    const params = initSequential(tiny, { key: key(0), backend: reference })
    const before = evaluateClassifier(tiny, params, data)
    const reports: TrainProgress[] = []
    const result = await trainClassifier({
      config: tiny,
      params,
      data,
      epochs: 60,
      batchSize: 16,
      learningRate: 0.02,
      key: key(1),
      logEvery: 20,
      onProgress: (p) => {
        reports.push(p)
      },
    })
    const after = evaluateClassifier(tiny, result.params, data)
    expect(before.accuracy).toBeLessThan(0.6)
    expect(after.accuracy).toBe(1)
    expect(after.loss).toBeLessThan(0.1 * before.loss)
    // progress: 3 'train' reports (steps 20, 40, 60) and 60 'epoch' reports with numbers
    expect(reports.filter((r) => r.phase === 'train').map((r) => r.step)).toEqual([20, 40, 60])
    expect(result.history).toHaveLength(60)
    const last = result.history.at(-1)
    expect(last?.epoch).toBe(59)
    expect(last?.imagesPerSecond).toBeGreaterThan(0)
    expect(last?.accuracy).toBe(1)
    expect(result.checkpoint.step).toBe(60)
  })

  test('LeNet-5 on cpu overfits 16 images within 30 Adam steps; memory stays flat', async () => {
    const data = randomSet(16, [1, 28, 28], 10, cpu)
    const config = lenet5Config({ variant: 'modern' })
    const params = initSequential(config, { key: key(3) })
    const tensors: number[] = []
    const result = await trainClassifier({
      config,
      params,
      data,
      evalData: data,
      epochs: 30,
      batchSize: 16,
      key: key(4),
      onProgress: (p) => {
        if (p.phase === 'epoch') tensors.push(memoryStats().tensors)
      },
    })
    expect(result.history.at(-1)?.evalAccuracy).toBe(1)
    expect(tensors.at(-1)).toBe(tensors[5])
  })

  test('a resumed run equals the uninterrupted one, bit for bit (checkpoint through safetensors bytes)', async () => {
    const data = randomSet(40, [1, 8, 8], 4)
    const withDropout: SequentialConfig = {
      ...tiny,
      layers: [...tiny.layers.slice(0, 4), { type: 'dropout', rate: 0.3 }, tiny.layers[4]],
    }
    const common = {
      config: withDropout,
      data,
      batchSize: 8,
      key: key(7),
      maxShift: 1,
      learningRate: cosineSchedule({ initial: 0.01, decaySteps: 15 }),
    }
    const start = initSequential(withDropout, { key: key(2), backend: reference })
    const straight = await trainClassifier({ ...common, params: start, epochs: 3 })
    const saved: Checkpoint[] = []
    await trainClassifier({
      ...common,
      params: start,
      epochs: 2,
      checkpointEvery: 3,
      onCheckpoint: (c) => {
        saved.push(decodeCheckpoint(encodeCheckpoint(c), { backend: reference }))
      },
    })
    // steps 3, end of epoch 1 (5), 6, 9, end of epoch 2 (10)
    expect(saved.map((c) => c.step)).toEqual([3, 5, 6, 9, 10])
    for (const from of [saved[0], saved[4]]) {
      const resumed = await trainClassifier({ ...common, resume: from, epochs: 3 })
      expect(resumed.checkpoint.step).toBe(15)
      for (const layer of Object.keys(straight.params)) {
        expect(values(resumed.params[layer].weight)).toEqual(values(straight.params[layer].weight))
      }
    }
  })

  test('bad options throw', async () => {
    const data = randomSet(8, [1, 8, 8], 4)
    const params = initSequential(tiny, { key: key(0), backend: reference })
    await expect(trainClassifier({ config: tiny, params, data, epochs: 0, key: key(0) })).rejects.toThrow(
      /trainClassifier: epochs must be an integer >= 1, got 0/,
    )
    await expect(
      trainClassifier({ config: tiny, params, data, epochs: 1, batchSize: 9, key: key(0) }),
    ).rejects.toThrow(/batchSize must be at most the 8 training images, got 9/)
    await expect(
      trainClassifier({ config: tiny, data, epochs: 1, batchSize: 8, key: key(0) }),
    ).rejects.toThrow(/params must be given/)
    const weightsOnly = decodeCheckpoint(
      encodeCheckpoint({ config: tiny, params, state: {}, step: 0, epoch: 0 }),
      { backend: reference },
    )
    await expect(
      trainClassifier({ config: tiny, data, epochs: 1, batchSize: 8, key: key(0), resume: weightsOnly }),
    ).rejects.toThrow(/resume must hold the optimizer state/)
    // a missing key is reported by trainClassifier, not by the first `split` of the epoch loop
    const untyped = trainClassifier as (options: unknown) => Promise<unknown>
    await expect(untyped({ config: tiny, params, data, epochs: 1, batchSize: 8 })).rejects.toThrow(
      'trainClassifier: key must be a Key made by key(seed), got undefined',
    )
    await expect(untyped(undefined)).rejects.toThrow(
      'trainClassifier: options must be an options object, got undefined',
    )
  })
})

describe('training options: schedules, augmentation, early stopping', () => {
  test('a step schedule reaches Adam: rate 0 after step 3 freezes the params at the 3-step result', async () => {
    const data = randomSet(24, [1, 8, 8], 4)
    const params = initSequential(tiny, { key: key(2), backend: reference })
    const rates: number[] = []
    const scheduled = await trainClassifier({
      config: tiny,
      params,
      data,
      epochs: 3,
      batchSize: 8,
      key: key(3),
      logEvery: 1,
      learningRate: stepSchedule({ initial: 0.01, stepSize: 3, gamma: 0 }),
      onProgress: (p) => {
        if (p.phase === 'train') rates.push(p.learningRate)
      },
    })
    const constant = await trainClassifier({
      config: tiny,
      params,
      data,
      epochs: 1,
      batchSize: 8,
      key: key(3),
      learningRate: 0.01,
    })
    // η(s) = 0.01·0^⌊s/3⌋ for steps s = 0..8
    expect(rates).toEqual([0.01, 0.01, 0.01, 0, 0, 0, 0, 0, 0])
    for (const layer of Object.keys(params)) {
      expect(values(scheduled.params[layer].weight)).toEqual(values(constant.params[layer].weight))
      expect(values(constant.params[layer].weight)).not.toEqual(values(params[layer].weight))
    }
  })

  test('rotations and elastic distortions change the batches, keyed: two runs agree, and differ from a plain run', async () => {
    const data = randomSet(16, [1, 8, 8], 4)
    const params = initSequential(tiny, { key: key(2), backend: reference })
    const run = (extra: object): Promise<number[]> =>
      trainClassifier({ config: tiny, params, data, epochs: 1, batchSize: 8, key: key(5), ...extra }).then(
        (r) => values(r.params['4'].weight),
      )
    const augmented = { maxRotation: 15, elastic: { alpha: 4, sigma: 2 } }
    const [a, b, plain] = await Promise.all([run(augmented), run(augmented), run({})])
    expect(a).toEqual(b)
    expect(a).not.toEqual(plain)
    await expect(run({ maxRotation: -2 })).rejects.toThrow(
      /trainClassifier: maxRotation must be a finite number >= 0/,
    )
    await expect(run({ elastic: { alpha: 1, sigma: 0 } })).rejects.toThrow(
      /elastic must have alpha >= 0 and sigma > 0/,
    )
  })

  test('early stopping: memorising random labels raises the validation loss; it stops after `patience` and restores the best epoch', async () => {
    const all = randomSet(48, [1, 8, 8], 4)
    const { train, validation } = validationSplit(all, { fraction: 0.25, key: key(11) })
    expect(train.labels.shape[0]).toBe(36)
    expect(validation.labels.shape[0]).toBe(12)
    const params = initSequential(tiny, { key: key(2), backend: reference })
    const patience = 3
    const result = await trainClassifier({
      config: tiny,
      params,
      data: train,
      evalData: validation,
      epochs: 200,
      batchSize: 12,
      learningRate: 0.02,
      key: key(6),
      earlyStopping: { patience },
    })
    const losses = result.history.map((h) => h.evalLoss ?? Number.NaN)
    const best = losses.indexOf(Math.min(...losses))
    expect(result.stoppedEarly).toBe(true)
    expect(result.bestEpoch).toBe(best)
    // the last `patience` epochs came after the best and did not beat it
    expect(result.history).toHaveLength(best + patience + 1)
    // the returned parameters are the best epoch's: evaluating them gives its validation loss
    expect(evaluateClassifier(tiny, result.params, validation).loss).toBeCloseTo(losses[best], 12)
    expect(result.checkpoint.epoch).toBe(best + patience + 1)
    await expect(
      trainClassifier({
        config: tiny,
        params,
        data: train,
        epochs: 2,
        key: key(0),
        batchSize: 12,
        earlyStopping: { patience: 1 },
      }),
    ).rejects.toThrow(/evalData must be given \(a validation split\) for early stopping/)
  })

  test('validationSplit: disjoint parts that together are the set', () => {
    const all = randomSet(10, [1, 2, 2], 3)
    const { train, validation } = validationSplit(all, { fraction: 0.3, key: key(1) })
    const rows = (t: Tensor): string[] => {
      const v = values(t)
      return Array.from({ length: t.shape[0] }, (_, i) => v.slice(4 * i, 4 * i + 4).join(','))
    }
    const together = [...rows(train.images), ...rows(validation.images)].sort()
    expect(together).toEqual(rows(all.images).sort())
    expect(validation.labels.shape[0]).toBe(3)
    expect(() => validationSplit(all, { fraction: 1 })).toThrow(
      /validationSplit: fraction must leave both parts non-empty/,
    )
  })
})
