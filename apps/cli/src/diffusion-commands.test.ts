// gen diffusion end to end with small settings: each family trains on a toy set and its
// samples land near the data (energy distance well below the fitted Gaussian's, the 8 modes
// hit), every sampler of a DDPM model draws from the same weights, a run killed mid-way
// resumes to the same weights as an uninterrupted one, and a sampler of another family is
// refused before anything is written.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeDenoiserCheckpoint } from '@gen/diffusion'
import { decodePng } from '@gen/viz'
import { describe, expect, it } from 'vitest'
import { runGen, spawnGen, waitForFile } from './testing/run-gen.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'gen-diffusion-'))
const csvRows = (path: string) => readFileSync(path, 'utf8').trim().split('\n')
/** `gen ...args` as a child process: its exit code and its stderr lines. */
function genProcess(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--conditions=@gen/source', '--import', 'tsx', join(import.meta.dirname, 'main.ts'), ...args],
    { encoding: 'utf8', timeout: 60_000 },
  )
  const stderr = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning'))
  return { status: run.status, stdout: run.stdout, stderr }
}

describe('gen diffusion', () => {
  it('train --method flow: 8 Gaussians learnt in 600 steps, with checkpoint, sidecar, CSVs and pictures', async () => {
    const out = tmp()
    const result = await runGen(out, ...['diffusion', 'train', '--method', 'flow', '--steps', '600'])
    expect(result).toMatchObject({ data: 'eight-gaussians', method: 'flow', sampler: 'heun', count: 1000 })
    // a model that learnt only the mean and covariance scores 1; measured 0.10, 8 modes
    expect(result.energyRatio as number).toBeLessThan(0.3)
    expect(result.energyDistance as number).toBeGreaterThan(-0.01)
    expect(result.modesHit as number).toBeGreaterThanOrEqual(7)
    expect((result.modeCounts as number[]).length).toBe(8)
    const history = result.history as { step: number; loss: number }[]
    expect(history.at(-1)?.step).toBe(600)
    // flow matching's loss starts near E|x₁ − x₀|² = 2 + 2.01 and falls
    expect(history.at(-1)?.loss).toBeLessThan(history[0].loss)
    expect(csvRows(join(out, 'metrics.csv'))[0]).toBe('step,loss,gradient_norm')
    const samples = csvRows(join(out, 'samples.csv'))
    expect(samples[0]).toBe('x,y')
    expect(samples).toHaveLength(1001)
    const sidecar = JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8')) as Record<string, unknown>
    expect(sidecar).toMatchObject({
      kind: 'gen-diffusion-toy',
      method: 'flow',
      data: 'eight-gaussians',
      steps: 600,
      weights: 'ema',
      config: { kind: 'mlp', dataDim: 2, hidden: [64, 64, 64] },
    })
    expect(
      decodeDenoiserCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.safetensors')))).step,
    ).toBe(600)
    const png = decodePng(readFileSync(join(out, 'samples.png')))
    expect([png.width, png.height]).toEqual([320, 320])
    expect(readFileSync(join(out, 'samples.svg'), 'utf8')).toContain('samples')
  }, 180_000)

  it('sample: every sampler of a DDPM model draws near the data from the same weights', async () => {
    const trained = tmp()
    await runGen(
      trained,
      ...['diffusion', 'train', '--method', 'ddpm', '--steps', '600', '--eval-count', '200'],
    )
    for (const [sampler, steps] of [
      ['ddpm', '100'],
      ['ddim', '50'],
      ['euler', '50'],
      ['heun', '25'],
      ['dpm-solver', '20'],
    ]) {
      const out = tmp()
      const result = await runGen(
        out,
        ...[
          'diffusion',
          'sample',
          '--weights',
          trained,
          '--sampler',
          sampler,
          '--steps',
          steps,
          '--count',
          '500',
        ],
      )
      expect(result).toMatchObject({ method: 'ddpm', sampler, samplerSteps: Number(steps), count: 500 })
      // measured 0.12 (ddpm) to 0.33 (dpm-solver) of the fitted Gaussian's distance
      expect(result.energyRatio as number, sampler).toBeLessThan(0.6)
      expect(result.modesHit as number, sampler).toBeGreaterThanOrEqual(7)
      expect(csvRows(join(out, 'samples.csv'))).toHaveLength(501)
      expect(csvRows(join(out, 'metrics.csv'))).toHaveLength(2)
    }
  }, 240_000)

  it('train --method score on two moons, sampled by annealed Langevin; checkerboard and swiss roll run', async () => {
    const score = await runGen(
      tmp(),
      ...[
        'diffusion',
        'train',
        '--method',
        'score',
        '--data',
        'two-moons',
        '--steps',
        '600',
        '--eval-count',
        '500',
      ],
    )
    expect(score).toMatchObject({ method: 'score', sampler: 'langevin', samplerSteps: 50 })
    expect(score.energyRatio as number).toBeLessThan(0.5)
    expect(score.modesHit).toBeUndefined()
    for (const data of ['checkerboard', 'swiss-roll']) {
      const result = await runGen(
        tmp(),
        ...['diffusion', 'train', '--data', data, '--steps', '50', '--width', '16', '--eval-count', '100'],
      )
      expect(result.data).toBe(data)
      expect(Number.isFinite(result.energyDistance)).toBe(true)
    }
  }, 240_000)

  it('train --conditional and sample --class: guidance draws one mode of 8 Gaussians', async () => {
    const trained = tmp()
    const uncond = await runGen(
      trained,
      ...['diffusion', 'train', '--conditional', '--steps', '800', '--eval-count', '300'],
    )
    expect(uncond.config).toMatchObject({ numClasses: 8 })
    const fractions: number[] = []
    for (const guidance of ['1', '3']) {
      const result = await runGen(
        tmp(),
        ...[
          'diffusion',
          'sample',
          '--weights',
          trained,
          '--class',
          '2',
          '--guidance',
          guidance,
          '--count',
          '300',
        ],
      )
      expect(result).toMatchObject({ class: 2, guidance: Number(guidance), modesHit: 1 })
      // mode 2 sits at (0, 2); measured 92% of the samples within 3σ of it at w = 1, 100% at w = 3
      expect(result.classFraction as number).toBeGreaterThan(0.8)
      expect((result.modeCounts as number[])[2]).toBeGreaterThan(240)
      fractions.push(result.classFraction as number)
    }
    expect(fractions[1]).toBeGreaterThanOrEqual(fractions[0])
  }, 120_000)

  it('sample refuses a sampler of another family, before writing anything', async () => {
    const trained = tmp()
    await runGen(trained, ...['diffusion', 'train', '--steps', '20', '--width', '8', '--eval-count', '50'])
    const out = join(tmp(), 'x')
    await expect(
      runGen(
        out,
        ...['diffusion', 'sample', '--weights', join(trained, 'weights.safetensors'), '--sampler', 'ddpm'],
      ),
    ).rejects.toThrow(/^--sampler: a flow-matching model samples with euler, heun, got ddpm$/)
    await expect(
      runGen(out, ...['diffusion', 'sample', '--weights', trained, '--class', '3']),
    ).rejects.toThrow(
      /^--class: .*weights.safetensors holds an unconditional model \(train one with --conditional\), got --class 3$/,
    )
    await expect(
      runGen(out, ...['diffusion', 'sample', '--weights', trained, '--guidance', '2']),
    ).rejects.toThrow(/^--guidance: needs --class, the mode to guide towards, got --guidance 2$/)
    expect(existsSync(out)).toBe(false)
  }, 60_000)

  it('train stops on a blown-up loss instead of reporting it (--lr 10: infinite gradient at step 2)', async () => {
    await expect(
      runGen(tmp(), ...['diffusion', 'train', '--lr', '10', '--steps', '50', '--eval-count', '50']),
    ).rejects.toThrow(
      /^training diverged: loss [\d.e+]+, gradient norm \S+ at step \d+; lower --lr \(got 10\)$/,
    )
  }, 60_000)

  it('train --resume with other options names each option that differs from the checkpoint', async () => {
    const out = tmp()
    const args = ['diffusion', 'train', '--steps', '10', '--width', '8', '--eval-count', '20']
    await runGen(out, ...args)
    const resume = (...more: string[]) =>
      runGen(out, ...args.slice(0, 3), '20', ...args.slice(4), '--resume', ...more)
    await expect(resume('--width', '16')).rejects.toThrow(
      /^--resume: --width differs from the checkpoint's \(8\), got 16; use the first run's options$/,
    )
    await expect(resume('--lr', '0.01', '--seed', '2', '--data', 'two-moons')).rejects.toThrow(
      /^--resume: --data differs from the checkpoint's \(eight-gaussians\), got two-moons; --lr differs from the checkpoint's \(0.003\), got 0.01; --seed differs from the checkpoint's \(1\), got 2; use the first run's options$/,
    )
    await expect(resume('--conditional')).rejects.toThrow(
      /^--resume: --conditional differs from the checkpoint's \(not given\), got given; use the first run's options$/,
    )
  }, 60_000)

  it('train run again into a finished run without --resume starts over, as every train command does', async () => {
    const out = tmp()
    const args = ['diffusion', 'train', '--width', '8', '--eval-count', '20']
    await runGen(out, ...args, '--steps', '20')
    const again = await runGen(out, ...args, '--steps', '10', '--seed', '2')
    expect(again).toMatchObject({ steps: 10, seed: 2 })
    const checkpoint = new Uint8Array(readFileSync(join(out, 'checkpoint.safetensors')))
    expect(decodeDenoiserCheckpoint(checkpoint).step).toBe(10)
    expect(JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8'))).toMatchObject({
      steps: 10,
      settings: { seed: 2 },
    })
    expect(csvRows(join(out, 'metrics.csv')).at(-1)).toMatch(/^10,/)
  }, 60_000)

  it('one step, one point: singular nouns; a legend on samples.png; the guided title; gradient_norm', async () => {
    const out = tmp()
    const run = genProcess(
      ...['diffusion', 'train', '--conditional', '--steps', '1', '--count', '1', '--batch-size', '1'],
      ...['--width', '8', '--sample-steps', '1', '--eval-count', '2', '--out', out],
    )
    expect(run.status, run.stderr.join('\n')).toBe(0)
    expect(run.stderr[0]).toMatch(
      /^diffusion train: flow on 1 point of eight-gaussians, .* 1 step of batch 1$/,
    )
    // the sampler's own updates, no stray %: heun makes 2 model calls a step, counted as 1 update
    expect(run.stderr.filter((l) => l.startsWith('sample ('))).toContainEqual(
      expect.stringMatching(/^sample \(heun\): 1\/1 \(100%\)/),
    )
    expect(run.stdout).toMatch(/after 1 step \(loss .*; 2 samples \(heun, 1 step\): /)
    expect(csvRows(join(out, 'metrics.csv'))[0]).toBe('step,loss,gradient_norm')
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
      history: Record<string, number>[]
    }
    expect(Object.keys(metrics.history[0])).toEqual(['step', 'loss', 'gradient_norm'])
    // the legend's blue square (samples) above its orange one (data), top left
    const png = decodePng(readFileSync(join(out, 'samples.png')))
    const rgb = (x: number, y: number) => [
      ...png.data.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3),
    ]
    expect(rgb(12, 12)).toEqual([31, 119, 180])
    expect(rgb(12, 26)).toEqual([255, 187, 120])
    const guided = tmp()
    await runGen(
      guided,
      ...['diffusion', 'sample', '--weights', out, '--class', '2', '--guidance', '3'],
      ...['--count', '2', '--steps', '1'],
    )
    expect(readFileSync(join(guided, 'samples.svg'), 'utf8')).toContain(
      'flow on eight-gaussians, heun 1 step, class 2 at guidance 3',
    )
  }, 60_000)

  it('a diverging Langevin sample fails with one line and leaves no empty --out folder', async () => {
    const trained = tmp()
    await runGen(
      trained,
      ...['diffusion', 'train', '--method', 'score', '--steps', '10', '--width', '8', '--eval-count', '20'],
    )
    const out = join(tmp(), 'a', 'b')
    const run = genProcess(
      ...['diffusion', 'sample', '--weights', trained, '--step-size', '10', '--count', '20', '--steps', '2'],
      ...['--out', out, '--quiet'],
    )
    expect(run.status).toBe(1)
    expect(run.stderr).toEqual([
      expect.stringMatching(/^gen: sampling diverged: sample \d+ is \S+; lower --step-size$/),
    ])
    // both folders it made are gone; the one that existed before stays
    expect(existsSync(join(out, '..'))).toBe(false)
    expect(existsSync(join(out, '..', '..'))).toBe(true)
  }, 60_000)

  it('train, interrupted by Ctrl-C, says where it stopped and where the checkpoint is; exit code 130', async () => {
    const out = tmp()
    const child = spawn(
      process.execPath,
      [
        ...['--conditions=@gen/source', '--import', 'tsx', join(import.meta.dirname, 'main.ts')],
        ...['diffusion', 'train', '--steps', '100000', '--checkpoint-every', '20', '--width', '8'],
        ...['--batch-size', '16', '--count', '100', '--quiet', '--out', out],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const checkpoint = join(out, 'checkpoint.safetensors')
    await waitForFile(checkpoint)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning'))
    expect(lines).toHaveLength(1)
    const said =
      /^gen: interrupted at step (\d+) of 100000; the checkpoint \(step (\d+)\) is in (.+); rerun with the same options and --resume to continue$/.exec(
        lines[0],
      )
    expect(said, lines[0]).not.toBeNull()
    const [reached, saved] = [Number(said?.[1]), Number(said?.[2])]
    expect(said?.[3]).toBe(out)
    expect(decodeDenoiserCheckpoint(new Uint8Array(readFileSync(checkpoint))).step).toBe(saved)
    expect(saved % 20).toBe(0)
    expect(reached).toBeGreaterThanOrEqual(saved)
    expect(reached).toBeLessThan(saved + 20)
    expect(existsSync(join(out, 'weights.safetensors'))).toBe(false)
  }, 90_000)

  it('train, killed mid-way and resumed, ends with the same weights as an uninterrupted run', async () => {
    const args = [
      ...['diffusion', 'train', '--method', 'ddpm', '--steps', '1500', '--checkpoint-every', '100'],
      ...['--width', '32', '--batch-size', '64', '--eval-count', '100', '--quiet'],
    ]
    const straight = tmp()
    expect(await spawnGen([...args, '--out', straight]).exited).toBe(0)
    const interrupted = tmp()
    const { child, exited } = spawnGen([...args, '--out', interrupted])
    const checkpoint = join(interrupted, 'checkpoint.safetensors')
    await waitForFile(checkpoint)
    child.kill('SIGKILL')
    await exited
    const { step } = decodeDenoiserCheckpoint(new Uint8Array(readFileSync(checkpoint)))
    expect(step).toBeGreaterThan(0)
    expect(step).toBeLessThan(1500)
    expect(existsSync(join(interrupted, 'weights.safetensors'))).toBe(false)
    expect(await spawnGen([...args, '--resume', '--out', interrupted]).exited).toBe(0)
    for (const file of ['weights.safetensors', 'checkpoint.safetensors', 'samples.csv'])
      expect(readFileSync(join(interrupted, file)), file).toEqual(readFileSync(join(straight, file)))
    // the resumed run's loss history is the uninterrupted one's
    expect(readFileSync(join(interrupted, 'metrics.csv'), 'utf8')).toBe(
      readFileSync(join(straight, 'metrics.csv'), 'utf8'),
    )
  }, 240_000)
})
