/**
 * @packageDocumentation
 * Node-only helpers of `@gen/cnn` (import from `@gen/cnn/node`): checkpoint files written to
 * a temporary name and renamed, so a crash never leaves a half-written checkpoint.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { BackendV1 } from '@gen/core-tensor'
import { writeFileAtomic } from '@gen/core-tensor/node'
import {
  decodeCheckpoint,
  type DecodedCheckpoint,
  encodeCheckpoint,
  type EncodeCheckpointOptions,
} from '../checkpoint'
import type { Checkpoint } from '../train'

/**
 * Writes a checkpoint as a safetensors file: to `path + '.tmp-<pid>'` first, then renamed
 * over `path` (atomic on one file system).
 *
 * @param path - the file to write
 * @param checkpoint - from `trainClassifier` (`onCheckpoint` or `result.checkpoint`)
 * @param options - includeOptimizer (default true), extra metadata
 * @returns a promise that settles when the file is in place
 * @throws InvalidArgumentError as `encodeCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * await trainClassifier({ ...options, onCheckpoint: (c) => writeCheckpoint('lenet.safetensors', c) })
 * ```
 */
export async function writeCheckpoint(
  path: string,
  checkpoint: Checkpoint,
  options: EncodeCheckpointOptions = {},
): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint, options)
  await writeFileAtomic(path, bytes)
}

/**
 * Reads a checkpoint file written by {@link writeCheckpoint} (or shipped weights).
 *
 * @param path - the safetensors file
 * @param options - backend of the tensors (default cpu)
 * @returns the checkpoint and its metadata
 * @throws InvalidArgumentError as `decodeCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * const { config, params } = await readCheckpoint('lenet.safetensors')
 * ```
 */
export async function readCheckpoint(
  path: string,
  options: { readonly backend?: BackendV1 } = {},
): Promise<DecodedCheckpoint> {
  const bytes = await readFile(path)
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options)
}

/**
 * The path of the shipped LeNet-5 weights (modern variant, trained on MNIST by
 * `pnpm train:lenet`; see `weights/README.md`). Read them with {@link readCheckpoint}; inputs
 * must be normalised as in training, `(pixel/255 − 0.1307) / 0.3081`.
 *
 * @returns an absolute file path inside the installed package
 * @example
 * ```ts
 * const { config, params } = await readCheckpoint(lenet5WeightsPath())
 * ```
 */
export function lenet5WeightsPath(): string {
  // src/node/index.ts and dist/node/index.js both sit two levels below the package root
  return fileURLToPath(new URL('../../weights/lenet5-modern-mnist.safetensors', import.meta.url))
}
