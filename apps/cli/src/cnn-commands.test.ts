// gen cnn end to end with tiny settings, and the CLI's interrupt-and-resume promise: a training
// run killed mid-way resumes from its checkpoint and ends with the same weights, byte for byte,
// as an uninterrupted run with the same seed.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCheckpoint } from '@gen/cnn/node'
import { describe, expect, it } from 'vitest'
import { genJson } from './testing/run-gen.ts'

const main = join(import.meta.dirname, 'main.ts')

const gen = genJson

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-cnn-'))
// 256 images at batch 32: 8 steps per epoch, 16 in all, a checkpoint every 2
const trainArgs = [
  'cnn',
  'train',
  '--count',
  '256',
  '--batch-size',
  '32',
  '--epochs',
  '2',
  '--test-count',
  '200',
]

describe('gen cnn', () => {
  it('eval: the shipped LeNet-5 scores above 98% on 1000 test digits', async () => {
    const result = await gen(tmp(), 'cnn', 'eval', '--count', '1000')
    expect(result.accuracy).toBeGreaterThan(0.98)
    expect(result.testImages).toBe(1000)
  }, 120_000)

  it('receptive-field: the measured field of every LeNet-5 layer equals the analytic one', async () => {
    const result = await gen(tmp(), 'cnn', 'receptive-field')
    const layers = result.layers as { size: number; jump: number; agree: number }[]
    expect(layers.map((l) => [l.size, l.jump])).toEqual([
      [5, 1],
      [5, 1],
      [6, 2],
      [14, 2],
      [14, 2],
      [16, 4],
      [32, 4],
      [32, 4],
    ])
    expect(layers.every((l) => l.agree === 1)).toBe(true)
  }, 120_000)

  it('eval refuses a file that is not a checkpoint, naming --weights', async () => {
    const dir = tmp()
    const junk = join(dir, 'junk.safetensors')
    writeFileSync(junk, Buffer.from('not a safetensors file at all'))
    await expect(gen(join(dir, 'out'), 'cnn', 'eval', '--weights', junk)).rejects.toThrow(
      /^--weights: .*junk.safetensors is not a gen-cnn checkpoint/,
    )
    expect(existsSync(join(dir, 'out'))).toBe(false)
  }, 60_000)

  it('train stops on a diverged loss instead of reporting Infinity', async () => {
    await expect(
      gen(tmp(), 'cnn', 'train', '--count', '128', '--batch-size', '32', '--test-count', '50', '--lr', '1e6'),
    ).rejects.toThrow(/^training diverged: loss (Infinity|NaN) at step \d+; lower --lr \(got 1000000\)$/)
  }, 120_000)

  it('train, killed mid-way and resumed, ends with the same weights as an uninterrupted run', async () => {
    const straight = tmp()
    await gen(straight, ...trainArgs, '--checkpoint-every', '2')

    const interrupted = tmp()
    const child = spawn(
      process.execPath,
      [
        '--conditions=@gen/source',
        '--import',
        'tsx',
        main,
        ...trainArgs,
        '--checkpoint-every',
        '2',
        '--out',
        interrupted,
        '--quiet',
      ],
      { stdio: 'ignore' },
    )
    const checkpoint = join(interrupted, 'checkpoint.safetensors')
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    for (let waited = 0; !existsSync(checkpoint); waited += 50) {
      if (waited > 90_000) throw new Error('no checkpoint appeared within 90 s')
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill('SIGKILL')
    await exited
    const { step } = await readCheckpoint(checkpoint)
    expect(step).toBeGreaterThan(0)
    expect(step).toBeLessThan(16)
    expect(existsSync(join(interrupted, 'weights.safetensors'))).toBe(false)

    const resumed = await gen(interrupted, ...trainArgs, '--checkpoint-every', '2', '--resume')
    expect(resumed.testAccuracy).toBeGreaterThan(0.1)
    expect(readFileSync(join(interrupted, 'weights.safetensors'))).toEqual(
      readFileSync(join(straight, 'weights.safetensors')),
    )
  }, 300_000)
})
