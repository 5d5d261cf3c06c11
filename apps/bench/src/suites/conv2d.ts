import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { conv2dWeightGrad } from '../../../../packages/core-tensor/src/ops/conv-core.ts'
import { key, uniformFloats } from '../../../../packages/core-tensor/src/random/index.ts'
import { loadTfjs, type Tf } from './tfjs.ts'

// conv2d at the LeNet shapes, batch 64, float32, one thread everywhere: gen's cpu backend
// (fused im2col + WebAssembly SIMD matmul, NCHW) against tfjs-wasm (XNNPACK, NHWC, its native
// layout). `fwd` is y = conv2d(x, w). `bwd` is both gradients from a given dy: dx (gen: the
// transposed conv, its fused input-gradient kernel; tfjs: conv2dTranspose, its
// Conv2DBackpropInput kernel) and dw (gen: the fused filter-gradient kernel the conv2d
// gradient rule calls; tfjs-wasm has no Conv2DBackpropFilter kernel, so its
// Conv3DBackpropFilterV2 kernel with depth 1). `gen cpu grad()` in the bwd case is the whole
// autodiff path, forward included (value and both gradients of Σ y·dy), so its throughput
// counts only the backward's flops. Every tfjs time includes reading results back.

interface Shape {
  label: string
  c: number
  hw: number
  o: number
  k: number
  padding: 'valid' | 'same'
}

const batch = 64
const shapes: Shape[] = [
  { label: '1x28x28 -> 6 5x5 valid', c: 1, hw: 28, o: 6, k: 5, padding: 'valid' },
  { label: '1x28x28 -> 32 3x3 same', c: 1, hw: 28, o: 32, k: 3, padding: 'same' },
  { label: '32x14x14 -> 64 3x3 same', c: 32, hw: 14, o: 64, k: 3, padding: 'same' },
]

const outSize = (s: Shape): number => (s.padding === 'same' ? s.hw : s.hw - s.k + 1)

/** Forward flops: 2·N·O·oH·oW·C·kH·kW. */
const forwardFlops = (s: Shape): number => 2 * batch * s.o * outSize(s) ** 2 * s.c * s.k * s.k

function draws(seed: number, size: number): Float32Array {
  return uniformFloats(key(seed), size).map((u) => 2 * u - 1)
}

interface Data {
  x: Float32Array
  w: Float32Array
  dy: Float32Array
}

function data(s: Shape): Data {
  const oh = outSize(s)
  return {
    x: draws(1, batch * s.c * s.hw * s.hw),
    w: draws(2, s.o * s.c * s.k * s.k),
    dy: draws(3, batch * s.o * oh * oh),
  }
}

type Mode = 'fwd' | 'bwd' | 'fwd+bwd'

function genCandidate(s: Shape, mode: Mode): Candidate {
  interface State {
    x: T.Tensor
    w: T.Tensor
    dy: T.Tensor
  }
  const oh = outSize(s)
  const pad = s.padding === 'same' ? (s.k - 1) / 2 : 0
  const params = {
    stride: [1, 1] as const,
    padding: [pad, pad, pad, pad] as const,
    dilation: [1, 1] as const,
    groups: 1,
  }
  return {
    library: mode === 'fwd+bwd' ? 'gen cpu grad()' : 'gen cpu',
    setup: (): State => {
      const d = data(s)
      return {
        x: T.fromArray(d.x, { shape: [batch, s.c, s.hw, s.hw] }),
        w: T.fromArray(d.w, { shape: [s.o, s.c, s.k, s.k] }),
        dy: T.fromArray(d.dy, { shape: [batch, s.o, oh, oh] }),
      }
    },
    run: (state) => {
      const { x, w, dy } = state as State
      T.tidy(() => {
        if (mode === 'fwd') {
          T.conv2d(x, w, { padding: s.padding })
        } else if (mode === 'bwd') {
          T.convTranspose2d(dy, w, { padding: pad })
          conv2dWeightGrad(x, dy, params, w.shape)
        } else {
          T.valueAndGrad((p: { x: T.Tensor; w: T.Tensor }) =>
            T.sum(T.mul(T.conv2d(p.x, p.w, { padding: s.padding }), dy)),
          )({ x, w })
        }
      })
    },
    teardown: (state) => {
      const { x, w, dy } = state as State
      T.dispose([x, w, dy])
    },
  }
}

function tfjsCandidate(s: Shape, mode: Exclude<Mode, 'fwd+bwd'>): Candidate {
  type Tensor4D = ReturnType<Tf['tensor4d']>
  interface State {
    tf: Tf
    x: Tensor4D
    w: Tensor4D
    dy: Tensor4D
  }
  const oh = outSize(s)
  // NCHW → NHWC and OIHW → HWIO, outside the timed region
  const nhwc = (v: Float32Array, n: number, c: number, h: number): Float32Array => {
    const out = new Float32Array(v.length)
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < h * h; i++) out[(b * h * h + i) * c + ch] = v[(b * c + ch) * h * h + i]
    return out
  }
  const hwio = (v: Float32Array): Float32Array => {
    const out = new Float32Array(v.length)
    for (let o = 0; o < s.o; o++)
      for (let c = 0; c < s.c; c++)
        for (let i = 0; i < s.k * s.k; i++) out[(i * s.c + c) * s.o + o] = v[(o * s.c + c) * s.k * s.k + i]
    return out
  }
  return {
    library: 'tfjs-wasm',
    setup: async (): Promise<State> => {
      const tf = await loadTfjs('wasm')
      const d = data(s)
      return {
        tf,
        x: tf.tensor4d(nhwc(d.x, batch, s.c, s.hw), [batch, s.hw, s.hw, s.c]),
        w: tf.tensor4d(hwio(d.w), [s.k, s.k, s.c, s.o]),
        dy: tf.tensor4d(nhwc(d.dy, batch, s.o, oh), [batch, oh, oh, s.o]),
      }
    },
    run: async (state) => {
      const { tf, x, w, dy } = state as State
      if (mode === 'fwd') {
        const y = tf.conv2d(x, w, 1, s.padding)
        await y.data()
        y.dispose()
        return
      }
      const dx = tf.conv2dTranspose(dy, w, [batch, s.hw, s.hw, s.c], 1, s.padding)
      const dw = tf.tidy<Tensor4D>(() =>
        tf
          .engine()
          .runKernel<Tensor4D>(
            'Conv3DBackpropFilterV2',
            { x: tf.reshape(x, [batch, 1, s.hw, s.hw, s.c]), dy: tf.reshape(dy, [batch, 1, oh, oh, s.o]) },
            { strides: [1, 1, 1, 1, 1], pad: s.padding, filterShape: [1, s.k, s.k, s.c, s.o] },
          ),
      )
      await Promise.all([dx.data(), dw.data()])
      dx.dispose()
      dw.dispose()
    },
    teardown: (state) => {
      const { x, w, dy } = state as State
      x.dispose()
      w.dispose()
      dy.dispose()
    },
  }
}

/**
 * The suites `conv2d fwd`, `conv2d bwd` and `conv2d fwd+bwd` at each LeNet shape, batch 64,
 * ratios against tfjs-wasm.
 *
 * @returns the suites
 * @example
 * ```ts
 * allSuites().push(...conv2dSuites())
 * ```
 */
export function conv2dSuites(): Suite[] {
  return shapes.flatMap((s): Suite[] => [
    {
      group: 'core-tensor',
      name: `conv2d fwd ${s.label}`,
      work: { amount: forwardFlops(s), unit: 'flop' },
      baseline: 'tfjs-wasm',
      candidates: [genCandidate(s, 'fwd'), tfjsCandidate(s, 'fwd')],
    },
    {
      group: 'core-tensor',
      name: `conv2d bwd ${s.label}`,
      work: { amount: 2 * forwardFlops(s), unit: 'flop' },
      baseline: 'tfjs-wasm',
      candidates: [genCandidate(s, 'bwd'), genCandidate(s, 'fwd+bwd'), tfjsCandidate(s, 'bwd')],
    },
  ])
}
