/**
 * @packageDocumentation
 * Node-only file output for `@gen/viz`: files are written to a temporary name beside the
 * target and renamed into place, so a reader (a browser refreshing a report, a watcher) never
 * sees half a file. The main entry `@gen/viz` stays free of `node:` imports and runs in browsers.
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import { renderReport, type Report } from '../report.js'

/**
 * Writes bytes or text to `path` atomically: first to `path.<pid>.<time>.tmp` in the same
 * folder (created if missing), then renamed over `path` (rename is atomic within a file
 * system). On failure the temporary file is removed and the error is rethrown.
 *
 * @param path - the file to write
 * @param content - bytes (a PNG, a GIF) or text (SVG, HTML; written as UTF-8)
 * @returns a promise that settles once the file is in place
 * @throws InvalidArgumentError for an empty path or content that is neither bytes nor text
 * @example
 * ```ts
 * import { encodePng, toImage } from '@gen/viz'
 * import { writeFileAtomic } from '@gen/viz/node'
 *
 * await writeFileAtomic('out/digit.png', encodePng(toImage([0, 0.5, 1, 0.25], { width: 2, height: 2, range: '0..1' })))
 * ```
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError(
      'writeFileAtomic',
      'path',
      `must be a non-empty string, got ${JSON.stringify(path)}`,
    )
  }
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      'writeFileAtomic',
      'content',
      `must be a Uint8Array or a string, got ${typeof content}`,
    )
  }
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.${process.hrtime.bigint()}.tmp`
  try {
    await writeFile(temporary, content)
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/**
 * Renders a report (`renderReport` from `@gen/viz`) and writes it to `path` atomically.
 *
 * @param path - the HTML file to write
 * @param report - the report
 * @returns a promise that settles once the file is in place
 * @throws InvalidArgumentError or ShapeError as `renderReport` does, before anything is written
 * @example
 * ```ts
 * import { writeReport } from '@gen/viz/node'
 *
 * await writeReport('out/report.html', { title: 'Run 1', sections: [{ title: 'Notes', blocks: [{ kind: 'text', text: 'Converged.' }] }] })
 * ```
 */
export async function writeReport(path: string, report: Report): Promise<void> {
  await writeFileAtomic(path, renderReport(report))
}
