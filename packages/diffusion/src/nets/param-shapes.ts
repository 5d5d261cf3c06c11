/**
 * The parameter shapes a denoiser config implies, written out without allocating anything, so
 * the public entry points can check that a config and its params belong together.
 *
 * @internal
 */
import { InvalidArgumentError, ShapeError, Tensor } from '@gen/core-tensor'
import type { DenoiserConfig } from './denoiser'
import { validateMlpDenoiserConfig } from './mlp-denoiser'
import { validateUNetConfig } from './unet'

type Shapes = Map<string, readonly number[]>

function linearShapes(out: Shapes, path: string, inFeatures: number, outFeatures: number): void {
  out.set(`${path}.weight`, [outFeatures, inFeatures])
  out.set(`${path}.bias`, [outFeatures])
}

function convShapes(
  out: Shapes,
  path: string,
  [inChannels, outChannels, k]: readonly [number, number, number],
): void {
  out.set(`${path}.weight`, [outChannels, inChannels, k, k])
  out.set(`${path}.bias`, [outChannels])
}

function normShapes(out: Shapes, path: string, channels: number): void {
  out.set(`${path}.weight`, [channels])
  out.set(`${path}.bias`, [channels])
}

function conditioningShapes(out: Shapes, sinusoidalDim: number, dim: number, numClasses?: number): void {
  linearShapes(out, 'conditioning.timeHidden', sinusoidalDim, dim)
  linearShapes(out, 'conditioning.timeOutput', dim, dim)
  if (numClasses !== undefined) out.set('conditioning.classEmbedding.weight', [numClasses + 1, dim])
}

function resBlockShapes(
  out: Shapes,
  path: string,
  [inChannels, outChannels, embedDim]: readonly [number, number, number],
): void {
  normShapes(out, `${path}.norm1`, inChannels)
  convShapes(out, `${path}.conv1`, [inChannels, outChannels, 3])
  linearShapes(out, `${path}.embedding`, embedDim, outChannels)
  normShapes(out, `${path}.norm2`, outChannels)
  convShapes(out, `${path}.conv2`, [outChannels, outChannels, 3])
  if (inChannels !== outChannels) convShapes(out, `${path}.skip`, [inChannels, outChannels, 1])
}

/**
 * Every parameter path of `config`'s network (`layers.0.weight`, `down.1.blocks.0.conv1.weight`)
 * with its shape, in the order initDenoiser makes them; the config must be valid.
 */
export function denoiserParamShapes(config: DenoiserConfig): Shapes {
  const out: Shapes = new Map()
  if (config.kind === 'mlp') {
    const c = validateMlpDenoiserConfig(config)
    conditioningShapes(out, c.embedDim, c.embedDim, c.numClasses)
    const sizes = [c.dataDim + c.embedDim, ...c.hidden, c.dataDim]
    for (let i = 0; i + 1 < sizes.length; i++) linearShapes(out, `layers.${i}`, sizes[i], sizes[i + 1])
    return out
  }
  const c = validateUNetConfig(config)
  conditioningShapes(out, 2 * c.baseChannels, c.embedDim, c.numClasses)
  convShapes(out, 'inputConv', [c.inChannels, c.baseChannels, 3])
  const widths = c.channelMultipliers.map((m) => m * c.baseChannels)
  const levels = widths.length
  let channels = c.baseChannels
  widths.forEach((w, l) => {
    for (let b = 0; b < c.numResBlocks; b++) {
      resBlockShapes(out, `down.${l}.blocks.${b}`, [b === 0 ? channels : w, w, c.embedDim])
    }
    channels = w
    if (l < levels - 1) convShapes(out, `down.${l}.resample`, [w, w, 3])
  })
  const lowest = widths[levels - 1]
  resBlockShapes(out, 'middle.block1', [lowest, lowest, c.embedDim])
  if (c.attention) {
    normShapes(out, 'middle.attention.norm', lowest)
    for (const name of ['query', 'key', 'value', 'output']) {
      linearShapes(out, `middle.attention.attention.${name}`, lowest, lowest)
    }
  }
  resBlockShapes(out, 'middle.block2', [lowest, lowest, c.embedDim])
  channels = lowest
  for (let j = 0; j < levels; j++) {
    const l = levels - 1 - j
    const w = widths[l]
    for (let b = 0; b < c.numResBlocks; b++) {
      resBlockShapes(out, `up.${j}.blocks.${b}`, [b === 0 ? channels + w : w, w, c.embedDim])
    }
    channels = w
    if (l > 0) convShapes(out, `up.${j}.resample`, [w, w, 3])
  }
  normShapes(out, 'outputNorm', widths[0])
  convShapes(out, 'outputConv', [widths[0], c.outChannels, 3])
  return out
}

/** The config fields that set the shapes, for messages. */
function describeConfig(config: DenoiserConfig): string {
  if (config.kind === 'mlp') {
    const c = validateMlpDenoiserConfig(config)
    return `config.hidden [${c.hidden.join(', ')}] (dataDim ${c.dataDim}, embedDim ${c.embedDim}${
      c.numClasses === undefined ? '' : `, numClasses ${c.numClasses}`
    })`
  }
  const c = validateUNetConfig(config)
  return `config.baseChannels ${c.baseChannels}, channelMultipliers [${c.channelMultipliers.join(', ')}], numResBlocks ${c.numResBlocks} (inChannels ${c.inChannels}, outChannels ${c.outChannels}, embedDim ${c.embedDim}, attention ${c.attention}${
    c.numClasses === undefined ? '' : `, numClasses ${c.numClasses}`
  })`
}

/** The tensors of a params tree by dotted path; a non-tensor, non-container leaf throws. */
function paramLeaves(op: string, node: unknown, path: string, out: Map<string, Tensor>): void {
  if (node instanceof Tensor) {
    out.set(path, node)
    return
  }
  const here = path === '' ? 'params' : `params.${path}`
  if (node === undefined) return
  if (node === null || typeof node !== 'object') {
    throw new InvalidArgumentError(
      op,
      here,
      `must be a tensor or a record of tensors, got ${node === null ? 'null' : typeof node}`,
    )
  }
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node)
  for (const [k, v] of entries) paramLeaves(op, v, path === '' ? k : `${path}.${k}`, out)
}

/**
 * Throws unless `params` holds exactly the tensors `config` implies, each of its shape: an
 * InvalidArgumentError for a missing or extra tensor, a ShapeError for a wrong shape, naming
 * the parameter path, the expected and the actual shape. The config must be valid.
 */
export function checkDenoiserParams(op: string, config: DenoiserConfig, params: unknown): void {
  if (params === null || typeof params !== 'object' || params instanceof Tensor) {
    throw new InvalidArgumentError(op, 'params', `must be a record of tensors, got ${String(params)}`)
  }
  const expected = denoiserParamShapes(config)
  const actual = new Map<string, Tensor>()
  paramLeaves(op, params, '', actual)
  for (const [path, shape] of expected) {
    const t = actual.get(path)
    if (t === undefined) {
      throw new InvalidArgumentError(
        op,
        `params.${path}`,
        `must be a tensor of shape [${shape.join(', ')}] for ${describeConfig(config)}, got none`,
      )
    }
    if (t.rank !== shape.length || shape.some((d, i) => t.shape[i] !== d)) {
      throw new ShapeError(
        op,
        `params.${path} must have shape [${shape.join(', ')}] for ${describeConfig(config)}, got [${t.shape.join(', ')}]`,
        [t.shape],
      )
    }
  }
  for (const [path, t] of actual) {
    if (!expected.has(path)) {
      throw new InvalidArgumentError(
        op,
        `params.${path}`,
        `must not be present for ${describeConfig(config)}, got a tensor of shape [${t.shape.join(', ')}]`,
      )
    }
  }
}
