/**
 * One entry point over the package's networks, discriminated by `config.kind`: the MLP for
 * 2-D data and the UNet for images.
 */
import { type BackendV1, InvalidArgumentError, type Key, type Tensor } from '@gen/core-tensor'
import { checkObject, checkTensor, checkTimes } from './check'
import type { DenoiserInputs } from './conditioning'
import {
  initMlpDenoiser,
  mlpDenoiser,
  type MlpDenoiserConfig,
  type MlpDenoiserParams,
  validateMlpDenoiserConfig,
} from './mlp-denoiser'
import { checkDenoiserParams } from './param-shapes'
import { initUNet, unet, type UNetConfig, type UNetParams, validateUNetConfig } from './unet'

/** Any denoiser architecture of this package. */
export type DenoiserConfig = MlpDenoiserConfig | UNetConfig

/** The parameters of a {@link DenoiserConfig}. */
export type DenoiserParams = MlpDenoiserParams | UNetParams

/**
 * Checks a denoiser config of either kind (MLP or UNet).
 *
 * @param config - the config
 * @returns the same config
 * @throws InvalidArgumentError for an unknown kind or a bad field
 * @example
 * ```ts
 * validateDenoiserConfig({ kind: 'mlp', dataDim: 2, hidden: [64, 64] })
 * ```
 */
export function validateDenoiserConfig(config: DenoiserConfig): DenoiserConfig {
  checkObject('validateDenoiserConfig', 'config', config)
  if (config.kind === 'mlp') validateMlpDenoiserConfig(config)
  else if (config.kind === 'unet') validateUNetConfig(config)
  else {
    throw new InvalidArgumentError(
      'validateDenoiserConfig',
      'config.kind',
      `must be 'mlp' or 'unet', got ${JSON.stringify((config as { kind?: unknown }).kind)}`,
    )
  }
  return config
}

/**
 * Initialises the parameters of a denoiser of either kind.
 *
 * @param config - an MLP or UNet config
 * @param options - key (required), backend (default cpu)
 * @returns the parameters, a plain record of tensors
 * @throws InvalidArgumentError for a bad config
 * @example
 * ```ts
 * const params = initDenoiser({ kind: 'mlp', dataDim: 2, hidden: [128, 128, 128] }, { key: key(0) })
 * ```
 */
export function initDenoiser(
  config: DenoiserConfig,
  options: { readonly key: Key; readonly backend?: BackendV1 },
): DenoiserParams {
  validateDenoiserConfig(config)
  return config.kind === 'mlp' ? initMlpDenoiser(config, options) : initUNet(config, options)
}

/**
 * Applies a denoiser of either kind: `f(x, t, y)` with the shape of x (the MLP's `[N, D]`, the
 * UNet's `[N, C, S, S]` with C = outChannels).
 *
 * @param config - the architecture
 * @param params - its parameters
 * @param x - the noisy input
 * @param inputs - t (`[N]` time or noise level, in the objective's units) and labels (int32
 *   `[N]`; numClasses means "no label")
 * @returns the network output
 * @throws ShapeError when the inputs or a parameter's shape do not fit the config;
 *   InvalidArgumentError when params lacks a tensor the config needs or holds one it does not,
 *   or t holds a NaN, an infinity or a negative time
 * @example
 * ```ts
 * const out = applyDenoiser(config, params, xt, { t })
 * ```
 */
export function applyDenoiser(
  config: DenoiserConfig,
  params: DenoiserParams,
  x: Tensor,
  inputs: DenoiserInputs,
): Tensor {
  validateDenoiserConfig(config)
  checkDenoiserParams('applyDenoiser', config, params)
  checkObject('applyDenoiser', 'inputs', inputs)
  checkTensor('applyDenoiser', 't', inputs.t)
  checkTimes('applyDenoiser', 't', inputs.t)
  return config.kind === 'mlp'
    ? mlpDenoiser(config, params as MlpDenoiserParams, x, inputs)
    : unet(config, params as UNetParams, x, inputs)
}
