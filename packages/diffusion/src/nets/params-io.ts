/**
 * Denoiser weights as safetensors: every tensor under its dotted tree path
 * (`down.0.blocks.0.conv1.weight`, `layers.2.bias`, PyTorch's `state_dict` naming) and the
 * config in `__metadata__`, so anyone with a safetensors reader can load them.
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
import { mapTree, treeLeaves } from '@gen/core-tensor/optim'
import { type DenoiserConfig, type DenoiserParams, initDenoiser, validateDenoiserConfig } from './denoiser'
import { checkDenoiserParams } from './param-shapes'

/** The `kind` written in a denoiser file's metadata. */
export const denoiserFileKind = 'gen-diffusion-denoiser'

/** @internal One tensor as a safetensors entry: F64 from a float64 backend (exact), else F32. */
export function tensorEntry(t: Tensor): SafetensorsEntry {
  return t.backend.floatPrecision === 64
    ? { dtype: 'F64', shape: t.shape, data: Float64Array.from(t.dataSync()) }
    : { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync()) }
}

/** @internal Adds the leaves of `tree` to `out` under `prefix.` + their paths. */
export function putTree(out: Record<string, SafetensorsEntry>, prefix: string, tree: TensorTree): void {
  for (const [path, t] of treeLeaves(tree)) out[prefix === '' ? path : `${prefix}.${path}`] = tensorEntry(t)
}

/**
 * @internal Rebuilds a tree with the structure of `template` from the file's tensors under
 * `prefix`, checking each name and shape.
 */
export function readTree<T extends TensorTree>(
  op: string,
  source: { readonly tensors: Record<string, SafetensorsEntry>; readonly prefix: string },
  template: T,
  backend: BackendV1,
): T {
  const { tensors, prefix } = source
  return mapTree(
    op,
    ([like], path) => {
      const name = prefix === '' ? path : `${prefix}.${path}`
      const entry = tensors[name]
      if (entry === undefined)
        throw new InvalidArgumentError(op, 'bytes', `must hold tensor '${name}', got none`)
      if (entry.shape.length !== like.rank || entry.shape.some((d, i) => d !== like.shape[i])) {
        throw new InvalidArgumentError(
          op,
          'bytes',
          `must hold '${name}' of shape [${like.shape.join(', ')}], got [${entry.shape.join(', ')}]`,
        )
      }
      if (entry.dtype !== 'F32' && entry.dtype !== 'F64') {
        throw new InvalidArgumentError(op, 'bytes', `must hold '${name}' as F32 or F64, got ${entry.dtype}`)
      }
      return fromArray(entry.data as Float32Array | Float64Array, { shape: like.shape, backend })
    },
    template,
  ) as T
}

/**
 * Encodes a denoiser's weights as a safetensors file (F32; F64 for a float64 backend), with
 * metadata `kind` ('gen-diffusion-denoiser'), `formatVersion` ('1') and `config` (JSON).
 *
 * @param config - the architecture
 * @param params - its parameters
 * @param options - extra metadata strings (command, metrics)
 * @returns the file's bytes
 * @throws InvalidArgumentError when extra metadata overrides a reserved key, or params lacks a
 *   tensor the config needs or holds one it does not; ShapeError for a parameter of the wrong shape
 * @example
 * ```ts
 * writeFileSync('mlp.safetensors', encodeDenoiser(config, params, { metadata: { steps: '5000' } }))
 * ```
 */
export function encodeDenoiser(
  config: DenoiserConfig,
  params: DenoiserParams,
  options: { readonly metadata?: Readonly<Record<string, string>> } = {},
): Uint8Array {
  validateDenoiserConfig(config)
  checkDenoiserParams('encodeDenoiser', config, params)
  const tensors: Record<string, SafetensorsEntry> = {}
  putTree(tensors, '', params as unknown as TensorTree)
  const metadata: Record<string, string> = {
    kind: denoiserFileKind,
    formatVersion: '1',
    config: JSON.stringify(config),
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k in metadata) {
      throw new InvalidArgumentError(
        'encodeDenoiser',
        'options.metadata',
        `must not set the reserved key '${k}', got it`,
      )
    }
    metadata[k] = v
  }
  return encodeSafetensors(tensors, metadata)
}

/** What {@link decodeDenoiser} returns. */
export interface DecodedDenoiser {
  readonly config: DenoiserConfig
  readonly params: DenoiserParams
  /** Every `__metadata__` string. */
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * Decodes a file written by {@link encodeDenoiser}: the structure comes from the config, so
 * every tensor's name and shape is checked.
 *
 * @param bytes - the safetensors file
 * @param options - backend (default cpu)
 * @returns config, params and metadata
 * @throws InvalidArgumentError when the file is not a denoiser file, lacks a tensor or holds
 *   one of the wrong shape
 * @example
 * ```ts
 * const { config, params } = decodeDenoiser(readFileSync('mlp.safetensors'))
 * ```
 */
export function decodeDenoiser(
  bytes: Uint8Array,
  options: { readonly backend?: BackendV1 } = {},
): DecodedDenoiser {
  const op = 'decodeDenoiser'
  const backend = options.backend ?? cpu
  const { tensors, metadata } = decodeSafetensors(bytes)
  if (metadata.kind !== denoiserFileKind || metadata.formatVersion !== '1' || metadata.config === undefined) {
    throw new InvalidArgumentError(
      op,
      'bytes',
      `must be a ${denoiserFileKind} file of formatVersion 1, got kind '${metadata.kind ?? ''}' version '${metadata.formatVersion ?? ''}'`,
    )
  }
  const config = validateDenoiserConfig(JSON.parse(metadata.config) as DenoiserConfig)
  // the template gives structure and shapes; its values are discarded
  const template = initDenoiser(config, { key: key(0), backend }) as unknown as TensorTree
  const params = readTree(op, { tensors, prefix: '' }, template, backend) as unknown as DenoiserParams
  for (const [, t] of treeLeaves(template)) t.dispose()
  return { config, params, metadata }
}
