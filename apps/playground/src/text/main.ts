/**
 * The text page: a masked diffusion language model trained in a Web Worker on a toy English
 * with number agreement, then sampled from an all-masked sequence: the page plays the K steps,
 * each unmasking several positions at once (in parallel, anywhere in the sentence), and marks
 * each finished sentence valid or not by the grammar's exact checker.
 */
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import type { FromTextWorker, SampledSentence, ToTextWorker } from './protocol.ts'

const SAMPLES = 8

/** What a sampling run reports. */
export interface TextReport {
  readonly numSteps: number
  readonly modelCalls: number
  readonly milliseconds: number
  readonly sentences: readonly SampledSentence[]
  /** Share of the sentences the grammar accepts. */
  readonly validShare: number
}

/** Options of a sampling run. */
export interface SampleRequest {
  readonly numSteps?: number
  readonly remasking?: 'random' | 'low-confidence'
  readonly seed?: number
  readonly numSamples?: number
}

/** What `window.genText` offers scripts and tests. */
export interface TextApi {
  train(steps?: number): Promise<{ steps: number; seconds: number; loss: number }>
  status(): { training: boolean; step: number; steps: number; trained: boolean }
  /** Samples (8 sentences unless `numSamples` says otherwise) and plays the steps. */
  sample(options?: SampleRequest): Promise<TextReport>
  /** Shows the sentences as they were after step k (−1: all masked). */
  showStep(k: number): void
}

declare global {
  interface Window {
    genText?: TextApi
  }
}

function run(): Promise<void> {
  const worker = new Worker(new URL('./text-worker.ts', import.meta.url), { type: 'module' })
  const send = (message: ToTextWorker) => worker.postMessage(message)
  const trainReadout = byId('train-readout')
  const sampleReadout = byId('sample-readout')
  const stepsInput = byId<HTMLInputElement>('steps')
  const remaskSelect = byId<HTMLSelectElement>('remasking')
  const board = byId('sentences')
  const losses: { step: number; loss: number }[] = []
  let state = { training: false, step: 0, steps: 0, trained: false }
  let seed = 0
  let last: TextReport | null = null
  let animation = 0
  let onTrained: ((value: { steps: number; seconds: number; loss: number }) => void) | null = null
  let onSamples: ((report: TextReport) => void) | null = null

  const drawLosses = () => {
    const top = Math.max(0.1, ...losses.map((l) => l.loss))
    drawPlot(
      byId<HTMLCanvasElement>('loss'),
      {
        xRange: [0, Math.max(1, state.steps)],
        yRange: [0, 1.1 * top],
        xLabel: 'step',
        yLabel: 'masked-diffusion loss',
      },
      [
        {
          x: losses.map((l) => l.step),
          y: losses.map((l) => l.loss),
          color: '#2e6bd1',
          label: 'loss (1/t-weighted, per token)',
        },
      ],
    )
  }
  drawLosses()

  const showStep = (k: number) => {
    if (last === null) return
    const rows = last.sentences.map((s) => {
      const cells = s.tokens
        .map((word, p) => {
          const at = s.committedAt[p]
          if (at > k) return '<span class="mask">▒▒▒</span>'
          const fresh = at === k ? ' fresh' : ''
          return `<span class="word${word === '<eos>' ? ' eos' : ''}${fresh}">${word === '<eos>' ? '·' : word}</span>`
        })
        .join(' ')
      const done = k >= last!.numSteps - 1
      const verdict = done
        ? s.valid
          ? '<span class="ok">✓ valid</span>'
          : '<span class="bad">✗ invalid</span>'
        : ''
      return `<div class="sentence">${cells} ${verdict}</div>`
    })
    board.innerHTML = `<div class="step">step ${Math.min(k + 1, last.numSteps)} / ${last.numSteps}</div>${rows.join('')}`
  }
  const play = () => {
    const token = ++animation
    let k = -1
    const tick = () => {
      if (token !== animation || last === null) return
      showStep(k)
      k += 1
      if (k < last.numSteps) setTimeout(tick, Math.max(150, 1600 / last.numSteps))
    }
    tick()
  }

  worker.addEventListener('message', (event: MessageEvent<FromTextWorker>) => {
    const m = event.data
    if (m.type === 'error') {
      sampleReadout.textContent = `stopped: ${m.message}`
      console.error(m.message)
      return
    }
    if (m.type === 'progress') {
      state = { ...state, step: m.step }
      losses.push({ step: m.step, loss: m.loss })
      drawLosses()
      trainReadout.textContent = `step ${m.step} / ${state.steps}, loss ${m.loss.toFixed(3)}, ${m.seconds.toFixed(1)} s (worker, cpu backend)`
      return
    }
    if (m.type === 'trained') {
      state = { ...state, training: false, trained: true }
      trainReadout.textContent = `trained: ${m.steps} steps in ${m.seconds.toFixed(1)} s, loss ${m.loss.toFixed(3)}`
      onTrained?.(m)
      onTrained = null
      if (onSamples === null) requestSamples({})
      return
    }
    const validShare = m.sentences.filter((s) => s.valid).length / m.sentences.length
    last = {
      numSteps: m.numSteps,
      modelCalls: m.modelCalls,
      milliseconds: m.milliseconds,
      sentences: m.sentences,
      validShare,
    }
    sampleReadout.textContent = `${m.sentences.length} sentences of L = ${m.length} tokens in ${m.numSteps} steps (${m.modelCalls} forward passes): ${m.milliseconds.toFixed(0)} ms on cpu\nvalid by the grammar: ${(100 * validShare).toFixed(0)} %`
    play()
    onSamples?.(last)
    onSamples = null
  })

  const requestSamples = (options: SampleRequest) => {
    const numSteps = options.numSteps ?? Number(stepsInput.value)
    const remasking = options.remasking ?? (remaskSelect.value === 'random' ? 'random' : 'low-confidence')
    if (options.seed !== undefined) seed = options.seed
    stepsInput.value = String(numSteps)
    byId('steps-value').textContent = String(numSteps)
    remaskSelect.value = remasking
    send({ type: 'sample', numSteps, numSamples: options.numSamples ?? SAMPLES, remasking, seed })
  }
  // `?steps=N` sets the training run's length (600 by default; the tests ask for fewer)
  const defaultSteps = Math.max(25, Number(new URLSearchParams(location.search).get('steps') ?? 600) || 600)
  byId('train').textContent = `train a new model (${defaultSteps} steps)`
  const train = (steps = defaultSteps) => {
    losses.length = 0
    state = { training: true, step: 0, steps, trained: state.trained }
    send({ type: 'train', steps, seed: 0 })
    return new Promise<{ steps: number; seconds: number; loss: number }>((resolve) => (onTrained = resolve))
  }

  byId('train').addEventListener('click', () => void train())
  stepsInput.addEventListener('input', () => {
    byId('steps-value').textContent = stepsInput.value
  })
  stepsInput.addEventListener('change', () => state.trained && requestSamples({}))
  remaskSelect.addEventListener('change', () => state.trained && requestSamples({}))
  byId('resample').addEventListener('click', () => {
    seed += 1
    if (state.trained) requestSamples({})
  })

  window.genText = {
    train,
    status: () => ({ ...state }),
    sample: (options = {}) => {
      const done = new Promise<TextReport>((resolve) => (onSamples = resolve))
      requestSamples(options)
      return done
    },
    showStep: (k) => {
      animation += 1
      showStep(k)
    },
  }
  void train()
  return Promise.resolve()
}

void startPage(run)
