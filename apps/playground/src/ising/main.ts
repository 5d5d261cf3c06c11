/**
 * The Ising page: a live lattice, the controls, and e and |m| against the exact curves.
 *
 * The loop runs one engine step (`sweeps / frame` sweeps), draws the frame and waits for the
 * next animation frame; control changes are queued and applied between steps, so an engine
 * never sees a change in the middle of a sweep. Measurements since the last change feed the
 * estimates: the first half of the series is dropped as equilibration and the rest is binned
 * into 16 blocks for the error bar (`binnedMean`, valid when a block is much longer than the
 * autocorrelation time).
 */
import { ONSAGER_TC, binnedMean, onsager, type Estimate } from '@gen/ising'
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import type { ActiveBackend } from '../common/backend.ts'
import { GpuEngine, WorkerEngine, type IsingEngine } from './engines.ts'
import type { IsingAlgorithm, IsingFrame, IsingParams } from './protocol.ts'

/** What `window.genIsing` offers scripts and tests. */
export interface IsingApi {
  /** Changes parameters (applied before the next step). */
  set(params: Partial<IsingParams> & { sweepsPerFrame?: number }): void
  /** Starts a new chain: all up, or random spins (a quench from T = ∞). */
  reset(start: 'up' | 'random'): void
  /** Estimates since the last change, and the exact values at the current T (h = 0). */
  stats(): IsingStats
  /** Frames drawn since the page started, and the page clock in ms. */
  frames(): { frames: number; sweeps: number; now: number }
  /** The engine in words. */
  engine(): string
  /** Runs or pauses the loop (the pause button). */
  setRunning(run: boolean): void
}

/** The estimates of {@link IsingApi.stats}. */
export interface IsingStats {
  readonly params: IsingParams
  readonly samples: number
  readonly sweeps: number
  readonly energy: Estimate | null
  readonly absMagnetisation: Estimate | null
  readonly exact: { energy: number; absMagnetisation: number }
}

declare global {
  interface Window {
    genIsing?: IsingApi
  }
}

const TEMPERATURES = Array.from({ length: 401 }, (_, i) => 0.5 + i * 0.01)
const EXACT_U = TEMPERATURES.map((t) => onsager(t).u)
const EXACT_M = TEMPERATURES.map((t) => onsager(t).m)
const SERIES_LENGTH = 300

function paramsFromControls(): IsingParams & { sweepsPerFrame: number } {
  return {
    size: Number(byId<HTMLSelectElement>('size').value),
    temperature: Number(byId<HTMLInputElement>('temperature').value),
    field: Number(byId<HTMLInputElement>('field').value),
    algorithm: byId<HTMLSelectElement>('algorithm').value as IsingAlgorithm,
    sweepsPerFrame: Number(byId<HTMLInputElement>('per-frame').value),
  }
}

function showValues(p: IsingParams & { sweepsPerFrame: number }): void {
  byId('temperature-value').textContent = p.temperature.toFixed(2)
  byId('field-value').textContent = p.field.toFixed(3)
  byId('per-frame-value').textContent = String(p.sweepsPerFrame)
}

/** `?size=L` (64, 128, 256 or 512) picks the lattice, so a link can open a given size. */
function sizeFromUrl(): void {
  const size = new URLSearchParams(location.search).get('size')
  const select = byId<HTMLSelectElement>('size')
  if (size !== null && [...select.options].some((o) => o.value === size)) select.value = size
}

async function run(active: ActiveBackend): Promise<void> {
  sizeFromUrl()
  const canvas = byId<HTMLCanvasElement>('lattice')
  const context = canvas.getContext('2d')!
  let params = paramsFromControls()
  showValues(params)
  const makeEngine = (p: IsingParams): IsingEngine =>
    active.gpu !== null && p.algorithm === 'metropolis' ? new GpuEngine(active.gpu, p) : new WorkerEngine(p)
  let engine = makeEngine(params)
  let running = true
  let frames = 0
  let totalSweeps = 0
  const changes: (() => void)[] = []
  // measurements since the last change
  let energies: number[] = []
  let mags: number[] = []
  let sweepsSinceChange = 0
  // finished runs at other temperatures, kept as points on the curves
  const history: { temperature: number; energy: Estimate; m: Estimate }[] = []

  const estimates = (): { energy: Estimate | null; m: Estimate | null } => {
    const half = Math.floor(energies.length / 2)
    if (energies.length - half < 32) return { energy: null, m: null }
    return { energy: binnedMean(energies.slice(half), 16), m: binnedMean(mags.slice(half), 16) }
  }
  const restartStats = () => {
    const { energy, m } = estimates()
    if (energy !== null && m !== null && params.field === 0)
      history.push({ temperature: params.temperature, energy, m })
    if (history.length > 40) history.shift()
    energies = []
    mags = []
    sweepsSinceChange = 0
  }

  const apply = (next: IsingParams & { sweepsPerFrame: number }) => {
    changes.push(() => {
      const needsNewEngine =
        active.gpu !== null && (next.algorithm === 'metropolis') !== (params.algorithm === 'metropolis')
      const physicsChanged =
        next.size !== params.size ||
        next.temperature !== params.temperature ||
        next.field !== params.field ||
        next.algorithm !== params.algorithm
      if (physicsChanged) restartStats()
      params = next
      if (needsNewEngine) {
        engine.dispose()
        engine = makeEngine(next)
      } else engine.setParams(next)
    })
  }
  let seed = 1
  const reset = (start: 'up' | 'random') => {
    changes.push(() => {
      restartStats()
      seed += 1
      engine.reset(start, seed)
    })
  }

  for (const id of ['size', 'temperature', 'field', 'algorithm', 'per-frame']) {
    byId(id).addEventListener('input', () => {
      const p = paramsFromControls()
      showValues(p)
      apply(p)
    })
  }
  const setRunning = (run: boolean) => {
    running = run
    byId('run').textContent = running ? 'pause' : 'run'
  }
  byId('run').addEventListener('click', () => setRunning(!running))
  byId('quench').addEventListener('click', () => reset('random'))
  byId('reset').addEventListener('click', () => reset('up'))

  let image: ImageData | null = null
  const draw = (frame: IsingFrame) => {
    const L = Math.round(Math.sqrt(frame.spins.length))
    if (canvas.width !== L) {
      canvas.width = L
      canvas.height = L
    }
    if (image?.width !== L) image = context.createImageData(L, L)
    const pixels = new Uint32Array(image.data.buffer)
    // little-endian RGBA: up spins dark blue-grey, down spins off-white
    for (let i = 0; i < frame.spins.length; i++) pixels[i] = frame.spins[i] > 0 ? 0xff4a2b1d : 0xffeef3f6
    context.putImageData(image, 0, 0)
  }

  const energyPlot = byId<HTMLCanvasElement>('energy-plot')
  const magPlot = byId<HTMLCanvasElement>('magnetisation-plot')
  const seriesPlot = byId<HTMLCanvasElement>('series-plot')
  const drawPlots = () => {
    const { energy, m } = estimates()
    const points = [...history]
    if (energy !== null && m !== null) points.push({ temperature: params.temperature, energy, m })
    const markers = [{ x: ONSAGER_TC, label: 'Tc' }]
    drawPlot(energyPlot, { xRange: [0.5, 4.5], yRange: [-2, 0], xLabel: 'T', yLabel: 'e = E/N', markers }, [
      { x: TEMPERATURES, y: EXACT_U, color: '#555', label: 'Onsager (exact)' },
      {
        x: points.map((p) => p.temperature),
        y: points.map((p) => p.energy.value),
        error: points.map((p) => p.energy.error),
        dots: true,
        color: '#c0392b',
        label: 'measured',
      },
    ])
    drawPlot(magPlot, { xRange: [0.5, 4.5], yRange: [0, 1], xLabel: 'T', yLabel: '|m| = |M|/N', markers }, [
      { x: TEMPERATURES, y: EXACT_M, color: '#555', label: 'Yang (exact, L = ∞)' },
      {
        x: points.map((p) => p.temperature),
        y: points.map((p) => p.m.value),
        error: points.map((p) => p.m.error),
        dots: true,
        color: '#2e6bd1',
        label: 'measured',
      },
    ])
    const e = energies.slice(-SERIES_LENGTH)
    const a = mags.slice(-SERIES_LENGTH)
    const t = e.map((_, i) => i)
    drawPlot(
      seriesPlot,
      { xRange: [0, SERIES_LENGTH], yRange: [-2, 1], xLabel: 'frame', yLabel: 'since last change' },
      [
        { x: t, y: e, color: '#c0392b', label: 'e' },
        { x: t, y: a, color: '#2e6bd1', label: '|m|' },
      ],
    )
  }

  const readout = byId('readout')
  const showReadout = (frame: IsingFrame, fps: number) => {
    const { energy, m } = estimates()
    const exact = onsager(params.temperature)
    const fmt = (x: Estimate | null) => (x === null ? '…' : `${x.value.toFixed(4)} ± ${x.error.toFixed(4)}`)
    readout.textContent = [
      `engine  ${engine.description}`,
      `sweep   ${frame.sweeps}   ${fps.toFixed(1)} frames/s`,
      `e       ${frame.energy.toFixed(4)}   ⟨e⟩ ${fmt(energy)}`,
      `m       ${frame.magnetisation.toFixed(4)}   ⟨|m|⟩ ${fmt(m)}`,
      `exact   e ${exact.u.toFixed(4)}   |m| ${exact.m.toFixed(4)}${params.field === 0 ? '' : '  (h = 0)'}`,
    ].join('\n')
  }

  window.genIsing = {
    set(p) {
      const next = { ...params, ...p }
      byId<HTMLSelectElement>('size').value = String(next.size)
      byId<HTMLInputElement>('temperature').value = String(next.temperature)
      byId<HTMLInputElement>('field').value = String(next.field)
      byId<HTMLSelectElement>('algorithm').value = next.algorithm
      byId<HTMLInputElement>('per-frame').value = String(next.sweepsPerFrame)
      showValues(next)
      apply(next)
    },
    reset,
    stats() {
      const { energy, m } = estimates()
      const exact = onsager(params.temperature)
      return {
        params,
        samples: energies.length,
        sweeps: sweepsSinceChange,
        energy,
        absMagnetisation: m,
        exact: { energy: exact.u, absMagnetisation: exact.m },
      }
    },
    frames: () => ({ frames, sweeps: totalSweeps, now: performance.now() }),
    engine: () => engine.description,
    setRunning,
  }

  const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))
  let windowStart = performance.now()
  let windowFrames = 0
  let fps = 0
  const loop = async (): Promise<void> => {
    for (;;) {
      while (changes.length > 0) changes.shift()!()
      if (running) {
        const frame = await engine.step(params.sweepsPerFrame)
        // a change queued during the step belongs to the next chain; this frame still counts
        frames += 1
        windowFrames += 1
        totalSweeps += params.sweepsPerFrame
        sweepsSinceChange += params.sweepsPerFrame
        energies.push(frame.energy)
        mags.push(Math.abs(frame.magnetisation))
        draw(frame)
        const now = performance.now()
        if (now - windowStart > 500) {
          fps = (1000 * windowFrames) / (now - windowStart)
          windowStart = now
          windowFrames = 0
        }
        showReadout(frame, fps)
        if (frames % 4 === 1) drawPlots()
      }
      await nextFrame()
    }
  }
  // the first frame is drawn before the page reports ready; the loop then keeps going
  const firstFrame = engine.step(params.sweepsPerFrame).then((frame) => {
    draw(frame)
    showReadout(frame, 0)
    drawPlots()
  })
  await firstFrame
  loop().catch((error: unknown) => {
    readout.textContent = `stopped: ${error instanceof Error ? error.message : String(error)}`
    console.error(error)
  })
}

void startPage(run)
