// A NaN, infinite or negative time is refused at the boundary: before, applyDenoiser(config,
// params, x, { t: [NaN, 0.2, 0.3] }) returned finite numbers (relu maps NaN to 0).
import { fromArray, InvalidArgumentError, key, normalFloats } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { applyDenoiser, initDenoiser } from './denoiser'
import { mlpDenoiser, type MlpDenoiserConfig, type MlpDenoiserParams } from './mlp-denoiser'
import { unet, type UNetConfig, type UNetParams } from './unet'

const config: MlpDenoiserConfig = {
  kind: 'mlp',
  dataDim: 2,
  hidden: [8],
  activation: 'relu',
  timeScale: 1000,
}
const params = initDenoiser(config, { key: key(0) })
const x = () => fromArray(normalFloats(key(1), 6), { shape: [3, 2] })

describe('denoiser times', () => {
  it.each([
    [[Number.NaN, 0.2, 0.3], 'NaN at index 0'],
    [[0.1, Number.POSITIVE_INFINITY, 0.3], 'Infinity at index 1'],
    [[0.1, 0.2, -0.5], '-0.5 at index 2'],
  ])('applyDenoiser refuses t = [%s]', (t, got) => {
    const call = () => applyDenoiser(config, params, x(), { t: fromArray(t) })
    expect(call).toThrow(InvalidArgumentError)
    expect(call).toThrow(`applyDenoiser: t must hold finite times >= 0`)
    expect(call).toThrow(`got ${got}`)
  })

  it('mlpDenoiser and unet refuse a NaN time too, and accept 0 and 1', () => {
    const t = fromArray([Number.NaN, 0.2, 0.3])
    expect(() => mlpDenoiser(config, params as MlpDenoiserParams, x(), { t })).toThrow(
      /^mlpDenoiser: t must hold/,
    )
    const u: UNetConfig = {
      kind: 'unet',
      imageSize: 4,
      baseChannels: 4,
      channelMultipliers: [1],
      numGroups: 2,
    }
    const up = initDenoiser(u, { key: key(2) }) as UNetParams
    const image = fromArray(normalFloats(key(3), 16), { shape: [1, 1, 4, 4] })
    expect(() => unet(u, up, image, { t: fromArray([Number.NaN]) })).toThrow(/^unet: t must hold/)
    const out = applyDenoiser(config, params, x(), { t: fromArray([0, 1, 999]) })
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true)
  })
})
