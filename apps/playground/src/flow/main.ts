/**
 * The flow-matching page: a small MLP learns the velocity field that carries N(0, I) to a toy
 * 2-D set (trained in a Web Worker with progress, its EMA weights posted as it goes), and the
 * page integrates dx/dt = v(x, t) from noise (t = 0) to data (t = 1) with @gen/diffusion's
 * flowSample, drawing every point's path. The step-count slider shows how few Euler or Heun
 * steps the nearly straight paths need; for 8 Gaussians the exact velocity of the mixture is
 * there to compare with.
 *
 * The sampler runs on the cpu backend by default: the 3 × 64 MLP on 1000 points is a few
 * small kernels per layer, and on a software WebGPU adapter (SwiftShader) each evaluation took
 * about 0.8 s against a few ms on cpu. The page's backend is one click away, and the tests
 * check that it gives the same points.
 */
import {
  add,
  cpu,
  fold,
  fromArray,
  keep,
  key,
  normalFloats,
  type BackendV1,
  type Tensor,
} from '@gen/core-tensor'
import {
  decodeDenoiser,
  energyDistance,
  flowSample,
  gaussianMixtureVelocity,
  velocityField,
  type DenoiserConfig,
  type DenoiserParams,
  type VelocityField,
} from '@gen/diffusion'
import type { ActiveBackend } from '../common/backend.ts'
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import type { FromFlowWorker, TrainRequest } from './protocol.ts'
import { EIGHT_GAUSSIANS, toyPoints, type ToyName } from './toy-data.ts'

/** The canvas spans [−VIEW, VIEW]². */
const VIEW = 4
/** Points sampled, paths drawn, and data points drawn and scored against. */
const SAMPLES = 1000
const TRAILS = 200
const TARGET = 2000
/** The training set's seed and the data drawn for the picture and the score (another key). */
const TRAIN_SEED = 0
const TARGET_SEED = 1

/** Which velocity field to integrate. */
export type FlowModel = 'trained' | 'exact'

/** Where the sampler runs: the cpu backend, or the page's backend. */
export type SamplerBackend = 'cpu' | 'page'

/** Options of a sampling run. */
export interface SampleOptions {
  /** Default: the page's selector (cpu). The exact field always runs on cpu. */
  readonly on?: SamplerBackend
  readonly numSteps?: number
  readonly method?: 'euler' | 'heun'
  readonly model?: FlowModel
  /** The start noise's seed (default: the page's current one). */
  readonly seed?: number
}

/** What a sampling run reports. */
export interface SampleReport {
  readonly model: FlowModel
  readonly backend: string
  readonly numSteps: number
  readonly method: 'euler' | 'heun'
  /** The weights' training step (0 for the exact field). */
  readonly trainedStep: number
  /** Wall time of flowSample and the read-back of its result, in ms. */
  readonly milliseconds: number
  /** The samples, [SAMPLES · 2] row-major. */
  readonly points: number[]
  /** Energy distance of the samples, and of the start noise, to the data (TARGET points). */
  readonly energyDistance: number
  readonly noiseEnergyDistance: number
  /** States kept per path (numSteps + 1, the start included). */
  readonly pathLength: number
}

/** What `window.genFlow` offers scripts and tests. */
export interface FlowApi {
  /** Trains a fresh net (stopping any run in progress); resolves with the final weights in place. */
  train(options?: {
    steps?: number
    dataset?: ToyName
  }): Promise<{ steps: number; seconds: number; loss: number }>
  /** The training run's state. */
  status(): {
    dataset: ToyName
    training: boolean
    step: number
    steps: number
    loss: number
    trainedStep: number
  }
  /** Samples with the current (or given) settings and draws the paths. */
  sample(options?: SampleOptions): Promise<SampleReport>
}

declare global {
  interface Window {
    genFlow?: FlowApi
  }
}

/** Draws the data (grey), the paths (blue, fading in with t), the start points and the samples (red). */
function drawScene(
  canvas: HTMLCanvasElement,
  scene: { target: ArrayLike<number>; path: readonly ArrayLike<number>[]; final: ArrayLike<number> | null },
): void {
  const g = canvas.getContext('2d')!
  const { width, height } = canvas
  const px = (x: number) => ((x + VIEW) / (2 * VIEW)) * width
  const py = (y: number) => ((VIEW - y) / (2 * VIEW)) * height
  g.fillStyle = '#fff'
  g.fillRect(0, 0, width, height)
  g.strokeStyle = '#e4e4e4'
  g.lineWidth = 1
  for (let v = -VIEW; v <= VIEW; v++) {
    g.beginPath()
    g.moveTo(px(v), 0)
    g.lineTo(px(v), height)
    g.moveTo(0, py(v))
    g.lineTo(width, py(v))
    g.stroke()
  }
  g.fillStyle = 'rgba(120, 120, 120, 0.45)'
  for (let i = 0; i < scene.target.length / 2; i++) {
    g.fillRect(px(scene.target[2 * i]) - 1, py(scene.target[2 * i + 1]) - 1, 2, 2)
  }
  const { path } = scene
  if (path.length > 1) {
    for (let k = 1; k < path.length; k++) {
      const t = k / (path.length - 1)
      g.strokeStyle = `rgba(46, 107, 209, ${0.15 + 0.35 * t})`
      g.lineWidth = 1
      g.beginPath()
      for (let i = 0; i < TRAILS; i++) {
        g.moveTo(px(path[k - 1][2 * i]), py(path[k - 1][2 * i + 1]))
        g.lineTo(px(path[k][2 * i]), py(path[k][2 * i + 1]))
      }
      g.stroke()
    }
    g.fillStyle = 'rgba(46, 107, 209, 0.8)'
    for (let i = 0; i < TRAILS; i++) g.fillRect(px(path[0][2 * i]) - 1, py(path[0][2 * i + 1]) - 1, 2, 2)
  }
  if (scene.final !== null) {
    g.fillStyle = 'rgba(209, 46, 46, 0.85)'
    for (let i = 0; i < scene.final.length / 2; i++) {
      g.fillRect(px(scene.final[2 * i]) - 1.5, py(scene.final[2 * i + 1]) - 1.5, 3, 3)
    }
  }
}

async function run(active: ActiveBackend): Promise<void> {
  const canvas = byId<HTMLCanvasElement>('flow')
  const trainReadout = byId('train-readout')
  const sampleReadout = byId('sample-readout')
  const datasetSelect = byId<HTMLSelectElement>('dataset')
  const modelSelect = byId<HTMLSelectElement>('model')
  const methodSelect = byId<HTMLSelectElement>('method')
  const stepsInput = byId<HTMLInputElement>('ode-steps')
  const trainStepsInput = byId<HTMLInputElement>('train-steps')
  const onSelect = byId<HTMLSelectElement>('run-on')
  onSelect.querySelector<HTMLOptionElement>('option[value="page"]')!.textContent =
    `the page's backend (${active.name})`

  let dataset: ToyName = 'eight'
  let target = toyPoints(dataset, TARGET_SEED, TARGET)
  /** The latest weights: the file, and its parameters on each backend (decoded when first used). */
  let net: {
    bytes: Uint8Array
    step: number
    params: Map<BackendV1, { config: DenoiserConfig; params: DenoiserParams }>
  } | null = null
  const netOn = (backend: BackendV1) => {
    let decoded = net!.params.get(backend)
    if (decoded === undefined) {
      decoded = decodeDenoiser(net!.bytes, { backend })
      net!.params.set(backend, decoded)
    }
    return decoded
  }
  let seed = 0
  const losses: { step: number; loss: number }[] = []
  let run = { training: false, step: 0, steps: 0, loss: Number.NaN }
  let worker: Worker | null = null

  drawScene(canvas, { target, path: [], final: null })

  const drawLosses = () => {
    const top = Math.max(1, ...losses.map((l) => l.loss))
    drawPlot(
      byId<HTMLCanvasElement>('loss'),
      {
        xRange: [0, Math.max(1, run.steps)],
        yRange: [0, 1.1 * top],
        xLabel: 'step',
        yLabel: 'flow-matching loss',
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

  // sampling: one run at a time; a request made meanwhile replaces any waiting one
  let sampling: Promise<SampleReport | null> = Promise.resolve(null)
  const sample = (options: SampleOptions = {}): Promise<SampleReport> => {
    const next = sampling.then(() => sampleNow(options))
    sampling = next.catch(() => null)
    return next
  }
  const sampleNow = async (options: SampleOptions): Promise<SampleReport> => {
    const numSteps = options.numSteps ?? Number(stepsInput.value)
    const method = options.method ?? (methodSelect.value === 'euler' ? 'euler' : 'heun')
    const model = options.model ?? (modelSelect.value === 'exact' ? 'exact' : 'trained')
    if (options.seed !== undefined) seed = options.seed
    stepsInput.value = String(numSteps)
    byId('ode-steps-value').textContent = String(numSteps)
    methodSelect.value = method
    modelSelect.value = model
    if (model === 'exact' && dataset !== 'eight')
      throw new Error('the exact velocity is known for 8 Gaussians only')
    if (model === 'trained' && net === null) throw new Error('no trained weights yet')
    const on = options.on ?? (onSelect.value === 'page' ? 'page' : 'cpu')
    onSelect.value = on
    // the exact field reads x back synchronously, which only the cpu backend allows
    const backend: BackendV1 = model === 'exact' || on === 'cpu' ? cpu : active.backend
    let velocity: VelocityField
    if (model === 'exact') velocity = gaussianMixtureVelocity(EIGHT_GAUSSIANS)
    else {
      const { config, params } = netOn(backend)
      velocity = velocityField(config, params)
    }
    const startPoints = normalFloats(fold(key(seed), 7), SAMPLES * 2)
    const noise = fromArray(startPoints, { shape: [SAMPLES, 2], backend })
    const states: Tensor[] = []
    const started = performance.now()
    const x = flowSample(velocity, {
      key: key(seed),
      initialNoise: noise,
      numSteps,
      method,
      // each state is freed after the callback: keep a copy on the device, read it afterwards
      onStep: (info) => {
        states.push(keep(add(info.x, 0)))
      },
    })
    const final = Float32Array.from(await x.data())
    const milliseconds = performance.now() - started
    const path = [
      startPoints,
      ...(await Promise.all(states.map(async (s) => Float32Array.from(await s.data())))),
    ]
    for (const t of [x, noise, ...states]) t.dispose()
    drawScene(canvas, { target, path, final })
    const report: SampleReport = {
      model,
      backend: backend === cpu ? 'cpu' : active.name,
      numSteps,
      method,
      trainedStep: model === 'exact' ? 0 : net!.step,
      milliseconds,
      points: Array.from(final),
      energyDistance: energyDistance(final, target, 2),
      noiseEnergyDistance: energyDistance(startPoints, target, 2),
      pathLength: path.length,
    }
    const what =
      model === 'exact' ? 'the exact velocity of the mixture' : `the net after ${report.trainedStep} steps`
    sampleReadout.textContent =
      `${SAMPLES} points, ${numSteps} ${method === 'heun' ? 'Heun' : 'Euler'} steps of ${what}\n` +
      `on ${report.backend}: ${milliseconds.toFixed(0)} ms\n` +
      `energy distance to ${TARGET} data points: ${report.energyDistance.toFixed(4)}\n` +
      `(the start noise: ${report.noiseEnergyDistance.toFixed(3)})`
    return report
  }
  const resample = () => {
    if (modelSelect.value === 'trained' && net === null) return
    void sample().catch((error: unknown) => {
      sampleReadout.textContent = error instanceof Error ? error.message : String(error)
    })
  }

  let finished: ((value: { steps: number; seconds: number; loss: number }) => void) | null = null
  const train = (options: { steps?: number; dataset?: ToyName } = {}) => {
    worker?.terminate()
    if (options.dataset !== undefined && options.dataset !== dataset) {
      dataset = options.dataset
      target = toyPoints(dataset, TARGET_SEED, TARGET)
      net = null
    }
    datasetSelect.value = dataset
    const exactOption = modelSelect.querySelector<HTMLOptionElement>('option[value="exact"]')!
    exactOption.disabled = dataset !== 'eight'
    if (dataset !== 'eight') modelSelect.value = 'trained'
    const steps = options.steps ?? Number(trainStepsInput.value)
    trainStepsInput.value = String(steps)
    byId('train-steps-value').textContent = String(steps)
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
      net = { bytes: m.bytes, step: m.step, params: new Map() }
      if (m.final) {
        run = { ...run, training: false }
        const seconds = (performance.now() - started) / 1000
        trainReadout.textContent += `\ndone: ${steps} steps in ${seconds.toFixed(1)} s`
        finished?.({ steps, seconds, loss: run.loss })
        finished = null
      }
      if (modelSelect.value === 'trained') resample()
    })
    const request: TrainRequest = { type: 'train', dataset, steps, seed: TRAIN_SEED, snapshotEvery: 250 }
    worker.postMessage(request)
    drawScene(canvas, { target, path: [], final: null })
    return new Promise<{ steps: number; seconds: number; loss: number }>((resolve) => (finished = resolve))
  }

  datasetSelect.addEventListener(
    'change',
    () => void train({ dataset: datasetSelect.value === 'moons' ? 'moons' : 'eight' }),
  )
  byId('train').addEventListener('click', () => void train())
  trainStepsInput.addEventListener('input', () => {
    byId('train-steps-value').textContent = trainStepsInput.value
  })
  stepsInput.addEventListener('input', () => {
    byId('ode-steps-value').textContent = stepsInput.value
    resample()
  })
  methodSelect.addEventListener('change', resample)
  onSelect.addEventListener('change', resample)
  modelSelect.addEventListener('change', resample)
  byId('resample').addEventListener('click', () => {
    seed += 1
    resample()
  })

  window.genFlow = {
    train,
    status: () => ({
      dataset,
      training: run.training,
      step: run.step,
      steps: run.steps,
      loss: run.loss,
      trainedStep: net?.step ?? 0,
    }),
    sample,
  }
  void train()
  // the first picture: the exact field's paths while the net starts training (the weights it
  // posts every 250 steps are then drawn as they come)
  await sample({ model: 'exact' })
  modelSelect.value = 'trained'
}

void startPage(run)
