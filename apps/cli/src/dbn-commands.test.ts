// gen dbn and gen bm end to end with small settings: a DBN stacked on the shipped RBM trains,
// resumes from its finished layers to the same top layer, samples decode, its bound is a
// number of nats in range; the 4-2-4 encoder learns to pass its patterns.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeRbmCheckpoint } from '@gen/boltzmann'
import { decodePng } from '@gen/viz'
import { describe, expect, it } from 'vitest'
import { shippedRbmPath } from './commands/rbm.ts'
import { runGen, spawnGen } from './testing/run-gen.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-dbn-'))
const readRbm = (path: string) => decodeRbmCheckpoint(new Uint8Array(readFileSync(path))).rbm

const dbnArgs = [
  ...['dbn', 'train', '--layers', '784,500,40,20', '--count', '1000', '--epochs', '1'],
  ...['--samples', '20', '--sample-steps', '20', '--bound-count', '50'],
  ...['--ais-runs', '10', '--ais-temperatures', '200'],
]

describe('gen dbn', () => {
  it('train: layers on the shipped RBM, a bound in nats, and samples LeNet can read', async () => {
    const out = tmp()
    const result = await runGen(out, ...dbnArgs)
    expect(result.firstLayer).toBe('shipped')
    const layers = [0, 1, 2].map((l) => readRbm(join(out, `layer-${l}.safetensors`)))
    expect(layers.map((l) => [l.numVisible, l.numHidden])).toEqual([
      [784, 500],
      [500, 40],
      [40, 20],
    ])
    // the first layer is the shipped RBM, unchanged
    expect(layers[0].weights).toEqual(readRbm(shippedRbmPath()).weights)
    // a bound on ln p(v) of binary 784-pixel images: below 0, above the uniform model's −784 ln 2
    const bound = result.lowerBound as number
    expect(bound).toBeLessThan(0)
    expect(bound).toBeGreaterThan(-784 * Math.LN2)
    expect(result.topEffectiveSampleSize as number).toBeGreaterThanOrEqual(1)
    expect((result.digitCounts as number[]).reduce((a, b) => a + b, 0)).toBe(20)
    const sheet = decodePng(readFileSync(join(out, 'samples.png')))
    expect([sheet.width, sheet.height]).toEqual([10 * 56 + 9 * 2, 2 * 56 + 2])

    const sampled = await runGen(tmp(), 'dbn', 'sample', '--weights', out, '--count', '10', '--steps', '10')
    expect(sampled.layers).toEqual([784, 500, 40, 20])
    expect((sampled.digitCounts as number[]).reduce((a, b) => a + b, 0)).toBe(10)
  }, 180_000)

  it('train --resume from the first two layers gives the same top layer as one run', async () => {
    const straight = tmp()
    expect(await spawnGen([...dbnArgs, '--out', straight, '--quiet']).exited).toBe(0)
    // what a run stopped after its second layer leaves behind
    const partial = tmp()
    cpSync(straight, partial, { recursive: true })
    rmSync(join(partial, 'layer-2.safetensors'))
    expect(await spawnGen([...dbnArgs, '--resume', '--out', partial, '--quiet']).exited).toBe(0)
    expect(readFileSync(join(partial, 'layer-2.safetensors'))).toEqual(
      readFileSync(join(straight, 'layer-2.safetensors')),
    )
  }, 180_000)
})

describe('gen bm', () => {
  it('encoder: the 4-2-4 net passes all four patterns through its two hidden units', async () => {
    const out = tmp()
    const result = await runGen(out, 'bm', 'encoder')
    expect(result.solved).toBe(4)
    // solved means p(V2 = k | V1 = k) > 1/2 for every k; training stops once the mean is > 0.9
    expect(result.meanProbability as number).toBeGreaterThan(0.9)
    // q is uniform on 4 patterns out of 256 states: KL ≥ 0, and small once p learned them
    expect(result.kl as number).toBeGreaterThanOrEqual(0)
    expect(result.kl as number).toBeLessThan(0.5)
    expect(readFileSync(join(out, 'kl.svg'), 'utf8')).toMatch(/^<svg/)
    // the 10×10 weight matrix at 16 px per unit
    expect(decodePng(readFileSync(join(out, 'weights.png'))).width).toBe(160)
  }, 60_000)
})
