import type { Suite } from '../harness.ts'
import { conv2dSuites } from './conv2d.ts'
import { float32Sum } from './float32-sum.ts'
import { ganSuites } from './gan.ts'
import { isingSuites } from './ising.ts'
import { matmulSuites } from './matmul.ts'
import { lenetSuites } from './lenet.ts'
import { mlpSuites } from './mlp.ts'
import { rbmSuites } from './rbm.ts'
import { textSuites } from './text.ts'
import { tsneSuites } from './tsne.ts'
import { vaeSuites } from './vae.ts'

/** Every registered suite. A package's benchmarks add their suites here. */
export function allSuites(): Suite[] {
  return [
    float32Sum,
    ...matmulSuites(),
    ...conv2dSuites(),
    ...isingSuites(),
    ...mlpSuites(),
    ...tsneSuites(),
    ...rbmSuites(),
    ...lenetSuites(),
    ...vaeSuites(),
    ...ganSuites(),
    ...textSuites(),
  ]
}
