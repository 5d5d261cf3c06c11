import { fromArray, InvalidArgumentError, key, mul, type Tensor } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { cosineSchedule } from '../schedule/index'
import { ddimSample } from '../samplers/ddim'
import { flowSample } from '../samplers/flow-matching'
import {
  gaussianMixture,
  gaussianMixtureNoisePredictor,
  gaussianMixtureVelocity,
} from '../samplers/exact-gaussian'
import { forwardProcessFrames, sampleTrajectory, vectorFieldGrid } from './index'

const schedule = cosineSchedule({ numTimesteps: 100 })
const x0 = fromArray([1, -1, 0.5, 2, -0.25, 0], { shape: [3, 2] })

describe('forwardProcessFrames', () => {
  it('stacks sqrt(abar) x0 + sqrt(1 - abar) eps over the timesteps, one eps for all frames', () => {
    const steps = [0, 10, 50, 99]
    const frames = forwardProcessFrames(x0, {
      process: 'diffusion',
      schedule,
      timesteps: ['data', ...steps],
      key: key(0),
    })
    expect(frames.shape).toEqual([5, 3, 2])
    const f = frames.dataSync()
    const x = x0.dataSync()
    for (let i = 0; i < 6; i++) expect(f[i]).toBe(x[i])
    // the noise recovered from every frame is the same
    const eps = steps.map((t, k) =>
      Array.from(
        { length: 6 },
        (_, i) => (f[(k + 1) * 6 + i] - schedule.sqrtAlphaBars[t] * x[i]) / schedule.sqrtOneMinusAlphaBars[t],
      ),
    )
    for (const e of eps.slice(1)) for (let i = 0; i < 6; i++) expect(e[i]).toBeCloseTo(eps[0][i], 3)
    const independent = forwardProcessFrames(x0, {
      process: 'diffusion',
      schedule,
      timesteps: [99, 99],
      key: key(0),
      sharedNoise: false,
    }).dataSync()
    expect(independent[0]).not.toBe(independent[6])
  })

  it('runs the flow path x_t = t x + (1 - t) eps from data (t = 1) to noise (t = 0)', () => {
    const frames = forwardProcessFrames(x0, { process: 'flow', times: [1, 0.5, 0], key: key(1) }).dataSync()
    const x = x0.dataSync()
    for (let i = 0; i < 6; i++) {
      expect(frames[i]).toBeCloseTo(x[i], 6)
      expect(frames[6 + i]).toBeCloseTo(0.5 * x[i] + 0.5 * frames[12 + i], 5)
    }
  })

  it('rejects timesteps outside [0, T) and times outside [0, 1]', () => {
    expect(() =>
      forwardProcessFrames(x0, { process: 'diffusion', schedule, timesteps: [100], key: key(0) }),
    ).toThrow(InvalidArgumentError)
    expect(() => forwardProcessFrames(x0, { process: 'flow', times: [1.5], key: key(0) })).toThrow(
      InvalidArgumentError,
    )
    expect(() => forwardProcessFrames(x0, { process: 'flow', times: [], key: key(0) })).toThrow(
      InvalidArgumentError,
    )
  })
})

const mixture = gaussianMixture([
  { weight: 1, mean: [-1, 0], std: 0.3 },
  { weight: 1, mean: [1, 0.5], std: 0.3 },
])

describe('sampleTrajectory', () => {
  it('records the start and every Euler step of flowSample', () => {
    const start = fromArray([0.1, -0.2, 1, 1], { shape: [2, 2] })
    const velocity = gaussianMixtureVelocity(mixture)
    const trajectory = sampleTrajectory((s) => flowSample(velocity, { key: key(0), numSteps: 4, ...s }), {
      initialNoise: start,
    })
    expect(trajectory.frames.shape).toEqual([5, 2, 2])
    expect(trajectory.times).toEqual([0, 0.25, 0.5, 0.75])
    expect(trajectory.predictions).toBeUndefined()
    const frames = trajectory.frames.dataSync()
    expect(Array.from(frames.slice(0, 4))).toEqual(Array.from(start.dataSync()))
    expect(Array.from(frames.slice(16, 20))).toEqual(Array.from(trajectory.samples.dataSync()))
    // the same run without recording gives the same samples
    const plain = flowSample(velocity, { key: key(0), numSteps: 4, initialNoise: start }).dataSync()
    expect(Array.from(plain)).toEqual(Array.from(trajectory.samples.dataSync()))
  })

  it("keeps DDIM's x0 predictions, and draws the start from shape and key", () => {
    const model = gaussianMixtureNoisePredictor(mixture, schedule)
    const trajectory = sampleTrajectory(
      (s) => ddimSample(model, { schedule, key: key(1), numSteps: 5, ...s }),
      {
        shape: [4, 2],
        key: key(2),
      },
    )
    expect(trajectory.frames.shape).toEqual([6, 4, 2])
    expect(trajectory.predictions?.shape).toEqual([5, 4, 2])
    expect(trajectory.times).toEqual([99, 74, 50, 25, 0])
    expect(() => sampleTrajectory((s) => s.initialNoise, {})).toThrow(InvalidArgumentError)
  })
})

describe('vectorFieldGrid', () => {
  it('evaluates the model row by row at (xs[j], ys[i]) with the given t', () => {
    const model = (x: Tensor, t: Tensor): Tensor => {
      expect(Array.from(t.dataSync()).every((v) => v === 0.5)).toBe(true)
      return mul(x, 2)
    }
    const field = vectorFieldGrid(model, { xRange: [-1, 1], yRange: [0, 3], resolution: [3, 4], t: 0.5 })
    expect(Array.from(field.xs)).toEqual([-1, 0, 1])
    expect(Array.from(field.ys)).toEqual([0, 1, 2, 3])
    expect(field.points.shape).toEqual([12, 2])
    const p = field.points.dataSync()
    const v = field.vectors.dataSync()
    expect([p[2 * 5], p[2 * 5 + 1]]).toEqual([1, 1]) // row i = 1, column j = 2: (xs[2], ys[1])
    for (let k = 0; k < 24; k++) expect(v[k]).toBe(2 * p[k])
  })

  it('matches the exact velocity of a mixture and rejects a bad grid', () => {
    const velocity = gaussianMixtureVelocity(mixture)
    const field = vectorFieldGrid(velocity, { xRange: [-2, 2], yRange: [-2, 2], resolution: 5, t: 0.3 })
    const direct = velocity(field.points, fromArray(new Float32Array(25).fill(0.3))).dataSync()
    expect(Array.from(field.vectors.dataSync())).toEqual(Array.from(direct))
    expect(() => vectorFieldGrid(velocity, { xRange: [1, 1], yRange: [0, 1], t: 0 })).toThrow(
      InvalidArgumentError,
    )
    expect(() => vectorFieldGrid(velocity, { xRange: [0, 1], yRange: [0, 1], resolution: 1, t: 0 })).toThrow(
      InvalidArgumentError,
    )
  })
})
