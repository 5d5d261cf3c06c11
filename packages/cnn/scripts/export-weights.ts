// Writes the weights-only file from a training checkpoint, with its test accuracy in the
// metadata. Run from packages/cnn:
//   pnpm export:weights weights/lenet5-modern.checkpoint.safetensors weights/lenet5-modern-mnist.safetensors
// (train-lenet.ts writes the same file itself when its run completes; this serves a run that
// was stopped after some epochs, whose per-epoch checkpoint is the real output so far.)
import { loadMnistSplit } from '@gen/datasets/node'
import { evaluateClassifier, toImageDataset } from '../src/index'
import { readCheckpoint, writeCheckpoint } from '../src/node/index'

const [from, to] = process.argv.slice(2)
if (from === undefined || to === undefined) throw new Error('usage: export-weights <checkpoint> <out>')
const checkpoint = await readCheckpoint(from)
const test = toImageDataset(await loadMnistSplit('test'), { mean: 0.1307, std: 0.3081 })
const { accuracy, loss } = evaluateClassifier(checkpoint.config, checkpoint.params, test, {
  state: checkpoint.state,
})
await writeCheckpoint(to, checkpoint, {
  includeOptimizer: false,
  metadata: {
    source: `${from} (epoch ${checkpoint.epoch}, step ${checkpoint.step})`,
    testAccuracy: String(accuracy),
    testLoss: String(loss),
    normalisation: JSON.stringify({ mean: 0.1307, std: 0.3081 }),
  },
})
console.log(
  JSON.stringify({ epoch: checkpoint.epoch, step: checkpoint.step, testAccuracy: accuracy, testLoss: loss }),
)
