/**
 * @packageDocumentation
 * Node-only helpers of `@gen/gan` (import from `@gen/gan/node`): checkpoint files written to
 * a temporary name and renamed, so a crash never leaves a half-written checkpoint, and the
 * path of the shipped DCGAN weights.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { BackendV1 } from '@gen/core-tensor'
import { writeFileAtomic } from '@gen/core-tensor/node'
import {
  decodeGanCheckpoint,
  type DecodedGanCheckpoint,
  encodeGanCheckpoint,
  type EncodeGanCheckpointOptions,
} from '../checkpoint'
import type { GanCheckpoint } from '../train'

/**
 * Writes a GAN checkpoint as a safetensors file: to `path + '.tmp-<pid>'` first, then
 * renamed over `path` (atomic on one file system).
 *
 * @param path - the file to write
 * @param checkpoint - from `trainGan`
 * @param options - includeTraining (default true), extra metadata
 * @returns a promise that settles when the file is in place
 * @throws InvalidArgumentError as `encodeGanCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * await trainGan({ ...options, onCheckpoint: (c) => writeGanCheckpoint('dcgan.safetensors', c) })
 * ```
 */
export async function writeGanCheckpoint(
  path: string,
  checkpoint: GanCheckpoint,
  options: EncodeGanCheckpointOptions = {},
): Promise<void> {
  const bytes = encodeGanCheckpoint(checkpoint, options)
  await writeFileAtomic(path, bytes)
}

/**
 * Reads a file written by {@link writeGanCheckpoint} (or the shipped weights).
 *
 * @param path - the safetensors file
 * @param options - backend of the tensors (default cpu)
 * @returns as `decodeGanCheckpoint`
 * @throws InvalidArgumentError as `decodeGanCheckpoint`; file-system errors as they come
 * @example
 * ```ts
 * const { config, generator, generatorState } = await readGanCheckpoint(dcganWeightsPath())
 * ```
 */
export async function readGanCheckpoint(
  path: string,
  options: { readonly backend?: BackendV1 } = {},
): Promise<DecodedGanCheckpoint> {
  const bytes = await readFile(path)
  return decodeGanCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options)
}

/**
 * The path of the shipped DCGAN generator (MNIST, `pnpm train:dcgan`; see `weights/README.md`).
 * Its samples are in (−1, 1); map them with `(x + 1)/2` to pixels in [0, 1].
 *
 * @returns an absolute file path inside the installed package
 * @example
 * ```ts
 * const { config, generator, generatorState } = await readGanCheckpoint(dcganWeightsPath())
 * ```
 */
export function dcganWeightsPath(): string {
  // src/node/index.ts and dist/node/index.js both sit two levels below the package root
  return fileURLToPath(new URL('../../weights/dcgan-mnist.safetensors', import.meta.url))
}

/**
 * The path of the shipped conditional DCGAN generator (MNIST digits on request,
 * `pnpm train:dcgan --conditional`; see `weights/README.md`). Pass `labels` (int32 digits, one
 * per sample) to `generate`; samples are in (−1, 1).
 *
 * @returns an absolute file path inside the installed package
 * @example
 * ```ts
 * const { config, ema, generatorState } = await readGanCheckpoint(conditionalDcganWeightsPath())
 * const labels = fromArray(Int32Array.from({ length: 10 }, (_, i) => i), { dtype: 'int32' })
 * const { samples } = generate(config, ema!, sampleLatent(key(0), 10, config), { state: generatorState, labels })
 * ```
 */
export function conditionalDcganWeightsPath(): string {
  return fileURLToPath(new URL('../../weights/cdcgan-mnist.safetensors', import.meta.url))
}
