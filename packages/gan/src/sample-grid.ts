/**
 * Generator samples as plain pixel data, for picture sheets over training (`@gen/viz`'s
 * `imageGrid(batch, { range: '0..1' })` turns the result into an image).
 */
import { type Key, noGrad, type Tensor, type TensorTree, tidy } from '@gen/core-tensor'
import { type GanConfig, generate, sampleLatent } from './gan-model'
import { checkInteger } from './internal/check'

/** Options of {@link sampleImages}. */
export interface SampleImagesOptions {
  /** Key of the noise; keep it fixed across training to watch the same z evolve. */
  readonly key: Key
  /** Number of images. */
  readonly count: number
  /** The generator's batch-norm state (evaluation mode uses its running statistics). */
  readonly state?: TensorTree
  /** Int32 labels `[count]` for a conditional GAN (e.g. each digit in turn). */
  readonly labels?: Tensor
}

/**
 * Draws images from a DCGAN generator in evaluation mode and maps them from (−1, 1) to
 * [0, 1]: `{ shape: [count, 1, 28, 28], data }`, row-major.
 *
 * @param config - a DCGAN config
 * @param generatorParams - `params.generator` (or an EMA of it)
 * @param options - key, count, state, labels
 * @returns the pixels as a shaped array
 * @throws InvalidArgumentError for a non-image config or a count below 1
 * @example
 * ```ts
 * const sheet = sampleImages(config, params.generator, { key: key(7), count: 64, state: state.generator })
 * writeFileSync('samples.png', encodePng(imageGrid(sheet, { range: '0..1', columns: 8 })))
 * ```
 */
export function sampleImages(
  config: GanConfig,
  generatorParams: TensorTree,
  options: SampleImagesOptions,
): { readonly shape: readonly number[]; readonly data: Float32Array } {
  checkInteger('sampleImages', 'options.count', options.count)
  const samples = tidy(() =>
    noGrad(() => {
      const z = sampleLatent(options.key, options.count, config)
      return generate(config, generatorParams, z, { state: options.state, labels: options.labels }).samples
    }),
  )
  const values = Float32Array.from(samples.dataSync(), (v) => Math.min(1, Math.max(0, (v + 1) / 2)))
  const shape = samples.shape
  samples.dispose()
  return { shape, data: values }
}
