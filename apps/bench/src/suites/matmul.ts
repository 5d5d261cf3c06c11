import type { Candidate, Suite } from '../harness.ts'
// Relative source imports until the kernels have a package export (core-tensor's package.json
// belongs to its owner); then these become `@gen/core-tensor/kernels` and `@gen/core-tensor`.
import {
  matmulF32,
  matmulJsF32,
  matmulKernelInfo,
} from '../../../../packages/core-tensor/src/kernels/index.ts'
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { key, uniformFloats } from '../../../../packages/core-tensor/src/random/index.ts'
import { setCpuThreads } from '../../../../packages/core-tensor/src/node.ts'
import { loadTfjs, type Tf } from './tfjs.ts'

// Square float32 matmul C = A·B, 2 n^3 flops an iteration, one thread everywhere: gen's
// WebAssembly SIMD kernel and its JavaScript fallback against tfjs-wasm (XNNPACK, SIMD, one
// thread) and, at 256 only, the pure-JS tfjs-cpu backend. gen's time includes copying A and B
// into WebAssembly memory and C out; tfjs's includes reading C back with `data()`. `gen cpu
// matmul(a, bᵀ)` is the tensor op on the cpu backend with a transposed right operand, as
// `linear` calls it (the kernel reads the transpose in place), output allocation included.
// `gen cpu 2 threads` (1024 only) is the same kernel call with `setCpuThreads(2)`: the rows
// split between the main thread and one worker; its ratio to `gen wasm-simd` is the thread
// speed-up, which on a shared 2-core machine depends on what else is running.

interface Operands {
  a: Float32Array
  b: Float32Array
  out: Float32Array
}

function operands(n: number): Operands {
  return {
    a: uniformFloats(key(1), n * n).map((u) => 2 * u - 1),
    b: uniformFloats(key(2), n * n).map((u) => 2 * u - 1),
    out: new Float32Array(n * n),
  }
}

type TfTensor = ReturnType<Tf['tensor2d']>

function tfjsCandidate(library: string, backend: 'wasm' | 'cpu', n: number) {
  interface State {
    tf: Tf
    a: TfTensor
    b: TfTensor
  }
  const candidate: Candidate = {
    library,
    setup: async (): Promise<State> => {
      const tf = await loadTfjs(backend)
      const { a, b } = operands(n)
      return { tf, a: tf.tensor2d(a, [n, n]), b: tf.tensor2d(b, [n, n]) }
    },
    run: async (state) => {
      const { tf, a, b } = state as State
      const c = tf.matMul(a, b)
      await c.data()
      c.dispose()
    },
    teardown: (state) => {
      const { a, b } = state as State
      a.dispose()
      b.dispose()
    },
  }
  return candidate
}

function genCandidate(library: string, kernel: typeof matmulF32, n: number): Candidate {
  return {
    library,
    setup: () => operands(n),
    run: (state) => {
      const { a, b, out } = state as Operands
      kernel(a, b, out, { m: n, n, k: n })
    },
  }
}

function genThreadsCandidate(n: number, threads: number): Candidate {
  const base = genCandidate(`gen cpu ${threads} threads`, matmulF32, n)
  return {
    ...base,
    setup: async () => {
      await setCpuThreads(threads)
      return operands(n)
    },
    teardown: () => setCpuThreads(1),
  }
}

function genTensorCandidate(n: number): Candidate {
  interface State {
    a: T.Tensor
    bt: T.Tensor
  }
  return {
    library: 'gen cpu matmul(a, bᵀ)',
    setup: (): State => {
      const { a, b } = operands(n)
      return { a: T.fromArray(a, { shape: [n, n] }), bt: T.fromArray(b, { shape: [n, n] }) }
    },
    run: (state) => {
      const { a, bt } = state as State
      T.tidy(() => {
        T.matmul(a, T.transpose(bt))
      })
    },
    teardown: (state) => {
      const { a, bt } = state as State
      T.dispose([a, bt])
    },
  }
}

/**
 * The suites `matmul 256`, `matmul 512` and `matmul 1024`, ratios against tfjs-wasm.
 *
 * @returns one suite per size
 * @example
 * ```ts
 * allSuites().push(...matmulSuites())
 * ```
 */
export function matmulSuites(): Suite[] {
  const simd = matmulKernelInfo().kernel === 'wasm-simd'
  return [256, 512, 1024].map((n) => ({
    group: 'core-tensor',
    name: `matmul ${n}`,
    work: { amount: 2 * n ** 3, unit: 'flop' },
    baseline: 'tfjs-wasm',
    candidates: [
      simd
        ? genCandidate('gen wasm-simd', matmulF32, n)
        : { library: 'gen wasm-simd', unavailable: 'WebAssembly SIMD does not validate here' },
      ...(simd && n === 1024 ? [genThreadsCandidate(n, 2)] : []),
      genTensorCandidate(n),
      genCandidate('gen js-blocked', matmulJsF32, n),
      ...(n === 256 ? [tfjsCandidate('tfjs-cpu', 'cpu', n)] : []),
      tfjsCandidate('tfjs-wasm', 'wasm', n),
    ],
  }))
}
