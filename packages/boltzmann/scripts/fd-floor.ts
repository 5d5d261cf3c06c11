// The scale of FD-LeNet: the score of real digits against real digits with the same code as
// scripts/score-rbm-samples.ts (scripts/sample-scores.ts). Run from packages/boltzmann:
//   pnpm fd:floor --count 10000
// Prints one JSON line: the first --count training images against the first --count test images,
// grey against grey and binarised (the package's protocol, scripts/mnist-protocol.ts) against
// binarised, and a second binarisation of the test images (key(9003)) against the usual one.
import { key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { parseArgs } from 'node:util'
import { binarizeStochastic } from '../src/index'
import { binarizedMnist } from './mnist-protocol'
import { loadLenet, scoreSamples } from './sample-scores'

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' } } })
const count = Number(values.count)
const V = 784
const { train, test } = await loadMnist()
const grey = (images: Uint8Array): Float64Array =>
  Float64Array.from(images.subarray(0, count * V), (p) => p / 255)
const binary = await binarizedMnist(count)
const lenet = await loadLenet()
const round = (x: number): number => Number(x.toFixed(3))
const scores = (s: ReturnType<typeof scoreSamples>): Record<string, unknown> => ({
  fdLenet: round(s.frechetDistance),
  classEntropy: round(s.classEntropy),
})
const testGrey = grey(test.images)
const redrawn = binarizeStochastic(testGrey, key(9003)).values
console.log(
  JSON.stringify({
    count,
    greyTrainVsGreyTest: scores(scoreSamples(lenet, grey(train.images), testGrey, count)),
    binaryTrainVsBinaryTest: scores(
      scoreSamples(lenet, binary.train.values, binary.test.values.subarray(0, count * V), count),
    ),
    binaryTestRedrawnVsBinaryTest: scores(
      scoreSamples(lenet, redrawn, binary.test.values.subarray(0, count * V), count),
    ),
  }),
)
