// FD-LeNet baselines with the shipped weights: real vs real at several sample sizes (the
// Fréchet distance of two finite samples is biased upwards by roughly Tr(Σ)/N per set, so
// only numbers at the same N compare; the reported baseline is 10k vs 10k), and noised test
// images. Run from packages/cnn: pnpm fd:baseline
import { add, fromArray, key, normalFloats } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { extractFeatures, frechetDistance, gaussianFit, toImageDataset } from '../src/index'
import { lenet5WeightsPath, readCheckpoint } from '../src/node/index'

const mean = 0.1307
const std = 0.3081
const { config, params } = await readCheckpoint(lenet5WeightsPath())
const { train, test } = await loadMnist()
const started = Date.now()
const trainImages = toImageDataset(train, { count: 20000, mean, std }).images
const testImages = toImageDataset(test, { mean, std }).images
const trainF = extractFeatures(config, params, trainImages)
const testF = extractFeatures(config, params, testImages)
const dim = trainF.dim
const rows = (f: Float64Array, start: number, count: number): Float64Array =>
  f.subarray(start * dim, (start + count) * dim)
const fd = (a: Float64Array, b: Float64Array): number =>
  frechetDistance(gaussianFit(a, dim), gaussianFit(b, dim))
const line = (label: string, value: number): void => console.log(`${label.padEnd(44)} ${value.toFixed(3)}`)

console.log(`features: ${dim} (penultimate F6), extracted in ${((Date.now() - started) / 1000).toFixed(0)} s`)
line('train[0,10k) vs test[0,10k)   (10k vs 10k)', fd(rows(trainF.features, 0, 10000), testF.features))
line('train[10k,20k) vs test[0,10k) (10k vs 10k)', fd(rows(trainF.features, 10000, 10000), testF.features))
line(
  'train[0,10k) vs train[10k,20k) (10k vs 10k)',
  fd(rows(trainF.features, 0, 10000), rows(trainF.features, 10000, 10000)),
)
for (const n of [1000, 2000, 5000]) {
  line(`train[0,${n}) vs test[0,${n})`, fd(rows(trainF.features, 0, n), rows(testF.features, 0, n)))
  line(`test[0,${n}) vs test[${n},${2 * n})`, fd(rows(testF.features, 0, n), rows(testF.features, n, n)))
}
line('train[0,1k) vs test[0,10k)   (1k vs 10k)', fd(rows(trainF.features, 0, 1000), testF.features))
for (const sigma of [0.25, 0.5, 1]) {
  const noised = add(
    testImages,
    fromArray(
      normalFloats(key(9), testImages.size).map((z) => (z * sigma) / std),
      { shape: testImages.shape },
    ),
  )
  const f = extractFeatures(config, params, noised)
  line(`test vs test + noise σ=${sigma} (pixel units, 10k)`, fd(testF.features, f.features))
  noised.dispose()
}
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
