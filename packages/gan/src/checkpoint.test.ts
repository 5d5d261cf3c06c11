import { key } from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors } from '@gen/core-tensor/io'
import { adam } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { decodeGanCheckpoint, encodeGanCheckpoint } from './checkpoint'
import { type GanConfig, initGan } from './gan-model'
import type { GanCheckpoint } from './train'

const config: GanConfig = {
  kind: 'dcgan',
  latentDim: 4,
  width: 2,
  discriminatorNorm: 'batch',
  numClasses: 10,
}

function checkpoint(): GanCheckpoint {
  const { params, state } = initGan(config, { key: key(0) })
  const optimizer = adam({ learningRate: 1e-3 })
  return {
    config,
    params,
    state,
    optimizers: {
      generator: optimizer.init(params.generator),
      discriminator: optimizer.init(params.discriminator),
    },
    step: 7,
  }
}

describe('GAN checkpoints', () => {
  it('names tensors by their tree paths, PyTorch style', () => {
    const { tensors, metadata } = decodeSafetensors(encodeGanCheckpoint(checkpoint()))
    expect(Object.keys(tensors)).toContain('generator.up1.weight')
    expect(tensors['generator.up1.weight'].shape).toEqual([4, 2, 4, 4]) // [in 2w, out w, kH, kW]
    expect(tensors['discriminator.down1.weight'].shape).toEqual([2, 11, 4, 4]) // 1 + 10 label planes
    expect(Object.keys(tensors)).toContain('state.discriminator.norm2.runningVar')
    expect(Object.keys(tensors)).toContain('optimizer.discriminator.nu.head.weight')
    expect(metadata.step).toBe('7')
    expect(JSON.parse(metadata.config)).toEqual(config)
  })

  it('refuses files that are not gen GAN checkpoints, or lack a tensor, or hold a wrong shape', () => {
    const { tensors, metadata } = decodeSafetensors(encodeGanCheckpoint(checkpoint()))
    expect(() =>
      decodeGanCheckpoint(encodeSafetensors(tensors, { ...metadata, kind: 'gen-cnn-sequential' })),
    ).toThrow(/must be a gen-gan checkpoint of formatVersion 1, got kind 'gen-cnn-sequential'/)
    const { ['generator.up1.weight']: _dropped, ...rest } = tensors
    expect(() => decodeGanCheckpoint(encodeSafetensors(rest, metadata))).toThrow(
      /must hold tensor 'generator.up1.weight', got none/,
    )
    const wrong = {
      ...tensors,
      'generator.up2.bias': { dtype: 'F32' as const, shape: [2], data: new Float32Array(2) },
    }
    expect(() => decodeGanCheckpoint(encodeSafetensors(wrong, metadata))).toThrow(
      /must hold 'generator.up2.bias' as \[1\], got \[2\]/,
    )
    expect(() => encodeGanCheckpoint(checkpoint(), { metadata: { step: '3' } })).toThrow(
      /reserved key 'step'/,
    )
  })
})
