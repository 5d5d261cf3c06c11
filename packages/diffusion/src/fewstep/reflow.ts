/**
 * Reflow (Liu, Gong & Liu 2023, "Flow straight and fast: learning to generate and transfer
 * data with rectified flow", §2.2 and Algorithm 1): draw noise z₀, push it through the ODE of
 * a trained flow to x₁ = Φ(z₀), and train a new flow on the straight lines between these
 * coupled pairs instead of independent (noise, data) pairs. The coupled lines cross far less,
 * so the k-rectified flow's paths are straighter and a few Euler steps land close to the
 * ODE's end point.
 */
import {
  cpu,
  type BackendV1,
  concat,
  fold,
  fromArray,
  indexSelect,
  InvalidArgumentError,
  type Key,
  mean,
  mul,
  normalFloats,
  randint,
  reshape,
  ShapeError,
  slice,
  square,
  sub,
  add,
  type Tensor,
  uniformFloats,
} from '@gen/core-tensor'
import {
  applyDenoiser,
  type DenoiserConfig,
  type DenoiserParams,
  validateDenoiserConfig,
} from '../nets/denoiser'
import { checkInteger, checkObject, checkTensor } from '../nets/check'
import { checkFunction } from '../schedule/check'
import { flowSample } from '../samplers/flow-matching'
import type { OdeMethod } from '../samplers/probability-flow'
import type { VelocityField } from '../samplers/types'
import { type FewStepTrainOptions, type FewStepTrainResult, runTrainLoop } from './train-loop'

/** Coupled pairs of a flow: noise and where the flow's ODE takes it. */
export interface ReflowCouplings {
  /** z₀ ~ N(0, I), `[N, ...]`. */
  readonly noise: Tensor
  /** x₁ = Φ(z₀), the ODE solution at t = 1, `[N, ...]`. */
  readonly data: Tensor
}

/** Options of {@link reflowCouplings}. */
export interface ReflowCouplingsOptions {
  /** Shape `[N, ...]` of the couplings (N pairs). */
  readonly shape: readonly number[]
  /** Key of the starting noise. */
  readonly key: Key
  /** ODE steps over [0, 1]. Default 100. */
  readonly numSteps?: number
  /** Integrator. Default 'heun' (second order: the couplings should be the ODE's, not Euler's). */
  readonly method?: OdeMethod
  /** Pairs integrated at once (memory). Default 4096. */
  readonly chunkSize?: number
  /** Backend of the noise. Default cpu. */
  readonly backend?: BackendV1
}

/**
 * Draws z₀ ~ N(0, I) and integrates the flow's ODE dx/dt = v(x, t) from t = 0 to 1
 * ({@link flowSample}), giving the coupling (z₀, x₁ = Φ(z₀)) that reflow trains on (Liu et
 * al. 2023, Algorithm 1: "draw `(X₀, X₁) = (X₀, ODE[v](X₀))`").
 *
 * Shapes: `shape` `[N, ...]` → noise and data, both `[N, ...]`.
 *
 * @param velocity - the trained (k-rectified) flow, v(x, t) with t = 0 noise, t = 1 data
 * @param options - shape, key, numSteps (100), method ('heun'), chunkSize (4096), backend
 * @returns the pairs
 * @throws InvalidArgumentError for a bad shape, key, step count or method
 * @example
 * ```ts
 * const couplings = reflowCouplings(velocityField(config, params), { shape: [20_000, 2], key: key(3) })
 * ```
 */
export function reflowCouplings(velocity: VelocityField, options: ReflowCouplingsOptions): ReflowCouplings {
  const op = 'reflowCouplings'
  checkFunction(op, 'velocity', velocity)
  checkObject(op, 'options', options)
  const shape = options.shape as unknown
  if (!Array.isArray(shape) || shape.length < 1 || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new InvalidArgumentError(
      op,
      'shape',
      `must be [N, ...] of integers >= 1, got ${JSON.stringify(shape)}`,
    )
  }
  const dims = shape as number[]
  const chunkSize = options.chunkSize ?? 4096
  checkInteger(op, 'chunkSize', chunkSize)
  const numSteps = options.numSteps ?? 100
  checkInteger(op, 'numSteps', numSteps)
  const backend = options.backend ?? cpu
  const size = dims.reduce((a, b) => a * b, 1)
  const noise = fromArray(normalFloats(options.key, size, 'float64'), {
    shape: dims,
    backend,
    dtype: 'float32',
  })
  const parts: Tensor[] = []
  for (let start = 0; start < dims[0]; start += chunkSize) {
    const chunk = slice(noise, [{ start, stop: Math.min(start + chunkSize, dims[0]) }])
    parts.push(
      flowSample(velocity, {
        key: options.key,
        initialNoise: chunk,
        numSteps,
        method: options.method ?? 'heun',
      }),
    )
  }
  const data = parts.length === 1 ? parts[0] : concat(parts, 0)
  if (parts.length > 1) parts.forEach((p) => p.dispose())
  return { noise, data }
}

/** Options of {@link trainReflow}. */
export interface TrainReflowOptions extends FewStepTrainOptions {
  /** The network (an MLP or UNet denoiser config; its time input is the flow time in [0, 1]). */
  readonly config: DenoiserConfig
  /** Initial parameters: usually the previous flow's (Liu et al. 2023 fine-tune from it). */
  readonly params: DenoiserParams
  /** The pairs from {@link reflowCouplings}. */
  readonly couplings: ReflowCouplings
}

/** One reflow batch: x_t on the coupled line, its time and its target velocity. */
interface ReflowBatch {
  readonly input: Tensor
  readonly t: Tensor
  readonly target: Tensor
}

/**
 * @internal The reflow batch: pairs drawn uniformly with replacement, t ~ U[0, 1],
 * x_t = (1 − t) z₀ + t x₁ and target x₁ − z₀.
 */
export function reflowBatch(couplings: ReflowCouplings, batchSize: number, k: Key): ReflowBatch {
  const n = couplings.noise.shape[0]
  const index = randint(fold(k, 0), [batchSize], { high: n, backend: couplings.noise.backend })
  const z = indexSelect(couplings.noise, 0, index)
  const x1 = indexSelect(couplings.data, 0, index)
  const times = uniformFloats(fold(k, 1), batchSize, 'float32')
  const t = fromArray(times, { backend: z.backend })
  const tb = reshape(t, [batchSize, ...z.shape.slice(1).map(() => 1)])
  const input = add(z, mul(tb, sub(x1, z)))
  return { input, t, target: sub(x1, z) }
}

/**
 * Trains a flow on reflow couplings (Liu et al. 2023, eq. 1 with the coupling (z₀, Φ(z₀))):
 * minimises E_{t ~ U[0,1], (z₀, x₁)} ‖v_θ((1 − t) z₀ + t x₁, t) − (x₁ − z₀)‖² with Adam, an
 * optional EMA and gradient clipping. With couplings from the 1-rectified flow the result is
 * the 2-rectified flow, whose paths are nearly straight: Euler with 1–4 steps approaches
 * the ODE's samples (see the README's few-step table).
 *
 * Shapes: couplings `[N, ...]` matching the config's data shape.
 *
 * @param options - config, params, couplings, steps, batchSize, optimizer, emaDecay, key, logEvery, onProgress
 * @returns params, EMA and the progress history; sample it with `flowSample(velocityField(config, ema))`
 * @throws InvalidArgumentError for bad options or a non-finite loss
 * @throws ShapeError when noise and data differ in shape
 * @example
 * ```ts
 * const couplings = reflowCouplings(velocityField(config, first), { shape: [20_000, 2], key: key(3) })
 * const second = trainReflow({ config, params: first, couplings, steps: 5000, batchSize: 256, key: key(4) })
 * const x = flowSample(velocityField(config, second.ema ?? second.params), { key: key(5), shape: [1000, 2], numSteps: 2 })
 * ```
 */
export function trainReflow(options: TrainReflowOptions): FewStepTrainResult<DenoiserParams> {
  const op = 'trainReflow'
  checkObject(op, 'options', options)
  const { config, couplings } = options
  validateDenoiserConfig(config)
  checkObject(op, 'couplings', couplings)
  checkTensor(op, 'couplings.noise', couplings.noise)
  checkTensor(op, 'couplings.data', couplings.data)
  const a = couplings.noise.shape
  const b = couplings.data.shape
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(
      op,
      `couplings.noise and couplings.data must have one shape, got [${a.join(', ')}] and [${b.join(', ')}]`,
      [a, b],
    )
  }
  return runTrainLoop({
    ...options,
    op,
    makeBatch: (_params, k) => reflowBatch(couplings, options.batchSize, k),
    loss: (p, batch) =>
      mean(square(sub(applyDenoiser(config, p, batch.input, { t: batch.t }), batch.target))),
  })
}
