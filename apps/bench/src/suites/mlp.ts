import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { crossEntropyWithLogits, linear, linearInit } from '../../../../packages/core-tensor/src/nn/index.ts'
import { adam, applyUpdates, type AdamState } from '../../../../packages/core-tensor/src/optim/index.ts'
import {
  key,
  split,
  uniformFloats,
  randomIntegers,
} from '../../../../packages/core-tensor/src/random/index.ts'
import { loadTfjs, type Tf } from './tfjs.ts'

// One training step of an MLP 784-512-512-10 (ReLU, softmax cross-entropy, Adam lr 1e-3) on a
// batch of 128, float32, one thread: gen's cpu backend (valueAndGrad + adam.update +
// applyUpdates) against the same network in tfjs-wasm (optimizer.minimize with tf.train.adam).
// Both read the loss back each step. Work: ≈ 6·batch·weights flops (forward 2, backward 4).

const batch = 128
const sizes = [784, 512, 512, 10]
const weights = sizes.slice(1).reduce((s, n, i) => s + n * sizes[i], 0)

function inputs(): { x: Float32Array; y: Int32Array } {
  return {
    x: uniformFloats(key(1), batch * 784),
    y: Int32Array.from(randomIntegers(key(2), batch, 0, 10)),
  }
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Params = { w: T.Tensor[]; b: T.Tensor[] }

function genCandidate(): Candidate {
  interface State {
    params: Params
    opt: AdamState
    x: T.Tensor
    y: T.Tensor
  }
  const optimizer = adam({ learningRate: 1e-3 })
  const forward = (p: Params, x: T.Tensor): T.Tensor => {
    let h = x
    p.w.forEach((w, i) => {
      h = linear({ weight: w, bias: p.b[i] }, h)
      if (i < p.w.length - 1) h = T.relu(h)
    })
    return h
  }
  const loss = (p: Params, x: T.Tensor, y: T.Tensor): T.Tensor => crossEntropyWithLogits(forward(p, x), y)
  return {
    library: 'gen cpu',
    setup: (): State => {
      const keys = split(key(0), 3)
      const layers = keys.map((k, i) => linearInit(k, sizes[i], sizes[i + 1]))
      const params = { w: layers.map((l) => l.weight), b: layers.map((l) => l.bias!) }
      const d = inputs()
      return {
        params,
        opt: optimizer.init(params),
        x: T.fromArray(d.x, { shape: [batch, 784] }),
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
 * tfjs-core's node bundle ships no gradient functions (they live in `@tensorflow/tfjs`'s
 * `register_all_gradients`, whose ESM files Node cannot import); the three this network needs
 * are registered here as tfjs defines them (BatchMatMul_grad, Add_grad, Relu_grad). The loss's
 * gradient comes from tf.customGrad, as inside tf.losses.softmaxCrossEntropy.
 */
function registerTfjsGradients(tf: Tf): void {
  type T2 = ReturnType<Tf['tensor2d']>
  if (tf.getGradient(tf.BatchMatMul) === undefined) {
    tf.registerGradient({
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as T2[]
        return { a: () => tf.matMul(dy as T2, b, false, true), b: () => tf.matMul(a, dy as T2, true, false) }
      },
    })
  }
  if (tf.getGradient(tf.Add) === undefined) {
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
  if (tf.getGradient(tf.Relu) === undefined) {
    tf.registerGradient({
      kernelName: tf.Relu,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as T2[]
        return { x: () => tf.mul(dy as T2, tf.cast(tf.step(x), 'float32')) }
      },
    })
  }
}

function tfjsCandidate(): Candidate {
  type Variable = ReturnType<Tf['variable']>
  interface State {
    tf: Tf
    w: Variable[]
    b: Variable[]
    x: ReturnType<Tf['tensor2d']>
    y: ReturnType<Tf['tensor2d']>
    optimizer: ReturnType<Tf['train']['adam']>
    crossEntropy: (
      logits: ReturnType<Tf['tensor2d']>,
      labels: ReturnType<Tf['tensor2d']>,
    ) => ReturnType<Tf['scalar']>
  }
  return {
    library: 'tfjs-wasm',
    setup: async (): Promise<State> => {
      const tf = await loadTfjs('wasm')
      registerTfjsGradients(tf)
      const d = inputs()
      const keys = split(key(0), 3)
      const w = keys.map((k, i) => {
        const bound = 1 / Math.sqrt(sizes[i])
        const u = uniformFloats(k, sizes[i] * sizes[i + 1]).map((v) => (2 * v - 1) * bound)
        return tf.variable(tf.tensor2d(u, [sizes[i], sizes[i + 1]]))
      })
      const b = sizes.slice(1).map((n) => tf.variable(tf.zeros([n])))
      type T2 = ReturnType<Tf['tensor2d']>
      // mean softmax cross-entropy; gradient (softmax − onehot) / batch, as tf.losses computes it
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
        x: tf.tensor2d(d.x, [batch, 784]),
        y: tf.tensor2d(onehot, [batch, 10]),
        optimizer: tf.train.adam(1e-3),
        crossEntropy,
      }
    },
    run: async (s) => {
      const { tf, w, b, x, y, optimizer, crossEntropy } = s as State
      const value = optimizer.minimize(() => {
        let h = x
        w.forEach((wi, i) => {
          h = tf.add(tf.matMul(h, wi), b[i])
          if (i < w.length - 1) h = tf.relu(h)
        })
        return crossEntropy(h, y)
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
 * The suite `mlp train step 784-512-512-10 b128`: one Adam step, gen cpu against tfjs-wasm.
 *
 * @returns the suites
 * @example
 * ```ts
 * allSuites().push(...mlpSuites())
 * ```
 */
export function mlpSuites(): Suite[] {
  return [
    {
      group: 'core-tensor',
      name: 'mlp train step 784-512-512-10 b128 adam',
      work: { amount: 6 * batch * weights, unit: 'flop' },
      baseline: 'tfjs-wasm',
      candidates: [genCandidate(), tfjsCandidate()],
    },
  ]
}
