import type { Suite } from '../harness.ts'
import { conv2dSuites } from './conv2d.ts'
import { float32Sum } from './float32-sum.ts'
import { isingSuites } from './ising.ts'
import { matmulSuites } from './matmul.ts'
import { mlpSuites } from './mlp.ts'

/** Every registered suite. A package's benchmarks add their suites here. */
export function allSuites(): Suite[] {
  return [float32Sum, ...matmulSuites(), ...conv2dSuites(), ...isingSuites(), ...mlpSuites()]
}
