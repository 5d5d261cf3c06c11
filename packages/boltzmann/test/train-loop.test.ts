// The scripts' sparse training engine does exactly what src/rbm.ts does on 0/1 data.
import { key, uniformFloats } from '@gen/core-tensor'
import { expect, test } from 'vitest'

import { trainRbm } from '../scripts/train-loop'
import { initRbm } from '../src/index'

test.each(['cd', 'pcd'] as const)('%s: the sparse engine equals src/rbm.ts bit for bit', (method) => {
  const data = uniformFloats(key(3), 40 * 12, 'float64').map((u) => (u < 0.3 ? 1 : 0))
  const initial = initRbm({ numVisible: 12, numHidden: 7 }, { key: key(4), initScale: 0.5 })
  const options = {
    method,
    epochs: 2,
    batchSize: 10,
    learningRate: 0.1,
    momentum: 0.5,
    numSteps: 2,
    numChains: 6,
    key: key(5),
  }
  const sparse = trainRbm(initial, data, { ...options, engine: 'sparse' })
  const reference = trainRbm(initial, data, { ...options, engine: 'rbm' })
  expect(Array.from(sparse.rbm.weights)).toEqual(Array.from(reference.rbm.weights))
  expect(Array.from(sparse.rbm.visibleBias)).toEqual(Array.from(reference.rbm.visibleBias))
  expect(Array.from(sparse.rbm.hiddenBias)).toEqual(Array.from(reference.rbm.hiddenBias))
  expect(Array.from(sparse.rbm.weights)).not.toEqual(Array.from(initial.weights))
  if (method === 'pcd') expect(Array.from(sparse.chains ?? [])).toEqual(Array.from(reference.chains ?? []))
})
