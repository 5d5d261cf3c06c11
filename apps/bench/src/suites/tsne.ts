import type { Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the packages.
import { key } from '../../../../packages/core-tensor/src/index.ts'
import {
  conditionalAffinities,
  jointAffinities,
  tsne,
  tsneGradient,
  type Matrix,
  type SparseRows,
} from '../../../../packages/autoencoder/src/latent/index.ts'
import { loadMnistSplit } from '../../../../packages/datasets/src/node/index.ts'

// t-SNE of the first 5000 MNIST test digits (raw pixels / 255), one thread, gen only (no
// JavaScript reference library is installed): the whole Barnes-Hut run (90-nearest-neighbour
// affinities at perplexity 30 through the cpu matmul, then 1000 iterations at θ = 0.5; the
// issue's bar is under a minute on one core), and one Barnes-Hut gradient on a spread-out
// embedding, the part that repeats 1000 times.

const count = 5000

async function pixels(): Promise<Matrix> {
  const test = await loadMnistSplit('test')
  return {
    data: Float64Array.from(test.images.subarray(0, count * 784), (v) => v / 255),
    shape: [count, 784],
  }
}

function fullRun(): Suite {
  return {
    group: 'autoencoder',
    name: `tsne barnes-hut ${count} mnist (1000 iterations)`,
    candidates: [
      {
        library: 'gen',
        setup: pixels,
        run: (state) =>
          tsne(state as Matrix, { key: key(0), perplexity: 30, method: 'barnes-hut', theta: 0.5 }),
      },
    ],
  }
}

function oneGradient(): Suite {
  interface State {
    y: Matrix
    p: SparseRows
  }
  return {
    group: 'autoencoder',
    name: `tsne barnes-hut gradient ${count} (θ 0.5)`,
    candidates: [
      {
        library: 'gen',
        setup: async (): Promise<State> => {
          const x = await pixels()
          const p = jointAffinities(conditionalAffinities(x, { perplexity: 30, neighbors: 90 }))
          // the embedding after a short run, where the tree is as deep as it gets
          const y = tsne(x, { key: key(0), iterations: 300 }).embedding
          return { y, p }
        },
        run: (state) => {
          const { y, p } = state as State
          return tsneGradient(y, p, { method: 'barnes-hut', theta: 0.5 })
        },
      },
    ],
  }
}

/** The t-SNE suites. */
export function tsneSuites(): Suite[] {
  return [fullRun(), oneGradient()]
}
