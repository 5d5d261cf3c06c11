/**
 * The RBM page's sampler, in a Web Worker: block-Gibbs chains of one of @gen/boltzmann's
 * shipped 784-500 RBMs (PCD-1 or CD-1 on MNIST). The sampler's products run on core-tensor's cpu backend
 * because @gen/boltzmann reads them back synchronously, which the gpu backends refuse; in
 * a worker the chains never stall the page.
 */
import { fold, key, uniformFloats, type Key } from '@gen/core-tensor'
import { decodeRbmCheckpoint, rbmGibbsSample, rbmVisibleProbabilities, type Rbm } from '@gen/boltzmann'
import type { FromRbmWorker, ToRbmWorker } from './protocol.ts'

/** How many hidden units' filters the page shows. */
const FILTERS = 100

let rbm: Rbm | null = null
let chains = new Float64Array(0)
let chainKey: Key = key(0)
let steps = 0

const post = (message: FromRbmWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer)

async function start(url: string, count: number, seed: number): Promise<void> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  rbm = decodeRbmCheckpoint(new Uint8Array(await response.arrayBuffer())).rbm
  const { numVisible: V, numHidden: H, weights } = rbm
  const filters = new Float32Array(FILTERS * V)
  for (let j = 0; j < FILTERS; j++) for (let i = 0; i < V; i++) filters[j * V + i] = weights[i * H + j]
  post({ type: 'loaded', numVisible: V, numHidden: H, filters, filterCount: FILTERS }, [filters.buffer])
  // Bernoulli(½) noise, as the package's sample scores start from
  const u = uniformFloats(key(seed), count * V, 'float64')
  chains = Float64Array.from(u, (x) => (x < 0.5 ? 1 : 0))
  chainKey = fold(key(seed), 1)
  steps = 0
}

function step(count: number): void {
  if (rbm === null) throw new Error('step before start')
  const t0 = performance.now()
  let hidden = new Float64Array(0)
  for (let t = 0; t < count; t++) {
    const next = rbmGibbsSample(rbm, chains, { key: fold(chainKey, steps), numSteps: 1 })
    chains = Float64Array.from(next.visible)
    hidden = Float64Array.from(next.hidden)
    steps += 1
  }
  const probabilities = Float32Array.from(rbmVisibleProbabilities(rbm, hidden))
  post({ type: 'chains', probabilities, steps, milliseconds: performance.now() - t0 }, [probabilities.buffer])
}

self.addEventListener('message', (event: MessageEvent<ToRbmWorker>) => {
  const message = event.data
  const fail = (error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) })
  try {
    if (message.type === 'start') start(message.url, message.chains, message.seed).catch(fail)
    else step(message.steps)
  } catch (error) {
    fail(error)
  }
})
