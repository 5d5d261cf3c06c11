// trainRbm's products on the cpu backend (float32 matmul) against the reference backend
// (float64): the same keyed run, so the same minibatches and uniforms. A Bernoulli draw differs
// only when a uniform falls within the float32 rounding (~1e-7) of its probability, which these
// few thousand draws never do, so the parameters agree to float32 accuracy.
import { key, reference, uniformFloats } from '@gen/core-tensor'
import { expect, test } from 'vitest'

import { initRbm, trainRbm } from '../src/index'

test.each(['cd', 'pcd'] as const)('%s: the cpu backend matches the float64 reference backend', (method) => {
  const data = uniformFloats(key(3), 40 * 12, 'float64').map((u) => (u < 0.3 ? 1 : 0))
  const initial = initRbm({ numVisible: 12, numHidden: 7 }, { key: key(4), initScale: 0.5 })
  const options = {
    method,
    numEpochs: 2,
    batchSize: 10,
    learningRate: 0.1,
    momentum: 0.5,
    numSteps: 2,
    numChains: 6,
    key: key(5),
    monitorSize: 0,
  }
  const fast = trainRbm(initial, data, options)
  const exact = trainRbm(initial, data, { ...options, backend: reference })
  const maxDifference = (a: Float64Array, b: Float64Array): number =>
    a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k])), 0)
  expect(maxDifference(fast.rbm.weights, exact.rbm.weights)).toBeLessThan(1e-5)
  expect(maxDifference(fast.rbm.visibleBias, exact.rbm.visibleBias)).toBeLessThan(1e-5)
  expect(maxDifference(fast.rbm.hiddenBias, exact.rbm.hiddenBias)).toBeLessThan(1e-5)
  // the run moved the parameters far more than the tolerance
  expect(maxDifference(exact.rbm.weights, initial.weights)).toBeGreaterThan(0.05)
  expect(Array.from(fast.chains)).toEqual(Array.from(exact.chains))
})
