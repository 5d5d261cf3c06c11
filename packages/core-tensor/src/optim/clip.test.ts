import { describe, expect, it } from 'vitest'
import { reference } from '../backend/reference'
import type { BackendV1 } from '../backend/spec'
import { fromArray, zeros } from '../ops/creation'
import type { Tensor } from '../tensor'
import { clipByGlobalNorm, globalNorm } from './clip'
import { chain } from './optimizer'
import { sgd } from './sgd'
import type { TensorTree } from './tree'

const t = (values: number[], backend: BackendV1 = reference) => fromArray(values, { backend })
const values = (tree: TensorTree, name: string) => [...(tree as Record<string, Tensor>)[name].dataSync()]

describe('clipByGlobalNorm', () => {
  it('global norm is taken over all leaves: ‖(3, 4)‖ = 5', () => {
    expect(globalNorm({ a: t([3]), b: [t([0, 4])] }).item()).toBe(5)
  })

  it('rescales to the max norm when above it, and passes through when below or zero', () => {
    const grads = { a: t([3]), b: t([4]) }
    const clip = clipByGlobalNorm(1)
    const { updates } = clip.update(grads, clip.init(grads))
    expect(values(updates, 'a')[0]).toBeCloseTo(0.6, 15)
    expect(values(updates, 'b')[0]).toBeCloseTo(0.8, 15)
    const loose = clipByGlobalNorm(10)
    expect(values(loose.update(grads, null).updates, 'a')).toEqual([3])
    const zero = { a: zeros([2], { backend: reference }) }
    expect(values(clip.update(zero, null).updates, 'a')).toEqual([0, 0])
  })

  it('chains before an optimizer: the optimizer sees the clipped gradient', () => {
    const optimizer = chain(clipByGlobalNorm(1), sgd({ learningRate: 0.5 }))
    const params = { a: t([0]), b: t([0]) }
    const state = optimizer.init(params)
    const { updates } = optimizer.update({ a: t([3]), b: t([4]) }, state, params)
    expect(values(updates, 'a')[0]).toBeCloseTo(-0.3, 15)
    expect(values(updates, 'b')[0]).toBeCloseTo(-0.4, 15)
  })

  it('rejects a max norm that is not > 0', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(/clipByGlobalNorm: maxNorm must be a finite number > 0, got 0/)
  })
})
