// FD-LeNet and class entropy of Gibbs samples of a saved RBM, or of a DBN whose top RBM is given
// by --top (its bottom layer is --checkpoint). Run from packages/boltzmann:
//   pnpm score:samples --checkpoint weights/rbm-500-mnist.safetensors --count 10000 --steps 1000
//   pnpm score:samples --checkpoint weights/rbm-500-mnist.safetensors --top weights/dbn-784-500-500-top.safetensors
// Sampling: dbnSample (a one-layer DBN is the RBM itself): --count chains from Bernoulli(½)
// noise, --steps block-Gibbs steps in the top RBM, then the top-down pass; chunk c of 1000 chains
// is keyed fold(key(--seed), c). Prints one JSON line with both protocols' scores (see
// scripts/sample-scores.ts) and writes a PNG of the first 100 grey samples with --png.
import { fold, key } from '@gen/core-tensor'
import { encodePng, imageGrid, upscale } from '@gen/viz'
import { loadMnist } from '@gen/datasets/node'
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { createDbn, dbnSample, type Rbm } from '../src/index'
import { readRbmCheckpoint } from './checkpoint-file'
import { binarizedMnist } from './mnist-protocol'
import { loadLenet, scoreSamples } from './sample-scores'

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string', default: 'weights/rbm-500-mnist.safetensors' },
    top: { type: 'string' },
    count: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '3' },
    png: { type: 'string' },
  },
})
const count = Number(values.count)
const numSteps = Number(values.steps)
const layers: Rbm[] = [(await readRbmCheckpoint(values.checkpoint)).rbm]
if (values.top !== undefined) layers.push((await readRbmCheckpoint(values.top)).rbm)
const dbn = createDbn(layers)
const V = 784
const started = Date.now()
const grey = new Float64Array(count * V)
const binary = new Float64Array(count * V)
const CHUNK = 1000
for (let s = 0, c = 0; s < count; s += CHUNK, c++) {
  const n = Math.min(CHUNK, count - s)
  const out = dbnSample(dbn, { key: fold(key(Number(values.seed)), c), numSamples: n, numSteps })
  grey.set(out.probabilities, s * V)
  binary.set(out.visible, s * V)
}
const sampleSeconds = (Date.now() - started) / 1000
const { test } = await loadMnist()
const realGrey = Float64Array.from(test.images.subarray(0, count * V), (p) => p / 255)
const realBinary = (await binarizedMnist(1)).test.values.subarray(0, count * V)
const lenet = await loadLenet()
const round = (x: number): number => Number(x.toFixed(3))
const scores = (s: ReturnType<typeof scoreSamples>): Record<string, unknown> => ({
  fdLenet: round(s.frechetDistance),
  classEntropy: round(s.classEntropy),
  classFractions: s.classFractions.map(round),
})
console.log(
  JSON.stringify({
    checkpoint: values.checkpoint,
    top: values.top ?? null,
    count,
    numSteps,
    seed: Number(values.seed),
    grey: scores(scoreSamples(lenet, grey, realGrey, count)),
    binary: scores(scoreSamples(lenet, binary, realBinary, count)),
    sampleSeconds: Number(sampleSeconds.toFixed(1)),
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
  }),
)
if (values.png !== undefined) {
  const sheet = imageGrid(
    { shape: [100, 28, 28], data: grey.subarray(0, 100 * V) },
    { range: '0..1', columns: 10 },
  )
  await writeFile(values.png, encodePng(upscale(sheet, 2)))
}
