// Bad input gives one line that names the problem, a non-zero exit, and writes nothing.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

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
    [['tour', '--backend', 'tpu'], /--backend.*tpu.*Allowed choices are cpu, gpu, reference/],
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
    [['tour', '--quick', '--full'], /option '--quick' cannot be used with option '--full'/],
  ])('gen %j fails with one line and exit code 1', (args, message) => {
    const out = mkdtempSync(join(tmpdir(), 'gen-bad-'))
    const run = gen(...args, '--out', join(out, 'x'))
    expect(run.status).toBe(1)
    expect(run.stderrLines).toHaveLength(1)
    expect(run.stderrLines[0]).toMatch(message)
    expect(existsSync(join(out, 'x'))).toBe(false)
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
