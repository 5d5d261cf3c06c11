import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  fromArray,
  InvalidArgumentError,
  key,
  memoryStats,
  normalFloats,
  reference,
  ShapeError,
  type TensorTree,
} from '@gen/core-tensor'
import { treeLeaves } from '@gen/core-tensor/optim'
import { describe, expect, it } from 'vitest'
import { type DenoiserConfig, initDenoiser } from '../nets/denoiser'
import { linearSchedule } from '../schedule/index'
import { decodeDenoiserCheckpoint, encodeDenoiserCheckpoint, loadDenoiserCheckpoint } from './checkpoint'
import type { TrainingObjective } from './objectives'
import { trainDenoiser } from './train-denoiser'

const config: DenoiserConfig = { kind: 'mlp', dataDim: 2, hidden: [16, 16], embedDim: 8, numClasses: 2 }
const flow: TrainingObjective = { kind: 'flow-matching' }
const values = (tree: unknown) =>
  treeLeaves(tree as TensorTree).map(([p, t]) => [p, Array.from(t.dataSync())])

function toyData(backend = reference) {
  // two clusters at (±1, 0.5), σ = 0.1, labelled by side
  const n = 64
  const z = normalFloats(key(9), 2 * n, 'float64')
  const points = Float64Array.from(
    z,
    (v, i) => 0.1 * v + (i % 2 === 0 ? (Math.floor(i / 2) % 2 === 0 ? 1 : -1) : 0.5),
  )
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2)
  return {
    data: fromArray(points, { shape: [n, 2], backend }),
    labels: fromArray(labels, { dtype: 'int32', backend }),
  }
}

describe('trainDenoiser', () => {
  it(
    'lowers each objective’s loss on a small data set, with progress reports',
    { timeout: 120_000 },
    async () => {
      const { data, labels } = toyData()
      const objectives: TrainingObjective[] = [
        {
          kind: 'diffusion',
          schedule: linearSchedule({ numTimesteps: 100 }),
          prediction: 'epsilon',
          weighting: 'min-snr',
        },
        flow,
        { kind: 'score-matching', sigmas: [1, 0.3, 0.1] },
      ]
      for (const objective of objectives) {
        const progress: number[] = []
        const result = await trainDenoiser({
          config,
          params: initDenoiser(config, { key: key(0), backend: reference }),
          objective,
          data,
          labels,
          steps: 150,
          batchSize: 32,
          optimizer: { learningRate: 3e-3 },
          key: key(1),
          logEvery: 50,
          onProgress: (p) => progress.push(p.loss),
        })
        expect(result.history.map((p) => p.step)).toEqual([50, 100, 150])
        expect(result.history.every((p) => p.gradNorm > 0 && p.examplesPerSecond > 0)).toBe(true)
        // the loss falls over training (measured: last / first interval 0.16 diffusion, 0.37 flow, 0.50 score)
        expect(progress[2]).toBeLessThan(0.8 * progress[0])
      }
    },
  )

  it('resumes from a safetensors checkpoint exactly (float64), EMA and Adam state included', async () => {
    const { data, labels } = toyData()
    const base = {
      config,
      objective: flow,
      data,
      labels,
      batchSize: 8,
      emaDecay: 0.9,
      gradientClipNorm: 0.5,
      key: key(2),
    }
    const params = initDenoiser(config, { key: key(3), backend: reference })
    const straight = await trainDenoiser({ ...base, params, steps: 6 })
    const half = await trainDenoiser({ ...base, params, steps: 3 })
    const resume = decodeDenoiserCheckpoint(encodeDenoiserCheckpoint(half.checkpoint), { backend: reference })
    expect(resume.step).toBe(3)
    expect(resume.optimizer.count).toBe(3)
    const resumed = await trainDenoiser({ ...base, resume, steps: 6 })
    expect(values(resumed.params)).toEqual(values(straight.params))
    expect(values(resumed.ema)).toEqual(values(straight.ema))
    expect(values(resumed.checkpoint.optimizer.nu)).toEqual(values(straight.checkpoint.optimizer.nu))
    // the EMA lags the weights
    expect(values(straight.ema)).not.toEqual(values(straight.params))
  })

  it('keeps the EMA θ̄ ← d θ̄ + (1 − d) θ, starting from the initial weights', async () => {
    const { data, labels } = toyData()
    const params = initDenoiser(config, { key: key(6), backend: reference })
    const base = { config, objective: flow, data, labels, batchSize: 8, key: key(7), emaDecay: 0.75 }
    const one = await trainDenoiser({ ...base, params, steps: 1 })
    const two = await trainDenoiser({ ...base, params, steps: 2 })
    const [p0, p1, p2, e2] = [params, one.params, two.params, two.ema].map((tree) =>
      treeLeaves(tree as unknown as TensorTree).map(([, t]) => Array.from(t.dataSync())),
    )
    p0.forEach((leaf, l) =>
      leaf.forEach((v, i) => {
        const after1 = 0.75 * v + 0.25 * p1[l][i]
        expect(e2[l][i]).toBeCloseTo(0.75 * after1 + 0.25 * p2[l][i], 12)
      }),
    )
  })

  it('writes checkpoints atomically to checkpointPath and keeps memory flat', async () => {
    const { data, labels } = toyData()
    const dir = mkdtempSync(join(tmpdir(), 'gen-diffusion-'))
    const path = join(dir, 'run.safetensors')
    const steps: number[] = []
    const run = (n: number) =>
      trainDenoiser({
        config,
        params: initDenoiser(config, { key: key(4), backend: reference }),
        objective: flow,
        data,
        labels,
        steps: n,
        batchSize: 8,
        emaDecay: 0.99,
        key: key(5),
        checkpointEvery: 2,
        checkpointPath: path,
        onCheckpoint: (c) => {
          steps.push(c.step)
        },
      })
    const before = memoryStats().tensors
    await run(4)
    const afterFour = memoryStats().tensors - before
    await run(8)
    const afterEight = memoryStats().tensors - before - afterFour
    // live tensors depend on the result only, not on the number of steps
    expect(afterEight).toBe(afterFour)
    expect(steps).toEqual([2, 4, 2, 4, 6, 8])
    expect(readdirSync(dir)).toEqual(['run.safetensors']) // no temporary file left behind
    const loaded = await loadDenoiserCheckpoint(path, { backend: reference })
    expect(loaded.step).toBe(8)
    expect(loaded.ema).toBeDefined()
  })

  it('rejects bad options with typed errors', async () => {
    const { data, labels } = toyData()
    const params = initDenoiser(config, { key: key(0), backend: reference })
    const base = { config, params, objective: flow, data, labels, steps: 1, batchSize: 4, key: key(0) }
    await expect(trainDenoiser({ ...base, labels: undefined })).rejects.toThrow(/labels must be a Tensor/)
    await expect(
      trainDenoiser({ ...base, data: fromArray([[1, 2, 3]], { backend: reference }) }),
    ).rejects.toThrow(ShapeError)
    await expect(trainDenoiser({ ...base, emaDecay: 1 })).rejects.toThrow(
      /emaDecay must be a finite number >= 0 and < 1, got 1/,
    )
    await expect(trainDenoiser({ ...base, params: undefined })).rejects.toThrow(/params must be given/)
    await expect(trainDenoiser({ ...base, optimizer: { learningRate: 1e30 }, steps: 3 })).rejects.toThrow(
      /must give a finite training run/,
    )
    const other = { kind: 'mlp', dataDim: 2, hidden: [4] } as const
    const half = await trainDenoiser({
      ...base,
      config: other,
      labels: undefined,
      params: initDenoiser(other, { key: key(0), backend: reference }),
    })
    await expect(trainDenoiser({ ...base, resume: half.checkpoint })).rejects.toThrow(InvalidArgumentError)
    await expect(trainDenoiser({ ...base, config: other, labels })).rejects.toThrow(/labels must be absent/)
  })
})
