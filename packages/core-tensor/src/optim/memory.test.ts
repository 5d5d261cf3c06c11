import { describe, expect, it } from 'vitest'
import { cpu } from '../backend/cpu'
import { dispose, memoryStats, treeLeaves } from '../memory'
import { fromArray } from '../ops/creation'
import { adam, adamw } from './adam'
import { clipByGlobalNorm } from './clip'
import { emaInit, emaUpdate } from './ema'
import { applyUpdates, chain, type Optimizer } from './optimizer'
import { rmsprop } from './rmsprop'
import { sgd } from './sgd'

const live = () => memoryStats(cpu).tensors

describe('optimizers free their intermediates', () => {
  it.each<[string, () => Optimizer<unknown>]>([
    ['sgd', () => sgd({ learningRate: 0.1 })],
    [
      'sgd nesterov + decay',
      () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
    ],
    ['adam', () => adam({ learningRate: 0.1 })],
    ['adamw', () => adamw({ learningRate: 0.1 })],
    ['rmsprop', () => rmsprop({ learningRate: 0.1 })],
    ['clip + adam', () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 }))],
  ])('%s: update adds only the returned updates and state', (_, make) => {
    const base = live()
    const optimizer = make()
    const params = {
      w: fromArray([
        [1, 2],
        [3, 4],
      ]),
      b: [fromArray([0.5])],
    }
    const grads = {
      w: fromArray([
        [0.1, -0.2],
        [0.3, 0.4],
      ]),
      b: [fromArray([1])],
    }
    const state = optimizer.init(params)
    const afterInit = live()
    expect(afterInit - base).toBe(4 + treeLeaves(state).length)
    const { updates, state: next } = optimizer.update(grads, state, params)
    expect(live() - afterInit).toBe(treeLeaves(updates).length + treeLeaves(next).length)
    const newParams = applyUpdates(params, updates)
    expect(live() - afterInit).toBe(treeLeaves(updates).length + treeLeaves(next).length + 2)
    dispose([params, grads, state, updates, next, newParams])
    expect(live()).toBe(base)
  })

  it('ema: init and update add only the average', () => {
    const base = live()
    const params = { w: fromArray([1, 2]) }
    const a = emaInit(params)
    const b = emaUpdate(a, params, 0.9)
    expect(live() - base).toBe(3)
    dispose([params, a.average, b.average])
    expect(live()).toBe(base)
  })
})
