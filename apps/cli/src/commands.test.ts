// Every subcommand end to end with tiny settings: its files exist, PNGs decode, JSON parses,
// and the numbers are where physics puts them.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runGen } from './testing/run-gen.ts'

async function gen(...args: string[]): Promise<{ out: string; result: Record<string, unknown> }> {
  const out = mkdtempSync(join(tmpdir(), 'gen-cmd-'))
  return { out, result: await runGen(out, ...args) }
}

describe('gen ising', () => {
  it('scan: the 8x8 torus within a few error bars of Kaufman, with CSV and plots', async () => {
    const { out, result } = await gen(
      'ising',
      'scan',
      '--size',
      '8',
      '--sweeps',
      '400',
      '--temperatures',
      '4',
    )
    const points = result.points as { temperature: number; e: number; e_error: number; e_kaufman: number }[]
    expect(points.map((p) => p.temperature)).toEqual([1.5, 1.5 + 2 / 3, 1.5 + 4 / 3, 3.5])
    for (const p of points) expect(Math.abs(p.e - p.e_kaufman)).toBeLessThan(5 * p.e_error + 1e-3)
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toMatch(/^temperature,e,e_error,abs_m/)
    expect(csv).toHaveLength(5)
  }, 60_000)

  it('binder: U4 curves of L = 4 and 8 cross near Onsager Tc', async () => {
    const { result } = await gen(
      'ising',
      'binder',
      '--sizes',
      '4,8',
      '--sweeps',
      '1500',
      '--temperatures',
      '5',
    )
    const [crossing] = result.crossings as { temperature: number; error: number }[]
    // small sizes carry corrections to scaling of a few per cent
    expect(Math.abs(crossing.temperature - 2.269185)).toBeLessThan(0.15)
  }, 60_000)

  it('anneal: a 16x16 ferromagnet reaches its ground state e = −2', async () => {
    const { result } = await gen(
      'ising',
      'anneal',
      '--size',
      '16',
      '--steps',
      '100',
      '--sweeps-per-step',
      '2',
    )
    expect(result.bestEnergyPerSpin).toBe(-2)
  }, 60_000)
})

describe('gen ising (spin glasses and quenches)', () => {
  it('anneal --couplings pm1: a ±J 5x5 spin glass reaches its exactly enumerated ground state', async () => {
    const { result } = await gen(
      'ising',
      'anneal',
      '--size',
      '5',
      '--couplings',
      'pm1',
      '--steps',
      '300',
      '--sweeps-per-step',
      '4',
    )
    expect(result.exactGroundEnergyPerSpin).not.toBeNull()
    expect(result.bestEnergyPerSpin).toBe(result.exactGroundEnergyPerSpin)
  }, 60_000)

  it('quench: a GIF of the coarsening, and e(t) falling to the equilibrium energy', async () => {
    const { out, result } = await gen(
      'ising',
      'quench',
      '--size',
      '32',
      '--sweeps',
      '300',
      '--temperature',
      '2',
      '--frames',
      '5',
    )
    const gif = readFileSync(join(out, 'quench.gif'))
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a')
    expect(result.frames).toEqual([0, 3, 16, 71, 300])
    const series = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1)
    const e = series.map((line) => Number(line.split(',')[1]))
    expect(e).toHaveLength(301)
    // a hot start has e ≈ 0 (± a few 1/√N); after 300 sweeps e is near Kaufman's e(T = 2, L = 32)
    // ≈ −1.745, up to the 2·2L/N = 0.125 that a pair of straight domain walls can still cost
    expect(Math.abs(e[0])).toBeLessThan(0.15)
    expect(Math.abs((result.finalEnergy as number) - (result.equilibriumEnergy as number))).toBeLessThan(0.15)
  }, 60_000)
})

describe('gen hopfield', () => {
  it('recall: the pseudo-inverse rule recalls all 8 glyphs from 10% noise', async () => {
    const { out, result } = await gen('hopfield', 'recall', '--rule', 'pseudo-inverse', '--noise', '0.1')
    expect(result.perfectFraction).toBe(1)
    // metrics.json lists every file the run wrote, itself included
    const written = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { files: string[] }
    expect(written.files).toEqual(result.files)
    expect(written.files).toContain(join(out, 'metrics.json'))
    // a second, different command pointed at this directory is refused before it writes
    const before = readFileSync(join(out, 'metrics.json'), 'utf8')
    await expect(
      runGen(out, 'hopfield', 'capacity', '--size', '20', '--loads', '0.05', '--trials', '1'),
    ).rejects.toThrow(
      /^--out: .* holds the output of `gen hopfield recall` \(its metrics\.json\); give `gen hopfield capacity` another --out directory/,
    )
    expect(readFileSync(join(out, 'metrics.json'), 'utf8')).toBe(before)
    // the same command again may write over its own run
    await runGen(out, 'hopfield', 'recall', '--rule', 'pseudo-inverse', '--noise', '0.1')
  }, 60_000)

  it('capacity: recall holds at α = 0.05 and collapses by α = 0.3 (α_c ≈ 0.138)', async () => {
    const { result } = await gen(
      'hopfield',
      'capacity',
      '--size',
      '100',
      '--loads',
      '0.05,0.3',
      '--trials',
      '1',
    )
    expect(result.largestLoadAbove09).toBe(0.05)
  }, 60_000)

  it('phase: retrieval at low load and T, paramagnet at high T', async () => {
    const { out } = await gen(
      'hopfield',
      'phase',
      '--size',
      '100',
      '--loads',
      '0.05',
      '--temperatures',
      '0.2,2',
    )
    const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1)
    expect(rows.map((r) => r.split(',').at(-1))).toEqual(['retrieval', 'paramagnetic'])
  }, 60_000)
})
