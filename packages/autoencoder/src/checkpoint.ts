/**
 * Checkpoints as safetensors bytes: parameters under their tree paths (`encoder.0.weight`,
 * `mu.bias`, `pixelLogVar`), Adam's moments (`optimizer.mu.<path>`, `optimizer.nu.<path>`) and
 * the config, step and epoch in `__metadata__`.
 */
import { type BackendV1, cpu, fromArray, InvalidArgumentError, key, type Tensor } from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@gen/core-tensor/io'
import type { AdamState } from '@gen/core-tensor/optim'
import { type AutoencoderConfig, validateAutoencoderConfig } from './config'
import { type AutoencoderParams, initAutoencoder } from './model'
import type { AutoencoderCheckpoint } from './train'

/** The `kind` written in a checkpoint's metadata. */
export const checkpointKind = 'gen-autoencoder'

type Tree = Readonly<Record<string, unknown>>

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'dataSync' in v
}

/** The leaves of a tensor tree under dotted paths, in a fixed (sorted) order. */
export function flattenTree(tree: unknown, prefix = ''): [string, Tensor][] {
  if (isTensorLike(tree)) return [[prefix.slice(0, -1), tree]]
  if (typeof tree !== 'object' || tree === null) return []
  return Object.keys(tree as Tree)
    .sort()
    .flatMap((k) => flattenTree((tree as Tree)[k], `${prefix}${k}.`))
}

function rebuild(template: unknown, take: (path: string, like: Tensor) => Tensor, prefix = ''): unknown {
  if (isTensorLike(template)) return take(prefix.slice(0, -1), template)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(template as Tree)) out[k] = rebuild(v, take, `${prefix}${k}.`)
  return out
}

function entry(t: Tensor): SafetensorsEntry {
  return t.backend.floatPrecision === 64
    ? { dtype: 'F64', shape: t.shape, data: Float64Array.from(t.dataSync()) }
    : { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync()) }
}

/** Options of {@link encodeCheckpoint}. */
export interface EncodeCheckpointOptions {
  /** Write Adam's moments (needed to resume). Default true; false gives a weights-only file. */
  readonly includeOptimizer?: boolean
  /** Extra metadata strings (the command, the final ELBO...). */
  readonly metadata?: Readonly<Record<string, string>>
}

/**
 * Encodes a checkpoint as a safetensors file (F32, or F64 for a float64 backend's tensors).
 * Metadata: `kind`, `formatVersion` ('1'), `config` (JSON), `step`, `epoch`, `optimizerCount`.
 *
 * @param checkpoint - config, params, optimizer, step, epoch
 * @param options - includeOptimizer (default true), extra metadata
 * @returns the file's bytes
 * @throws InvalidArgumentError when an extra metadata key clashes with a reserved one
 * @example
 * ```ts
 * const bytes = encodeCheckpoint(result.checkpoint, { includeOptimizer: false })
 * ```
 */
export function encodeCheckpoint(
  checkpoint: AutoencoderCheckpoint,
  options: EncodeCheckpointOptions = {},
): Uint8Array {
  const tensors: Record<string, SafetensorsEntry> = {}
  for (const [path, t] of flattenTree(checkpoint.params)) tensors[path] = entry(t)
  const metadata: Record<string, string> = {
    kind: checkpointKind,
    formatVersion: '1',
    config: JSON.stringify(checkpoint.config),
    step: String(checkpoint.step),
    epoch: String(checkpoint.epoch),
  }
  const opt = checkpoint.optimizer
  if ((options.includeOptimizer ?? true) && opt !== undefined) {
    metadata.optimizerCount = String(opt.count)
    for (const [path, t] of flattenTree(opt.mu)) tensors[`optimizer.mu.${path}`] = entry(t)
    for (const [path, t] of flattenTree(opt.nu)) tensors[`optimizer.nu.${path}`] = entry(t)
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k in metadata)
      throw new InvalidArgumentError(
        'encodeCheckpoint',
        'metadata',
        `must not set the reserved key '${k}', got it`,
      )
    metadata[k] = v
  }
  return encodeSafetensors(tensors, metadata)
}

/** What {@link decodeCheckpoint} returns: the checkpoint and every metadata string. */
export interface DecodedCheckpoint extends AutoencoderCheckpoint {
  /** The file's `__metadata__`. */
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * Decodes a checkpoint written by {@link encodeCheckpoint} into tensors on `backend`, checking
 * every tensor's name and shape against the parameters the config implies.
 *
 * @param bytes - the safetensors file
 * @param options - backend (default cpu)
 * @returns the checkpoint (with `optimizer` when the file holds Adam's moments) and metadata
 * @throws InvalidArgumentError when the file is not a gen autoencoder checkpoint, lacks a tensor or has one of the wrong shape
 * @example
 * ```ts
 * const { config, params } = decodeCheckpoint(bytes)
 * ```
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  options: { readonly backend?: BackendV1 } = {},
): DecodedCheckpoint {
  const op = 'decodeCheckpoint'
  const backend = options.backend ?? cpu
  const { tensors, metadata } = decodeSafetensors(bytes)
  if (metadata.kind !== checkpointKind || metadata.formatVersion !== '1' || metadata.config === undefined) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must be a ${checkpointKind} checkpoint of formatVersion 1, got kind '${metadata.kind ?? ''}' version '${metadata.formatVersion ?? ''}'`,
    )
  }
  const config = JSON.parse(metadata.config) as AutoencoderConfig
  validateAutoencoderConfig(config)
  // the config's own init gives the expected names and shapes
  const template = initAutoencoder(config, { key: key(0), backend })
  const take =
    (prefix: string) =>
    (path: string, like: Tensor): Tensor => {
      const name = `${prefix}${path}`
      const t = tensors[name] as SafetensorsEntry | undefined
      if (t === undefined) throw new InvalidArgumentError(op, 'bytes', `must hold tensor '${name}', got none`)
      if (t.shape.length !== like.shape.length || t.shape.some((d, i) => d !== like.shape[i])) {
        throw new InvalidArgumentError(
          op,
          'bytes',
          `must hold '${name}' as [${like.shape.join(', ')}], got [${t.shape.join(', ')}]`,
        )
      }
      if (t.dtype !== 'F32' && t.dtype !== 'F64')
        throw new InvalidArgumentError(op, 'bytes', `must hold '${name}' as F32 or F64, got ${t.dtype}`)
      return fromArray(t.data as Float32Array | Float64Array, { shape: like.shape, backend })
    }
  const params = rebuild(template, take('')) as AutoencoderParams
  const step = Number(metadata.step ?? '0')
  const epoch = Number(metadata.epoch ?? '0')
  let optimizer: AdamState | undefined
  if (metadata.optimizerCount !== undefined) {
    optimizer = {
      count: Number(metadata.optimizerCount),
      mu: rebuild(template, take('optimizer.mu.')) as AdamState['mu'],
      nu: rebuild(template, take('optimizer.nu.')) as AdamState['nu'],
    }
  }
  for (const [, t] of flattenTree(template)) t.dispose()
  return optimizer === undefined
    ? { config, params, step, epoch, metadata }
    : { config, params, optimizer, step, epoch, metadata }
}
