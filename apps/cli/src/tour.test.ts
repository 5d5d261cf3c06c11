import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildProgram } from './program.ts'

describe('gen tour', () => {
  it('writes a self-contained report and no temporary files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gen-tour-'))
    await buildProgram().parseAsync(['node', 'gen', 'tour', '--quick', '--out', out, '--quiet'])
    const report = join(out, 'report.html')
    expect(existsSync(report)).toBe(true)
    expect(readFileSync(report, 'utf8')).toContain('<h1>gen tour</h1>')
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
