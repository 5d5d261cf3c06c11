/**
 * Checkpoints as safetensors bytes: parameters under their PyTorch `nn.Sequential` names
 * (`0.weight`), batchNorm buffers (`4.running_mean`), Adam's moments (`optimizer.mu.0.weight`)
 * and the config, step and format in `__metadata__`.
 */
import { type BackendV1, cpu, fromArray, InvalidArgumentError, type Tensor } from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@gen/core-tensor/io'
import type { AdamState } from '@gen/core-tensor/optim'
import { parameterSlots, type SequentialConfig, type SequentialParams } from './sequential'
import type { Checkpoint } from './train'

/** The `kind` written in a checkpoint's metadata. */
export const checkpointKind = 'gen-cnn-sequential'

/** Options of {@link encodeCheckpoint}. */
export interface EncodeCheckpointOptions {
  /** Write Adam's moments (needed to resume). Default true; false gives a weights-only file. */
  readonly includeOptimizer?: boolean
  /** Extra metadata strings (e.g. the command and the final accuracy). */
  readonly metadata?: Readonly<Record<string, string>>
}

function entry(t: Tensor): SafetensorsEntry {
  // float64 backends (reference) keep every bit, so a resumed run there is exact too
  return t.backend.floatPrecision === 64
    ? { dtype: 'F64', shape: t.shape, data: Float64Array.from(t.dataSync()) }
    : { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync()) }
}

/**
 * Encodes a checkpoint as a safetensors file (F32, or F64 for tensors of a float64 backend). Names: `<layer>.weight`, `<layer>.bias`,
 * `<layer>.running_mean`, `<layer>.running_var` (PyTorch's state_dict of the same
 * `nn.Sequential`), `optimizer.mu.<name>` and `optimizer.nu.<name>`; metadata `kind`,
 * `formatVersion` ('1'), `config` (JSON), `step`, `epoch`, `optimizerCount`.
 *
 * @param checkpoint - config, params, state, optimizer, step, epoch
 * @param options - includeOptimizer (default true), extra metadata
 * @returns the file's bytes
 * @throws InvalidArgumentError when an extra metadata key clashes with a reserved one
 * @example
 * ```ts
 * const bytes = encodeCheckpoint(result.checkpoint, { includeOptimizer: false })
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint, options: EncodeCheckpointOptions = {}): Uint8Array {
  const tensors: Record<string, SafetensorsEntry> = {}
  for (const [layer, p] of Object.entries(checkpoint.params)) {
    tensors[`${layer}.weight`] = entry(p.weight)
    if (p.bias !== undefined) tensors[`${layer}.bias`] = entry(p.bias)
  }
  for (const [layer, s] of Object.entries(checkpoint.state)) {
    tensors[`${layer}.running_mean`] = entry(s.runningMean)
    tensors[`${layer}.running_var`] = entry(s.runningVar)
  }
  const metadata: Record<string, string> = {
    kind: checkpointKind,
    formatVersion: '1',
    config: JSON.stringify(checkpoint.config),
    step: String(checkpoint.step),
    epoch: String(checkpoint.epoch),
  }
  const optimizer = checkpoint.optimizer
  if ((options.includeOptimizer ?? true) && optimizer !== undefined) {
    metadata.optimizerCount = String(optimizer.count)
    for (const [moment, tree] of [
      ['mu', optimizer.mu],
      ['nu', optimizer.nu],
    ] as const) {
      for (const [layer, p] of Object.entries(tree as SequentialParams)) {
        tensors[`optimizer.${moment}.${layer}.weight`] = entry(p.weight)
        if (p.bias !== undefined) tensors[`optimizer.${moment}.${layer}.bias`] = entry(p.bias)
      }
    }
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k in metadata) {
      throw new InvalidArgumentError(
        'encodeCheckpoint',
        'metadata',
        `must not set the reserved key '${k}', got it`,
      )
    }
    metadata[k] = v
  }
  return encodeSafetensors(tensors, metadata)
}

/** What {@link decodeCheckpoint} returns: the checkpoint and the file's metadata strings. */
export interface DecodedCheckpoint extends Checkpoint {
  /** Every `__metadata__` string, reserved keys included. */
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * Decodes a checkpoint written by {@link encodeCheckpoint} into tensors on `backend`, checking
 * every tensor's shape against the config.
 *
 * @param bytes - the safetensors file
 * @param options - backend (default cpu)
 * @returns the checkpoint (with `optimizer` when the file holds Adam's moments) and metadata
 * @throws InvalidArgumentError when the file is not a gen cnn checkpoint, lacks a tensor, or
 *   a tensor's shape does not fit the config
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
  const config = JSON.parse(metadata.config) as SequentialConfig
  const take = (name: string, shape: readonly number[]): Tensor => {
    const t = tensors[name] as SafetensorsEntry | undefined
    if (t === undefined) throw new InvalidArgumentError(op, 'bytes', `must hold tensor '${name}', got none`)
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new InvalidArgumentError(
        op,
        'bytes',
        `must hold '${name}' as [${shape.join(', ')}], got [${t.shape.join(', ')}]`,
      )
    }
    if (t.dtype !== 'F32' && t.dtype !== 'F64') {
      throw new InvalidArgumentError(op, 'bytes', `must hold '${name}' as F32 or F64, got ${t.dtype}`)
    }
    return fromArray(Array.from(t.data as Float32Array | Float64Array), { shape, backend })
  }
  const slots = parameterSlots(config)
  const readTree = (prefix: string): SequentialParams => {
    const tree: Record<string, { weight: Tensor; bias?: Tensor }> = {}
    for (const slot of slots) {
      const weight = take(`${prefix}${slot.name}.weight`, slot.weight)
      tree[slot.name] =
        slot.bias === undefined ? { weight } : { weight, bias: take(`${prefix}${slot.name}.bias`, slot.bias) }
    }
    return tree
  }
  const params = readTree('')
  const state: Record<string, { runningMean: Tensor; runningVar: Tensor }> = {}
  for (const slot of slots) {
    if (slot.type !== 'batchNorm') continue
    state[slot.name] = {
      runningMean: take(`${slot.name}.running_mean`, slot.weight),
      runningVar: take(`${slot.name}.running_var`, slot.weight),
    }
  }
  const step = Number(metadata.step ?? '0')
  const epoch = Number(metadata.epoch ?? '0')
  let optimizer: AdamState | undefined
  if (metadata.optimizerCount !== undefined) {
    optimizer = {
      count: Number(metadata.optimizerCount),
      mu: readTree('optimizer.mu.'),
      nu: readTree('optimizer.nu.'),
    }
  }
  return optimizer === undefined
    ? { config, params, state, step, epoch, metadata }
    : { config, params, state, optimizer, step, epoch, metadata }
}
