/**
 * The RBM page: the worker's Gibbs chains drawn as they move from noise to digits, and the
 * hidden units' filters. One request is in flight at a time; the next is sent on the next
 * animation frame, so the page draws every state the worker posts.
 */
import { byId, startPage } from '../common/page.ts'
import { drawGrid } from '../common/grid.ts'
import type { FromRbmWorker, ToRbmWorker } from './protocol.ts'

/** The shipped RBMs (packages/boltzmann/weights/README.md): PCD samples better, CD-1 falls into 0-like blobs. */
const MODELS = {
  pcd: 'weights/rbm-500-pcd-mnist.safetensors',
  cd1: 'weights/rbm-500-mnist.safetensors',
} as const
type ModelName = keyof typeof MODELS
const CHAINS = 16

/** What `window.genRbm` offers scripts and tests. */
export interface RbmApi {
  /** Gibbs steps done since the last restart, and the mean of p(v | h) over the last picture. */
  status(): { steps: number; meanInk: number; model: ModelName }
  /** Restarts from fresh noise (with another model when given). */
  restart(model?: ModelName): void
  setRunning(run: boolean): void
}

declare global {
  interface Window {
    genRbm?: RbmApi
  }
}

async function run(): Promise<void> {
  const worker = new Worker(new URL('./gibbs-worker.ts', import.meta.url), { type: 'module' })
  const send = (message: ToRbmWorker) => worker.postMessage(message)
  let running = true
  let steps = 0
  let meanInk = 0
  let seed = 1
  let perFrame = 1
  const select = byId<HTMLSelectElement>('model')
  let model: ModelName = select.value === 'cd1' ? 'cd1' : 'pcd'
  const readout = byId('readout')
  const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))

  let first: (() => void) | null = null
  const firstPicture = new Promise<void>((resolve) => (first = resolve))
  // one step request at a time: set from the request until the worker's answer arrives
  let pending = false
  const request = async () => {
    if (pending) return
    pending = true
    await nextFrame()
    while (!running) await nextFrame()
    send({ type: 'step', steps: perFrame })
  }
  worker.addEventListener('message', (event: MessageEvent<FromRbmWorker>) => {
    const m = event.data
    if (m.type === 'error') {
      readout.textContent = `stopped: ${m.message}`
      console.error(m.message)
      return
    }
    if (m.type === 'loaded') {
      drawGrid(byId<HTMLCanvasElement>('filters'), m.filters, { columns: 10, side: 28, mode: 'signed' })
      void request()
      return
    }
    pending = false
    steps = m.steps
    meanInk = m.probabilities.reduce((a, b) => a + b, 0) / m.probabilities.length
    drawGrid(byId<HTMLCanvasElement>('samples'), m.probabilities, { columns: 4, side: 28, mode: 'ink' })
    readout.textContent = `Gibbs step ${steps}\nmean p(v=1|h) ${meanInk.toFixed(3)} (MNIST: 0.131)\n${(m.milliseconds / perFrame).toFixed(1)} ms a step (${CHAINS} chains, worker)`
    first?.()
    first = null
    void request()
  })
  const start = () =>
    send({ type: 'start', url: new URL(MODELS[model], location.href).href, chains: CHAINS, seed })
  select.addEventListener('change', () => {
    model = select.value === 'cd1' ? 'cd1' : 'pcd'
    start()
  })
  byId('run').addEventListener('click', () => {
    running = !running
    byId('run').textContent = running ? 'pause' : 'run'
  })
  byId('restart').addEventListener('click', () => {
    seed += 1
    start()
  })
  byId('per-frame').addEventListener('input', () => {
    perFrame = Number(byId<HTMLInputElement>('per-frame').value)
    byId('per-frame-value').textContent = String(perFrame)
  })
  window.genRbm = {
    status: () => ({ steps, meanInk, model }),
    restart: (next) => {
      if (next !== undefined) {
        model = next
        select.value = next
      }
      seed += 1
      start()
    },
    setRunning: (r) => {
      running = r
    },
  }
  start()
  await firstPicture
}

void startPage(run)
