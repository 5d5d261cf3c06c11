/**
 * LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998, "Gradient-based learning applied to document
 * recognition", §II.B and Fig. 2) as a {@link SequentialConfig}, in the published form (tanh,
 * average pooling, C3 connected to all of S2's maps) and the modern one (ReLU, max pooling).
 */
import { InvalidArgumentError } from '@gen/core-tensor'
import type { LayerConfig, SequentialConfig } from './sequential'

/** Options of {@link lenet5Config}. */
export interface Lenet5Options {
  /**
   * `'classic'`: tanh and 2×2 average pooling, as published (without the trainable pooling
   * coefficients and the RBF output layer, which the common layout drops). `'modern'`: ReLU
   * and 2×2 max pooling. Default `'classic'`.
   */
  readonly variant?: 'classic' | 'modern'
  /**
   * Side of the square input: 32 (the paper's padded field) or 28 (MNIST as it comes, C1
   * then zero-pads by 2 so the maps have the paper's sizes). Default 28.
   */
  readonly inputSize?: 28 | 32
  /** Output classes. Default 10. */
  readonly numClasses?: number
  /** Dropout rate before F6 and the output layer (0: no dropout layers). Default 0. */
  readonly dropout?: number
}

/**
 * The LeNet-5 config: C1 conv 6@5×5 → S2 pool 2 → C3 conv 16@5×5 (full connection) → S4
 * pool 2 → C5 conv 120@5×5 → F6 linear 84 → output linear 10, with an activation after C1,
 * C3, C5 and F6. Maps: 32×32 → 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 1×1×120 → 84 → 10.
 *
 * Parameters: `156 + 2416 + 48120 + 10164 + 850 = 61,706` for 10 classes.
 *
 * @param options - variant (`'classic'` tanh/avg-pool or `'modern'` ReLU/max-pool),
 *   inputSize (28 or 32), numClasses, dropout
 * @returns a plain config for {@link initSequential} and {@link applySequential}
 * @throws InvalidArgumentError for another variant or input size, fewer than 2 classes, or a
 *   dropout rate outside [0, 1)
 * @example
 * ```ts
 * const config = lenet5Config({ variant: 'modern' })
 * parameterCount(config) // 61706
 * ```
 */
export function lenet5Config(options: Lenet5Options = {}): SequentialConfig {
  const op = 'lenet5Config'
  const { variant = 'classic', inputSize = 28, numClasses = 10, dropout = 0 } = options
  if (variant !== 'classic' && variant !== 'modern') {
    throw new InvalidArgumentError(
      op,
      'variant',
      `must be 'classic' or 'modern', got ${JSON.stringify(variant)}`,
    )
  }
  if (inputSize !== 28 && inputSize !== 32) {
    throw new InvalidArgumentError(op, 'inputSize', `must be 28 or 32, got ${String(inputSize)}`)
  }
  if (!Number.isSafeInteger(numClasses) || numClasses < 2) {
    throw new InvalidArgumentError(op, 'numClasses', `must be an integer >= 2, got ${String(numClasses)}`)
  }
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new InvalidArgumentError(op, 'dropout', `must be in [0, 1), got ${String(dropout)}`)
  }
  const act: LayerConfig = { type: variant === 'classic' ? 'tanh' : 'relu' }
  const pool: LayerConfig = { type: variant === 'classic' ? 'avgPool2d' : 'maxPool2d', kernelSize: 2 }
  const drop: LayerConfig[] = dropout > 0 ? [{ type: 'dropout', rate: dropout }] : []
  return {
    inputShape: [1, inputSize, inputSize],
    layers: [
      { type: 'conv2d', outChannels: 6, kernelSize: 5, padding: inputSize === 28 ? 2 : 0 },
      act,
      pool,
      { type: 'conv2d', outChannels: 16, kernelSize: 5 },
      act,
      pool,
      { type: 'conv2d', outChannels: 120, kernelSize: 5 },
      act,
      { type: 'flatten' },
      ...drop,
      { type: 'linear', outFeatures: 84 },
      act,
      ...drop,
      { type: 'linear', outFeatures: numClasses },
    ],
  }
}
