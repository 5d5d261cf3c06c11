import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { key, reference } from '@gen/core-tensor'
import { adam } from '@gen/core-tensor/optim'
import { afterAll, describe, expect, test } from 'vitest'
import { decodeCheckpoint } from '../checkpoint'
import { lenet5Config } from '../lenet'
import { initSequential, initSequentialState, type SequentialConfig } from '../sequential'
import { readCheckpoint, writeCheckpoint } from './index'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('checkpoint files', () => {
  test('write (temporary name, then rename) and read back every tensor, the optimizer and the metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gen-cnn-'))
    dirs.push(dir)
    const config: SequentialConfig = {
      inputShape: [1, 6, 6],
      layers: [
        { type: 'conv2d', outChannels: 2, kernelSize: 3 },
        { type: 'batchNorm' },
        { type: 'flatten' },
        { type: 'linear', outFeatures: 3, bias: false },
      ],
    }
    const params = initSequential(config, { key: key(0) })
    const state = initSequentialState(config)
    const optimizer = adam({ learningRate: 1e-3 }).init(params)
    const path = join(dir, 'net.safetensors')
    await writeCheckpoint(
      path,
      { config, params, state, optimizer, step: 12, epoch: 3 },
      { metadata: { note: 'hi' } },
    )
    expect(await readdir(dir)).toEqual(['net.safetensors'])
    const back = await readCheckpoint(path)
    expect(back.config).toEqual(config)
    expect([back.step, back.epoch, back.metadata.note]).toEqual([12, 3, 'hi'])
    expect(back.params['0'].weight.toArray()).toEqual(params['0'].weight.toArray())
    expect(back.params['3'].bias).toBeUndefined()
    expect(back.state['1'].runningVar.toArray()).toEqual([1, 1])
    expect(back.optimizer?.count).toBe(0)
    // weights only: no optimizer entries
    await writeCheckpoint(
      path,
      { config, params, state, optimizer, step: 12, epoch: 3 },
      { includeOptimizer: false },
    )
    expect((await readCheckpoint(path)).optimizer).toBeUndefined()
  })

  test('decodeCheckpoint rejects other files and mismatched shapes', async () => {
    const { encodeSafetensors } = await import('@gen/core-tensor/io')
    const other = encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } })
    expect(() => decodeCheckpoint(other)).toThrow(
      /decodeCheckpoint: bytes must be a gen-cnn-sequential checkpoint/,
    )
    const config = lenet5Config()
    const wrong = encodeSafetensors(
      { '0.weight': { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
      { kind: 'gen-cnn-sequential', formatVersion: '1', config: JSON.stringify(config) },
    )
    expect(() => decodeCheckpoint(wrong, { backend: reference })).toThrow(
      /bytes must hold '0.weight' as \[6, 1, 5, 5\], got \[1\]/,
    )
  })
})
