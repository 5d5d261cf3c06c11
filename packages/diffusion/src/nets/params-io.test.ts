import {
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  reference,
  type TensorTree,
} from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors } from '@gen/core-tensor/io'
import { treeLeaves } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { applyDenoiser, type DenoiserConfig, initDenoiser } from './denoiser'
import { decodeDenoiser, encodeDenoiser } from './params-io'

const leaves = (tree: unknown) =>
  treeLeaves(tree as TensorTree).map(([p, t]) => [p, t.shape, Array.from(t.dataSync())])

describe('encodeDenoiser / decodeDenoiser', () => {
  const cases: [string, DenoiserConfig, number[]][] = [
    ['mlp', { kind: 'mlp', dataDim: 2, hidden: [8, 8], numClasses: 4, timeScale: 1000 }, [3, 2]],
    [
      'unet',
      { kind: 'unet', imageSize: 8, baseChannels: 4, channelMultipliers: [1, 2], numGroups: 2 },
      [2, 1, 8, 8],
    ],
  ]
  for (const [name, config, shape] of cases) {
    it(`round-trips a ${name}'s params through safetensors, names and values exact`, () => {
      const params = initDenoiser(config, { key: key(1) })
      const bytes = encodeDenoiser(config, params, { metadata: { steps: '12' } })
      const raw = decodeSafetensors(bytes)
      // PyTorch state_dict names, F32 on the cpu backend
      expect(Object.keys(raw.tensors)).toEqual(expect.arrayContaining(['conditioning.timeHidden.weight']))
      expect(Object.values(raw.tensors).every((e) => e.dtype === 'F32')).toBe(true)
      expect(raw.metadata).toMatchObject({ kind: 'gen-diffusion-denoiser', formatVersion: '1', steps: '12' })
      const decoded = decodeDenoiser(bytes)
      expect(decoded.config).toEqual(config)
      expect(leaves(decoded.params)).toEqual(leaves(params))
      const x = fromArray(
        normalFloats(
          key(2),
          shape.reduce((a, b) => a * b),
        ),
        { shape },
      )
      const t = fromArray(Array.from({ length: shape[0] }, (_, i) => 0.1 * (i + 1)))
      expect(Array.from(applyDenoiser(config, decoded.params, x, { t }).dataSync())).toEqual(
        Array.from(applyDenoiser(config, params, x, { t }).dataSync()),
      )
    })
  }

  it('keeps float64 weights exact (F64) on the reference backend', () => {
    const config: DenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [4] }
    const params = initDenoiser(config, { key: key(3), backend: reference })
    const decoded = decodeDenoiser(encodeDenoiser(config, params), { backend: reference })
    expect(leaves(decoded.params)).toEqual(leaves(params))
  })

  it('refuses files that are not denoiser files or do not fit their config', () => {
    expect(() => decodeDenoiser(encodeSafetensors({}, { kind: 'other' }))).toThrow(
      /must be a gen-diffusion-denoiser file/,
    )
    const config: DenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [4] }
    const bytes = encodeDenoiser(config, initDenoiser(config, { key: key(0) }))
    const { tensors, metadata } = decodeSafetensors(bytes)
    const wider = encodeSafetensors(tensors, {
      ...metadata,
      config: JSON.stringify({ ...config, hidden: [5] }),
    })
    expect(() => decodeDenoiser(wider)).toThrow(
      /must hold 'layers.0.weight' of shape \[5, 66\], got \[4, 66\]/,
    )
    expect(() =>
      encodeDenoiser(config, initDenoiser(config, { key: key(0) }), { metadata: { kind: 'x' } }),
    ).toThrow(InvalidArgumentError)
  })
})
