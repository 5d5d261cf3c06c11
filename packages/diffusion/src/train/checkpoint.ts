/**
 * Training checkpoints of {@link trainDenoiser} as safetensors bytes: the parameters
 * (`params.…`), their EMA (`ema.…`) and the Adam moments (`optimizer.mu.…`, `optimizer.nu.…`)
 * under their dotted tree paths, with the config, step and Adam count in `__metadata__`. A
 * float64 backend writes F64, so a resumed run there continues bit for bit.
 */
import { type BackendV1, cpu, InvalidArgumentError, key, type TensorTree } from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@gen/core-tensor/io'
import { type AdamState, disposeTree } from '@gen/core-tensor/optim'
import {
  type DenoiserConfig,
  type DenoiserParams,
  initDenoiser,
  validateDenoiserConfig,
} from '../nets/denoiser'
import { putTree, readTree } from '../nets/params-io'

/** Everything needed to continue a run of {@link trainDenoiser} exactly. */
export interface DenoiserCheckpoint {
  readonly config: DenoiserConfig
  readonly params: DenoiserParams
  /** EMA of the parameters (absent when the run keeps none). */
  readonly ema?: DenoiserParams
  readonly optimizer: AdamState
  /** Updates made so far. */
  readonly step: number
}

/** The `kind` written in a checkpoint's metadata. */
export const checkpointKind = 'gen-diffusion-checkpoint'

const tree = (p: DenoiserParams | TensorTree): TensorTree => p as unknown as TensorTree

/**
 * Encodes a training checkpoint as a safetensors file (F32; F64 from a float64 backend).
 *
 * @param checkpoint - from `trainDenoiser` (`onCheckpoint` or `result.checkpoint`)
 * @param options - extra metadata strings (command, metrics)
 * @returns the file's bytes
 * @throws InvalidArgumentError when extra metadata overrides a reserved key
 * @example
 * ```ts
 * const bytes = encodeDenoiserCheckpoint(result.checkpoint, { metadata: { data: '8 gaussians' } })
 * ```
 */
export function encodeDenoiserCheckpoint(
  checkpoint: DenoiserCheckpoint,
  options: { readonly metadata?: Readonly<Record<string, string>> } = {},
): Uint8Array {
  validateDenoiserConfig(checkpoint.config)
  const tensors: Record<string, SafetensorsEntry> = {}
  putTree(tensors, 'params', tree(checkpoint.params))
  if (checkpoint.ema !== undefined) putTree(tensors, 'ema', tree(checkpoint.ema))
  putTree(tensors, 'optimizer.mu', checkpoint.optimizer.mu)
  putTree(tensors, 'optimizer.nu', checkpoint.optimizer.nu)
  const metadata: Record<string, string> = {
    kind: checkpointKind,
    formatVersion: '1',
    config: JSON.stringify(checkpoint.config),
    step: String(checkpoint.step),
    'optimizer.count': String(checkpoint.optimizer.count),
    ema: String(checkpoint.ema !== undefined),
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k in metadata) {
      throw new InvalidArgumentError(
        'encodeDenoiserCheckpoint',
        'options.metadata',
        `must not set the reserved key '${k}', got it`,
      )
    }
    metadata[k] = v
  }
  return encodeSafetensors(tensors, metadata)
}

/**
 * Decodes a file written by {@link encodeDenoiserCheckpoint}, rebuilding every tree from the
 * config's structure (each tensor's name and shape is checked).
 *
 * @param bytes - the safetensors file
 * @param options - backend (default cpu)
 * @returns the resumable checkpoint (pass it as `resume` to `trainDenoiser`)
 * @throws InvalidArgumentError when the file is not a checkpoint, lacks a tensor or holds one
 *   of the wrong shape
 * @example
 * ```ts
 * const resume = decodeDenoiserCheckpoint(readFileSync('run.safetensors'))
 * ```
 */
export function decodeDenoiserCheckpoint(
  bytes: Uint8Array,
  options: { readonly backend?: BackendV1 } = {},
): DenoiserCheckpoint {
  const op = 'decodeDenoiserCheckpoint'
  const backend = options.backend ?? cpu
  const { tensors, metadata } = decodeSafetensors(bytes)
  const step = Number(metadata.step)
  const count = Number(metadata['optimizer.count'])
  if (
    metadata.kind !== checkpointKind ||
    metadata.formatVersion !== '1' ||
    metadata.config === undefined ||
    !Number.isSafeInteger(step) ||
    !Number.isSafeInteger(count)
  ) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must be a ${checkpointKind} file of formatVersion 1, got kind '${metadata.kind ?? ''}' version '${metadata.formatVersion ?? ''}'`,
    )
  }
  const config = validateDenoiserConfig(JSON.parse(metadata.config) as DenoiserConfig)
  const template = tree(initDenoiser(config, { key: key(0), backend }))
  const read = (prefix: string) => readTree(op, { tensors, prefix }, template, backend)
  const params = read('params') as unknown as DenoiserParams
  const ema = metadata.ema === 'true' ? (read('ema') as unknown as DenoiserParams) : undefined
  const optimizer: AdamState = { count, mu: read('optimizer.mu'), nu: read('optimizer.nu') }
  disposeTree(template)
  return { config, params, ...(ema === undefined ? {} : { ema }), optimizer, step }
}

/**
 * Writes a checkpoint to `path` atomically (a temporary file in the same folder, then a
 * rename), so an interrupted run never leaves half a file. Node only (loads `node:fs` when
 * called).
 *
 * @param path - the file to write
 * @param checkpoint - the checkpoint
 * @param options - extra metadata strings
 * @returns when the file is in place
 * @example
 * ```ts
 * await saveDenoiserCheckpoint('out/run.safetensors', result.checkpoint)
 * ```
 */
export async function saveDenoiserCheckpoint(
  path: string,
  checkpoint: DenoiserCheckpoint,
  options: { readonly metadata?: Readonly<Record<string, string>> } = {},
): Promise<void> {
  const { writeFileAtomic } = await import('@gen/core-tensor/node')
  await writeFileAtomic(path, encodeDenoiserCheckpoint(checkpoint, options))
}

/**
 * Reads a checkpoint written by {@link saveDenoiserCheckpoint}. Node only.
 *
 * @param path - the file
 * @param options - backend (default cpu)
 * @returns the resumable checkpoint
 * @throws InvalidArgumentError as {@link decodeDenoiserCheckpoint}
 * @example
 * ```ts
 * const resume = await loadDenoiserCheckpoint('out/run.safetensors')
 * ```
 */
export async function loadDenoiserCheckpoint(
  path: string,
  options: { readonly backend?: BackendV1 } = {},
): Promise<DenoiserCheckpoint> {
  const { readFile } = await import('node:fs/promises')
  return decodeDenoiserCheckpoint(new Uint8Array(await readFile(path)), options)
}
