// gen rbm end to end with small settings: training reaches a checkpoint that resumes bit for
// bit after a SIGKILL, eval's AIS agrees with the exact ln Z of a small RBM, and samples decode
// to sheets of the right size that LeNet reads as digits.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeRbmCheckpoint, rbmAverageLogLikelihood, rbmLogPartition } from '@gen/boltzmann'
import { loadMnist } from '@gen/datasets/node'
import { decodePng } from '@gen/viz'
import { describe, expect, it } from 'vitest'
import { binarizedSplit, shippedRbmPath, TEST_BINARIZATION_SEED } from './commands/rbm.ts'
import { runGen, spawnGen, waitForFile } from './testing/run-gen.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-rbm-'))
const readRbm = (path: string) => decodeRbmCheckpoint(new Uint8Array(readFileSync(path)))

// 3000 images at batch 100: 30 CD-1 steps per epoch, 5 epochs
const trainArgs = ['rbm', 'train', '--count', '3000', '--hidden', '20', '--epochs', '5']

describe('gen rbm', () => {
  it('train: the pseudo-log-likelihood rises over epochs and the files decode', async () => {
    const out = tmp()
    const result = await runGen(out, ...trainArgs)
    const epochs = result.epochs as {
      epoch: number
      pseudo_likelihood: number
      reconstruction_error: number
    }[]
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5])
    // from the base-rate start (about −200 nats) a 784-20 RBM learns: PL and the error improve
    expect(epochs[4].pseudo_likelihood).toBeGreaterThan(epochs[0].pseudo_likelihood)
    expect(epochs[4].reconstruction_error).toBeLessThan(epochs[0].reconstruction_error)
    const sidecar = JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8')) as Record<string, unknown>
    expect(sidecar).toMatchObject({
      kind: 'gen-boltzmann-rbm',
      config: { numVisible: 784, numHidden: 20 },
      epochs: 5,
    })
    const { rbm } = readRbm(join(out, 'weights.safetensors'))
    expect([rbm.numVisible, rbm.numHidden]).toEqual([784, 20])
    const filters = decodePng(readFileSync(join(out, 'filters.png')))
    // 20 tiles of 56 px (28 at 2x) in 10 columns with 1 px gaps
    expect(filters.width).toBe(10 * 56 + 9)
    expect(decodePng(readFileSync(join(out, 'reconstructions.png'))).width).toBe(10 * 56 + 9 * 2)
  }, 120_000)

  it('train, killed mid-way and resumed, ends with the same weights as an uninterrupted run', async () => {
    // both runs in child processes, so both read the same package sources
    const straight = tmp()
    expect(await spawnGen([...trainArgs, '--out', straight, '--quiet']).exited).toBe(0)
    const interrupted = tmp()
    const { child, exited } = spawnGen([...trainArgs, '--out', interrupted, '--quiet'])
    const checkpoint = join(interrupted, 'checkpoint.safetensors')
    await waitForFile(checkpoint)
    child.kill('SIGKILL')
    await exited
    const epoch = Number(readRbm(checkpoint).metadata.epoch)
    expect(epoch).toBeGreaterThan(0)
    expect(epoch).toBeLessThan(5)
    expect(existsSync(join(interrupted, 'weights.safetensors'))).toBe(false)
    expect(await spawnGen([...trainArgs, '--resume', '--out', interrupted, '--quiet']).exited).toBe(0)
    expect(readFileSync(join(interrupted, 'weights.safetensors'))).toEqual(
      readFileSync(join(straight, 'weights.safetensors')),
    )
    // the resumed run's metrics hold every epoch, the same numbers (timings aside)
    const epochs = (dir: string) =>
      (
        JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { epochs: Record<string, number>[] }
      ).epochs.map(({ seconds: _, ...row }) => row)
    expect(epochs(interrupted)).toEqual(epochs(straight))
  }, 180_000)

  it('eval: AIS ln Z of a 784-20 RBM within 5 standard errors of its exact ln Z', async () => {
    const trained = tmp()
    await runGen(trained, 'rbm', 'train', '--count', '2000', '--hidden', '20', '--epochs', '2')
    const weights = join(trained, 'weights.safetensors')
    const result = await runGen(
      tmp(),
      'rbm',
      'eval',
      '--weights',
      weights,
      '--count',
      '200',
      '--ais-runs',
      '40',
      '--ais-temperatures',
      '300',
    )
    const { rbm } = readRbm(weights)
    const exact = rbmLogPartition(rbm) // 2^20 hidden states, summed exactly
    const logZ = result.logZ as number
    const stdErr = result.logZStdErr as number
    expect(stdErr).toBeGreaterThan(0)
    // AIS is unbiased in Z, so ln Ẑ sits within a few σ (plus a little Jensen bias below)
    expect(Math.abs(logZ - exact)).toBeLessThan(5 * stdErr + 0.05)
    expect(result.effectiveSampleSize).toBeGreaterThan(2)
    const { test } = await loadMnist()
    const exactNats = rbmAverageLogLikelihood(
      rbm,
      binarizedSplit(test.images, 200, TEST_BINARIZATION_SEED),
    ).nats
    expect(Math.abs((result.logLikelihood as number) - exactNats)).toBeLessThan(5 * stdErr + 0.05)
    // PL (a sum of 784 conditionals) is far above ln p(v) for MNIST, and both are negative
    expect(result.pseudoLikelihood as number).toBeLessThan(0)
    expect(result.reconstructionError as number).toBeGreaterThan(0)
    expect(result.reconstructionError as number).toBeLessThan(784)
  }, 180_000)

  it('sample: the shipped RBM one Gibbs step from test digits still shows those digits', async () => {
    const out = tmp()
    const result = await runGen(out, 'rbm', 'sample', '--start', 'data', '--steps', '1', '--count', '40')
    // one up-down pass of a trained RBM is a reconstruction: LeNet reads most as the start digit
    expect(result.startLabelAgreement as number).toBeGreaterThan(0.7)
    expect(result.digitsSeen as number).toBeGreaterThanOrEqual(6)
    const sheet = decodePng(readFileSync(join(out, 'samples.png')))
    expect([sheet.width, sheet.height]).toEqual([10 * 56 + 9 * 2, 4 * 56 + 3 * 2])
  }, 120_000)

  it('relative --weights and --out are taken from INIT_CWD (where `pnpm gen` ran), not apps/cli', () => {
    const user = tmp()
    copyFileSync(shippedRbmPath(), join(user, 'mine.safetensors'))
    const gen = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--conditions=@gen/source', '--import', 'tsx', join(import.meta.dirname, 'main.ts'), ...args],
        // what `pnpm gen` does: the process runs in apps/cli, INIT_CWD names the user's directory
        { cwd: join(import.meta.dirname, '..'), env: { ...process.env, INIT_CWD: user }, encoding: 'utf8' },
      )
    const run = gen(
      'rbm',
      'sample',
      '--weights',
      'mine.safetensors',
      '--count',
      '4',
      '--steps',
      '2',
      '--out',
      'o',
      '--json',
    )
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout) as { files: string[] }
    expect(result.files.every((f) => f.startsWith(join(user, 'o')))).toBe(true)
    expect(readdirSync(join(user, 'o'))).toContain('metrics.json')
    expect(existsSync(join(import.meta.dirname, '..', 'o'))).toBe(false)
    // and a missing relative file is named where it was looked for
    const missing = gen('rbm', 'sample', '--weights', 'nope.safetensors', '--out', 'p')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain(`gen: --weights: no such file ${join(user, 'nope.safetensors')}`)
    expect(existsSync(join(user, 'p'))).toBe(false)
  }, 60_000)

  it('eval: an AIS band reaching Z = 0 is written as "-Infinity" in metrics.json, not null', async () => {
    // two runs of 10 temperatures on the 784-500 RBM: one weight dominates (ESS ≈ 1), so 3σ̂ ≥ Ẑ
    const result = await runGen(
      tmp(),
      'rbm',
      'eval',
      '--ais-runs',
      '2',
      '--ais-temperatures',
      '10',
      '--count',
      '10',
    )
    const interval = result.logZInterval as { lower: number | string; upper: number }
    expect(result.effectiveSampleSize as number).toBeLessThan(1.5)
    expect(interval.lower).toBe('-Infinity')
    expect(interval.upper).toBeGreaterThan(result.logZ as number)
  }, 120_000)

  it('sample: chains from noise give a sheet of 64 with ink in it', async () => {
    const out = tmp()
    const result = await runGen(out, 'rbm', 'sample', '--steps', '20')
    expect(result.count).toBe(64)
    // MNIST's mean pixel is 0.13; an RBM's p(v | h) sits near it, never all black or all white
    expect(result.meanPixel as number).toBeGreaterThan(0.03)
    expect(result.meanPixel as number).toBeLessThan(0.5)
    const sheet = decodePng(readFileSync(join(out, 'samples.png')))
    expect([sheet.width, sheet.height]).toEqual([10 * 56 + 9 * 2, 7 * 56 + 6 * 2])
  }, 120_000)
})
