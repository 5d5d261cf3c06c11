// RBMs on stochastically binarised MNIST with exact log Z: CD-1 against PCD, and AIS checked
// against the exact value (Salakhutdinov & Murray 2008). Protocol: scripts/mnist-protocol.ts
// (train key(9001), test key(9002)), the first 10,000 training images, W ~ N(0, 0.01²), visible
// biases at the smoothed log-odds of the pixel means, batch 100, learning rate 0.1, no momentum,
// 10 epochs, 100 persistent chains for PCD; scored on the 10,000 test images.
//
// Full form (GEN_TEST_FULL=1): the 20 hidden units (exact log Z enumerates 2^20 hidden
// states). Reduced form (CI): 12 hidden units, everything else the same, so training and exact
// log Z take seconds; its thresholds are its own measurements with a margin, not the full form's.
// Measured (keyed, so repeatable) with the package's trainRbm (products on the cpu backend, PCD
// chains from Bernoulli draws of the pixel means): reduced form CD-1 −177.62, PCD −168.36 nats;
// AIS error 0.028 (ESS 73.6 of 100) and −0.057 (ESS 59.3); 7.6 minutes on 2 cores shared with
// other jobs (load average 11 to 17). The full form was last measured with the scripts' earlier
// float64 loop (PCD chains from training images): CD-1 −168.25, PCD −155.65; AIS error 0.006
// (ESS 82.5) and −0.015 (ESS 50.2); 11 minutes at load ~20.
import { isFullRun } from '@gen-tooling/vitest-config'
import { key } from '@gen/core-tensor'
import { beforeAll, describe, expect, test } from 'vitest'

import { binarizedMnist } from '../scripts/mnist-protocol'
import {
  baseRateVisibleBiases,
  createRbm,
  initRbm,
  rbmAis,
  rbmAverageLogLikelihood,
  trainRbm,
  type BinarizedImages,
  type Rbm,
} from '../src/index'

const full = isFullRun()
const numHidden = full ? 20 : 12
// [CD-1 interval, PCD interval, PCD − CD-1 at least]
const bars = full
  ? { cd: [-180, -160], pcd: [-160, -145], margin: 8 } // the issue's; NumPy reference −170.9 and −153.3
  : { cd: [-185, -170], pcd: [-175, -160], margin: 6 } // 12 hidden, measured −177.62 and −168.36

describe(`RBM 784×${numHidden} on 10k binarised MNIST images, exact log Z`, { tags: ['slow'] }, () => {
  let train: BinarizedImages
  let testSet: BinarizedImages
  let data: Float64Array
  const models: Record<'cd' | 'pcd', Rbm> = {} as Record<'cd' | 'pcd', Rbm>
  const exact: Record<'cd' | 'pcd', number> = { cd: Number.NaN, pcd: Number.NaN }

  beforeAll(async () => {
    ;({ train, test: testSet } = await binarizedMnist(10000))
    data = train.values
  }, 300_000)

  const trainOne = (method: 'cd' | 'pcd'): number => {
    const init = initRbm({ numVisible: 784, numHidden }, { key: key(0), initScale: 0.01 })
    const initial = createRbm({ ...init, visibleBias: baseRateVisibleBiases(data, 784, { smoothing: 0.01 }) })
    const started = Date.now()
    const { rbm } = trainRbm(initial, data, {
      method,
      numEpochs: 10,
      batchSize: 100,
      learningRate: 0.1,
      numChains: 100,
      key: key(1),
      monitorSize: 0,
    })
    const seconds = (Date.now() - started) / 1000
    const ll = rbmAverageLogLikelihood(rbm, testSet)
    exact[method] = ll.logZ
    console.info(
      `${method === 'cd' ? 'CD-1' : 'PCD-1'} 784×${numHidden}: test LL ${ll.nats.toFixed(2)} nats (exact ln Z ${ll.logZ.toFixed(3)}), ` +
        `training ${seconds.toFixed(1)} s, protocol ${ll.protocol}`,
    )
    expect(ll.logZSource).toBe('exact')
    expect(ll.protocol).toBe('stochastic')
    models[method] = rbm
    return ll.nats
  }

  test('CD-1 and PCD land in their intervals, PCD better by the margin', { timeout: 1800_000 }, () => {
    const nats = (['cd', 'pcd'] as const).map((m) => trainOne(m))
    const [cd, pcd] = nats
    expect(cd).toBeGreaterThanOrEqual(bars.cd[0])
    expect(cd).toBeLessThanOrEqual(bars.cd[1])
    expect(pcd).toBeGreaterThanOrEqual(bars.pcd[0])
    expect(pcd).toBeLessThanOrEqual(bars.pcd[1])
    expect(pcd - cd).toBeGreaterThanOrEqual(bars.margin)
  })

  test(
    'AIS (100 runs, 1000 temperatures) matches exact ln Z: within 0.5 nats on CD-1; on PCD within 1 nat or a small ESS',
    { timeout: 1800_000 },
    () => {
      // base-rate model from the training images the RBMs saw
      const baseVisibleBias = baseRateVisibleBiases(data, 784)
      for (const method of ['cd', 'pcd'] as const) {
        const started = Date.now()
        const ais = rbmAis(models[method], {
          key: key(7),
          numRuns: 100,
          schedule: { numTemperatures: 1000 },
          baseVisibleBias,
        })
        const error = ais.logZ - exact[method]
        console.info(
          `AIS ${method}: ln Ẑ ${ais.logZ.toFixed(3)} ± ${ais.logZStdErr.toFixed(3)} vs exact ${exact[method].toFixed(3)} ` +
            `(error ${error.toFixed(3)}), ESS ${ais.effectiveSampleSize.toFixed(1)} of 100, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        )
        expect(ais.effectiveSampleSize).toBeGreaterThanOrEqual(1)
        if (method === 'cd') {
          expect(Math.abs(error)).toBeLessThan(0.5)
        } else if (Math.abs(error) >= 1) {
          expect(ais.effectiveSampleSize).toBeLessThan(10)
        }
      }
    },
  )
})
