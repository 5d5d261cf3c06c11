// Files written whole or not at all: every checkpoint writer in gen goes through here.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

let counter = 0

/** `<dir>/.<name>.<pid>.<n>.tmp`: the same folder (rename stays atomic), unique per write. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`)
}

/**
 * Writes `content` to `path` through a temporary file in the same folder and a rename, so a
 * crash or Ctrl-C never leaves a half-written file where a complete one is expected (an
 * earlier file at `path` stays intact until the new one is complete).
 *
 * @param path - the file to write
 * @param content - its bytes or text
 * @returns a promise that settles when the file is in place
 * @throws file-system errors as they come; the temporary file is removed first
 * @example
 * ```ts
 * await writeFileAtomic('model.safetensors', encodeSafetensors(entries))
 * ```
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const temporary = temporaryName(path)
  try {
    await writeFile(temporary, content)
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/**
 * {@link writeFileAtomic} without awaiting, for synchronous training loops (an async write
 * queued in an epoch callback would only run after the last epoch).
 *
 * @param path - the file to write
 * @param content - its bytes or text
 * @throws file-system errors as they come; the temporary file is removed first
 * @example
 * ```ts
 * writeFileAtomicSync('rbm.safetensors', bytes)
 * ```
 */
export function writeFileAtomicSync(path: string, content: Uint8Array | string): void {
  const temporary = temporaryName(path)
  try {
    writeFileSync(temporary, content)
    renameSync(temporary, path)
  } catch (error) {
    try {
      unlinkSync(temporary)
    } catch {
      // nothing to remove
    }
    throw error
  }
}
