// Bad input gives one line that names the problem, a non-zero exit, and writes nothing.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vaeWeightsPath } from '@gen/autoencoder/node'
import { dcganWeightsPath } from '@gen/gan/node'
import { describe, expect, it } from 'vitest'
import { shippedRbmPath } from './commands/rbm.ts'

const main = join(import.meta.dirname, 'main.ts')

function gen(...args: string[]) {
  const run = spawnSync(process.execPath, ['--conditions=@gen/source', '--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  const stderrLines = run.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning'))
  return { status: run.status, stdout: run.stdout, stderrLines }
}

describe('gen: bad input', () => {
  it.each([
    [['tour', '--bogus'], /unknown option '--bogus'/],
    [['tour', '--seed', '-3'], /--seed must be a non-negative integer, got -3/],
    [['tour', '--seed', 'abc'], /--seed must be a non-negative integer, got abc/],
    [['tour', '--backend', 'tpu'], /--backend.*tpu.*Allowed choices are cpu\.$/],
    [['cnn', 'eval', '--backend', 'tpu'], /--backend.*tpu.*Allowed choices are cpu, reference\.$/],
    [['tour', '--backend', 'gpu'], /--backend: the tour runs on the cpu backend only for now, got gpu/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['ising', 'scan', '--tmin', '-1'], /--tmin must be a positive number, got -1/],
    [['ising', 'scan', '--size', '0'], /--size must be a positive integer, got 0/],
    [
      ['ising', 'scan', '--tmin', '3', '--tmax', '2'],
      /--tmax must be above --tmin, got --tmin 3 and --tmax 2/,
    ],
    [['ising', 'scan', '--sweeps', '10'], /--sweeps must be at least 32/],
    [['ising', 'binder', '--sizes', '16,8'], /--sizes must increase, got 16,8/],
    [
      ['ising', 'anneal', '--backend', 'gpu'],
      /--backend: gen ising anneal runs on cpu only for now, got gpu/,
    ],
    [['hopfield', 'recall', '--noise', '1.5'], /--noise must be a number in \[0, 1\], got 1.5/],
    [['hopfield', 'capacity', '--loads', '0.1,,0.2'], /--loads must be comma-separated numbers/],
    [
      ['cnn', 'train', '--count', '100', '--batch-size', '200'],
      /--batch-size must be at most --count \(100 images\), got 200/,
    ],
    [['cnn', 'train', '--resume'], /--resume: no checkpoint to resume from at .*checkpoint.safetensors/],
    [
      ['cnn', 'eval', '--weights', '/nonexistent/w.safetensors'],
      /--weights: no such file \/nonexistent\/w.safetensors/,
    ],
    [['cnn', 'train', '--arch', 'vgg'], /--arch.*vgg.*Allowed choices are lenet5-modern/],
    [
      ['ising', 'scan', '--lattice', 'honeycomb', '--size', '3'],
      /--size 3: honeycombLattice: L must be even/,
    ],
    [['ising', 'scan', '--size', '5000'], /--size must be at most 4096 for the square lattice, got 5000/],
    [['ising', 'scan', '--tmax', '1e308'], /--tmax must be at most 100, got 1e\+308/],
    [['ising', 'scan', '--temperatures', '100000000'], /--temperatures must be at most 1000/],
    [['hopfield', 'capacity', '--size', '100000'], /--size must be at most 5000 units/],
    [['cnn', 'train', '--count', '70000'], /--count must be at most 60000, got 70000/],
    [['cnn', 'eval', '--count', '10001'], /--count must be at most 10000, got 10001/],
    [['cnn', 'eval', '--weights', '/tmp'], /--weights: \/tmp is not a file/],
    [
      ['ising', 'anneal', '--out', '/proc/gen-test-out'],
      /--out: cannot write to \/proc\/gen-test-out \(ENOENT\)/,
    ],
    [['tour', '--quick', '--full'], /option '--quick' cannot be used with option '--full'/],
    [
      ['rbm', 'train', '--count', '100', '--batch-size', '200'],
      /--batch-size must be at most --count \(100 images\), got 200/,
    ],
    [['rbm', 'train', '--momentum', '1'], /--momentum must be a number in \[0, 1\), got 1/],
    [['rbm', 'train', '--hidden', '0'], /--hidden must be a positive integer, got 0/],
    [['rbm', 'train', '--resume'], /--resume: no checkpoint to resume from at .*checkpoint.safetensors/],
    [['rbm', 'eval', '--ais-runs', '1'], /--ais-runs must be at least 2, got 1/],
    [
      ['rbm', 'eval', '--ais-schedule', 'salakhutdinov-murray', '--ais-temperatures', '10'],
      /--ais-temperatures: the salakhutdinov-murray schedule has its own 14,501 points, got --ais-temperatures 10/,
    ],
    [
      ['rbm', 'sample', '--weights', vaeWeightsPath()],
      /--weights: .*vae-784-400-20-mnist.safetensors is not a gen-boltzmann RBM checkpoint \(decodeRbmCheckpoint: bytes must be a gen-boltzmann-rbm checkpoint/,
    ],
    [['rbm', 'eval', '--count', '10001'], /--count must be at most 10000 MNIST test images, got 10001/],
    [
      ['vae', 'sample', '--weights', dcganWeightsPath()],
      /--weights: .*dcgan-mnist.safetensors is not a gen-autoencoder checkpoint/,
    ],
    [['ae', 'sample'], /--weights: gen ae sample needs a model from gen ae train \(only a VAE is shipped\)/],
    [
      ['vae', 'train', '--hidden', '200,,3'],
      /--hidden must be comma-separated integers in \[1, 4096\], got 200,,3/,
    ],
    [['dae', 'train', '--noise', '-1'], /--noise must be a non-negative number, got -1/],
    [
      ['dae', 'train', '--noise', '1.5'],
      /--noise must be a probability in \[0, 1\] for --noise-type masking, got 1.5/,
    ],
    [
      ['dae', 'train', '--noise-type', 'blur'],
      /--noise-type.*blur.*Allowed choices are masking, gaussian, saltPepper/,
    ],
    [['vae', 'latent', '--count', '5'], /--count must be at least 10 for a map, got 5/],
    [['vae', 'train', '--resume'], /--resume: no checkpoint to resume from at .*checkpoint.safetensors/],
    [
      ['gan', 'sample', '--digit', '3'],
      /--digit: .*dcgan-mnist.safetensors holds an unconditional generator, got --digit 3/,
    ],
    [['gan', 'sample', '--digit', '12'], /--digit must be one of 0-9, got 12/],
    [['gan', 'eval', '--count', '50'], /--count must be at least 100 for a Fréchet distance, got 50/],
    [['gan', 'train', '--ema', '1'], /--ema must be a number in \[0, 1\), got 1/],
    [['gan', 'train', '--objective', 'lsgan'], /--objective.*lsgan.*Allowed choices are non-saturating/],
    [['dbn', 'train', '--layers', '100,50'], /--layers must start with the 784 pixels, got 100,50/],
    [
      ['dbn', 'train', '--layers', '784,300'],
      /--layers: the shipped first layer is 784-500, got 784-300; pass --from-scratch to train it/,
    ],
    [['dbn', 'sample'], /required option '--weights <dir>' not specified/],
    [['dbn', 'sample', '--weights', '/proc'], /--weights: \/proc holds no layer-0.safetensors/],
    [
      ['bm', 'encoder', '--hidden', '1'],
      /--hidden: 1 binary units have 2 codes, fewer than the 4 patterns of --group/,
    ],
    [
      ['bm', 'encoder', '--group', '10', '--hidden', '5'],
      /--group and --hidden: 2·group \+ hidden must be at most 15 units \(exact statistics cost 2\^units per epoch\), got 25/,
    ],
    [
      ['bm', 'encoder', '--group', '8', '--hidden', '3'],
      /--group and --hidden: 2·group \+ hidden must be at most 15 units .*, got 19/,
    ],
    [
      ['bm', 'encoder', '--group', '7', '--hidden', '2'],
      /--group and --hidden: 2·group \+ hidden must be at most 15 units .*, got 16/,
    ],
    [['gan', 'train', '--batch-size', '1'], /--batch-size must be at least 2 for a GAN, got 1/],
    [['gan', 'train', '--lr', '1e30'], /--lr must be at most 10, got 1e30/],
    [['bm', 'encoder', '--lr', '1e300'], /--lr must be at most 10, got 1e300/],
    [['rbm', 'train', '--lr', '1000'], /--lr must be at most 10, got 1000/],
    [['ae', 'train', '--lr', '50'], /--lr must be at most 10, got 50/],
    [['dbn', 'train', '--lr', 'Infinity'], /--lr must be a positive number, got Infinity/],
    [
      ['gan', 'eval', '--weights', shippedRbmPath()],
      /--weights: .*rbm-500-mnist.safetensors is not a gen-gan checkpoint/,
    ],
    [
      ['diffusion', 'sample', '--weights', '/tmp', '--sampler', 'leapfrog'],
      /--sampler.*leapfrog.*Allowed choices are ddpm, ddim, euler, heun, dpm-solver, langevin\.$/,
    ],
    [['diffusion', 'train', '--steps', '0'], /--steps must be a positive integer, got 0/],
    [
      ['diffusion', 'sample', '--weights', '/tmp', '--steps', '0'],
      /--steps must be a positive integer, got 0/,
    ],
    [['diffusion', 'train', '--lr', '-0.1'], /--lr must be a positive number, got -0.1/],
    [
      ['diffusion', 'train', '--count', '100', '--batch-size', '200'],
      /--batch-size must be at most --count \(100 points\), got 200/,
    ],
    [
      ['diffusion', 'train', '--data', 'mnist'],
      /^gen: --data mnist: not available yet: a UNet denoiser step on 28×28 digits takes seconds on this CPU/,
    ],
    [['diffusion', 'train', '--data', 'spiral'], /--data.*spiral.*Allowed choices are eight-gaussians/],
    [
      ['diffusion', 'train', '--method', 'flow', '--sampler', 'langevin'],
      /--sampler: a flow-matching model samples with euler, heun, got langevin/,
    ],
    [
      ['diffusion', 'train', '--method', 'ddpm', '--sampler', 'ddim', '--sample-steps', '100'],
      /--sample-steps must be at most 99 for ddim \(it starts at t = T − 2, T = 100\), got 100/,
    ],
    [
      ['diffusion', 'train', '--method', 'ddpm', '--sampler', 'ddpm', '--sample-steps', '10'],
      /--sample-steps: the ddpm sampler runs all 100 steps of the schedule, got 10; use --sampler ddim for fewer/,
    ],
    [
      ['diffusion', 'train', '--conditional', '--data', 'two-moons'],
      /--conditional: the classes are the 8 modes of eight-gaussians \(no other set has labels\), got --data two-moons/,
    ],
    [['diffusion', 'sample', '--weights', '/proc', '--class', '8'], /--class must be one of 0-7, got 8/],
    [
      ['diffusion', 'train', '--method', 'flow', '--timesteps', '50'],
      /--timesteps: only --method ddpm has a noise schedule, got --method flow/,
    ],
    [
      ['diffusion', 'train', '--method', 'ddpm', '--step-size', '1e-4'],
      /--step-size: only the langevin sampler takes a step size, got --sampler ddim/,
    ],
    [
      ['diffusion', 'sample', '--weights', '/proc', '--guidance', '-1'],
      /--guidance must be a non-negative number, got -1/,
    ],
    [
      ['diffusion', 'train', '--resume'],
      /--resume: no checkpoint to resume from at .*checkpoint.safetensors/,
    ],
    [['diffusion', 'train', '--eval-count', '6000'], /--eval-count must be at most 5000 samples/],
    [
      ['diffusion', 'train', '--eval-count', '1'],
      /^gen: --eval-count must be at least 2 for an energy distance, got 1$/,
    ],
    [
      ['diffusion', 'sample', '--weights', '/proc', '--count', '1'],
      /^gen: --count must be at least 2 for an energy distance, got 1$/,
    ],
    [['diffusion', 'sample'], /required option '--weights <path>' not specified/],
    [['diffusion', 'sample', '--weights', '/nonexistent/w'], /--weights: no such file \/nonexistent\/w/],
    [['diffusion', 'sample', '--weights', '/proc'], /--weights: no such file \/proc\/weights.safetensors/],
    [
      ['diffusion', 'sample', '--weights', dcganWeightsPath()],
      /--weights: .*dcgan-mnist.safetensors is not a gen diffusion model/,
    ],
    [
      ['diffusion', 'train', '--out', '/proc/gen-test-out'],
      /--out: cannot write to \/proc\/gen-test-out \(ENOENT\)/,
    ],
  ])('gen %j fails with one line and exit code 1', (args, message) => {
    const out = mkdtempSync(join(tmpdir(), 'gen-bad-'))
    const run = args.includes('--out') ? gen(...args) : gen(...args, '--out', join(out, 'x'))
    expect(run.status).toBe(1)
    expect(run.stderrLines).toHaveLength(1)
    expect(run.stderrLines[0]).toMatch(message)
    // every error line, commander's own included, starts with gen:
    expect(run.stderrLines[0]).toMatch(/^gen: /)
    expect(existsSync(join(out, 'x'))).toBe(false)
  })

  it('--help lists only the backends a subcommand runs on', () => {
    expect(gen('rbm', 'train', '--help').stdout).toContain('(choices: "cpu", default: "cpu")')
    expect(gen('cnn', 'eval', '--help').stdout).toContain('(choices: "cpu", "reference", default: "cpu")')
  })

  it('gen diffusion train --help says why MNIST is not there yet', () => {
    const help = gen('diffusion', 'train', '--help').stdout
    expect(help).toContain('MNIST is not available yet: a UNet step on 28×28 digits takes seconds')
    expect(help).toMatch(/--sampler <name> .*ddpm models: ddpm,/)
  })

  it('refuses an empty --out (an unset shell variable) instead of writing into the current directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gen-bad-'))
    const run = spawnSync(
      process.execPath,
      ['--conditions=@gen/source', '--import', 'tsx', main, 'tour', '--quick', '--out', ''],
      {
        encoding: 'utf8',
        timeout: 60_000,
        // relative --out paths are taken from INIT_CWD (where the user ran `pnpm gen`)
        env: { ...process.env, INIT_CWD: cwd },
      },
    )
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/gen: --out: must name a directory, got an empty string/)
    expect(readdirSync(cwd)).toEqual([])
  })

  it.each([
    ['rbm', 'sample'],
    ['rbm', 'train'],
    ['rbm', 'eval'],
    ['bm', 'encoder'],
    ['vae', 'train'],
    ['gan', 'sample'],
    ['diffusion', 'train'],
    ['ising', 'anneal'],
  ])('gen %s %s refuses an --out that is an existing file, before any work', (...args) => {
    const parent = mkdtempSync(join(tmpdir(), 'gen-bad-'))
    const file = join(parent, 'a-file')
    writeFileSync(file, 'keep')
    const run = gen(...args, '--out', file)
    expect(run.status).toBe(1)
    expect(run.stderrLines).toEqual([
      expect.stringMatching(/^gen: --out: cannot write to .*a-file \(ENOTDIR\)$/),
    ])
    expect(readdirSync(parent)).toEqual(['a-file'])
    expect(readFileSync(file, 'utf8')).toBe('keep')
  })

  it('refuses an output directory it cannot create, before any work', () => {
    const parent = mkdtempSync(join(tmpdir(), 'gen-bad-'))
    const file = join(parent, 'a-file')
    writeFileSync(file, '')
    const run = gen('tour', '--quick', '--out', join(file, 'sub'))
    expect(run.status).toBe(1)
    expect(run.stderrLines).toEqual([
      expect.stringMatching(/^gen: --out: cannot write to .*a-file\/sub \(ENOTDIR\)$/),
    ])
    expect(readdirSync(parent)).toEqual(['a-file'])
  })
})
