import { describe, expect, it } from 'vitest'
import { valueAndGrad } from '../autodiff/grad'
import { cpu } from '../backend/cpu'
import { dispose, memoryStats, tidy } from '../memory'
import { crossEntropyWithLogits } from '../nn/losses'
import { dropout, linear, linearInit } from '../nn/layers'
import { fromArray, ones } from '../ops/creation'
import { relu } from '../ops/unary'
import { fold, key, split, type Key } from '../random/key'
import { normalFloats, randomIntegers, uniformFloats } from '../random/distributions'
import type { Tensor } from '../tensor'
import { adam } from './adam'
import { applyUpdates } from './optimizer'

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree, an interface is not
type Mlp = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }

function initMlp(k: Key): Mlp {
  const [k1, k2] = split(k)
  const l1 = linearInit(k1, 6, 16)
  const l2 = linearInit(k2, 16, 3)
  return { w1: l1.weight, b1: l1.bias!, w2: l2.weight, b2: l2.bias! }
}

const forward = (p: Mlp, x: Tensor, dropKey: Key): Tensor =>
  linear(
    { weight: p.w2, bias: p.b2 },
    dropout(dropKey, relu(linear({ weight: p.w1, bias: p.b1 }, x)), { rate: 0.1 }),
  )

/** Trains for `steps` Adam steps on keyed random batches; returns the final weights and losses. */
function train(seed: number, steps: number, onStep?: (step: number) => void) {
  const root = key(seed)
  const [initKey, dataKey, dropRoot] = split(root, 3)
  let params = initMlp(initKey)
  const optimizer = adam({ learningRate: 1e-2 })
  let state = optimizer.init(params)
  const x = fromArray(normalFloats(dataKey, 32 * 6), { shape: [32, 6] })
  const y = fromArray(randomIntegers(fold(dataKey, 1), 32, 0, 3), { shape: [32], dtype: 'int32' })
  const losses: number[] = []
  const lossFn = (p: Mlp, dropKey: Key) => crossEntropyWithLogits(forward(p, x, dropKey), y)
  for (let step = 0; step < steps; step++) {
    const next = tidy(() => {
      const { value, grads } = valueAndGrad(lossFn)(params, fold(dropRoot, step))
      losses.push(value.item())
      const { updates, state: s } = optimizer.update(grads, state, params)
      return { params: applyUpdates(params, updates) as Mlp, state: s }
    })
    dispose([params, state])
    params = next.params
    state = next.state
    onStep?.(step)
  }
  const weights = [params.w1, params.b1, params.w2, params.b2].map((t) => Array.from(t.dataSync()))
  dispose([params, state, x, y])
  return { weights, losses }
}

describe('training loop memory and reproducibility (case H5)', () => {
  it('500 steps of an MLP with Adam and dropout leave the live-tensor count unchanged', () => {
    const base = memoryStats(cpu)
    let afterFirst = -1
    const counts: number[] = []
    const { losses } = train(0, 500, (step) => {
      const now = memoryStats(cpu).tensors
      if (step === 0) afterFirst = now
      if (step % 100 === 99) counts.push(now)
    })
    expect(counts).toEqual([afterFirst, afterFirst, afterFirst, afterFirst, afterFirst])
    expect(memoryStats(cpu).tensors).toBe(base.tensors)
    expect(memoryStats(cpu).bytes).toBe(base.bytes)
    // and it learned something: 32 random points, 3 classes, start near ln 3
    expect(losses[0]).toBeGreaterThan(0.9)
    expect(losses[499]).toBeLessThan(0.5 * losses[0])
  })

  it('the same key gives bit-identical runs; another key does not', () => {
    const a = train(7, 25)
    const b = train(7, 25)
    const c = train(8, 25)
    expect(b.losses).toEqual(a.losses)
    expect(b.weights).toEqual(a.weights)
    expect(c.weights[0]).not.toEqual(a.weights[0])
  })

  it('two dropout calls with different keys drop different units; the same key the same ones', () => {
    const x = ones([1000])
    const masks = [key(1), key(2), key(1)].map((k) => Array.from(dropout(k, x, { rate: 0.5 }).dataSync()))
    const differing = masks[0].filter((v, i) => v !== masks[1][i]).length
    // independent masks differ in about half the places (binomial(1000, 1/2): ±16 per sd)
    expect(differing).toBeGreaterThan(400)
    expect(differing).toBeLessThan(600)
    expect(masks[2]).toEqual(masks[0])
    dispose(x)
  })

  it('drawing from an unrelated key does not change a stream', () => {
    const [k1, k2] = split(key(3))
    const alone = Array.from(uniformFloats(k1, 64))
    uniformFloats(k2, 1000)
    normalFloats(key(99), 1000)
    expect(Array.from(uniformFloats(k1, 64))).toEqual(alone)
  })
})
