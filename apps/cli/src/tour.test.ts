import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildProgram } from './program.ts'

describe('gen tour', () => {
  it('writes one self-contained report with every section, and no temporary files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gen-tour-'))
    await buildProgram().parseAsync(['node', 'gen', 'tour', '--quick', '--out', out, '--quiet'])
    const report = join(out, 'report.html')
    expect(existsSync(report)).toBe(true)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('<h1>gen tour</h1>')
    for (const title of ['The data: MNIST', 'The Ising model', 'Hopfield networks'])
      expect(html).toContain(title)
    // the exact 4x4 value the Monte Carlo rows are set against: e(T = 2) = −1.755380288777
    expect(html).toContain('-1.755380')
    // plots inline as SVG, pictures as PNG data URIs; nothing loads from elsewhere
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(4)
    expect(html.match(/data:image\/png;base64,/g)?.length ?? 0).toBeGreaterThanOrEqual(4)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([])
  }, 120_000)
})
