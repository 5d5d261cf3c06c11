// Node file helpers for RBM checkpoints: write to a temporary name in the same folder, then
// rename, so a crash never leaves a half-written file where a reader expects a checkpoint.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  decodeRbmCheckpoint,
  encodeRbmCheckpoint,
  type EncodeRbmCheckpointOptions,
  type Rbm,
} from '../src/index'

let counter = 0

/** Writes `bytes` to `path` through `<dir>/.<name>.<pid>.<n>.tmp` and a rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`)
  try {
    await writeFile(temporary, bytes)
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/** Encodes an RBM checkpoint and writes it atomically. */
export async function writeRbmCheckpoint(
  path: string,
  rbm: Rbm,
  options: EncodeRbmCheckpointOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeRbmCheckpoint(rbm, options))
}

/** Reads and decodes an RBM checkpoint. */
export async function readRbmCheckpoint(path: string): Promise<ReturnType<typeof decodeRbmCheckpoint>> {
  return decodeRbmCheckpoint(new Uint8Array(await readFile(path)))
}

/**
 * {@link writeRbmCheckpoint} without awaiting: training loops are synchronous, so an async
 * write queued in an epoch callback would only run after the last epoch.
 */
export function writeRbmCheckpointSync(
  path: string,
  rbm: Rbm,
  options: EncodeRbmCheckpointOptions = {},
): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`)
  try {
    writeFileSync(temporary, encodeRbmCheckpoint(rbm, options))
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
