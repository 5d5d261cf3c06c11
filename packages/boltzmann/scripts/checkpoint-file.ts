// Node file helpers for RBM checkpoints: write to a temporary name in the same folder, then
// rename, so a crash never leaves a half-written file where a reader expects a checkpoint.
import { readFile } from 'node:fs/promises'
import { writeFileAtomic, writeFileAtomicSync } from '@gen/core-tensor/node'
import {
  decodeRbmCheckpoint,
  encodeRbmCheckpoint,
  type EncodeRbmCheckpointOptions,
  type Rbm,
} from '../src/index'

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
  writeFileAtomicSync(path, encodeRbmCheckpoint(rbm, options))
}
