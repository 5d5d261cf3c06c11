// The embedding test on MNIST test digits (raw pixels / 255): exact t-SNE at
// perplexity 30 must reach a 10-NN accuracy of at least 0.80 and a trustworthiness of at least
// 0.9 in 2-D (a reference reached 0.864 and 0.958 on 2000 digits), PCA at least 0.35.
// Full form (GEN_TEST_FULL=1): the first 2000 test digits, as the issue asks (gen reached
// 0.852 / 0.973 for t-SNE and 0.424 for PCA; about 20 s of CPU). Reduced form (CI): the first
// 1000 digits (0.843 / 0.970; about 5 s of CPU): the thresholds stay the same, since halving
// the sample density costs only about 0.01 of 10-NN accuracy and none of trustworthiness.
import { isFullRun } from '@gen-tooling/vitest-config'
import { key } from '@gen/core-tensor'
import { loadMnistSplit } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { knnAccuracy, pca, trustworthiness, tsne } from '../src/index'

test(
  'embeddings of MNIST test digits: exact t-SNE and PCA',
  { tags: ['slow'], timeout: 900_000 },
  async () => {
    const count = isFullRun() ? 2000 : 1000
    const digits = await loadMnistSplit('test')
    const x = {
      data: Float64Array.from(digits.images.subarray(0, count * 784), (v) => v / 255),
      shape: [count, 784] as [number, number],
    }
    const labels = digits.labels.subarray(0, count)

    const linear = pca(x, { components: 2 })
    const pcaAccuracy = knnAccuracy(linear.embedding, labels, { k: 10 })
    console.log(`PCA, ${count} digits: 10-NN accuracy ${pcaAccuracy.toFixed(4)}`)
    expect(pcaAccuracy).toBeGreaterThanOrEqual(0.35)
    // the first two axes of MNIST carry about 10% and 7.5% of the pixel variance
    expect(linear.model.explainedVarianceRatio[0]).toBeGreaterThan(0.08)
    expect(linear.model.explainedVarianceRatio[0]).toBeLessThan(0.12)

    const { embedding, klDivergence } = tsne(x, { key: key(0), method: 'exact', perplexity: 30 })
    const accuracy = knnAccuracy(embedding, labels, { k: 10 })
    const trust = trustworthiness(x, embedding, { k: 5 })
    console.log(
      `t-SNE, ${count} digits: 10-NN accuracy ${accuracy.toFixed(4)}, trustworthiness(5) ${trust.toFixed(4)}, KL ${klDivergence.toFixed(4)}`,
    )
    expect(accuracy).toBeGreaterThanOrEqual(0.8)
    expect(trust).toBeGreaterThanOrEqual(0.9)
    // t-SNE keeps neighbourhoods far better than the best linear map
    expect(trust).toBeGreaterThan(trustworthiness(x, linear.embedding, { k: 5 }))
  },
)
