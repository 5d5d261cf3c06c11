// FD-LeNet of decoder samples against real digits with @gen/cnn's shipped LeNet-5, and the
// classes LeNet assigns to the samples (to see that all ten digits are present). The callers
// pass decoder means E[x|z] (pixels in [0, 1]) and as many grey-level test digits (pixel / 255);
// weights/README.md says why that protocol.
import {
  extractFeatures,
  frechetDistance,
  gaussianFit,
  type SequentialConfig,
  type SequentialParams,
} from '@gen/cnn'
import { fromArray, type Tensor } from '@gen/core-tensor'

const mean = 0.1307
const std = 0.3081

/** LeNet's input: `[N, 1, 28, 28]`, `(p − 0.1307) / 0.3081` of pixel values p in [0, 1]. */
export function lenetInput(images: Tensor): Tensor {
  const v = images.dataSync()
  return fromArray(
    Float32Array.from(v, (p) => (p - mean) / std),
    { shape: [images.shape[0], 1, 28, 28] },
  )
}

export function fdLenet(
  config: SequentialConfig,
  params: SequentialParams,
  samples: Tensor,
  real: Tensor,
): { fd: number; classCounts: number[] } {
  const a = extractFeatures(config, params, lenetInput(samples))
  const b = extractFeatures(config, params, lenetInput(real))
  const fd = frechetDistance(gaussianFit(a.features, a.dim), gaussianFit(b.features, b.dim))
  const logits = extractFeatures(config, params, lenetInput(samples), { numLayers: config.layers.length })
  const classCounts = new Array<number>(10).fill(0)
  for (let i = 0; i < logits.count; i++) {
    let best = 0
    for (let c = 1; c < logits.dim; c++)
      if (logits.features[i * logits.dim + c] > logits.features[i * logits.dim + best]) best = c
    classCounts[best]++
  }
  return { fd, classCounts }
}
