import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import {
  conv2dInit,
  conv2dLayer,
  crossEntropyWithLogits,
  linear,
  linearInit,
} from '../../../../packages/core-tensor/src/nn/index.ts'
import { adam, applyUpdates, type AdamState } from '../../../../packages/core-tensor/src/optim/index.ts'
import {
  key,
  randomIntegers,
  split,
  uniformFloats,
} from '../../../../packages/core-tensor/src/random/index.ts'
import { loadTfjs, type Tf } from './tfjs.ts'

// One training step of LeNet-5, the modern variant of the shipped @gen/cnn weights
// (lenet5Config({ variant: 'modern' }): 28×28 input, C1 conv 6@5×5 padded by 2, ReLU, 2×2 max
// pool, C3 conv 16@5×5, ReLU, pool, C5 conv 120@5×5, ReLU, F6 linear 84, ReLU, linear 10;
// 61,706 parameters) on a batch of 64, softmax cross-entropy, Adam lr 1e-3, float32, one
// thread: gen's cpu backend (valueAndGrad + adam.update + applyUpdates, as
// trainClassifier does) against the same network in tfjs-wasm (NHWC, optimizer.minimize with
// tf.train.adam). Both read the loss back each step. Throughput is in images/s; an MNIST
// epoch (937 steps of 64) takes 937 × the median step.

const batch = 64
const stepsPerEpoch = 937

function inputs(): { x: Float32Array; y: Int32Array } {
  return {
    x: uniformFloats(key(1), batch * 784),
    y: Int32Array.from(randomIntegers(key(2), batch, 0, 10)),
  }
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Layer = { weight: T.Tensor; bias?: T.Tensor }
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Params = { c1: Layer; c3: Layer; c5: Layer; f6: Layer; out: Layer }

function genCandidate(): Candidate {
  interface State {
    params: Params
    opt: AdamState
    x: T.Tensor
    y: T.Tensor
  }
  const optimizer = adam({ learningRate: 1e-3 })
  const forward = (p: Params, x: T.Tensor): T.Tensor => {
    let h = T.relu(conv2dLayer(p.c1, x, { padding: 2 }))
    h = T.maxPool2d(h, { kernelSize: 2 })
    h = T.maxPool2d(T.relu(conv2dLayer(p.c3, h)), { kernelSize: 2 })
    h = T.reshape(T.relu(conv2dLayer(p.c5, h)), [batch, 120])
    return linear(p.out, T.relu(linear(p.f6, h)))
  }
  const loss = (p: Params, x: T.Tensor, y: T.Tensor): T.Tensor => crossEntropyWithLogits(forward(p, x), y)
  return {
    library: 'gen cpu',
    setup: (): State => {
      const k = split(key(0), 5)
      const params: Params = {
        c1: conv2dInit(k[0], { inChannels: 1, outChannels: 6, kernelSize: 5 }),
        c3: conv2dInit(k[1], { inChannels: 6, outChannels: 16, kernelSize: 5 }),
        c5: conv2dInit(k[2], { inChannels: 16, outChannels: 120, kernelSize: 5 }),
        f6: linearInit(k[3], 120, 84),
        out: linearInit(k[4], 84, 10),
      }
      const d = inputs()
      return {
        params,
        opt: optimizer.init(params),
        x: T.fromArray(d.x, { shape: [batch, 1, 28, 28] }),
        y: T.fromArray(d.y, { shape: [batch], dtype: 'int32' }),
      }
    },
    run: (s) => {
      const state = s as State
      const next = T.tidy(() => {
        const { value, grads } = T.valueAndGrad(loss)(state.params, state.x, state.y)
        value.item()
        const { updates, state: opt } = optimizer.update(grads, state.opt, state.params)
        return { params: applyUpdates(state.params, updates) as Params, opt }
      })
      T.dispose([state.params, state.opt])
      state.params = next.params
      state.opt = next.opt
    },
    teardown: (s) => {
      const state = s as State
      T.dispose([state.params, state.opt, state.x, state.y])
    },
  }
}

/**
 * tfjs-core's node bundle ships no gradient functions (see mlp.ts); the ones LeNet-5 needs
 * are registered here as tfjs defines them, on kernels tfjs-wasm has: Conv2D (dx by
 * Conv2DBackpropInput through conv2dTranspose; dW by Conv3DBackpropFilterV2 with depth 1, as
 * conv2d.ts does, since tfjs-wasm has no Conv2DBackpropFilter), MaxPool (MaxPoolGrad), Relu,
 * Reshape, BatchMatMul and Add. Biases are added to 2-D views, so Add's gradient (whichever
 * suite registers it) only ever sums over axis 0.
 */
function registerTfjsGradients(tf: Tf): void {
  type T4 = ReturnType<Tf['tensor4d']>
  type T2 = ReturnType<Tf['tensor2d']>
  const missing = (kernel: string): boolean => tf.getGradient(kernel) === undefined
  if (missing(tf.Conv2D)) {
    tf.registerGradient({
      kernelName: tf.Conv2D,
      inputsToSave: ['x', 'filter'],
      gradFunc: (dy, saved, attrs) => {
        const [x, filter] = saved as T4[]
        const d = dy as T4
        const { pad } = attrs as { pad: 'valid' | 'same' }
        const [n, h, w, c] = x.shape
        const [kh, kw, , o] = filter.shape
        return {
          x: () => tf.conv2dTranspose(d, filter, [n, h, w, c], 1, pad),
          filter: () =>
            tf.reshape(
              tf
                .engine()
                .runKernel<T4>(
                  'Conv3DBackpropFilterV2',
                  { x: tf.reshape(x, [n, 1, h, w, c]), dy: tf.reshape(d, [n, 1, d.shape[1], d.shape[2], o]) },
                  { strides: [1, 1, 1, 1, 1], pad, filterShape: [1, kh, kw, c, o] },
                ),
              [kh, kw, c, o],
            ),
        }
      },
    })
  }
  if (missing(tf.MaxPool)) {
    tf.registerGradient({
      kernelName: tf.MaxPool,
      inputsToSave: ['x'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, y] = saved as T4[]
        const { filterSize, strides, pad } = attrs as { filterSize: number; strides: number; pad: 'valid' }
        return {
          x: () =>
            tf
              .engine()
              .runKernel<T4>(
                'MaxPoolGrad',
                { dy: dy as T4, input: x, output: y },
                { filterSize, strides, pad },
              ),
        }
      },
    })
  }
  if (missing(tf.Relu)) {
    tf.registerGradient({
      kernelName: tf.Relu,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as T2[]
        return { x: () => tf.mul(dy as T2, tf.cast(tf.step(x), 'float32')) }
      },
    })
  }
  if (missing(tf.Reshape)) {
    tf.registerGradient({
      kernelName: tf.Reshape,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as T2[]
        return { x: () => tf.reshape(dy as T2, x.shape) }
      },
    })
  }
  if (missing(tf.BatchMatMul)) {
    tf.registerGradient({
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as T2[]
        return { a: () => tf.matMul(dy as T2, b, false, true), b: () => tf.matMul(a, dy as T2, true, false) }
      },
    })
  }
  if (missing(tf.Add)) {
    tf.registerGradient({
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const reduceTo = (t: T2) => (): T2 =>
          t.rank === 1 ? (tf.sum(dy as T2, 0) as unknown as T2) : (dy as T2)
        const [a, b] = saved as T2[]
        return { a: reduceTo(a), b: reduceTo(b) }
      },
    })
  }
}

function tfjsCandidate(): Candidate {
  type Variable = ReturnType<Tf['variable']>
  type T2 = ReturnType<Tf['tensor2d']>
  type T4 = ReturnType<Tf['tensor4d']>
  interface State {
    tf: Tf
    w: Variable[]
    b: Variable[]
    x: T4
    y: T2
    optimizer: ReturnType<Tf['train']['adam']>
    crossEntropy: (logits: T2, labels: T2) => ReturnType<Tf['scalar']>
  }
  // HWIO conv filters and [in, out] dense weights, U(−1/√fanIn, 1/√fanIn) as PyTorch
  const shapes: number[][] = [
    [5, 5, 1, 6],
    [5, 5, 6, 16],
    [5, 5, 16, 120],
    [120, 84],
    [84, 10],
  ]
  return {
    library: 'tfjs-wasm',
    setup: async (): Promise<State> => {
      const tf = await loadTfjs('wasm')
      registerTfjsGradients(tf)
      const d = inputs()
      const keys = split(key(0), shapes.length)
      const w = shapes.map((shape, i) => {
        const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1)
        const size = fanIn * shape[shape.length - 1]
        const u = uniformFloats(keys[i], size).map((v) => (2 * v - 1) / Math.sqrt(fanIn))
        return tf.variable(tf.tensor(u, shape))
      })
      const b = shapes.map((shape) => tf.variable(tf.zeros([shape[shape.length - 1]])))
      type Save = (tensors: T2[]) => void
      const body = (logits: T2, labels: T2, save: Save) => {
        const logp = tf.sub<T2>(logits, tf.logSumExp(logits, 1, true))
        save([tf.exp(logp), labels])
        return {
          value: tf.neg(tf.mean(tf.sum(tf.mul(labels, logp), 1))),
          gradFunc: (dy: T2, saved: T2[]) => [
            tf.mul(tf.div(tf.sub(saved[0], saved[1]), batch), dy),
            tf.zerosLike(saved[1]),
          ],
        }
      }
      const crossEntropy = tf.customGrad(body as unknown as Parameters<Tf['customGrad']>[0]) as unknown as (
        logits: T2,
        labels: T2,
      ) => ReturnType<Tf['scalar']>
      const onehot = new Float32Array(batch * 10)
      d.y.forEach((c, i) => (onehot[i * 10 + c] = 1))
      return {
        tf,
        w,
        b,
        // one channel: NCHW and NHWC hold the same numbers
        x: tf.tensor4d(d.x, [batch, 28, 28, 1]),
        y: tf.tensor2d(onehot, [batch, 10]),
        optimizer: tf.train.adam(1e-3),
        crossEntropy,
      }
    },
    run: async (s) => {
      const { tf, w, b, x, y, optimizer, crossEntropy } = s as State
      const convBlock = (h: T4, i: number, pad: 'same' | 'valid'): T4 => {
        const z = tf.conv2d(h, w[i] as unknown as T4, 1, pad)
        const [n, hh, ww, o] = z.shape
        return tf.relu(tf.reshape(tf.add(tf.reshape(z, [n * hh * ww, o]), b[i]), [n, hh, ww, o]))
      }
      const value = optimizer.minimize(() => {
        let h = tf.maxPool(convBlock(x, 0, 'same'), 2, 2, 'valid')
        h = tf.maxPool(convBlock(h, 1, 'valid'), 2, 2, 'valid')
        const flat = tf.reshape(convBlock(h, 2, 'valid'), [batch, 120])
        const f6 = tf.relu(tf.add(tf.matMul(flat, w[3] as unknown as T2), b[3]))
        return crossEntropy(tf.add(tf.matMul(f6, w[4] as unknown as T2), b[4]), y)
      }, true)
      await value!.data()
      value!.dispose()
    },
    teardown: (s) => {
      const { w, b, x, y, optimizer } = s as State
      for (const v of [...w, ...b, x, y]) v.dispose()
      optimizer.dispose()
    },
  }
}

/**
 * The suite `lenet-5 train step b64 adam`: one Adam step of LeNet-5 (modern), gen cpu
 * against tfjs-wasm, in images/s.
 *
 * @returns the suites
 * @example
 * ```ts
 * allSuites().push(...lenetSuites())
 * ```
 */
export function lenetSuites(): Suite[] {
  return [
    {
      group: 'cnn',
      name: `lenet-5 train step b${batch} adam (epoch = ${stepsPerEpoch} steps)`,
      work: { amount: batch, unit: 'img' },
      baseline: 'tfjs-wasm',
      candidates: [genCandidate(), tfjsCandidate()],
    },
  ]
}
