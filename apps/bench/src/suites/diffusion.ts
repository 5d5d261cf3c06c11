import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in gan.ts, until the bench depends on the package. Run with the
// source condition (`tsx --conditions=@gen/source src/main.ts --filter diffusion`), so that
// '@gen/core-tensor' inside @gen/diffusion and the relative import below are one module.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { key } from '../../../../packages/core-tensor/src/random/index.ts'
import {
  cosineSchedule,
  ddimSample,
  type DenoiserCheckpoint,
  type DenoiserParams,
  initDenoiser,
  noisePredictor,
  trainDenoiser,
  type UNetConfig,
} from '../../../../packages/diffusion/src/index.ts'

// The MNIST UNet of @gen/diffusion on gen's cpu backend, float32, one thread: 28 → 14 → 7
// with widths 32/64/64 (baseChannels 32, channelMultipliers [1, 2, 2]), one residual block per
// level, self-attention over the 49 pixels of 7×7, a class embedding (10 digits).
// - train step: one trainDenoiser update of ε-prediction on a batch of 64 images (cosine
//   schedule, T = 1000, uniform timesteps, label dropout 0.1, Adam), forward and backward;
// - DDIM: 50 deterministic steps (η = 0) for a batch of 64 samples, 50 UNet evaluations.
// Throughput in images per second. No reference library: the issue asks for absolute rates.
// Measured (2 cores shared with five other jobs, load average 12-22, so wall times are 3-10×
// inflated): train step 80.4 s in this suite at load 22; outside the harness 23.0 s wall and
// 6.5 s CPU per step (about 10 images/s on a free core); DDIM, 5 of the 50 steps timed: 2.5 s
// CPU per UNet evaluation, so about 120 s CPU per 50-step batch (about 0.5 images/s).

const batch = 64
const config: UNetConfig = { kind: 'unet', baseChannels: 32, channelMultipliers: [1, 2, 2], numClasses: 10 }
const schedule = cosineSchedule({ numTimesteps: 1000 })

function trainCandidate(): Candidate {
  interface State {
    checkpoint: DenoiserCheckpoint
    data: T.Tensor
    labels: T.Tensor
    initial: DenoiserParams
  }
  const objective = { kind: 'diffusion', schedule } as const
  return {
    library: 'gen cpu',
    setup: async (): Promise<State> => {
      const data = T.fromArray(
        T.uniformFloats(key(1), 256 * 784).map((u) => 2 * u - 1),
        { shape: [256, 1, 28, 28] },
      )
      const labels = T.fromArray(
        Int32Array.from({ length: 256 }, (_, i) => i % 10),
        { dtype: 'int32' },
      )
      const initial = initDenoiser(config, { key: key(0) })
      // one untimed step, so every timed step starts from a checkpoint with Adam state
      const first = await trainDenoiser({
        config,
        params: initial,
        objective,
        data,
        labels,
        steps: 1,
        batchSize: batch,
        key: key(2),
      })
      return { checkpoint: first.checkpoint, data, labels, initial }
    },
    run: async (s) => {
      const state = s as State
      const previous = state.checkpoint
      const next = await trainDenoiser({
        config,
        resume: previous,
        objective,
        data: state.data,
        labels: state.labels,
        steps: previous.step + 1,
        batchSize: batch,
        key: key(2),
      })
      // a resumed run never frees the trees it was given; the bench owns them
      T.dispose([previous.params, previous.optimizer])
      state.checkpoint = next.checkpoint
    },
    teardown: (s) => {
      const state = s as State
      T.dispose([
        state.checkpoint.params,
        state.checkpoint.optimizer,
        state.data,
        state.labels,
        state.initial,
      ])
    },
  }
}

function ddimCandidate(): Candidate {
  return {
    library: 'gen cpu',
    setup: () => initDenoiser(config, { key: key(0) }),
    run: (s) => {
      const params = s as DenoiserParams
      const model = noisePredictor(config, params, { labels: 3 })
      const x = ddimSample(model, { schedule, key: key(4), shape: [batch, 1, 28, 28], numSteps: 50 })
      x.dataSync()
      x.dispose()
    },
    teardown: (s) => T.dispose(s),
  }
}

/** UNet training step and 50-step DDIM sampling, batch 64, on the cpu backend. */
export function diffusionSuites(): Suite[] {
  return [
    {
      group: 'diffusion',
      name: `unet train step b${batch}`,
      work: { amount: batch, unit: 'images' },
      candidates: [trainCandidate()],
    },
    {
      group: 'diffusion',
      name: `unet ddim 50 steps b${batch}`,
      work: { amount: batch, unit: 'images' },
      candidates: [ddimCandidate()],
    },
  ]
}
