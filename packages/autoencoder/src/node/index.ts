/**
 * @packageDocumentation
 * Node-only helpers of `@gen/autoencoder` (import from `@gen/autoencoder/node`): checkpoint
 * files written to a temporary name and renamed, so a crash never leaves a half-written file,
 * and the path of the shipped VAE weights.
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
import type { AutoencoderCheckpoint } from '../train'

/**
 * Writes a checkpoint as a safetensors file: to `path + '.tmp-<pid>'` first, then renamed over
 * `path` (atomic on one file system).
 *
 * @param path - the file to write
 * @param checkpoint - from `trainAutoencoder` (`onCheckpoint` or `result.checkpoint`)
 * @param options - includeOptimizer (default true), extra metadata
 * @returns a promise that settles when the file is in place
 * @throws InvalidArgumentError as `encodeCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * await trainAutoencoder({ ...options, onCheckpoint: (c) => writeCheckpoint('vae.safetensors', c) })
 * ```
 */
export async function writeCheckpoint(
  path: string,
  checkpoint: AutoencoderCheckpoint,
  options: EncodeCheckpointOptions = {},
): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint, options)
  await writeFileAtomic(path, bytes)
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint} (or the shipped weights).
 *
 * @param path - the safetensors file
 * @param options - backend of the tensors (default cpu)
 * @returns the checkpoint and its metadata
 * @throws InvalidArgumentError as `decodeCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * const { config, params } = await readCheckpoint(vaeWeightsPath())
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
 * The path of the shipped 784-400-20 Bernoulli VAE, trained on dynamically binarised MNIST by
 * `pnpm train:vae` (see `weights/README.md`). Inputs are pixels/255, binarised.
 *
 * @returns an absolute file path inside the installed package
 * @example
 * ```ts
 * const { config, params } = await readCheckpoint(vaeWeightsPath())
 * ```
 */
export function vaeWeightsPath(): string {
  // src/node/index.ts and dist/node/index.js both sit two levels below the package root
  return fileURLToPath(new URL('../../weights/vae-784-400-20-mnist.safetensors', import.meta.url))
}
