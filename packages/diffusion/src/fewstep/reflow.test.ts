import { fromArray, InvalidArgumentError, key, ShapeError } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { gaussianMixture, gaussianMixtureVelocity } from '../samplers/exact-gaussian'
import { flowSample } from '../samplers/flow-matching'
import { initDenoiser } from '../nets/denoiser'
import { velocityField } from '../train/sampling-models'
import type { MlpDenoiserConfig } from '../nets/mlp-denoiser'
import { reflowBatch, reflowCouplings, trainReflow } from './reflow'

// data N(mu, diag(s^2)): the straight-path flow from N(0, I) is affine and its ODE map is
// the optimal-transport map x1 = mu + s * z0 (the marginal at t is N(t mu, t^2 s^2 + (1 - t)^2))
const mu = [1.5, -0.5]
const s = [0.5, 2]
const gaussian = gaussianMixture([{ weight: 1, mean: mu, std: s }])

describe('reflowCouplings', () => {
  it('pairs each noise point with the end of its ODE path (Gaussian data: x1 = mu + s z0)', () => {
    const { noise, data } = reflowCouplings(gaussianMixtureVelocity(gaussian), {
      shape: [500, 2],
      key: key(0),
      numSteps: 100,
    })
    expect(noise.shape).toEqual([500, 2])
    expect(data.shape).toEqual([500, 2])
    const z = noise.dataSync()
    const x = data.dataSync()
    let worst = 0
    for (let i = 0; i < 500; i++)
      for (let d = 0; d < 2; d++)
        worst = Math.max(worst, Math.abs(x[2 * i + d] - (mu[d] + s[d] * z[2 * i + d])))
    expect(worst).toBeLessThan(1e-3)
  })

  it('gives the same pairs whatever the chunk size, and equals flowSample from the same noise', () => {
    const velocity = gaussianMixtureVelocity(gaussian)
    const whole = reflowCouplings(velocity, { shape: [50, 2], key: key(1), numSteps: 10 })
    const chunked = reflowCouplings(velocity, { shape: [50, 2], key: key(1), numSteps: 10, chunkSize: 7 })
    expect(Array.from(chunked.noise.dataSync())).toEqual(Array.from(whole.noise.dataSync()))
    expect(Array.from(chunked.data.dataSync())).toEqual(Array.from(whole.data.dataSync()))
    const direct = flowSample(velocity, {
      key: key(9),
      initialNoise: whole.noise,
      numSteps: 10,
      method: 'heun',
    })
    expect(Array.from(direct.dataSync())).toEqual(Array.from(whole.data.dataSync()))
  })

  it('rejects a bad shape', () => {
    const velocity = gaussianMixtureVelocity(gaussian)
    expect(() => reflowCouplings(velocity, { shape: [0, 2], key: key(0) })).toThrow(InvalidArgumentError)
    expect(() => reflowCouplings(velocity, { shape: [4, 2], key: key(0), numSteps: 0 })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('reflowBatch', () => {
  it('puts x_t on the line from z0 to x1 with target x1 - z0', () => {
    const noise = fromArray([0, 0, 1, 1, -2, 3], { shape: [3, 2] })
    const data = fromArray([4, 2, 1, -1, 0, 0], { shape: [3, 2] })
    const batch = reflowBatch({ noise, data }, 16, key(3))
    const x = batch.input.dataSync()
    const t = batch.t.dataSync()
    const v = batch.target.dataSync()
    const z0 = noise.dataSync()
    const x1 = data.dataSync()
    for (let i = 0; i < 16; i++) {
      // find the pair this row came from by its target
      const pair = [0, 1, 2].find(
        (p) =>
          Math.abs(v[2 * i] - (x1[2 * p] - z0[2 * p])) < 1e-6 &&
          Math.abs(v[2 * i + 1] - (x1[2 * p + 1] - z0[2 * p + 1])) < 1e-6,
      )
      expect(pair).toBeDefined()
      const p = pair!
      expect(t[i]).toBeGreaterThanOrEqual(0)
      expect(t[i]).toBeLessThan(1)
      for (let d = 0; d < 2; d++) expect(x[2 * i + d]).toBeCloseTo(z0[2 * p + d] + t[i] * v[2 * i + d], 5)
    }
  })
})

describe('trainReflow', () => {
  const config: MlpDenoiserConfig = {
    kind: 'mlp',
    dataDim: 2,
    hidden: [32, 32],
    embedDim: 16,
    activation: 'relu',
    timeScale: 1000,
  }

  it('learns straight couplings so that one Euler step lands on the coupled point', () => {
    const couplings = reflowCouplings(gaussianMixtureVelocity(gaussian), {
      shape: [2000, 2],
      key: key(4),
      numSteps: 20,
    })
    const result = trainReflow({
      config,
      params: initDenoiser(config, { key: key(5) }),
      couplings,
      steps: 400,
      batchSize: 128,
      optimizer: { learningRate: 3e-3 },
      key: key(6),
      logEvery: 100,
    })
    expect(result.history).toHaveLength(4)
    expect(result.history[3].loss).toBeLessThan(result.history[0].loss / 4)
    const z = fromArray([0, 0, 1, -1, -1, 0.5], { shape: [3, 2] })
    const x = flowSample(velocityField(config, result.params), {
      key: key(7),
      initialNoise: z,
      numSteps: 1,
    }).dataSync()
    const zz = z.dataSync()
    for (let i = 0; i < 3; i++)
      for (let d = 0; d < 2; d++)
        expect(Math.abs(x[2 * i + d] - (mu[d] + s[d] * zz[2 * i + d]))).toBeLessThan(0.25)
  })

  it('rejects couplings of two shapes', () => {
    const noise = fromArray(new Float32Array(8), { shape: [4, 2] })
    const data = fromArray(new Float32Array(6), { shape: [3, 2] })
    expect(() =>
      trainReflow({
        config,
        params: initDenoiser(config, { key: key(0) }),
        couplings: { noise, data },
        steps: 1,
        batchSize: 2,
        key: key(1),
      }),
    ).toThrow(ShapeError)
  })
})
