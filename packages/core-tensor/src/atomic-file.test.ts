import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file'

describe('writeFileAtomic', () => {
  it.each([
    ['async', (p: string, c: Uint8Array) => writeFileAtomic(p, c)],
    ['sync', (p: string, c: Uint8Array) => Promise.resolve(writeFileAtomicSync(p, c))],
  ])('%s: replaces the file whole and leaves no temporary file', async (_, write) => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-atomic-'))
    const path = join(dir, 'w.bin')
    writeFileSync(path, 'old')
    await write(path, Uint8Array.of(1, 2, 3))
    expect([...readFileSync(path)]).toEqual([1, 2, 3])
    expect(readdirSync(dir)).toEqual(['w.bin'])
  })

  it('keeps the old file and removes the temporary one when the write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-atomic-'))
    writeFileAtomicSync(join(dir, 'keep'), 'x')
    // renaming a file onto a non-empty directory fails after the temporary file is written
    const nested = join(dir, 'dir')
    mkdirSync(join(nested, 'child'), { recursive: true })
    await expect(writeFileAtomic(nested, 'z')).rejects.toThrow()
    expect(() => writeFileAtomicSync(nested, 'z')).toThrow()
    expect(readdirSync(dir).sort()).toEqual(['dir', 'keep'])
    expect(readFileSync(join(dir, 'keep'), 'utf8')).toBe('x')
  })
})
