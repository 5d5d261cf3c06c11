/**
 * GAN checkpoints as safetensors bytes: both players' parameters under their dotted tree
 * paths (`generator.up1.weight`, `discriminator.layers.0.bias`), batch-norm buffers
 * (`state.generator.norm1.runningMean`), the generator EMA (`ema.…`) and both Adam states
 * (`optimizer.generator.mu.…`), with the config and step in `__metadata__`.
 */
import {
  type BackendV1,
  cpu,
  fromArray,
  InvalidArgumentError,
  key,
  type Tensor,
  type TensorTree,
} from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@gen/core-tensor/io'
import { type AdamState, mapTree, treeLeaves } from '@gen/core-tensor/optim'
import { type GanConfig, initGan, validateGanConfig } from './gan-model'
import type { GanCheckpoint } from './train'

/** The `kind` written in a GAN checkpoint's metadata. */
export const ganCheckpointKind = 'gen-gan'

/** Options of {@link encodeGanCheckpoint}. */
export interface EncodeGanCheckpointOptions {
  /** Write the discriminator and both optimisers (needed to resume). Default true; false gives a generator-only file. */
  readonly includeTraining?: boolean
  /** Extra metadata strings (the command, final metrics). */
  readonly metadata?: Readonly<Record<string, string>>
}

function entry(t: Tensor): SafetensorsEntry {
  // a float64 backend keeps every bit, so a resumed run there is exact too
  return t.backend.floatPrecision === 64
    ? { dtype: 'F64', shape: t.shape, data: Float64Array.from(t.dataSync()) }
    : { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync()) }
}

function put(out: Record<string, SafetensorsEntry>, prefix: string, tree: TensorTree): void {
  for (const [path, t] of treeLeaves(tree)) out[`${prefix}.${path}`] = entry(t)
}

/**
 * Encodes a checkpoint of {@link trainGan} as a safetensors file (F32, or F64 for tensors of
 * a float64 backend). Metadata: `kind` ('gen-gan'), `formatVersion` ('1'), `config` (JSON),
 * `step`, and the Adam counts when training state is included.
 *
 * @param checkpoint - from `trainGan` (`onCheckpoint` or `result.checkpoint`)
 * @param options - includeTraining (default true), extra metadata
 * @returns the file's bytes
 * @throws InvalidArgumentError when an extra metadata key clashes with a reserved one
 * @example
 * ```ts
 * const bytes = encodeGanCheckpoint(result.checkpoint, { includeTraining: false })
 * ```
 */
export function encodeGanCheckpoint(
  checkpoint: GanCheckpoint,
  options: EncodeGanCheckpointOptions = {},
): Uint8Array {
  const includeTraining = options.includeTraining ?? true
  const tensors: Record<string, SafetensorsEntry> = {}
  put(tensors, 'generator', checkpoint.params.generator)
  put(tensors, 'state.generator', checkpoint.state.generator)
  if (checkpoint.ema !== undefined) put(tensors, 'ema', checkpoint.ema)
  const metadata: Record<string, string> = {
    kind: ganCheckpointKind,
    formatVersion: '1',
    config: JSON.stringify(checkpoint.config),
    step: String(checkpoint.step),
    training: String(includeTraining),
  }
  if (includeTraining) {
    put(tensors, 'discriminator', checkpoint.params.discriminator)
    put(tensors, 'state.discriminator', checkpoint.state.discriminator)
    for (const player of ['generator', 'discriminator'] as const) {
      const s = checkpoint.optimizers[player]
      metadata[`optimizer.${player}.count`] = String(s.count)
      put(tensors, `optimizer.${player}.mu`, s.mu)
      put(tensors, `optimizer.${player}.nu`, s.nu)
    }
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k in metadata) {
      throw new InvalidArgumentError(
        'encodeGanCheckpoint',
        'metadata',
        `must not set the reserved key '${k}', got it`,
      )
    }
    metadata[k] = v
  }
  return encodeSafetensors(tensors, metadata)
}

/** What {@link decodeGanCheckpoint} returns. */
export interface DecodedGanCheckpoint {
  readonly config: GanConfig
  readonly step: number
  /** The generator's parameters and batch-norm state. */
  readonly generator: TensorTree
  readonly generatorState: TensorTree
  /** The generator EMA, when the file holds one. */
  readonly ema?: TensorTree
  /** The full, resumable checkpoint, when the file holds the training state. */
  readonly checkpoint?: GanCheckpoint
  /** Every `__metadata__` string. */
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * Decodes a file written by {@link encodeGanCheckpoint}, rebuilding every tree from the
 * config's own structure (so each tensor's name and shape is checked).
 *
 * @param bytes - the safetensors file
 * @param options - backend (default cpu)
 * @returns config, step, generator (+ state, EMA) and, for a training file, the resumable checkpoint
 * @throws InvalidArgumentError when the file is not a gen GAN checkpoint, lacks a tensor, or
 *   holds one of the wrong shape
 * @example
 * ```ts
 * const { config, generator, generatorState } = decodeGanCheckpoint(bytes)
 * ```
 */
export function decodeGanCheckpoint(
  bytes: Uint8Array,
  options: { readonly backend?: BackendV1 } = {},
): DecodedGanCheckpoint {
  const op = 'decodeGanCheckpoint'
  const backend = options.backend ?? cpu
  const { tensors, metadata } = decodeSafetensors(bytes)
  if (
    metadata.kind !== ganCheckpointKind ||
    metadata.formatVersion !== '1' ||
    metadata.config === undefined
  ) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must be a ${ganCheckpointKind} checkpoint of formatVersion 1, got kind '${metadata.kind ?? ''}' version '${metadata.formatVersion ?? ''}'`,
    )
  }
  const config = validateGanConfig(JSON.parse(metadata.config) as GanConfig)
  // the template gives the structure and shapes; its values are discarded
  const template = initGan(config, { key: key(0), backend })
  const read = (prefix: string, tree: TensorTree): TensorTree =>
    mapTree(
      op,
      ([like], path) => {
        const name = `${prefix}.${path}`
        const t = tensors[name] as SafetensorsEntry | undefined
        if (t === undefined)
          throw new InvalidArgumentError(op, 'bytes', `must hold tensor '${name}', got none`)
        if (t.shape.length !== like.rank || t.shape.some((d, i) => d !== like.shape[i])) {
          throw new InvalidArgumentError(
            op,
            'bytes',
            `must hold '${name}' as [${like.shape.join(', ')}], got [${t.shape.join(', ')}]`,
          )
        }
        if (t.dtype !== 'F32' && t.dtype !== 'F64') {
          throw new InvalidArgumentError(op, 'bytes', `must hold '${name}' as F32 or F64, got ${t.dtype}`)
        }
        return fromArray(t.data as Float32Array | Float64Array, { shape: like.shape, backend })
      },
      tree,
    )
  const generator = read('generator', template.params.generator)
  const generatorState = read('state.generator', template.state.generator)
  const ema = Object.keys(tensors).some((k) => k.startsWith('ema.'))
    ? read('ema', template.params.generator)
    : undefined
  const step = Number(metadata.step ?? '0')
  let checkpoint: GanCheckpoint | undefined
  if (metadata.training === 'true') {
    const discriminator = read('discriminator', template.params.discriminator)
    const optimizer = (player: 'generator' | 'discriminator'): AdamState => ({
      count: Number(metadata[`optimizer.${player}.count`] ?? '0'),
      mu: read(`optimizer.${player}.mu`, template.params[player]),
      nu: read(`optimizer.${player}.nu`, template.params[player]),
    })
    checkpoint = {
      config,
      params: { generator, discriminator },
      state: {
        generator: generatorState,
        discriminator: read('state.discriminator', template.state.discriminator),
      },
      ...(ema === undefined ? {} : { ema }),
      optimizers: { generator: optimizer('generator'), discriminator: optimizer('discriminator') },
      step,
    }
  }
  return {
    config,
    step,
    generator,
    generatorState,
    ...(ema === undefined ? {} : { ema }),
    ...(checkpoint ? { checkpoint } : {}),
    metadata,
  }
}
