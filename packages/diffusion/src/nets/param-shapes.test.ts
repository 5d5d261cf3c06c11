// A config and params that do not belong together are refused at every public boundary, with the
// parameter path and the expected and actual shapes (before, applyDenoiser with hidden [8] ran on
// the params of hidden [16], trainDenoiser trained [8, 8] from [8], and encodeDenoiser wrote a
// file that decodeDenoiser refused).
import {
  fromArray,
  InvalidArgumentError,
  key,
  normalFloats,
  ShapeError,
  type TensorTree,
} from '@gen/core-tensor'
import { treeLeaves } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { trainDenoiser } from '../train/train-denoiser'
import { applyDenoiser, type DenoiserConfig, initDenoiser } from './denoiser'
import { mlpDenoiser, type MlpDenoiserConfig, type MlpDenoiserParams } from './mlp-denoiser'
import { denoiserParamShapes } from './param-shapes'
import { encodeDenoiser } from './params-io'
import { unet, type UNetConfig, type UNetParams } from './unet'

const mlp8: MlpDenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [8] }
const mlp16: MlpDenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [16] }
const smallUNet: UNetConfig = {
  kind: 'unet',
  imageSize: 8,
  baseChannels: 8,
  channelMultipliers: [1, 2],
  numGroups: 4,
}
const points = () => fromArray(normalFloats(key(3), 6), { shape: [3, 2] })
const times = () => fromArray([1, 2, 3])

describe('denoiserParamShapes', () => {
  const configs: DenoiserConfig[] = [
    mlp8,
    { kind: 'mlp', dataDim: 3, hidden: [16, 8, 4], embedDim: 8, numClasses: 5 },
    smallUNet,
    { ...smallUNet, attention: false, numResBlocks: 2, numClasses: 3, inChannels: 2, outChannels: 1 },
    { ...smallUNet, channelMultipliers: [1, 2, 2], embedDim: 12, numHeads: 2 },
  ]
  it.each(configs.map((c) => [JSON.stringify(c), c] as const))('matches initDenoiser for %s', (_, config) => {
    const params = initDenoiser(config, { key: key(0) })
    const leaves = treeLeaves(params as unknown as TensorTree).map(([path, t]) => [path, t.shape])
    expect([...denoiserParamShapes(config)]).toEqual(leaves)
  })
})

describe('config and params must match', () => {
  const params16 = initDenoiser(mlp16, { key: key(0) })

  it('applyDenoiser refuses the params of another width', () => {
    const call = () => applyDenoiser(mlp8, params16, points(), { t: times() })
    expect(call).toThrow(ShapeError)
    expect(call).toThrow(
      'applyDenoiser: params.layers.0.weight must have shape [8, 66] for config.hidden [8] (dataDim 2, embedDim 64), got [16, 66]',
    )
    expect(() => mlpDenoiser(mlp8, params16 as MlpDenoiserParams, points(), { t: times() })).toThrow(
      /^mlpDenoiser: params\.layers\.0\.weight must have shape \[8, 66\]/,
    )
  })

  it('names a missing or an extra layer', () => {
    const deeper: MlpDenoiserConfig = { ...mlp8, hidden: [8, 8] }
    const params8 = initDenoiser(mlp8, { key: key(0) })
    expect(() => applyDenoiser(deeper, params8, points(), { t: times() })).toThrow(
      /^applyDenoiser: params\.layers\.1\.weight must have shape \[8, 8\] for config\.hidden \[8, 8\].*, got \[2, 8\]$/,
    )
    const params88 = initDenoiser(deeper, { key: key(0) })
    const { layers } = params88 as MlpDenoiserParams
    const truncated = { ...params88, layers: layers.slice(0, 1) }
    const missing = () => applyDenoiser(deeper, truncated, points(), { t: times() })
    expect(missing).toThrow(InvalidArgumentError)
    expect(missing).toThrow(/params\.layers\.1\.weight must be a tensor of shape \[8, 8\].*got none/)
    const { layers: layers8 } = params8 as MlpDenoiserParams
    const extra = () =>
      applyDenoiser(mlp8, { ...params8, layers: [...layers8, layers8[1]] }, points(), { t: times() })
    expect(extra).toThrow(InvalidArgumentError)
    expect(extra).toThrow(
      /params\.layers\.2\.weight must not be present for config\.hidden \[8\].*got a tensor of shape \[2, 8\]$/,
    )
  })

  it('trainDenoiser refuses params of another config before training', async () => {
    const config: MlpDenoiserConfig = { ...mlp8, hidden: [8, 8] }
    const error: unknown = await trainDenoiser({
      config,
      params: initDenoiser(mlp8, { key: key(0) }),
      objective: { kind: 'flow-matching' },
      data: points(),
      steps: 2,
      batchSize: 2,
      key: key(1),
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ShapeError)
    expect((error as Error).message).toMatch(
      /^trainDenoiser: params\.layers\.1\.weight must have shape \[8, 8\]/,
    )
  })

  it('encodeDenoiser refuses to write a file decodeDenoiser would refuse', () => {
    expect(() => encodeDenoiser(mlp8, params16)).toThrow(
      /^encodeDenoiser: params\.layers\.0\.weight must have shape \[8, 66\].*got \[16, 66\]$/,
    )
  })

  it('the UNet entry points check too', () => {
    const params = initDenoiser(smallUNet, { key: key(0) }) as UNetParams
    const x = fromArray(normalFloats(key(4), 2 * 64), { shape: [2, 1, 8, 8] })
    const wider: UNetConfig = { ...smallUNet, channelMultipliers: [1, 4] }
    expect(() => unet(wider, params, x, { t: fromArray([1, 2]) })).toThrow(
      /^unet: params\.down\.1\.blocks\.0\.conv1\.weight must have shape \[32, 8, 3, 3\].*got \[16, 8, 3, 3\]$/,
    )
    expect(() =>
      applyDenoiser({ ...smallUNet, attention: false }, params, x, { t: fromArray([1, 2]) }),
    ).toThrow(
      /^applyDenoiser: params\.middle\.attention\.norm\.weight must not be present for config\.baseChannels 8/,
    )
  })
})
