import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { InvalidArgumentError } from '../errors.js'
import { decodePng, encodePng } from '../png.js'
import { writeFileAtomic, writeReport } from './index.js'

let folder: string

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gen-viz-'))
})

afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  test('writes bytes, creating folders, and leaves no temporary file behind', async () => {
    const image = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([3, 250]) }
    const path = join(folder, 'a', 'b', 'x.png')
    await writeFileAtomic(path, encodePng(image))
    expect(decodePng(new Uint8Array(await readFile(path)))).toEqual(image)
    expect(await readdir(join(folder, 'a', 'b'))).toEqual(['x.png'])
  })

  test('replaces an existing file whole', async () => {
    const path = join(folder, 'plot.svg')
    await writeFileAtomic(path, 'a much longer first version')
    await writeFileAtomic(path, 'short')
    expect(await readFile(path, 'utf8')).toBe('short')
    expect(await readdir(folder)).toEqual(['plot.svg'])
  })

  test('a failed write removes the temporary file and rethrows', async () => {
    // The target is an existing folder: the rename fails after the temporary file was written.
    const path = join(folder, 'taken')
    await writeFileAtomic(join(path, 'inside.txt'), 'x')
    await expect(writeFileAtomic(path, 'y')).rejects.toThrow()
    expect(await readdir(folder)).toEqual(['taken'])
  })

  test('bad arguments throw InvalidArgumentError', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(InvalidArgumentError)
    await expect(writeFileAtomic(join(folder, 'x'), 3 as never)).rejects.toThrow(
      'writeFileAtomic: content must be a Uint8Array or a string, got number',
    )
  })
})

describe('writeReport', () => {
  test('writes the rendered HTML', async () => {
    const path = join(folder, 'report.html')
    await writeReport(path, {
      title: 'Run',
      sections: [{ title: 'Notes', blocks: [{ kind: 'text', text: 'ok' }] }],
    })
    const html = await readFile(path, 'utf8')
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('<p>ok</p>')
  })
})
