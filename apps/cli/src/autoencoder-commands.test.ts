// gen vae|ae|dae end to end with small settings: training improves the test ELBO and resumes
// exactly from its epoch checkpoint, the shipped VAE's bounds keep their order, samples and
// maps decode, and a DAE's masked inputs have the PSNR masking implies.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadMnist } from '@gen/datasets/node'
import { decodePng } from '@gen/viz'
import { describe, expect, it } from 'vitest'
import { runGen, spawnGen } from './testing/run-gen.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-ae-'))
const sheetSize = (file: string) => {
  const png = decodePng(readFileSync(file))
  return [png.width, png.height]
}
// tiles of 56 px (28 at 2x) with 2 px gaps
const grid = (columns: number, rows: number) => [columns * 56 + (columns - 1) * 2, rows * 56 + (rows - 1) * 2]

describe('gen vae', () => {
  it('train: the test ELBO improves over epochs, between the uniform model and zero', async () => {
    const out = tmp()
    const result = await runGen(
      out,
      ...['vae', 'train', '--count', '2000', '--epochs', '2', '--test-count', '300', '--hidden', '100'],
    )
    const epochs = result.epochs as { epoch: number; test_elbo: number; test_rec: number; test_kl: number }[]
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(epochs[1].test_elbo).toBeGreaterThan(epochs[0].test_elbo)
    for (const e of epochs) {
      // a Bernoulli decoder that learned anything beats p = 1/2 per pixel: 784 ln 2 = 543.4 nats
      expect(e.test_elbo).toBeGreaterThan(-784 * Math.LN2)
      expect(e.test_elbo).toBeLessThan(0)
      expect(e.test_kl).toBeGreaterThan(0)
      expect(e.test_elbo).toBeCloseTo(e.test_rec - e.test_kl, 6)
    }
    const sidecar = JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8')) as Record<string, unknown>
    expect(sidecar).toMatchObject({
      kind: 'gen-autoencoder',
      config: { kind: 'vae', latentDim: 20 },
      epochs: 2,
    })
    expect(sheetSize(join(out, 'samples.png'))).toEqual(grid(10, 7))
    expect(sheetSize(join(out, 'reconstructions.png'))).toEqual(grid(10, 2))
  }, 120_000)

  it('ae train stops when log p(x | x̂) falls below twice the coin-flip −784 ln 2 (--lr 10)', async () => {
    await expect(
      runGen(tmp(), 'ae', 'train', '--count', '500', '--epochs', '1', '--test-count', '100', '--lr', '10'),
    ).rejects.toThrow(
      /^training diverged: (train|test) log p\(x \| x̂\) -[\d.e+]+ nats at step \d+, below twice the -543.4 of a coin flip per pixel; lower --lr \(got 10\)$/,
    )
  }, 120_000)

  it('train --resume after epoch 1 ends with the same weights as a straight 2-epoch run', async () => {
    const args = ['vae', 'train', '--count', '1000', '--test-count', '100', '--hidden', '50', '--quiet']
    const straight = tmp()
    const resumed = tmp()
    // child processes, so both read the same package sources
    expect(await spawnGen([...args, '--epochs', '2', '--out', straight]).exited).toBe(0)
    expect(await spawnGen([...args, '--epochs', '1', '--out', resumed]).exited).toBe(0)
    expect(await spawnGen([...args, '--epochs', '2', '--resume', '--out', resumed]).exited).toBe(0)
    expect(readFileSync(join(resumed, 'weights.safetensors'))).toEqual(
      readFileSync(join(straight, 'weights.safetensors')),
    )
    const history = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { epochs: unknown[] }).epochs
    expect(history(resumed)).toHaveLength(2)
    expect(history(resumed)).toEqual(history(straight))
  }, 180_000)

  it('eval: the shipped VAE has ELBO = rec − KL ≤ IWAE ≤ 0 on binarised test digits', async () => {
    const result = await runGen(tmp(), 'vae', 'eval', '--count', '200', '--iwae', '20')
    const { elbo, rec, kl, iwae, iwaeStdErr } = result as Record<string, number>
    expect(elbo).toBeCloseTo(rec - kl, 6)
    expect(kl).toBeGreaterThan(0)
    // L_1 ≤ L_20 in expectation; the gap of a trained VAE is a few nats, never tens
    expect(iwae).toBeGreaterThan(elbo)
    expect(iwae - elbo).toBeLessThan(15)
    expect(iwae).toBeLessThan(0)
    expect(iwaeStdErr).toBeGreaterThan(0)
    // a 784-400-20 VAE on binarised MNIST sits between −130 and −85 nats per image
    expect(elbo).toBeGreaterThan(-130)
    expect(iwae).toBeLessThan(-85)
  }, 120_000)

  it('sample: prior samples of the shipped VAE are read as most of the ten digits', async () => {
    const out = tmp()
    const result = await runGen(out, 'vae', 'sample', '--count', '100')
    expect(result.digitsSeen as number).toBeGreaterThanOrEqual(7)
    expect(result.classEntropy as number).toBeGreaterThan(1.6)
    expect(sheetSize(join(out, 'samples.png'))).toEqual(grid(10, 10))
  }, 120_000)

  it('latent: digits cluster in the shipped VAE’s 20-D codes', async () => {
    const out = tmp()
    const result = await runGen(out, 'vae', 'latent', '--count', '500')
    expect(result.method).toBe('pca')
    // 5-NN on codes of a trained VAE: far above the 10% of chance
    expect(result.knnAccuracyCode as number).toBeGreaterThan(0.8)
    expect(result.knnAccuracyMap as number).toBeGreaterThan(0.2)
    expect(readFileSync(join(out, 'latent.svg'), 'utf8')).toMatch(/^<svg/)
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(501)
  }, 120_000)
})

describe('gen ae and dae', () => {
  it('ae with a 2-D code: latent maps it directly', async () => {
    const trained = tmp()
    await runGen(
      trained,
      'ae',
      'train',
      '--latent',
      '2',
      '--count',
      '2000',
      '--epochs',
      '1',
      '--test-count',
      '200',
    )
    const result = await runGen(
      tmp(),
      'ae',
      'latent',
      '--weights',
      join(trained, 'weights.safetensors'),
      '--count',
      '300',
    )
    expect(result.method).toBe('identity')
    expect(result.latentDim).toBe(2)
    expect(result.knnAccuracyMap).toBe(result.knnAccuracyCode)
  }, 120_000)

  it('dae: masked inputs have PSNR −10 log10(0.3 · mean x²), and the trained DAE beats a blank guess', async () => {
    const trained = tmp()
    const train = await runGen(
      trained,
      'dae',
      'train',
      '--count',
      '3000',
      '--epochs',
      '1',
      '--test-count',
      '200',
    )
    const weights = join(trained, 'weights.safetensors')
    const result = await runGen(tmp(), 'dae', 'eval', '--weights', weights, '--count', '500')
    // masking zeroes each pixel with probability 0.3, so E[(x − x̃)²] = 0.3 · E[x²]
    const { test } = await loadMnist()
    let squares = 0
    for (let i = 0; i < 500 * 784; i++) squares += (test.images[i] / 255) ** 2
    const expected = -10 * Math.log10((0.3 * squares) / (500 * 784))
    // ~75,000 inked pixels: the masked share's relative standard error is ~0.6%, 0.025 dB
    expect(Math.abs((result.inputPsnr as number) - expected)).toBeLessThan(0.15)
    // an all-black reconstruction has PSNR −10 log10(E[x²]); any trained DAE does better
    const blank = -10 * Math.log10(squares / (500 * 784))
    expect(result.denoisedPsnr as number).toBeGreaterThan(blank)
    expect(result.rec as number).toBeLessThan(0)
    expect(train.testElbo as number).toBeLessThan(0)
    const sampled = await runGen(tmp(), 'dae', 'sample', '--weights', weights, '--count', '20')
    expect(sampled.psnr as number).toBeGreaterThan(blank)
  }, 180_000)
})
