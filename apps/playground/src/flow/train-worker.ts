/**
 * The flow page's trainer, in a Web Worker: a 3 × 64 ReLU MLP learns the flow-matching
 * velocity x_data − x_noise on the straight paths from N(0, I) to a toy set
 * (@gen/diffusion's trainDenoiser, Adam 3e-3, batch 256, EMA 0.995, on core-tensor's cpu
 * backend), posting progress every 50 steps and its EMA weights every `snapshotEvery`.
 */
import { fold, fromArray, key } from '@gen/core-tensor'
import { encodeDenoiser, initDenoiser, trainDenoiser, type MlpDenoiserConfig } from '@gen/diffusion'
import type { FromFlowWorker, TrainRequest } from './protocol.ts'
import { toyPoints } from './toy-data.ts'

/** The net: the README's flow-matching example on 8 Gaussians. */
const FLOW_NET: MlpDenoiserConfig = {
  kind: 'mlp',
  dataDim: 2,
  hidden: [64, 64, 64],
  activation: 'relu',
  timeScale: 1000,
}
/** Training points drawn once per run. */
const POINTS = 20_000

const post = (message: FromFlowWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer)

async function train(request: TrainRequest): Promise<void> {
  const data = fromArray(toyPoints(request.dataset, request.seed, POINTS), { shape: [POINTS, 2] })
  const result = await trainDenoiser({
    config: FLOW_NET,
    params: initDenoiser(FLOW_NET, { key: fold(key(request.seed), 10) }),
    objective: { kind: 'flow-matching' },
    data,
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
      const bytes = encodeDenoiser(FLOW_NET, c.ema ?? c.params)
      post({ type: 'weights', step: c.step, bytes, final: false }, [bytes.buffer])
    },
  })
  data.dispose()
  const bytes = encodeDenoiser(FLOW_NET, result.ema ?? result.params)
  post({ type: 'weights', step: request.steps, bytes, final: true }, [bytes.buffer])
}

self.addEventListener('message', (event: MessageEvent<TrainRequest>) => {
  train(event.data).catch((error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  )
})
