/**
 * A GAN as plain data plus pure functions: {@link GanConfig} (an MLP GAN for low-dimensional
 * data or a DCGAN for 28×28 images, either optionally conditional), {@link initGan},
 * {@link generate} and {@link discriminate}.
 */
import {
  type BackendV1,
  cpu,
  fromArray,
  InvalidArgumentError,
  type Key,
  normalFloats,
  reshape,
  ShapeError,
  split,
  type Tensor,
  type TensorTree,
} from '@gen/core-tensor'
import {
  type DcganConfig,
  dcganDiscriminate,
  type DcganDiscriminatorParams,
  dcganGenerate,
  type DcganGeneratorParams,
  type DcganState,
  initDcgan,
} from './dcgan'
import { checkInteger, checkTensor } from './internal/check'
import { initMlpGan, type MlpGanConfig, mlpDiscriminate, mlpGenerate, type MlpParams } from './mlp-gan'

export type { MlpGanConfig } from './mlp-gan'
export type { DcganConfig } from './dcgan'

/**
 * A GAN's architecture as plain, JSON-serialisable data.
 *
 * @example
 * ```ts
 * const toy: GanConfig = { kind: 'mlp', latentDim: 2, dataDim: 2, generatorHidden: [128, 128], discriminatorHidden: [128, 128] }
 * const digits: GanConfig = { kind: 'dcgan', latentDim: 64, width: 32, discriminatorNorm: 'batch', numClasses: 10 }
 * ```
 */
export type GanConfig = MlpGanConfig | DcganConfig

/** Parameters of both players, as trees of tensors (safetensors names are their dotted paths). */
export interface GanParams {
  readonly generator: TensorTree
  readonly discriminator: TensorTree
}

/** Non-trainable state (batch-norm running statistics) of both players; empty objects for an MLP GAN. */
export interface GanState {
  readonly generator: TensorTree
  readonly discriminator: TensorTree
}

const isWidthList = (v: unknown): v is readonly number[] =>
  Array.isArray(v) && v.every((w) => typeof w === 'number' && Number.isSafeInteger(w) && w >= 1)

/**
 * Checks a GAN config.
 *
 * @param config - the config
 * @returns the config, typed
 * @throws InvalidArgumentError for an unknown kind, sizes below 1, a numClasses below 2
 * @example
 * ```ts
 * validateGanConfig({ kind: 'dcgan', latentDim: 64, width: 32, discriminatorNorm: 'none' })
 * ```
 */
export function validateGanConfig(config: GanConfig): GanConfig {
  const op = 'validateGanConfig'
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError(op, 'config', `must be a GAN config object, got ${String(config)}`)
  }
  checkInteger(op, 'config.latentDim', config.latentDim)
  if (config.numClasses !== undefined) checkInteger(op, 'config.numClasses', config.numClasses, 2)
  if (config.kind === 'mlp') {
    checkInteger(op, 'config.dataDim', config.dataDim)
    for (const name of ['generatorHidden', 'discriminatorHidden'] as const) {
      if (!isWidthList(config[name])) {
        throw new InvalidArgumentError(
          op,
          `config.${name}`,
          `must be an array of integers >= 1, got ${JSON.stringify(config[name])}`,
        )
      }
    }
  } else if (config.kind === 'dcgan') {
    checkInteger(op, 'config.width', config.width)
    if (config.discriminatorNorm !== 'batch' && config.discriminatorNorm !== 'none') {
      throw new InvalidArgumentError(
        op,
        'config.discriminatorNorm',
        `must be 'batch' or 'none', got ${JSON.stringify(config.discriminatorNorm)}`,
      )
    }
  } else {
    throw new InvalidArgumentError(
      op,
      'config.kind',
      `must be 'mlp' or 'dcgan', got ${JSON.stringify((config as { kind: unknown }).kind)}`,
    )
  }
  return config
}

/** Options of {@link initGan}. */
export interface InitGanOptions {
  /** Key of the initialisation (split into one key per player). */
  readonly key: Key
  /** Backend of the tensors; default cpu. */
  readonly backend?: BackendV1
}

/**
 * Initialises both players: MLP layers as PyTorch's `nn.Linear`; DCGAN weights from
 * N(0, 0.02²), batch-norm γ from N(1, 0.02²) (Radford et al. 2016, §4).
 *
 * @param config - the architecture
 * @param options - key, backend (default cpu)
 * @returns `{ params: { generator, discriminator }, state }`
 * @throws InvalidArgumentError as {@link validateGanConfig}
 * @example
 * ```ts
 * const { params, state } = initGan(config, { key: key(0) })
 * ```
 */
export function initGan(config: GanConfig, options: InitGanOptions): { params: GanParams; state: GanState } {
  validateGanConfig(config)
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      'initGan',
      'options',
      `must be an options object with a key, got ${String(options)}`,
    )
  }
  const backend = options.backend ?? cpu
  const [g, d] = split(options.key)
  if (config.kind === 'mlp') {
    const { generator, discriminator } = initMlpGan(config, [g, d], backend)
    return {
      params: {
        generator: generator as unknown as TensorTree,
        discriminator: discriminator as unknown as TensorTree,
      },
      state: { generator: {}, discriminator: {} },
    }
  }
  const { generator, discriminator, state } = initDcgan(config, [g, d], backend)
  return {
    params: {
      generator: generator as unknown as TensorTree,
      discriminator: discriminator as unknown as TensorTree,
    },
    state: state as unknown as GanState,
  }
}

/** Options of {@link generate} and {@link discriminate}. */
export interface ForwardGanOptions {
  /** Batch statistics and a state update (true) or the running statistics (false). Default false. */
  readonly training?: boolean
  /** The player's batch-norm state (`state.generator` or `state.discriminator`); needed by a DCGAN. */
  readonly state?: TensorTree
  /** Int32 class labels `[N]`, required by a conditional GAN. */
  readonly labels?: Tensor
}

function checkLabels(op: string, config: GanConfig, n: number, labels: Tensor | undefined): void {
  if (config.numClasses === undefined) {
    if (labels !== undefined) {
      throw new InvalidArgumentError(op, 'labels', 'must be absent for an unconditional GAN, got a tensor')
    }
    return
  }
  if (labels === undefined) {
    throw new InvalidArgumentError(
      op,
      'labels',
      `must be given for a conditional GAN (${config.numClasses} classes), got undefined`,
    )
  }
  if (labels.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      op,
      `labels must be int32 [${n}], got ${labels.dtype} [${labels.shape.join(', ')}]`,
      [labels.shape],
    )
  }
}

function needState(op: string, state: TensorTree | undefined): TensorTree {
  if (state === undefined) {
    throw new InvalidArgumentError(
      op,
      'options.state',
      'must hold the batch-norm state of a DCGAN, got undefined',
    )
  }
  return state
}

/**
 * The generator G(z). MLP: `[N, latentDim]` → `[N, dataDim]`; DCGAN: → `[N, 1, 28, 28]` in
 * (−1, 1).
 *
 * @param config - the architecture
 * @param params - `params.generator`
 * @param z - noise `[N, latentDim]` (see {@link sampleLatent})
 * @param options - training, state (DCGAN), labels (conditional)
 * @returns `{ samples, state }` (the new state; `{}` for an MLP)
 * @throws ShapeError when z is not `[N, latentDim]` or the labels do not fit
 * @throws InvalidArgumentError for missing labels or state
 * @example
 * ```ts
 * const { samples } = generate(config, params.generator, sampleLatent(key(1), 64, config), { state: state.generator })
 * ```
 */
export function generate(
  config: GanConfig,
  params: TensorTree,
  z: Tensor,
  options: ForwardGanOptions = {},
): { samples: Tensor; state: TensorTree } {
  const op = 'generate'
  checkTensor(op, 'z', z)
  if (z.rank !== 2 || z.shape[1] !== config.latentDim) {
    throw new ShapeError(op, `z must be [N, ${config.latentDim}], got [${z.shape.join(', ')}]`, [z.shape])
  }
  checkLabels(op, config, z.shape[0], options.labels)
  if (config.kind === 'mlp') {
    return { samples: mlpGenerate(config, params as unknown as MlpParams, z, options.labels), state: {} }
  }
  const state = needState(op, options.state) as unknown as DcganState['generator']
  const out = dcganGenerate(config, params as unknown as DcganGeneratorParams, z, {
    state,
    training: options.training ?? false,
    labels: options.labels,
  })
  return { samples: out.images, state: out.state as unknown as TensorTree }
}

/**
 * The discriminator (or critic): one logit or score per example, `[N]`.
 *
 * @param config - the architecture
 * @param params - `params.discriminator`
 * @param x - MLP `[N, dataDim]`; DCGAN `[N, 1, 28, 28]` scaled to [−1, 1]
 * @param options - training, state (DCGAN with batch norm), labels (conditional)
 * @returns `{ scores: [N], state }`
 * @throws ShapeError when x does not fit the architecture
 * @throws InvalidArgumentError for missing labels or state
 * @example
 * ```ts
 * const { scores } = discriminate(config, params.discriminator, realBatch, { state: state.discriminator })
 * ```
 */
export function discriminate(
  config: GanConfig,
  params: TensorTree,
  x: Tensor,
  options: ForwardGanOptions = {},
): { scores: Tensor; state: TensorTree } {
  const op = 'discriminate'
  checkTensor(op, 'x', x)
  const expected = config.kind === 'mlp' ? [config.dataDim] : [1, 28, 28]
  if (x.rank !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
    throw new ShapeError(op, `x must be [N, ${expected.join(', ')}], got [${x.shape.join(', ')}]`, [x.shape])
  }
  const n = x.shape[0]
  checkLabels(op, config, n, options.labels)
  if (config.kind === 'mlp') {
    const out = mlpDiscriminate(config, params as unknown as MlpParams, x, options.labels)
    return { scores: reshape(out, [n]), state: {} }
  }
  const state = (
    config.discriminatorNorm === 'batch' ? needState(op, options.state) : {}
  ) as DcganState['discriminator']
  const out = dcganDiscriminate(config, params as unknown as DcganDiscriminatorParams, x, {
    state,
    training: options.training ?? false,
    labels: options.labels,
  })
  return { scores: reshape(out.scores, [n]), state: out.state as unknown as TensorTree }
}

/**
 * Noise for the generator, z ~ N(0, I) `[count, latentDim]`, from a key (the same numbers on
 * every backend).
 *
 * @param key - the key
 * @param count - N >= 1
 * @param config - gives latentDim
 * @param backend - default cpu
 * @returns `[count, latentDim]`
 * @throws InvalidArgumentError for a count below 1
 * @example
 * ```ts
 * const z = sampleLatent(key(3), 64, config)
 * ```
 */
export function sampleLatent(key: Key, count: number, config: GanConfig, backend: BackendV1 = cpu): Tensor {
  checkInteger('sampleLatent', 'count', count)
  return fromArray(normalFloats(key, count * config.latentDim), {
    shape: [count, config.latentDim],
    backend,
  })
}
