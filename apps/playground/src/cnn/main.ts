/**
 * The CNN page: a drawing pad, the shipped LeNet-5's class probabilities, and the C1 and C3
 * feature maps, all computed on the page's backend. The weights come from the app's own
 * `weights/` (copied there from @gen/cnn at build time). The maps are read from
 * `forwardSequential`'s activations with the asynchronous `data()`, because @gen/cnn's
 * `featureMaps` reads synchronously, which the webgpu and webgl2 backends do not allow.
 */
import { fromArray, noGrad, softmax, tidy, type Tensor } from '@gen/core-tensor'
import { decodeCheckpoint, forwardSequential, receptiveFieldBox } from '@gen/cnn'
import type { ActiveBackend } from '../common/backend.ts'
import { byId, startPage } from '../common/page.ts'
import { DIGIT_STROKES } from '../hopfield/digits.ts'
import { toMnist } from '../common/preprocess.ts'

const WEIGHTS = './weights/lenet5-modern-mnist.safetensors'
/** MNIST's pixel mean and standard deviation, the training normalisation (weights/README.md). */
const MEAN = 0.1307
const STD = 0.3081
/** Layer indices of C1's and C3's ReLU outputs in lenet5Config({ variant: 'modern' }). */
const C1 = 1
const C3 = 4
/** Pixels per map pixel in the feature-map rows, and the gap between maps. */
const MAP_SCALE = 4
const MAP_GAP = 4
/** Pixels per input pixel in the 28 × 28 input picture. */
const INPUT_SCALE = 6

/** What `window.genCnn` offers scripts and tests. */
export interface CnnApi {
  /** Draws sample digit d (its pen strokes) on the pad and classifies it. */
  sample(d: number): Promise<Prediction>
  /** Classifies what the pad holds. */
  classify(): Promise<Prediction | null>
  clear(): void
  /**
   * Selects a unit of C1 (`layer` 1) or C3 (`layer` 4) and returns the input box it sees
   * (inclusive rows and columns of the 28 × 28 input, from @gen/cnn's receptiveFieldBox).
   */
  selectUnit(unit: SelectedUnit): ReceptiveBox
}

/** A unit of a feature map: layer index, channel, and [row, col] in the map. */
export interface SelectedUnit {
  readonly layer: number
  readonly channel: number
  readonly row: number
  readonly col: number
}

/** Inclusive input rows and columns. */
export interface ReceptiveBox {
  readonly rows: [number, number]
  readonly cols: [number, number]
}

/** The network's answer. */
export interface Prediction {
  readonly label: number
  readonly probabilities: number[]
  readonly milliseconds: number
}

declare global {
  interface Window {
    genCnn?: CnnApi
  }
}

/**
 * Draws `count` maps `[count, side, side]` side by side at {@link MAP_SCALE}, each scaled to
 * its own maximum (dark is strong), with the selected unit outlined in red.
 */
function drawMaps(
  canvas: HTMLCanvasElement,
  data: Float32Array,
  shape: { count: number; side: number },
  selected: { channel: number; row: number; col: number } | null,
): void {
  const { count, side } = shape
  const cell = side * MAP_SCALE
  canvas.width = count * (cell + MAP_GAP) + MAP_GAP
  canvas.height = cell + 2 * MAP_GAP
  const g = canvas.getContext('2d')!
  g.fillStyle = '#fff'
  g.fillRect(0, 0, canvas.width, canvas.height)
  const tmp = document.createElement('canvas')
  tmp.width = side
  tmp.height = side
  const tg = tmp.getContext('2d')!
  const image = tg.createImageData(side, side)
  const px = new Uint32Array(image.data.buffer)
  g.imageSmoothingEnabled = false
  for (let c = 0; c < count; c++) {
    const map = data.subarray(c * side * side, (c + 1) * side * side)
    let max = 1e-6
    for (const v of map) max = Math.max(max, v)
    for (let i = 0; i < map.length; i++) {
      const v = 255 - Math.round((255 * Math.max(0, map[i])) / max)
      px[i] = 0xff000000 | (v << 16) | (v << 8) | v
    }
    tg.putImageData(image, 0, 0)
    const x = MAP_GAP + c * (cell + MAP_GAP)
    g.drawImage(tmp, x, MAP_GAP, cell, cell)
    g.strokeStyle = '#ccc'
    g.lineWidth = 1
    g.strokeRect(x - 0.5, MAP_GAP - 0.5, cell + 1, cell + 1)
    if (selected?.channel === c) {
      g.strokeStyle = '#d12e2e'
      g.lineWidth = 2
      g.strokeRect(
        x + selected.col * MAP_SCALE - 1,
        MAP_GAP + selected.row * MAP_SCALE - 1,
        MAP_SCALE + 2,
        MAP_SCALE + 2,
      )
    }
  }
}

/** The unit under a click on a map row drawn by {@link drawMaps}, or null between maps. */
function unitAt(
  canvas: HTMLCanvasElement,
  event: MouseEvent,
  shape: { count: number; side: number },
): { channel: number; row: number; col: number } | null {
  const box = canvas.getBoundingClientRect()
  const x = ((event.clientX - box.left) / box.width) * canvas.width - MAP_GAP
  const y = ((event.clientY - box.top) / box.height) * canvas.height - MAP_GAP
  const cell = shape.side * MAP_SCALE
  const channel = Math.floor(x / (cell + MAP_GAP))
  const within = x - channel * (cell + MAP_GAP)
  if (channel < 0 || channel >= shape.count || within >= cell || y < 0 || y >= cell) return null
  return { channel, row: Math.floor(y / MAP_SCALE), col: Math.floor(within / MAP_SCALE) }
}

/** Class probabilities as ten labelled bars, the predicted class dark. */
function drawBars(canvas: HTMLCanvasElement, probabilities: readonly number[], title: string): void {
  const g = canvas.getContext('2d')!
  const { width, height } = canvas
  const [left, right, top, bottom] = [34, 8, 22, 22]
  const w = (width - left - right) / probabilities.length
  const h = height - top - bottom
  g.fillStyle = '#fff'
  g.fillRect(0, 0, width, height)
  g.fillStyle = '#333'
  g.font = '11px sans-serif'
  g.fillText(title, left, 14)
  for (const p of [0, 0.5, 1]) {
    const y = top + (1 - p) * h
    g.fillText(p.toFixed(1), 6, y + 4)
    g.strokeStyle = '#ddd'
    g.beginPath()
    g.moveTo(left, y)
    g.lineTo(width - right, y)
    g.stroke()
  }
  const best = probabilities.indexOf(Math.max(...probabilities))
  probabilities.forEach((p, k) => {
    g.fillStyle = k === best ? '#1d4fa8' : '#8fb0e6'
    g.fillRect(left + k * w + 3, top + (1 - p) * h, w - 6, p * h)
    g.fillStyle = '#333'
    g.fillText(String(k), left + k * w + w / 2 - 3, height - 6)
  })
}

async function run(active: ActiveBackend): Promise<void> {
  const response = await fetch(WEIGHTS)
  if (!response.ok) throw new Error(`${WEIGHTS}: HTTP ${response.status}`)
  const { config, params } = decodeCheckpoint(new Uint8Array(await response.arrayBuffer()), {
    backend: active.backend,
  })

  const pad = byId<HTMLCanvasElement>('pad')
  const g = pad.getContext('2d', { willReadFrequently: true })!
  const clear = () => {
    g.fillStyle = '#fff'
    g.fillRect(0, 0, pad.width, pad.height)
  }
  clear()
  g.lineCap = 'round'
  g.lineJoin = 'round'
  g.strokeStyle = '#000'
  g.lineWidth = 22

  const ink = (): Float32Array => {
    const rgba = g.getImageData(0, 0, pad.width, pad.height).data
    return Float32Array.from({ length: pad.width * pad.height }, (_, i) => 1 - rgba[4 * i] / 255)
  }

  const inputCanvas = byId<HTMLCanvasElement>('input')
  const readout = byId('readout')
  const fieldText = byId('field')
  let lastInput: Float32Array | null = null
  let maps: { c1: Float32Array; c3: Float32Array } | null = null
  // the unit whose receptive field is shown: C3 channel 0, a unit left of the centre
  let selected: SelectedUnit = { layer: C3, channel: 0, row: 4, col: 3 }
  const fieldOf = (unit: SelectedUnit): ReceptiveBox =>
    receptiveFieldBox(config, { layer: unit.layer, unit: [unit.row, unit.col] })

  /** The 28 × 28 input, enlarged, with the selected unit's receptive field outlined. */
  const drawInput = () => {
    const ig = inputCanvas.getContext('2d')!
    inputCanvas.width = 28 * INPUT_SCALE
    inputCanvas.height = 28 * INPUT_SCALE
    ig.fillStyle = '#fff'
    ig.fillRect(0, 0, inputCanvas.width, inputCanvas.height)
    if (lastInput !== null) {
      for (let i = 0; i < 784; i++) {
        const v = 255 - Math.round(255 * lastInput[i])
        ig.fillStyle = `rgb(${v},${v},${v})`
        ig.fillRect((i % 28) * INPUT_SCALE, Math.floor(i / 28) * INPUT_SCALE, INPUT_SCALE, INPUT_SCALE)
      }
    }
    const box = fieldOf(selected)
    ig.strokeStyle = '#d12e2e'
    ig.lineWidth = 2
    ig.strokeRect(
      box.cols[0] * INPUT_SCALE + 1,
      box.rows[0] * INPUT_SCALE + 1,
      (box.cols[1] - box.cols[0] + 1) * INPUT_SCALE - 2,
      (box.rows[1] - box.rows[0] + 1) * INPUT_SCALE - 2,
    )
    const name = selected.layer === C1 ? 'C1' : 'C3'
    fieldText.textContent = `${name} map ${selected.channel}, unit (${selected.row}, ${selected.col}) sees input rows ${box.rows[0]}–${box.rows[1]}, columns ${box.cols[0]}–${box.cols[1]} (${box.rows[1] - box.rows[0] + 1} × ${box.cols[1] - box.cols[0] + 1}, clipped to the image)`
  }
  const drawAllMaps = () => {
    if (maps === null) return
    const pick = (layer: number) => (selected.layer === layer ? selected : null)
    drawMaps(byId<HTMLCanvasElement>('maps-c1'), maps.c1, { count: 6, side: 28 }, pick(C1))
    drawMaps(byId<HTMLCanvasElement>('maps-c3'), maps.c3, { count: 16, side: 10 }, pick(C3))
  }
  const selectUnit = (unit: SelectedUnit): ReceptiveBox => {
    const box = fieldOf(unit)
    selected = unit
    drawInput()
    drawAllMaps()
    return box
  }
  for (const [id, layer, shape] of [
    ['maps-c1', C1, { count: 6, side: 28 }],
    ['maps-c3', C3, { count: 16, side: 10 }],
  ] as const) {
    const canvas = byId<HTMLCanvasElement>(id)
    canvas.addEventListener('click', (event) => {
      const unit = unitAt(canvas, event, shape)
      if (unit !== null) selectUnit({ layer, ...unit })
    })
  }
  const classify = async (): Promise<Prediction | null> => {
    const pixels = toMnist({ side: pad.width, ink: ink() })
    if (pixels === null) {
      readout.textContent = 'draw a digit'
      return null
    }
    lastInput = pixels
    drawInput()
    const start = performance.now()
    const normalised = Float32Array.from(pixels, (v) => (v - MEAN) / STD)
    const x = fromArray(normalised, { shape: [1, 1, 28, 28], backend: active.backend })
    const [probabilities, c1, c3] = noGrad(() =>
      tidy(() => {
        const { output, activations } = forwardSequential(config, params, x, { keepActivations: true })
        return [softmax(output, -1), activations[C1], activations[C3]] as [Tensor, Tensor, Tensor]
      }),
    )
    x.dispose()
    const [p, a1, a3] = await Promise.all([probabilities.data(), c1.data(), c3.data()])
    for (const t of [probabilities, c1, c3]) t.dispose()
    const milliseconds = performance.now() - start
    const probs = Array.from(p)
    const label = probs.indexOf(Math.max(...probs))
    drawBars(byId<HTMLCanvasElement>('probabilities'), probs, `p(class | image) on ${active.name}`)
    maps = { c1: a1 as Float32Array, c3: a3 as Float32Array }
    drawAllMaps()
    readout.textContent = `prediction ${label}  (p = ${probs[label].toFixed(3)})\n${milliseconds.toFixed(0)} ms on ${active.name}`
    return { label, probabilities: probs, milliseconds }
  }

  const drawSample = (d: number) => {
    clear()
    g.beginPath()
    for (const line of DIGIT_STROKES[d]) {
      line.forEach(([x, y], k) => {
        const [X, Y] = [x * pad.width, y * pad.height]
        if (k === 0) g.moveTo(X, Y)
        else g.lineTo(X, Y)
      })
    }
    g.stroke()
  }

  // drawing with the pointer; classify when a stroke ends
  let last: [number, number] | null = null
  const point = (event: PointerEvent): [number, number] => {
    const box = pad.getBoundingClientRect()
    return [
      ((event.clientX - box.left) / box.width) * pad.width,
      ((event.clientY - box.top) / box.height) * pad.height,
    ]
  }
  pad.addEventListener('pointerdown', (event) => {
    last = point(event)
    pad.setPointerCapture(event.pointerId)
  })
  pad.addEventListener('pointermove', (event) => {
    if (last === null) return
    const next = point(event)
    g.beginPath()
    g.moveTo(...last)
    g.lineTo(...next)
    g.stroke()
    last = next
  })
  pad.addEventListener('pointerup', () => {
    last = null
    void classify()
  })
  byId('samples').innerHTML = Array.from(
    { length: 10 },
    (_, d) => `<button type="button" data-digit="${d}">${d}</button>`,
  ).join('')
  byId('samples').addEventListener('click', (event) => {
    const d = (event.target as HTMLElement).dataset.digit
    if (d === undefined) return
    drawSample(Number(d))
    void classify()
  })
  byId('clear').addEventListener('click', clear)

  window.genCnn = {
    async sample(d) {
      drawSample(d)
      return (await classify())!
    },
    classify,
    clear,
    selectUnit,
  }
  drawSample(2)
  await classify()
}

void startPage(run)
