// gen gan end to end with small settings: the shipped DCGAN's samples are read as many digits
// and score between noise and real data, training resumes bit for bit after a SIGKILL, and a
// conditional WGAN-GP MLP trains and samples one digit on request.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeGanCheckpoint } from '@gen/gan'
import { decodePng } from '@gen/viz'
import { describe, expect, it } from 'vitest'
import { runGen, spawnGen, waitForFile } from './testing/run-gen.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-gan-'))

describe('gen gan', () => {
  it('sample: the shipped DCGAN draws a sheet LeNet reads as most of the ten digits', async () => {
    const out = tmp()
    const result = await runGen(out, 'gan', 'sample', '--count', '100')
    expect(result.generator).toBe('ema')
    expect(result.digitsSeen as number).toBeGreaterThanOrEqual(7)
    expect(result.classEntropy as number).toBeGreaterThan(1.6)
    const png = decodePng(readFileSync(join(out, 'samples.png')))
    expect([png.width, png.height]).toEqual([10 * 56 + 9 * 2, 10 * 56 + 9 * 2])
  }, 120_000)

  it('train stops on a blown-up loss instead of reporting it (--lr 10: D loss 1.6e4 at step 2)', async () => {
    await expect(
      runGen(tmp(), 'gan', 'train', '--lr', '10', '--steps', '3', '--count', '64', '--eval-count', '100'),
    ).rejects.toThrow(
      /^training diverged: D loss -?[\d.e+]+, G loss -?[\d.e+]+ at step \d \(a working run stays within ±1000\); lower --lr \(got 10\)$/,
    )
  }, 120_000)

  it('eval: the shipped DCGAN scores between real digits and an untrained generator', async () => {
    const shipped = await runGen(tmp(), 'gan', 'eval', '--count', '300')
    const real = shipped.real as { frechetDistance: number; classifierScore: number; classEntropy: number }
    const fd = shipped.frechetDistance as number
    expect(fd).toBeGreaterThan(real.frechetDistance)
    expect(shipped.classifierScore as number).toBeGreaterThan(1)
    expect(shipped.classifierScore as number).toBeLessThan(real.classifierScore)
    expect(shipped.classEntropy as number).toBeLessThanOrEqual(Math.log(10) + 1e-12)
    // real training digits against test digits: near ln 10 and a score near 10
    expect(real.classEntropy).toBeGreaterThan(2.2)
    expect(real.classifierScore).toBeGreaterThan(8)
    // two generator steps from init: noise, far from digits
    const untrained = tmp()
    await runGen(
      untrained,
      'gan',
      'train',
      '--steps',
      '2',
      '--count',
      '500',
      '--eval-count',
      '300',
      '--ema',
      '0',
    )
    const noise = await runGen(
      tmp(),
      'gan',
      'eval',
      '--weights',
      join(untrained, 'weights.safetensors'),
      '--count',
      '300',
    )
    expect(noise.frechetDistance as number).toBeGreaterThan(2 * fd)
  }, 180_000)

  it('train, killed mid-way and resumed, ends with the same weights as an uninterrupted run', async () => {
    const args = [
      ...['gan', 'train', '--steps', '8', '--checkpoint-every', '2', '--count', '2000'],
      ...['--batch-size', '16', '--eval-count', '100', '--quiet'],
    ]
    const straight = tmp()
    expect(await spawnGen([...args, '--out', straight]).exited).toBe(0)
    const interrupted = tmp()
    const { child, exited } = spawnGen([...args, '--out', interrupted])
    const checkpoint = join(interrupted, 'checkpoint.safetensors')
    await waitForFile(checkpoint)
    child.kill('SIGKILL')
    await exited
    const { step, checkpoint: state } = decodeGanCheckpoint(new Uint8Array(readFileSync(checkpoint)))
    expect(state).toBeDefined()
    expect(step).toBeGreaterThan(0)
    expect(step).toBeLessThan(8)
    expect(existsSync(join(interrupted, 'weights.safetensors'))).toBe(false)
    expect(await spawnGen([...args, '--resume', '--out', interrupted]).exited).toBe(0)
    expect(readFileSync(join(interrupted, 'weights.safetensors'))).toEqual(
      readFileSync(join(straight, 'weights.safetensors')),
    )
  }, 240_000)

  it('train: a conditional WGAN-GP MLP trains, and sample --digit asks it for one digit', async () => {
    const out = tmp()
    const trained = await runGen(
      out,
      ...['gan', 'train', '--arch', 'mlp', '--objective', 'wgan-gp', '--conditional'],
      ...['--steps', '3', '--count', '1000', '--eval-count', '100', '--hidden', '64'],
    )
    const config = trained.config as { kind: string; numClasses: number }
    expect(config).toMatchObject({ kind: 'mlp', numClasses: 10 })
    const history = trained.history as { gradient_penalty: number }[]
    expect(history.length).toBeGreaterThan(0)
    // the critic's gradient penalty is a mean of squares: positive, finite
    for (const h of history) expect(h.gradient_penalty).toBeGreaterThan(0)
    const sampled = await runGen(
      tmp(),
      ...['gan', 'sample', '--weights', join(out, 'weights.safetensors'), '--digit', '3', '--count', '20'],
    )
    expect(typeof sampled.labelAccuracy).toBe('number')
    expect((sampled.digitCounts as number[]).reduce((a, b) => a + b, 0)).toBe(20)
  }, 180_000)
})
