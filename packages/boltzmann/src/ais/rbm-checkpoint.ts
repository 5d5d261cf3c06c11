// RBM checkpoints as safetensors (the format PyTorch, JAX and diffusers read). The file holds
// three tensors, `weights` [V, H], `visibleBias` [V] and `hiddenBias` [H], and string metadata:
// kind = 'gen-boltzmann-rbm', formatVersion = '1', config = JSON of the RbmConfig, plus any
// caller metadata (training settings, metrics). Pure bytes in, bytes out, so it runs in
// browsers too; scripts/checkpoint-file.ts writes the bytes to a temporary name and renames.
import { InvalidArgumentError, checkOptions } from '@gen/core-tensor'
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@gen/core-tensor/io'

import { createRbm, type Rbm } from '../rbm'

/** The `kind` metadata value of an RBM checkpoint. */
export const RBM_CHECKPOINT_KIND = 'gen-boltzmann-rbm'

const FORMAT_VERSION = '1'
const RESERVED = ['kind', 'formatVersion', 'config'] as const

/**
 * Options of {@link encodeRbmCheckpoint}.
 *
 * @example
 * ```ts
 * const options: EncodeRbmCheckpointOptions = { dtype: 'F32', metadata: { epochs: '10' } }
 * ```
 */
export interface EncodeRbmCheckpointOptions {
  /**
   * Element type on disk: `'F64'` (default, an exact round trip) or `'F32'` (half the size:
   * 784×500 weights take 1.6 MB; values come back rounded to float32).
   */
  readonly dtype?: 'F64' | 'F32'
  /** Extra string metadata (training settings, metrics); the keys kind, formatVersion and config are reserved. */
  readonly metadata?: Readonly<Record<string, string>>
}

/**
 * Encodes an RBM as safetensors bytes with its config in the metadata.
 *
 * @param rbm - the RBM (weights [V, H] row-major, visibleBias [V], hiddenBias [H])
 * @param options - {@link EncodeRbmCheckpointOptions}
 * @returns the file's bytes
 * @throws InvalidArgumentError for a bad dtype, a non-string or reserved metadata entry, or non-finite parameters
 * @example
 * ```ts
 * const bytes = encodeRbmCheckpoint(rbm, { dtype: 'F32', metadata: { seed: '0' } })
 * const { rbm: back } = decodeRbmCheckpoint(bytes)
 * ```
 */
export function encodeRbmCheckpoint(rbm: Rbm, options: EncodeRbmCheckpointOptions = {}): Uint8Array {
  const op = 'encodeRbmCheckpoint'
  checkOptions(op, options)
  const checked = createRbm(rbm) // validates shapes and finiteness
  const dtype = options.dtype ?? 'F64'
  if (dtype !== 'F64' && dtype !== 'F32') {
    throw new InvalidArgumentError(op, 'dtype', `must be 'F64' or 'F32', got ${JSON.stringify(dtype)}`)
  }
  const extra = options.metadata ?? {}
  for (const [name, value] of Object.entries(extra)) {
    if ((RESERVED as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(op, 'metadata', `must not set the reserved key '${name}'`)
    }
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        op,
        'metadata',
        `must map keys to strings, got ${typeof value} for '${name}'`,
      )
    }
  }
  const { numVisible: V, numHidden: H } = checked
  const entry = (shape: number[], data: Float64Array): SafetensorsEntry =>
    dtype === 'F64' ? { dtype, shape, data } : { dtype, shape, data: Float32Array.from(data) }
  return encodeSafetensors(
    {
      weights: entry([V, H], checked.weights),
      visibleBias: entry([V], checked.visibleBias),
      hiddenBias: entry([H], checked.hiddenBias),
    },
    {
      ...extra,
      kind: RBM_CHECKPOINT_KIND,
      formatVersion: FORMAT_VERSION,
      config: JSON.stringify({ numVisible: V, numHidden: H }),
    },
  )
}

/**
 * Decodes an RBM checkpoint written by {@link encodeRbmCheckpoint} (F32 or F64 tensors).
 *
 * @param bytes - the safetensors file's bytes
 * @returns `rbm` (float64 parameters) and `metadata` (the caller's entries, without kind/formatVersion/config)
 * @throws InvalidArgumentError when the bytes are not an RBM checkpoint or a tensor's shape disagrees with the config
 * @example
 * ```ts
 * const { rbm, metadata } = decodeRbmCheckpoint(await readFile('weights/rbm-500-mnist.safetensors'))
 * ```
 */
export function decodeRbmCheckpoint(bytes: Uint8Array): {
  readonly rbm: Rbm
  readonly metadata: Readonly<Record<string, string>>
} {
  const op = 'decodeRbmCheckpoint'
  const { tensors, metadata } = decodeSafetensors(bytes)
  if (metadata.kind !== RBM_CHECKPOINT_KIND || metadata.formatVersion !== FORMAT_VERSION) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must be a ${RBM_CHECKPOINT_KIND} checkpoint of format version ${FORMAT_VERSION}, got kind ${JSON.stringify(metadata.kind)} version ${JSON.stringify(metadata.formatVersion)}`,
    )
  }
  let config: { numVisible?: unknown; numHidden?: unknown }
  try {
    config = JSON.parse(metadata.config ?? '') as typeof config
  } catch (cause) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must hold a JSON config, got ${JSON.stringify(metadata.config)}`,
      {
        cause,
      },
    )
  }
  const V = Number(config.numVisible)
  const H = Number(config.numHidden)
  const read = (name: string, shape: number[]): ArrayLike<number> => {
    const t = tensors[name]
    if (t === undefined)
      throw new InvalidArgumentError(op, 'bytes', `must hold the tensor '${name}', got none`)
    if (t.dtype !== 'F64' && t.dtype !== 'F32') {
      throw new InvalidArgumentError(op, 'bytes', `must hold '${name}' as F32 or F64, got ${t.dtype}`)
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new InvalidArgumentError(
        op,
        'bytes',
        `must hold '${name}' as [${shape.join(', ')}], got [${t.shape.join(', ')}]`,
      )
    }
    return t.data as Float32Array | Float64Array
  }
  const rbm = createRbm({
    numVisible: V,
    numHidden: H,
    weights: read('weights', [V, H]),
    visibleBias: read('visibleBias', [V]),
    hiddenBias: read('hiddenBias', [H]),
  })
  const rest: Record<string, string> = {}
  for (const [name, value] of Object.entries(metadata)) {
    if (!(RESERVED as readonly string[]).includes(name)) rest[name] = value
  }
  return { rbm, metadata: rest }
}
