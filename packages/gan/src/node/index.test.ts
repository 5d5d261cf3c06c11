import { fromArray, key, normalFloats } from '@gen/core-tensor'
import { treeLeaves } from '@gen/core-tensor/optim'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { type GanConfig, initGan } from '../gan-model'
import { sampleImages } from '../sample-grid'
import { trainGan } from '../train'
import { readGanCheckpoint, writeGanCheckpoint } from './index'

const config: GanConfig = { kind: 'dcgan', latentDim: 4, width: 2, discriminatorNorm: 'batch' }

test('writeGanCheckpoint writes through a temporary file and reads back; a generator-only file cannot resume', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gen-gan-'))
  try {
    const images = fromArray(
      normalFloats(key(3), 4 * 784).map((v) => Math.tanh(v)),
      { shape: [4, 1, 28, 28] },
    )
    const { checkpoint } = await trainGan({
      config,
      ...initGan(config, { key: key(0) }),
      data: images,
      objective: 'hinge',
      steps: 1,
      batchSize: 2,
      emaDecay: 0.5,
      key: key(1),
    })
    const path = join(dir, 'gan.safetensors')
    await writeGanCheckpoint(path, checkpoint)
    await writeGanCheckpoint(join(dir, 'weights.safetensors'), checkpoint, {
      includeTraining: false,
      metadata: { command: 'test' },
    })
    expect((await readdir(dir)).sort()).toEqual(['gan.safetensors', 'weights.safetensors'])
    const full = await readGanCheckpoint(path)
    expect(full.checkpoint?.step).toBe(1)
    const original = treeLeaves(checkpoint.params.discriminator).map(([p, t]) => [
      p,
      Array.from(t.dataSync()),
    ])
    const read = treeLeaves(full.checkpoint!.params.discriminator).map(([p, t]) => [
      p,
      Array.from(t.dataSync()),
    ])
    expect(read).toEqual(original)
    const weights = await readGanCheckpoint(join(dir, 'weights.safetensors'))
    expect(weights.checkpoint).toBeUndefined()
    expect(weights.metadata.command).toBe('test')
    expect(weights.ema).toBeDefined()
    // generator-only weights still draw images: in [0, 1], the requested count
    const sheet = sampleImages(config, weights.ema!, { key: key(4), count: 3, state: weights.generatorState })
    expect(sheet.shape).toEqual([3, 1, 28, 28])
    expect(sheet.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    // a file that is not a GAN checkpoint is refused with the reason
    await writeFile(join(dir, 'bad.safetensors'), new Uint8Array(16))
    await expect(readGanCheckpoint(join(dir, 'bad.safetensors'))).rejects.toThrow()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
