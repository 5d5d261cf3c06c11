/**
 * The Hopfield page: pick or draw a digit, corrupt it, and watch asynchronous recall unit by
 * unit (`units / frame` updates per animation frame, in a random order drawn from a key) with
 * the energy E = −½ sᵀWs falling; the overlaps m_μ = ξ^μ·s/N with every stored pattern are
 * computed on the page's backend (one matmul) before and after recall. The capacity scan runs
 * in a Web Worker.
 *
 * The network stores the picked digit plus P − 1 random patterns: random patterns are the
 * case the 0.138 N capacity is about (ten digits are strongly correlated with one another,
 * and Hebbian storage of them fails at a much smaller P).
 */
import { fold, fromArray, key, matmul, randomBits, type Key } from '@gen/core-tensor'
import {
  createNetwork,
  energy,
  flipBits,
  overlap,
  randomPatterns,
  storeHebbian,
  type HopfieldNetwork,
} from '@gen/hopfield'
import type { ActiveBackend } from '../common/backend.ts'
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import { DIGIT_SIDE, digitPattern } from './digits.ts'
import type { ScanPoint, ScanRequest } from './scan-protocol.ts'

const N = DIGIT_SIDE * DIGIT_SIDE
/** The critical load of Hebbian storage of random patterns (Amit, Gutfreund and Sompolinsky 1985). */
const ALPHA_C = 0.138

/** What `window.genHopfield` offers scripts and tests. */
export interface HopfieldApi {
  configure(options: { digit?: number; patterns?: number; noise?: number; speed?: number }): void
  /** Flips the set fraction of the target digit's bits (a fresh draw each call). */
  corrupt(): void
  /** Runs the animated recall to a fixed point (or 30 sweeps). */
  recall(): Promise<RecallSummary>
  /** The overlaps with every stored pattern, computed on the page's backend. */
  overlaps(): Promise<number[]>
  /** Runs the capacity scan in the worker. */
  scan(): Promise<ScanPoint[]>
}

/** The outcome of one animated recall. */
export interface RecallSummary {
  /** Overlap with the target digit before and after. */
  readonly start: number
  readonly overlap: number
  readonly sweeps: number
  readonly converged: boolean
  /** Energy after each frame (never rising). */
  readonly energies: number[]
  readonly patterns: number
}

declare global {
  interface Window {
    genHopfield?: HopfieldApi
  }
}

/** A random permutation of 0 … n−1 from a key (Fisher–Yates on 32-bit words). */
function permutation(k: Key, n: number): Int32Array {
  const words = randomBits(k, n)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = words[i] % (i + 1)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order
}

async function run(active: ActiveBackend): Promise<void> {
  let digit = 3
  let patternCount = 20
  let noise = 0.25
  let speed = 8
  let patterns: Int8Array[] = []
  let network: HopfieldNetwork = createNetwork(N)
  let state = digitPattern(digit)
  let corruptions = 0
  let busy = false
  let energies: number[] = []
  let lastOverlaps: number[] = []
  const capacity: ScanPoint[] = []

  const rebuild = () => {
    patterns = [digitPattern(digit), ...randomPatterns(key(1000 + digit), patternCount - 1, N)]
    network = storeHebbian(createNetwork(N), patterns)
  }
  rebuild()

  const canvas = byId<HTMLCanvasElement>('state')
  const context = canvas.getContext('2d')!
  const image = context.createImageData(DIGIT_SIDE, DIGIT_SIDE)
  const drawState = () => {
    const pixels = new Uint32Array(image.data.buffer)
    for (let i = 0; i < N; i++) pixels[i] = state[i] > 0 ? 0xff4a2b1d : 0xffeef3f6
    context.putImageData(image, 0, 0)
  }

  const readout = byId('readout')
  const showReadout = (note = '') => {
    readout.textContent = [
      `P = ${patternCount}, α = P/N = ${(patternCount / N).toFixed(3)} (α_c ≈ ${ALPHA_C})`,
      `overlap with ${digit}: ${overlap(state, patterns[0]).toFixed(3)}`,
      `E = ${energy(network, state).toFixed(2)}`,
      note,
    ].join('\n')
  }

  const drawPlots = () => {
    drawPlot(
      byId<HTMLCanvasElement>('energy-plot'),
      {
        xRange: [0, Math.max(10, energies.length)],
        yRange: [Math.min(-1, ...energies) * 1.05, Math.max(0, ...energies)],
        xLabel: 'frame',
        yLabel: 'E = −½ sᵀWs',
      },
      [{ x: energies.map((_, i) => i), y: energies, color: '#c0392b', label: 'energy' }],
    )
    drawPlot(
      byId<HTMLCanvasElement>('overlap-plot'),
      {
        xRange: [-1, Math.max(10, patternCount)],
        yRange: [-0.3, 1.05],
        xLabel: 'stored pattern μ (0: the digit)',
        yLabel: `m_μ on ${active.name}`,
      },
      [
        {
          x: lastOverlaps.map((_, i) => i),
          y: lastOverlaps,
          dots: true,
          color: '#2e6bd1',
          label: 'ξ^μ·s / N',
        },
      ],
    )
    drawPlot(
      byId<HTMLCanvasElement>('capacity-plot'),
      {
        xRange: [0, 0.3],
        yRange: [0, 1.05],
        xLabel: 'α = P/N',
        yLabel: 'final overlap',
        markers: [{ x: ALPHA_C, label: 'α_c' }],
      },
      [
        {
          x: capacity.map((p) => p.alpha),
          y: capacity.map((p) => p.overlap),
          color: '#2e6bd1',
          label: capacity.length > 0 ? 'scan' : 'press scan',
        },
      ],
    )
  }

  /** m_μ = ξ^μ·s / N for every stored pattern: one [P, N] × [N, 1] matmul on the backend. */
  const overlapsOnBackend = async (): Promise<number[]> => {
    const flat = new Float32Array(patterns.length * N)
    patterns.forEach((p, m) => flat.set(p, m * N))
    const xi = fromArray(flat, { shape: [patterns.length, N], backend: active.backend })
    const s = fromArray(
      Float32Array.from(state, (v) => v / N),
      { shape: [N, 1], backend: active.backend },
    )
    const m = matmul(xi, s)
    const values = Array.from(await m.data())
    for (const t of [xi, s, m]) t.dispose()
    lastOverlaps = values
    return values
  }

  const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))
  let recalls = 0
  const recallAnimated = async (): Promise<RecallSummary> => {
    if (busy) throw new Error('a recall is already running')
    busy = true
    try {
      const start = overlap(state, patterns[0])
      const w = network.weights
      energies = [energy(network, state)]
      recalls += 1
      let sweeps = 0
      let converged = false
      while (!converged && sweeps < 30) {
        const order = permutation(fold(key(recalls), sweeps), N)
        let flips = 0
        for (let k = 0; k < N; k++) {
          const i = order[k]
          let h = 0
          for (let j = 0, row = i * N; j < N; j++) h += w[row + j] * state[j]
          const next = h > 0 ? 1 : h < 0 ? -1 : state[i]
          if (next !== state[i]) {
            state[i] = next
            flips += 1
          }
          if ((k + 1) % speed === 0 || k === N - 1) {
            energies.push(energy(network, state))
            drawState()
            showReadout(`recalling: sweep ${sweeps + 1}`)
            if (energies.length % 5 === 0) drawPlots()
            await nextFrame()
          }
        }
        sweeps += 1
        converged = flips === 0
      }
      await overlapsOnBackend()
      drawPlots()
      showReadout(converged ? `fixed point after ${sweeps} sweeps` : `no fixed point in ${sweeps} sweeps`)
      return {
        start,
        overlap: overlap(state, patterns[0]),
        sweeps,
        converged,
        energies: [...energies],
        patterns: patternCount,
      }
    } finally {
      busy = false
    }
  }

  const corrupt = () => {
    corruptions += 1
    state = flipBits(patterns[0], noise, fold(key(77), corruptions))
    energies = [energy(network, state)]
    drawState()
    showReadout('corrupted')
    void overlapsOnBackend().then(drawPlots)
  }

  const scanWorker = new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module' })
  const scan = (): Promise<ScanPoint[]> =>
    new Promise((resolve) => {
      capacity.length = 0
      const onPoint = (event: MessageEvent<ScanPoint>) => {
        capacity.push(event.data)
        drawPlots()
        if (event.data.done) {
          scanWorker.removeEventListener('message', onPoint)
          resolve([...capacity])
        }
      }
      scanWorker.addEventListener('message', onPoint)
      const alphas = Array.from({ length: 15 }, (_, i) => 0.02 * (i + 1))
      const request: ScanRequest = { size: N, alphas, noise: 0.1, trials: 4, seed: 5 }
      scanWorker.postMessage(request)
    })

  // controls
  byId('digits').innerHTML = Array.from(
    { length: 10 },
    (_, d) => `<button type="button" data-digit="${d}">${d}</button>`,
  ).join('')
  const configure: HopfieldApi['configure'] = (options) => {
    if (busy) return
    if (options.digit !== undefined) digit = options.digit
    if (options.patterns !== undefined) patternCount = options.patterns
    if (options.noise !== undefined) noise = options.noise
    if (options.speed !== undefined) speed = options.speed
    byId<HTMLInputElement>('patterns').value = String(patternCount)
    byId('patterns-value').textContent = String(patternCount)
    byId<HTMLInputElement>('noise').value = String(noise)
    byId('noise-value').textContent = noise.toFixed(2)
    byId<HTMLInputElement>('speed').value = String(speed)
    byId('speed-value').textContent = String(speed)
    rebuild()
    if (options.digit !== undefined) state = digitPattern(digit)
    drawState()
    showReadout()
  }
  byId('digits').addEventListener('click', (event) => {
    const d = (event.target as HTMLElement).dataset.digit
    if (d !== undefined) configure({ digit: Number(d) })
  })
  byId('patterns').addEventListener('input', () =>
    configure({ patterns: Number(byId<HTMLInputElement>('patterns').value) }),
  )
  byId('noise').addEventListener('input', () =>
    configure({ noise: Number(byId<HTMLInputElement>('noise').value) }),
  )
  byId('speed').addEventListener('input', () =>
    configure({ speed: Number(byId<HTMLInputElement>('speed').value) }),
  )
  byId('corrupt').addEventListener('click', () => {
    if (!busy) corrupt()
  })
  byId('recall').addEventListener('click', () => {
    if (!busy) void recallAnimated()
  })
  byId('clear').addEventListener('click', () => {
    if (busy) return
    state = new Int8Array(N).fill(-1)
    drawState()
    showReadout()
  })
  byId('scan').addEventListener('click', () => void scan())
  // drawing: a cell under the pointer becomes ink (+1), or paper (−1) with shift or the right button
  const paint = (event: PointerEvent) => {
    if (busy || event.buttons === 0) return
    const box = canvas.getBoundingClientRect()
    const x = Math.floor(((event.clientX - box.left) / box.width) * DIGIT_SIDE)
    const y = Math.floor(((event.clientY - box.top) / box.height) * DIGIT_SIDE)
    if (x < 0 || y < 0 || x >= DIGIT_SIDE || y >= DIGIT_SIDE) return
    state[y * DIGIT_SIDE + x] = event.shiftKey || (event.buttons & 2) !== 0 ? -1 : 1
    drawState()
    showReadout('drawn')
  }
  canvas.addEventListener('pointerdown', paint)
  canvas.addEventListener('pointermove', paint)
  canvas.addEventListener('contextmenu', (event) => event.preventDefault())

  window.genHopfield = { configure, corrupt, recall: recallAnimated, overlaps: overlapsOnBackend, scan }

  corrupt()
  await overlapsOnBackend()
  energies = [energy(network, state)]
  drawPlots()
}

void startPage(run)
