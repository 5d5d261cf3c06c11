/**
 * The DDIM page: a class-conditional ε-predicting MLP trained on 8 Gaussians in a Web Worker
 * (progress, EMA weights every 250 steps), then DDIM sampling (Song, Meng & Ermon 2021) with
 * @gen/diffusion's ddimSample, animated step by step with the noise level √(1 − ᾱ_t) of each
 * frame, a slider for the number of DDIM steps, η (0: deterministic DDIM, 1: DDPM-like noise),
 * and classifier-free guidance towards one mode (Ho & Salimans 2021). The sampler runs on the
 * cpu backend, as on the flow page (this net is too small for a software GPU adapter to pay).
 */
import { cpu, fromArray, keep, key, normalFloats, add, fold, type Tensor } from '@gen/core-tensor'
import {
  classifierFreeGuidance,
  ddimSample,
  decodeDenoiser,
  energyDistance,
  evenlySpacedTimesteps,
  noisePredictor,
  type DenoiserConfig,
  type DenoiserParams,
  type NoisePredictor,
} from '@gen/diffusion'
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import type { FromFlowWorker } from '../flow/protocol.ts'
import { CLASSES, SCHEDULE, TIMESTEPS, labeledEightGaussians, modeCentre } from './model.ts'
import type { DdimTrainRequest } from './train-worker.ts'

const VIEW = 4
const SAMPLES = 500
const TARGET = 2000
/** A sample counts as in mode k within this distance of its centre (5 σ). */
const MODE_RADIUS = 0.5

/** Options of a sampling run. */
export interface DdimOptions {
  readonly numSteps?: number
  readonly eta?: number
  /** A mode 0 … 7 to guide towards, or null for the unconditional model. */
  readonly label?: number | null
  /** Classifier-free guidance scale w (ε_u + w (ε_c − ε_u)); 1 is the conditional model. */
  readonly guidance?: number
  readonly seed?: number
  /** Play the frames (default true); false draws the last one at once. */
  readonly animate?: boolean
}

/** What a sampling run reports. */
export interface DdimReport {
  readonly numSteps: number
  readonly eta: number
  readonly label: number | null
  readonly guidance: number
  readonly trainedStep: number
  readonly milliseconds: number
  /** Frames: the start noise and the state after each step. */
  readonly frames: number
  /** √(1 − ᾱ) of each frame, from the start's level to 0. */
  readonly noiseLevels: number[]
  /** Energy distance to the data (unconditional) or to the chosen mode's points. */
  readonly energyDistance: number
  /** The same for the start noise. */
  readonly noiseEnergyDistance: number
  /** Share of the samples within 0.5 of each mode's centre. */
  readonly modeShares: number[]
}

/** What `window.genDdim` offers scripts and tests. */
export interface DdimApi {
  train(options?: { steps?: number }): Promise<{ steps: number; seconds: number; loss: number }>
  status(): { training: boolean; step: number; steps: number; trainedStep: number }
  sample(options?: DdimOptions): Promise<DdimReport>
  /** Shows frame k of the last run (0: the start noise). */
  showFrame(k: number): void
}

declare global {
  interface Window {
    genDdim?: DdimApi
  }
}

/** Draws the data at once; training and sampling follow from the worker's messages. */
function run(): Promise<void> {
  const canvas = byId<HTMLCanvasElement>('ddim')
  const trainReadout = byId('train-readout')
  const sampleReadout = byId('sample-readout')
  const stepsInput = byId<HTMLInputElement>('ddim-steps')
  const etaSelect = byId<HTMLSelectElement>('eta')
  const labelSelect = byId<HTMLSelectElement>('label')
  const guidanceInput = byId<HTMLInputElement>('guidance')
  const frameInput = byId<HTMLInputElement>('frame')
  labelSelect.innerHTML =
    '<option value="none">none (unconditional)</option>' +
    Array.from({ length: CLASSES }, (_, k) => `<option value="${k}">mode ${k}</option>`).join('')

  const data = labeledEightGaussians(1, TARGET)
  const targetOf = (label: number | null): Float32Array => {
    if (label === null) return data.points
    const picked: number[] = []
    data.labels.forEach((k, i) => {
      if (k === label) picked.push(data.points[2 * i], data.points[2 * i + 1])
    })
    return Float32Array.from(picked)
  }

  let net: { config: DenoiserConfig; params: DenoiserParams; step: number } | null = null
  let run = { training: false, step: 0, steps: 0, loss: Number.NaN }
  const losses: { step: number; loss: number }[] = []
  let worker: Worker | null = null
  let seed = 0
  let last: { frames: Float32Array[]; x0: Float32Array[]; levels: number[]; title: string } | null = null
  let animation = 0

  const drawFrame = (k: number) => {
    const g = canvas.getContext('2d')!
    const { width, height } = canvas
    const px = (x: number) => ((x + VIEW) / (2 * VIEW)) * width
    const py = (y: number) => ((VIEW - y) / (2 * VIEW)) * height
    g.fillStyle = '#fff'
    g.fillRect(0, 0, width, height)
    g.fillStyle = 'rgba(120, 120, 120, 0.35)'
    for (let i = 0; i < data.points.length / 2; i++)
      g.fillRect(px(data.points[2 * i]) - 1, py(data.points[2 * i + 1]) - 1, 2, 2)
    g.font = '12px sans-serif'
    for (let m = 0; m < CLASSES; m++) {
      const [cx, cy] = modeCentre(m)
      g.fillStyle = '#888'
      g.fillText(String(m), px(cx * 1.25) - 3, py(cy * 1.25) + 4)
    }
    if (last === null) return
    const frame = last.frames[Math.min(k, last.frames.length - 1)]
    const x0 = k > 0 ? last.x0[k - 1] : null
    if (x0 !== undefined && x0 !== null) {
      g.fillStyle = 'rgba(46, 107, 209, 0.35)'
      for (let i = 0; i < x0.length / 2; i++) g.fillRect(px(x0[2 * i]) - 1, py(x0[2 * i + 1]) - 1, 2, 2)
    }
    g.fillStyle = 'rgba(209, 46, 46, 0.85)'
    for (let i = 0; i < frame.length / 2; i++)
      g.fillRect(px(frame[2 * i]) - 1.5, py(frame[2 * i + 1]) - 1.5, 3, 3)
    g.fillStyle = '#1d2230'
    g.font = '13px ui-monospace, monospace'
    const level = last.levels[Math.min(k, last.levels.length - 1)]
    g.fillText(`frame ${k} / ${last.frames.length - 1}   noise level √(1 − ᾱ) = ${level.toFixed(3)}`, 8, 18)
    g.fillText(last.title, 8, 36)
    frameInput.max = String(last.frames.length - 1)
    frameInput.value = String(k)
  }
  drawFrame(0)

  const play = () => {
    const token = ++animation
    const count = last!.frames.length
    const interval = Math.max(25, 1500 / count)
    let k = 0
    const tick = () => {
      if (token !== animation) return
      drawFrame(k)
      k += 1
      if (k < count) setTimeout(tick, interval)
    }
    tick()
  }

  const drawLosses = () => {
    const top = Math.max(0.1, ...losses.map((l) => l.loss))
    drawPlot(
      byId<HTMLCanvasElement>('loss'),
      {
        xRange: [0, Math.max(1, run.steps)],
        yRange: [0, 1.1 * top],
        xLabel: 'step',
        yLabel: 'ε-prediction loss',
      },
      [
        {
          x: losses.map((l) => l.step),
          y: losses.map((l) => l.loss),
          color: '#2e6bd1',
          label: 'loss (mean over 50 steps)',
        },
      ],
    )
  }

  const sampleNow = (options: DdimOptions): DdimReport => {
    if (net === null) throw new Error('no trained weights yet')
    const numSteps = options.numSteps ?? Number(stepsInput.value)
    const eta = options.eta ?? Number(etaSelect.value)
    const label =
      options.label === undefined
        ? labelSelect.value === 'none'
          ? null
          : Number(labelSelect.value)
        : options.label
    const guidance = options.guidance ?? Number(guidanceInput.value)
    if (options.seed !== undefined) seed = options.seed
    stepsInput.value = String(numSteps)
    byId('ddim-steps-value').textContent = String(numSteps)
    etaSelect.value = String(eta)
    labelSelect.value = label === null ? 'none' : String(label)
    guidanceInput.value = String(guidance)
    byId('guidance-value').textContent = guidance.toFixed(1)
    const { config, params } = net
    const at = (labels: number): NoisePredictor => noisePredictor(config, params, { labels })
    const model = label === null ? at(CLASSES) : classifierFreeGuidance(at(label), at(CLASSES), guidance)
    // the cosine schedule's clipped last step (ᾱ from 2e-4 to 2e-6) divides the x₀ prediction
    // by √ᾱ ≈ 1e-3; DDIM starts one step below it, as `gen diffusion sample` does
    const timesteps = Array.from(evenlySpacedTimesteps(TIMESTEPS - 1, numSteps))
    const start = normalFloats(fold(key(seed), 7), SAMPLES * 2)
    const noise = fromArray(start, { shape: [SAMPLES, 2], backend: cpu })
    const states: Tensor[] = []
    const predictions: Tensor[] = []
    const stepTimes: number[] = []
    const started = performance.now()
    const x = ddimSample(model, {
      schedule: SCHEDULE,
      key: key(seed),
      initialNoise: noise,
      timesteps,
      eta,
      onStep: (info) => {
        stepTimes.push(info.t)
        states.push(keep(add(info.x, 0)))
        if (info.x0Prediction !== undefined) predictions.push(keep(add(info.x0Prediction, 0)))
      },
    })
    const final = x.dataSync()
    const milliseconds = performance.now() - started
    const frames = [start, ...states.map((s) => Float32Array.from(s.dataSync()))]
    const x0 = predictions.map((s) => Float32Array.from(s.dataSync()))
    for (const t of [x, noise, ...states, ...predictions]) t.dispose()
    const level = (t: number) => Math.sqrt(1 - SCHEDULE.alphaBars[t])
    // frame 0 sits at the first step's level; frame k after step k at the next step's, the last at 0
    const levels = [
      level(stepTimes[0]),
      ...stepTimes.map((_, k) => (k + 1 < stepTimes.length ? level(stepTimes[k + 1]) : 0)),
    ]
    const modeShares = Array.from({ length: CLASSES }, (_, m) => {
      const [cx, cy] = modeCentre(m)
      let inside = 0
      for (let i = 0; i < SAMPLES; i++)
        if (Math.hypot(final[2 * i] - cx, final[2 * i + 1] - cy) < MODE_RADIUS) inside += 1
      return inside / SAMPLES
    })
    const what = label === null ? 'unconditional' : `mode ${label}, guidance w = ${guidance.toFixed(1)}`
    last = { frames, x0, levels, title: `DDIM, ${numSteps} steps, η = ${eta}, ${what}` }
    const report: DdimReport = {
      numSteps,
      eta,
      label,
      guidance,
      trainedStep: net.step,
      milliseconds,
      frames: frames.length,
      noiseLevels: levels,
      energyDistance: energyDistance(final, targetOf(label), 2),
      noiseEnergyDistance: energyDistance(start, targetOf(label), 2),
      modeShares,
    }
    sampleReadout.textContent =
      `${SAMPLES} points, ${numSteps} DDIM steps (η = ${eta}) of the net after ${net.step} steps\n` +
      `on cpu: ${milliseconds.toFixed(0)} ms\n` +
      `energy distance to ${label === null ? 'the data' : `mode ${label}'s points`}: ${report.energyDistance.toFixed(4)} (noise: ${report.noiseEnergyDistance.toFixed(3)})\n` +
      `share in each mode: ${modeShares.map((s) => s.toFixed(2)).join(' ')}`
    if (options.animate ?? true) play()
    else {
      animation += 1
      drawFrame(frames.length - 1)
    }
    return report
  }
  const sample = (options: DdimOptions = {}): Promise<DdimReport> =>
    Promise.resolve().then(() => sampleNow(options))
  const resample = () => {
    if (net === null) return
    void sample().catch((error: unknown) => {
      sampleReadout.textContent = error instanceof Error ? error.message : String(error)
    })
  }

  let finished: ((value: { steps: number; seconds: number; loss: number }) => void) | null = null
  const train = (options: { steps?: number } = {}) => {
    worker?.terminate()
    const steps = options.steps ?? 2000
    losses.length = 0
    run = { training: true, step: 0, steps, loss: Number.NaN }
    drawLosses()
    const started = performance.now()
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' })
    worker.addEventListener('message', (event: MessageEvent<FromFlowWorker>) => {
      const m = event.data
      if (m.type === 'error') {
        trainReadout.textContent = `stopped: ${m.message}`
        console.error(m.message)
        return
      }
      if (m.type === 'progress') {
        run = { ...run, step: m.step, loss: m.loss }
        losses.push({ step: m.step, loss: m.loss })
        drawLosses()
        trainReadout.textContent = `step ${m.step} / ${steps}, loss ${m.loss.toFixed(3)}\n${m.examplesPerSecond.toFixed(0)} points/s, ${m.elapsedSeconds.toFixed(1)} s (worker, cpu backend)`
        return
      }
      const { config, params } = decodeDenoiser(m.bytes, { backend: cpu })
      net = { config, params, step: m.step }
      if (m.final) {
        run = { ...run, training: false }
        const seconds = (performance.now() - started) / 1000
        trainReadout.textContent += `\ndone: ${steps} steps in ${seconds.toFixed(1)} s`
        finished?.({ steps, seconds, loss: run.loss })
        finished = null
      }
      resample()
    })
    const request: DdimTrainRequest = { steps, seed: 0, snapshotEvery: 250 }
    worker.postMessage(request)
    return new Promise<{ steps: number; seconds: number; loss: number }>((resolve) => (finished = resolve))
  }

  byId('train').addEventListener('click', () => void train())
  for (const input of [stepsInput, guidanceInput]) input.addEventListener('change', resample)
  stepsInput.addEventListener('input', () => {
    byId('ddim-steps-value').textContent = stepsInput.value
  })
  guidanceInput.addEventListener('input', () => {
    byId('guidance-value').textContent = Number(guidanceInput.value).toFixed(1)
  })
  etaSelect.addEventListener('change', resample)
  labelSelect.addEventListener('change', resample)
  byId('resample').addEventListener('click', () => {
    seed += 1
    resample()
  })
  frameInput.addEventListener('input', () => {
    animation += 1
    drawFrame(Number(frameInput.value))
  })

  window.genDdim = {
    train,
    status: () => ({ training: run.training, step: run.step, steps: run.steps, trainedStep: net?.step ?? 0 }),
    sample,
    showFrame: (k) => {
      animation += 1
      drawFrame(k)
    },
  }
  void train()
  return Promise.resolve()
}

void startPage(run)
