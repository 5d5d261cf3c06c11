import {
  fromArray,
  InvalidArgumentError,
  key,
  mul,
  normalFloats,
  reference,
  ShapeError,
  sum,
  type TensorTree,
} from '@gen/core-tensor'
import { treeLeaves } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { expectGradientsMatch } from './test-helpers'
import { initUNet, unet, type UNetConfig, type UNetParams, validateUNetConfig } from './unet'

const labels = (values: number[], backend = reference) =>
  fromArray(Int32Array.from(values), { dtype: 'int32', backend })

describe('unet', () => {
  it('maps [N, 1, 28, 28] to [N, 1, 28, 28] through 28 → 14 → 7 and back', () => {
    const config: UNetConfig = { kind: 'unet', baseChannels: 8, numGroups: 4, numClasses: 10 }
    const resolved = validateUNetConfig(config)
    expect(resolved).toMatchObject({
      imageSize: 28,
      channelMultipliers: [1, 2, 2],
      embedDim: 32,
      attention: true,
    })
    const params = initUNet(config, { key: key(0) })
    const x = fromArray(normalFloats(key(1), 2 * 28 * 28), { shape: [2, 1, 28, 28] })
    const out = unet(config, params, x, { t: fromArray([5, 900]), labels: labels([3, 10], x.backend) })
    expect(out.shape).toEqual([2, 1, 28, 28])
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true)
    // the widths: 8 at 28×28, 16 at 14×14 and 7×7; attention over the 49 pixels of 7×7
    expect(params.down.map((l) => l.blocks[0].conv1.weight.shape[0])).toEqual([8, 16, 16])
    expect(params.up.map((l) => l.blocks[0].conv1.weight.shape[1])).toEqual([32, 32, 24])
    expect(params.middle.attention?.attention.query.weight.shape).toEqual([16, 16])
  })

  it(
    'has gradients that match central differences for a tiny UNet (reference backend, float64)',
    { timeout: 180_000 },
    () => {
      const config: UNetConfig = {
        kind: 'unet',
        imageSize: 4,
        baseChannels: 4,
        channelMultipliers: [1, 2],
        numGroups: 2,
        numHeads: 2,
        embedDim: 8,
        numClasses: 3,
      }
      const params = initUNet(config, { key: key(2), backend: reference })
      expect(treeLeaves(params as unknown as TensorTree).length).toBeGreaterThan(40)
      const x = fromArray(normalFloats(key(3), 2 * 16), { shape: [2, 1, 4, 4], backend: reference })
      const t = fromArray([12, 345], { backend: reference })
      const w = fromArray(normalFloats(key(4), 2 * 16), { shape: [2, 1, 4, 4], backend: reference })
      const loss = (p: TensorTree) =>
        sum(mul(unet(config, p as unknown as UNetParams, x, { t, labels: labels([1, 3]) }), w))
      const worst = expectGradientsMatch(loss, params as unknown as TensorTree, { entriesPerLeaf: 1 })
      expect(worst).toBeLessThan(1e-6)
    },
  )

  it('changes its output with t and with the label', () => {
    const config: UNetConfig = {
      kind: 'unet',
      imageSize: 8,
      baseChannels: 4,
      channelMultipliers: [1, 2],
      numGroups: 2,
      numClasses: 2,
    }
    const params = initUNet(config, { key: key(5) })
    const x = fromArray(normalFloats(key(6), 64), { shape: [1, 1, 8, 8] })
    const at = (t: number, y?: number) =>
      Array.from(
        unet(config, params, x, {
          t: fromArray([t]),
          ...(y === undefined ? {} : { labels: labels([y], x.backend) }),
        }).dataSync(),
      )
    const gap = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0)
    expect(gap(at(10), at(700))).toBeGreaterThan(1e-2)
    expect(gap(at(10, 0), at(10, 1))).toBeGreaterThan(1e-2)
    expect(at(10)).toEqual(at(10, 2)) // no labels = the null label
  })

  it('rejects bad configs and inputs with typed errors', () => {
    expect(() => validateUNetConfig({ kind: 'unet', numGroups: 6 })).toThrow(
      /numGroups must divide every block's channels/,
    )
    expect(() => validateUNetConfig({ kind: 'unet', imageSize: 30 })).toThrow(
      /imageSize must be divisible by 2\^\(levels − 1\) = 4 for 3 levels, got 30/,
    )
    expect(() => validateUNetConfig({ kind: 'unet', numHeads: 3 })).toThrow(InvalidArgumentError)
    expect(() => validateUNetConfig({ kind: 'unet', channelMultipliers: [] })).toThrow(/channelMultipliers/)
    const config: UNetConfig = {
      kind: 'unet',
      imageSize: 8,
      baseChannels: 4,
      channelMultipliers: [1, 2],
      numGroups: 2,
    }
    const params = initUNet(config, { key: key(0) })
    expect(() =>
      unet(config, params, fromArray(normalFloats(key(1), 64), { shape: [1, 8, 8] }), { t: fromArray([1]) }),
    ).toThrow(ShapeError)
  })
})
