import { fromArray, InvalidArgumentError, key, normalFloats, ShapeError, type Tensor } from '@gen/core-tensor'
import { treeLeaves } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { decodeGanCheckpoint, encodeGanCheckpoint } from './checkpoint'
import { type GanConfig, initGan } from './gan-model'
import { type GanCheckpoint, trainGan } from './train'

const config: GanConfig = {
  kind: 'mlp',
  latentDim: 2,
  dataDim: 2,
  generatorHidden: [8],
  discriminatorHidden: [8],
}
const data = fromArray(normalFloats(key(5), 64 * 2), { shape: [64, 2] })
const values = (tree: Parameters<typeof treeLeaves>[0]): number[][] =>
  treeLeaves(tree).map(([, t]) => Array.from(t.dataSync()))

describe('trainGan', () => {
  it('makes criticSteps discriminator updates per generator update, with separate optimisers', async () => {
    const result = await trainGan({
      config,
      ...initGan(config, { key: key(0) }),
      data,
      objective: 'wgan-gp',
      steps: 2,
      batchSize: 16,
      criticSteps: 3,
      key: key(1),
      logEvery: 1,
    })
    expect(result.checkpoint.optimizers.discriminator.count).toBe(6)
    expect(result.checkpoint.optimizers.generator.count).toBe(2)
    expect(result.history.map((p) => p.step)).toEqual([1, 2])
    for (const p of result.history) {
      expect(p.gradientPenalty).toBeGreaterThan(0)
      expect(Number.isFinite(p.discriminatorLoss + p.generatorLoss)).toBe(true)
      expect(p.discriminatorGradNorm).toBeGreaterThan(0)
      expect(p.generatorGradNorm).toBeGreaterThan(0)
    }
  })

  it('keeps an EMA of the generator: θ̄₁ = d·θ₀ + (1 − d)·θ₁ after one step', async () => {
    const init = initGan(config, { key: key(0) })
    const before = values(init.params.generator)
    const decay = 0.9
    const result = await trainGan({
      config,
      ...init,
      data,
      objective: 'non-saturating',
      steps: 1,
      batchSize: 16,
      emaDecay: decay,
      key: key(1),
    })
    const after = values(result.params.generator)
    const ema = values(result.ema!)
    ema.forEach((leaf, i) =>
      leaf.forEach((v, j) => expect(v).toBeCloseTo(decay * before[i][j] + (1 - decay) * after[i][j], 6)),
    )
    // the step moved the generator, so the EMA differs from both
    expect(after[0].some((v, j) => v !== before[0][j])).toBe(true)
  })

  it('resumes exactly: 3 steps, a safetensors round trip, 3 more steps = 6 steps at once', async () => {
    const options = {
      config,
      data,
      objective: 'wgan-gp' as const,
      batchSize: 16,
      criticSteps: 2,
      emaDecay: 0.8,
      key: key(2),
    }
    const straight = await trainGan({ ...options, ...initGan(config, { key: key(0) }), steps: 6 })
    let saved: GanCheckpoint | undefined
    await trainGan({
      ...options,
      ...initGan(config, { key: key(0) }),
      steps: 3,
      onCheckpoint: (c) => {
        saved = decodeGanCheckpoint(encodeGanCheckpoint(c)).checkpoint
      },
    })
    expect(saved?.step).toBe(3)
    const resumed = await trainGan({ ...options, resume: saved, steps: 6 })
    expect(values(resumed.params.generator)).toEqual(values(straight.params.generator))
    expect(values(resumed.params.discriminator)).toEqual(values(straight.params.discriminator))
    expect(values(resumed.ema!)).toEqual(values(straight.ema!))
    expect(resumed.checkpoint.optimizers.discriminator.count).toBe(12)
  })

  it('rejects bad options with the argument named', async () => {
    const init = initGan(config, { key: key(0) })
    const base = { config, ...init, data, objective: 'hinge' as const, steps: 1, batchSize: 8, key: key(1) }
    await expect(trainGan({ ...base, batchSize: 1 })).rejects.toThrow(
      /batchSize must be an integer >= 2, got 1/,
    )
    await expect(trainGan({ ...base, criticSteps: 0 })).rejects.toThrow(InvalidArgumentError)
    await expect(trainGan({ ...base, objective: 'lsgan' as never })).rejects.toThrow(/objective must be/)
    await expect(trainGan({ ...base, data: fromArray([[1, 2, 3]]) })).rejects.toThrow(ShapeError)
    await expect(trainGan({ ...base, params: undefined })).rejects.toThrow(/params must be given/)
    await expect(trainGan({ ...base, emaDecay: 1 })).rejects.toThrow(/emaDecay/)
    const dcgan: GanConfig = { kind: 'dcgan', latentDim: 4, width: 2, discriminatorNorm: 'batch' }
    const images = fromArray(new Float32Array(4 * 784), { shape: [4, 1, 28, 28] })
    await expect(
      trainGan({
        ...base,
        config: dcgan,
        ...initGan(dcgan, { key: key(0) }),
        data: images,
        objective: 'wgan-gp',
      }),
    ).rejects.toThrow(/discriminatorNorm must be 'none' for wgan-gp/)
    const conditional: GanConfig = { ...config, numClasses: 3 }
    await expect(
      trainGan({ ...base, config: conditional, ...initGan(conditional, { key: key(0) }) }),
    ).rejects.toThrow(/labels must be int32 \[64\] for a conditional GAN, got undefined/)
  })

  it('trains a conditional DCGAN step (transposed convs, batch norm, label planes) with finite losses', async () => {
    const dcgan: GanConfig = {
      kind: 'dcgan',
      latentDim: 8,
      width: 4,
      discriminatorNorm: 'batch',
      numClasses: 10,
    }
    const images = fromArray(
      normalFloats(key(9), 8 * 784).map((v) => Math.tanh(v)),
      { shape: [8, 1, 28, 28] },
    )
    const labels: Tensor = fromArray(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), { dtype: 'int32' })
    const init = initGan(dcgan, { key: key(0) })
    const result = await trainGan({
      config: dcgan,
      ...init,
      data: images,
      labels,
      objective: 'non-saturating',
      steps: 2,
      batchSize: 4,
      key: key(1),
      logEvery: 1,
    })
    expect(result.history).toHaveLength(2)
    // batch norm's running statistics moved away from (0, 1)
    const norm1 = (result.state.generator as { norm1: { runningMean: Tensor } }).norm1.runningMean
    expect(Array.from(norm1.dataSync()).some((v) => v !== 0)).toBe(true)
    for (const p of result.history) {
      expect(p.realOutput).toBeGreaterThan(0)
      expect(p.realOutput).toBeLessThan(1)
    }
  })
})
