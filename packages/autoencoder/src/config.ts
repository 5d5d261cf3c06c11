/**
 * The plain, JSON-serialisable configuration of every model in this package (autoencoder,
 * sparse, denoising, VAE, beta-VAE, conditional VAE; dense or convolutional) and its check.
 */
import { checkOptions, InvalidArgumentError } from '@gen/core-tensor'

/** Dense nets: the encoder's hidden widths (ReLU); the decoder mirrors them. */
export interface DenseArchitecture {
  readonly type: 'dense'
  /** Hidden widths from the input side, e.g. `[400]` for 784-400-z. */
  readonly hidden: readonly number[]
}

/**
 * Convolutional nets: each encoder stage is a 4×4 conv of stride 2 and padding 1 (halving H and
 * W) with ReLU, then a dense layer of `hidden` units; the decoder mirrors it with 4×4
 * transposed convs of stride 2 (Radford et al. 2016's DCGAN blocks, without batchNorm).
 */
export interface ConvArchitecture {
  readonly type: 'conv'
  /** Channels per stage, e.g. `[32, 64]` for 28 → 14 → 7. */
  readonly channels: readonly number[]
  /** Dense units between the last stage and the code. */
  readonly hidden: number
}

/** One of the two architectures. */
export type Architecture = DenseArchitecture | ConvArchitecture

/**
 * The decoder's likelihood p(x | z): `'bernoulli'` (binarised images; logits), `'gaussian'`
 * (means, with a fixed or learned per-pixel log-variance) or `'continuousBernoulli'` (grey
 * levels in [0, 1]; Loaiza-Ganem & Cunningham 2019).
 */
export type Likelihood = 'bernoulli' | 'gaussian' | 'continuousBernoulli'

/**
 * A noise level: a number, or a range `{ min, max }` from which each example draws its own
 * level uniformly.
 */
export type NoiseLevel = number | { readonly min: number; readonly max: number }

/**
 * Input corruption of a denoising autoencoder (Vincent et al. 2008, 2010):
 * `'gaussian'` adds N(0, level²) noise, `'masking'` zeroes each pixel with probability
 * `level`, `'saltPepper'` sets each pixel with probability `level` to 0 or 1 (half each).
 */
export interface Corruption {
  readonly type: 'gaussian' | 'masking' | 'saltPepper'
  readonly level: NoiseLevel
}

/**
 * Sparsity penalty on the code of an autoencoder: `'l1'` adds `weight·Σ_j |h_j|` per example;
 * `'kl'` uses sigmoid codes and adds `weight·Σ_j KL(ρ ‖ ρ̂_j)` with ρ̂_j the batch mean of
 * h_j (Ng 2011, "Sparse autoencoder" notes, §3).
 */
export type Sparsity =
  | { readonly type: 'l1'; readonly weight: number }
  | { readonly type: 'kl'; readonly weight: number; readonly target: number }

/** The configuration of a model. */
export interface AutoencoderConfig {
  /** `'ae'`: deterministic code; `'vae'`: Gaussian encoder q(z|x) and prior N(0, I). */
  readonly kind: 'ae' | 'vae'
  /** `[channels, height, width]` of one input, e.g. `[1, 28, 28]`. */
  readonly inputShape: readonly [number, number, number]
  /** Code (latent) size. */
  readonly latentDim: number
  /** Dense or convolutional nets. */
  readonly architecture: Architecture
  /** The decoder's likelihood (for an AE: the reconstruction loss it implies). */
  readonly likelihood: Likelihood
  /**
   * Gaussian decoders: a fixed log σ² for every pixel (a number) or `'learned'` (one learned
   * parameter per pixel). Default `'learned'`.
   */
  readonly decoderLogVar?: number | 'learned'
  /** Weight β of the KL term (Higgins et al. 2017, β-VAE). Default 1. VAE only. */
  readonly beta?: number
  /** Number of classes for a conditional model (Sohn et al. 2015): one-hot labels enter encoder and decoder. */
  readonly classes?: number
  /** Denoising: corrupt the input during training. AE only. */
  readonly corruption?: Corruption
  /** Sparse code penalty. AE only. */
  readonly sparsity?: Sparsity
}

function fail(argument: string, message: string): never {
  throw new InvalidArgumentError('validateAutoencoderConfig', argument, message)
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 1
}

function checkLevel(argument: string, level: unknown, max: number): void {
  const ok = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max
  if (typeof level === 'number') {
    if (!ok(level)) fail(argument, `must be a number in [0, ${max}], got ${level}`)
    return
  }
  if (typeof level !== 'object' || level === null)
    fail(argument, `must be a number or { min, max }, got ${String(level)}`)
  const { min, max: hi } = level as { min: unknown; max: unknown }
  if (!ok(min) || !ok(hi) || (min as number) > (hi as number)) {
    fail(argument, `must have 0 <= min <= max <= ${max}, got min ${String(min)} and max ${String(hi)}`)
  }
}

/**
 * Checks a config and fills the defaults.
 *
 * @param config - the model
 * @returns the config with `beta` and `decoderLogVar` filled in
 * @throws InvalidArgumentError naming the field, what must hold and what it got
 * @example
 * ```ts
 * validateAutoencoderConfig({ kind: 'vae', inputShape: [1, 28, 28], latentDim: 20,
 *   architecture: { type: 'dense', hidden: [400] }, likelihood: 'bernoulli' })
 * ```
 */
export function validateAutoencoderConfig(
  config: AutoencoderConfig,
): Required<Pick<AutoencoderConfig, 'beta' | 'decoderLogVar'>> & AutoencoderConfig {
  checkOptions('validateAutoencoderConfig', config)
  if (config.kind !== 'ae' && config.kind !== 'vae')
    fail('kind', `must be 'ae' or 'vae', got ${String(config.kind)}`)
  const shape = config.inputShape
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isCount)) {
    fail('inputShape', `must be [channels, height, width] of integers >= 1, got ${JSON.stringify(shape)}`)
  }
  if (!isCount(config.latentDim))
    fail('latentDim', `must be an integer >= 1, got ${String(config.latentDim)}`)
  const arch = config.architecture as Architecture | undefined
  if (arch?.type === 'dense') {
    if (!Array.isArray(arch.hidden) || !arch.hidden.every(isCount)) {
      fail('architecture.hidden', `must be a list of integers >= 1, got ${JSON.stringify(arch.hidden)}`)
    }
  } else if (arch?.type === 'conv') {
    if (!Array.isArray(arch.channels) || arch.channels.length < 1 || !arch.channels.every(isCount)) {
      fail(
        'architecture.channels',
        `must be a non-empty list of integers >= 1, got ${JSON.stringify(arch.channels)}`,
      )
    }
    if (!isCount(arch.hidden))
      fail('architecture.hidden', `must be an integer >= 1, got ${String(arch.hidden)}`)
    const f = 2 ** arch.channels.length
    if (shape[1] % f !== 0 || shape[2] % f !== 0) {
      fail(
        'inputShape',
        `must have height and width divisible by ${f} for ${arch.channels.length} stride-2 stages, got ${shape[1]}×${shape[2]}`,
      )
    }
  } else {
    fail('architecture', `must be { type: 'dense' } or { type: 'conv' }, got ${JSON.stringify(arch)}`)
  }
  if (!['bernoulli', 'gaussian', 'continuousBernoulli'].includes(config.likelihood)) {
    fail(
      'likelihood',
      `must be 'bernoulli', 'gaussian' or 'continuousBernoulli', got ${String(config.likelihood)}`,
    )
  }
  const decoderLogVar = config.decoderLogVar ?? 'learned'
  if (decoderLogVar !== 'learned' && !(typeof decoderLogVar === 'number' && Number.isFinite(decoderLogVar))) {
    fail('decoderLogVar', `must be a finite number or 'learned', got ${String(decoderLogVar)}`)
  }
  const beta = config.beta ?? 1
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0)
    fail('beta', `must be a number >= 0, got ${String(beta)}`)
  if (config.classes !== undefined && !isCount(config.classes)) {
    fail('classes', `must be an integer >= 1, got ${String(config.classes)}`)
  }
  if (config.corruption !== undefined) {
    if (config.kind !== 'ae') fail('corruption', `applies to kind 'ae' only, got kind '${config.kind}'`)
    const c = config.corruption
    if (!['gaussian', 'masking', 'saltPepper'].includes(c.type)) {
      fail('corruption.type', `must be 'gaussian', 'masking' or 'saltPepper', got ${String(c.type)}`)
    }
    checkLevel('corruption.level', c.level, c.type === 'gaussian' ? Number.MAX_VALUE : 1)
  }
  if (config.sparsity !== undefined) {
    if (config.kind !== 'ae') fail('sparsity', `applies to kind 'ae' only, got kind '${config.kind}'`)
    const s = config.sparsity
    if (s.type !== 'l1' && s.type !== 'kl')
      fail('sparsity.type', `must be 'l1' or 'kl', got ${String((s as { type: unknown }).type)}`)
    if (typeof s.weight !== 'number' || !Number.isFinite(s.weight) || s.weight < 0) {
      fail('sparsity.weight', `must be a number >= 0, got ${String(s.weight)}`)
    }
    if (s.type === 'kl' && !(typeof s.target === 'number' && s.target > 0 && s.target < 1)) {
      fail('sparsity.target', `must be in (0, 1), got ${String(s.target)}`)
    }
  }
  return { ...config, beta, decoderLogVar }
}
