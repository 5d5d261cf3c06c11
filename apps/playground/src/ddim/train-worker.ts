/**
 * The DDIM page's trainer, in a Web Worker: a class-conditional 3 × 64 ReLU MLP learns the
 * noise ε of x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε on 8 Gaussians, the mode as the class and 10 % of the
 * labels dropped to the null label so that one net is both conditional and unconditional
 * (classifier-free guidance, Ho & Salimans 2021). Cosine schedule, T = 100, Adam 3e-3, batch
 * 256, EMA 0.995 (the recipe of `gen diffusion train --method ddpm --conditional`), on
 * core-tensor's cpu backend; progress every 50 steps, the EMA weights every `snapshotEvery`.
 */
import { fold, fromArray, key } from '@gen/core-tensor'
import { encodeDenoiser, initDenoiser, trainDenoiser } from '@gen/diffusion'
import type { FromFlowWorker } from '../flow/protocol.ts'
import { DDIM_NET, SCHEDULE, labeledEightGaussians } from './model.ts'

/** Page → worker. */
export interface DdimTrainRequest {
  readonly steps: number
  readonly seed: number
  readonly snapshotEvery: number
}

const POINTS = 20_000

const post = (message: FromFlowWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer)

async function train(request: DdimTrainRequest): Promise<void> {
  const { points, labels } = labeledEightGaussians(request.seed, POINTS)
  const data = fromArray(points, { shape: [POINTS, 2] })
  const labelTensor = fromArray(labels, { shape: [POINTS], dtype: 'int32' })
  const result = await trainDenoiser({
    config: DDIM_NET,
    params: initDenoiser(DDIM_NET, { key: fold(key(request.seed), 10) }),
    objective: { kind: 'diffusion', schedule: SCHEDULE, prediction: 'epsilon' },
    data,
    labels: labelTensor,
    labelDropout: 0.1,
    steps: request.steps,
    batchSize: 256,
    optimizer: { learningRate: 3e-3 },
    emaDecay: 0.995,
    key: fold(key(request.seed), 11),
    logEvery: 50,
    checkpointEvery: request.snapshotEvery,
    onProgress: (p) =>
      post({
        type: 'progress',
        step: p.step,
        loss: p.loss,
        examplesPerSecond: p.examplesPerSecond,
        elapsedSeconds: p.elapsedSeconds,
      }),
    onCheckpoint: (c) => {
      if (c.step >= request.steps) return
      const bytes = encodeDenoiser(DDIM_NET, c.ema ?? c.params)
      post({ type: 'weights', step: c.step, bytes, final: false }, [bytes.buffer])
    },
  })
  data.dispose()
  labelTensor.dispose()
  const bytes = encodeDenoiser(DDIM_NET, result.ema ?? result.params)
  post({ type: 'weights', step: request.steps, bytes, final: true }, [bytes.buffer])
}

self.addEventListener('message', (event: MessageEvent<DdimTrainRequest>) => {
  train(event.data).catch((error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  )
})
