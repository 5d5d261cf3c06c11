import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in mlp.ts, until the bench depends on the packages.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { adam, applyUpdates, type AdamState } from '../../../../packages/core-tensor/src/optim/index.ts'
import { key, split, uniformFloats, normalFloats } from '../../../../packages/core-tensor/src/random/index.ts'
import {
  type AutoencoderConfig,
  type AutoencoderParams,
  elboTerms,
  initAutoencoder,
} from '../../../../packages/autoencoder/src/index.ts'
import { loadTfjs, type Tf } from './tfjs.ts'

// One training step of the 784-400-20 Bernoulli VAE (Kingma & Welling 2014: ReLU encoder to
// μ and log σ², reparameterised z, ReLU decoder to logits; loss = mean over the batch of
// −log p(x|z) + KL, summed over pixels and latent dims), batch 100, Adam lr 1e-3, float32, one
// thread: gen's cpu backend (@gen/autoencoder's elboTerms + valueAndGrad + adam) against the
// same network in tfjs-wasm (optimizer.minimize with tf.train.adam). A 60k-image epoch is 600
// of these steps. Both read the loss back each step. Work ≈ 6·batch·weights flops.

const batch = 100
const config: AutoencoderConfig = {
  kind: 'vae',
  inputShape: [1, 28, 28],
  latentDim: 20,
  architecture: { type: 'dense', hidden: [400] },
  likelihood: 'bernoulli',
}
// encoder 784·400 + two heads 400·20, decoder 20·400 + 400·784
const weights = 784 * 400 + 2 * 400 * 20 + 20 * 400 + 400 * 784

function inputs(): { x: Float32Array; eps: Float32Array } {
  return {
    x: Float32Array.from(uniformFloats(key(1), batch * 784), (u) => (u < 0.13 ? 1 : 0)), // MNIST's ink fraction
    eps: normalFloats(key(2), batch * 20),
  }
}

function genCandidate(): Candidate {
  interface State {
    params: AutoencoderParams
    opt: AdamState
    x: T.Tensor
    eps: T.Tensor
  }
  const optimizer = adam({ learningRate: 1e-3 })
  const loss = (p: AutoencoderParams, x: T.Tensor, eps: T.Tensor): T.Tensor =>
    elboTerms(config, p, x, { eps }).loss
  return {
    library: 'gen cpu',
    setup: (): State => {
      const params = initAutoencoder(config, { key: key(0) })
      const d = inputs()
      return {
        params,
        opt: optimizer.init(params),
        x: T.fromArray(d.x, { shape: [batch, 784] }),
        eps: T.fromArray(d.eps, { shape: [batch, 20] }),
      }
    },
    run: (s) => {
      const state = s as State
      const next = T.tidy(() => {
        const { value, grads } = T.valueAndGrad(loss)(state.params, state.x, state.eps)
        value.item()
        const { updates, state: opt } = optimizer.update(grads, state.opt, state.params)
        return { params: applyUpdates(state.params, updates) as AutoencoderParams, opt }
      })
      T.dispose([state.params, state.opt])
      state.params = next.params
      state.opt = next.opt
    },
    teardown: (s) => {
      const state = s as State
      T.dispose([state.params, state.opt, state.x, state.eps])
    },
  }
}

/**
 * tfjs-core's node bundle ships no gradient functions (see mlp.ts); the ones this network
 * needs are registered here as tfjs defines them (BatchMatMul, Add, Sub, Mul with broadcasting,
 * Relu, Exp, Softplus, Sum).
 */
function registerTfjsGradients(tf: Tf): void {
  type T2 = ReturnType<Tf['tensor2d']>
  type Any = ReturnType<Tf['tensor']>
  // sum dy over the axes that broadcasting expanded, back to `shape`
  const reduceTo = (dy: Any, shape: readonly number[]): Any => {
    let g = dy
    const lead = g.rank - shape.length
    if (lead > 0)
      g = tf.sum(
        g,
        Array.from({ length: lead }, (_, i) => i),
      )
    const axes = shape.flatMap((d, i) => (d === 1 && g.shape[i] !== 1 ? [i] : []))
    if (axes.length > 0) g = tf.sum(g, axes, true)
    return tf.reshape(g, shape as number[])
  }
  const register = (
    kernelName: string,
    config: Omit<Parameters<Tf['registerGradient']>[0], 'kernelName'>,
  ): void => {
    if (tf.getGradient(kernelName) === undefined) tf.registerGradient({ kernelName, ...config })
  }
  register(tf.BatchMatMul, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as T2[]
      return { a: () => tf.matMul(dy as T2, b, false, true), b: () => tf.matMul(a, dy as T2, true, false) }
    },
  })
  register(tf.Add, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved
      return { a: () => reduceTo(dy as Any, a.shape), b: () => reduceTo(dy as Any, b.shape) }
    },
  })
  register(tf.Sub, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved
      return { a: () => reduceTo(dy as Any, a.shape), b: () => tf.neg(reduceTo(dy as Any, b.shape)) }
    },
  })
  register(tf.Multiply, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved
      return {
        a: () => reduceTo(tf.mul(dy as Any, b), a.shape),
        b: () => reduceTo(tf.mul(dy as Any, a), b.shape),
      }
    },
  })
  register(tf.Relu, {
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved
      return { x: () => tf.mul(dy as Any, tf.cast(tf.step(x), 'float32')) }
    },
  })
  register(tf.Exp, {
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Any, saved[0]) }),
  })
  register(tf.Softplus, {
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Any, tf.sigmoid(saved[0])) }),
  })
  register(tf.Sum, {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved
      const axes = (attrs as { axis: number | number[] | null }).axis
      // tf.sum(x) without an axis reduces every axis
      const all = Array.from({ length: x.rank }, (_, i) => i)
      const list =
        axes === null ? all : (Array.isArray(axes) ? axes : [axes]).map((a) => (a < 0 ? a + x.rank : a))
      const kept = x.shape.map((d, i) => (list.includes(i) ? 1 : d))
      return { x: () => tf.mul(tf.reshape(dy as Any, kept), tf.onesLike(x)) }
    },
  })
}

function tfjsCandidate(): Candidate {
  type Variable = ReturnType<Tf['variable']>
  type T2 = ReturnType<Tf['tensor2d']>
  interface State {
    tf: Tf
    v: Record<string, Variable>
    x: T2
    eps: T2
    optimizer: ReturnType<Tf['train']['adam']>
  }
  return {
    library: 'tfjs-wasm',
    setup: async (): Promise<State> => {
      const tf = await loadTfjs('wasm')
      registerTfjsGradients(tf)
      const d = inputs()
      const shapes: Record<string, [number, number]> = {
        w1: [784, 400],
        wm: [400, 20],
        wl: [400, 20],
        w2: [20, 400],
        w3: [400, 784],
      }
      const keys = split(key(0), 5)
      const v: Record<string, Variable> = {}
      Object.entries(shapes).forEach(([name, [i, o]], k) => {
        const bound = 1 / Math.sqrt(i)
        v[name] = tf.variable(
          tf.tensor2d(
            uniformFloats(keys[k], i * o).map((u) => (2 * u - 1) * bound),
            [i, o],
          ),
        )
        v[`b${name.slice(1)}`] = tf.variable(tf.zeros([o]))
      })
      return {
        tf,
        v,
        x: tf.tensor2d(d.x, [batch, 784]),
        eps: tf.tensor2d(d.eps, [batch, 20]),
        optimizer: tf.train.adam(1e-3),
      }
    },
    run: async (s) => {
      const { tf, v, x, eps, optimizer } = s as State
      const value = optimizer.minimize(() => {
        const h = tf.relu(tf.add(tf.matMul(x, v.w1), v.b1))
        const mu = tf.add(tf.matMul(h, v.wm), v.bm)
        const lv = tf.add(tf.matMul(h, v.wl), v.bl)
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, tf.scalar(0.5))), eps))
        const h2 = tf.relu(tf.add(tf.matMul(z, v.w2), v.b2))
        const logits = tf.add(tf.matMul(h2, v.w3), v.b3)
        const rec = tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)))
        const kl = tf.mul(
          tf.sum(tf.sub(tf.add(tf.exp(lv), tf.mul(mu, mu)), tf.add(lv, tf.scalar(1)))),
          tf.scalar(0.5),
        )
        return tf.mul<ReturnType<Tf['scalar']>>(tf.sub(kl, rec), tf.scalar(1 / batch))
      }, true)
      await value!.data()
      value!.dispose()
    },
    teardown: (s) => {
      const { v, x, eps, optimizer } = s as State
      for (const t of [...Object.values(v), x, eps]) t.dispose()
      optimizer.dispose()
    },
  }
}

/**
 * The suite `vae train step 784-400-20 b100 adam`: one Adam step of the VAE (1/600 of an MNIST
 * epoch), gen cpu against tfjs-wasm.
 *
 * @returns the suites
 * @example
 * ```ts
 * allSuites().push(...vaeSuites())
 * ```
 */
export function vaeSuites(): Suite[] {
  return [
    {
      group: 'autoencoder',
      name: 'vae train step 784-400-20 b100 adam (1/600 epoch)',
      work: { amount: 6 * batch * weights, unit: 'flop' },
      baseline: 'tfjs-wasm',
      candidates: [genCandidate(), tfjsCandidate()],
    },
  ]
}
