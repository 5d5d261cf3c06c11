/**
 * The VAE page: a map of a 2-D latent space (the decoder's means over a grid, the sample
 * digits' codes on it, a click decodes the point), and linear and spherical interpolation
 * between two encoded digits in the 20-D latent space of the shipped MNIST VAE. Both models
 * come from the app's own `weights/` (copied there from @gen/autoencoder at build time) and run
 * on the page's backend.
 */
import { fromArray, type BackendV1 } from '@gen/core-tensor'
import {
  decodeCheckpoint,
  decodeImages,
  encodeMean,
  latentGrid,
  lerp,
  reconstruct,
  slerp,
  type AutoencoderConfig,
  type AutoencoderParams,
} from '@gen/autoencoder'
import type { ActiveBackend } from '../common/backend.ts'
import { drawGrid } from '../common/grid.ts'
import { byId, startPage } from '../common/page.ts'
import { drawPlot } from '../common/plot.ts'
import { strokeDigit } from '../common/stroke-digit.ts'

/** The shipped 784-400-20 VAE (interpolation) and the 784-200-2 VAE (the map). */
const VAE_20 = './weights/vae-784-400-20-mnist.safetensors'
const VAE_2 = './weights/vae-784-200-2-mnist.safetensors'
/** The map spans z ∈ [−RANGE, RANGE]² in GRID × GRID tiles of 28 px. */
const RANGE = 3
const GRID = 16
/** Codes on each interpolation path (the two ends included). */
const STEPS = 10

/** A model and its parameters on the page's backend. */
interface Model {
  readonly config: AutoencoderConfig
  readonly params: AutoencoderParams
}

/** An interpolation between two digits' codes μ(x) in the 20-D latent space. */
export interface Interpolation {
  readonly from: number
  readonly to: number
  /** |z(t)| along the linear and the spherical path. */
  readonly linearNorms: number[]
  readonly sphericalNorms: number[]
  /** The decoded paths, [STEPS][784] each. */
  readonly linear: number[][]
  readonly spherical: number[][]
}

/** What `window.genVae` offers scripts and tests. */
export interface VaeApi {
  /** Decodes the 2-D code (z1, z2), shows it, and returns the decoder's mean image. */
  decodeAt(z1: number, z2: number): Promise<number[]>
  /** The last point decoded on the map (by a click or `decodeAt`). */
  selected(): { z: [number, number]; image: number[] } | null
  /** The sample digits' 2-D codes μ(x), [10][2]. */
  codes2d(): number[][]
  /** The sample digits and their reconstructions E[x | μ(x)] by both models, [10][784] each. */
  digits(): { inputs: number[][]; latent20: number[][]; latent2: number[][] }
  /** Interpolates between sample digits a and b and shows both paths. */
  interpolate(a: number, b: number): Promise<Interpolation>
}

declare global {
  interface Window {
    genVae?: VaeApi
  }
}

async function loadModel(url: string, backend: BackendV1): Promise<Model> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  const { config, params } = decodeCheckpoint(new Uint8Array(await response.arrayBuffer()), { backend })
  return { config, params }
}

/** Decodes `[N, Z]` codes to `[N, 784]` decoder means, read back. */
async function decodeRows(model: Model, codes: ArrayLike<number>, backend: BackendV1): Promise<Float32Array> {
  const z = fromArray(Float32Array.from(codes), {
    shape: [codes.length / model.config.latentDim, model.config.latentDim],
    backend,
  })
  const images = decodeImages(model.config, model.params, z)
  z.dispose()
  const data = Float32Array.from(await images.data())
  images.dispose()
  return data
}

const rowsOf = (data: ArrayLike<number>, width: number): number[][] =>
  Array.from({ length: data.length / width }, (_, i) => Array.from(data).slice(i * width, (i + 1) * width))

const norm = (row: readonly number[]) => Math.sqrt(row.reduce((s, v) => s + v * v, 0))

/** Draws one 28 × 28 image at `scale` pixels a pixel. */
function drawDigit(canvas: HTMLCanvasElement, image: ArrayLike<number>, scale: number): void {
  canvas.width = 28 * scale
  canvas.height = 28 * scale
  const g = canvas.getContext('2d')!
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, image[i])))
    g.fillStyle = `rgb(${v},${v},${v})`
    g.fillRect((i % 28) * scale, Math.floor(i / 28) * scale, scale, scale)
  }
}

async function run(active: ActiveBackend): Promise<void> {
  const { backend } = active
  const [vae20, vae2] = await Promise.all([loadModel(VAE_20, backend), loadModel(VAE_2, backend)])
  const inputs = Array.from({ length: 10 }, (_, d) => strokeDigit(d))
  const x = fromArray(Float32Array.from(inputs.flatMap((row) => Array.from(row))), {
    shape: [10, 784],
    backend,
  })
  const read = async (t: ReturnType<typeof encodeMean>) => {
    const data = Float32Array.from(await t.data())
    t.dispose()
    return data
  }
  const [mu20, mu2, rec20, rec2] = await Promise.all([
    read(encodeMean(vae20.config, vae20.params, x)),
    read(encodeMean(vae2.config, vae2.params, x)),
    read(reconstruct(vae20.config, vae20.params, x)),
    read(reconstruct(vae2.config, vae2.params, x)),
  ])
  x.dispose()
  const codes20 = rowsOf(mu20, 20)
  const codes2 = rowsOf(mu2, 2)

  // the sample digits and their reconstructions by both models, in three rows
  const digitRows = [...inputs.flatMap((r) => Array.from(r)), ...rec20, ...rec2]
  drawGrid(byId<HTMLCanvasElement>('digits'), digitRows, { columns: 10, side: 28, mode: 'ink' })

  // the map: decoder means over the grid (row r, column c at z1 growing right, z2 growing up)
  const grid = latentGrid({ rows: GRID, range: [-RANGE, RANGE] })
  const tiles = await decodeRows(vae2, grid.data, backend)
  const mapCanvas = byId<HTMLCanvasElement>('map')
  const tile = 28
  const side = GRID * tile
  // latentGrid puts tile centres at −R … R; the canvas spans half a tile step beyond them
  const step = (2 * RANGE) / (GRID - 1)
  const zOf = (px: number, py: number): [number, number] => [
    -RANGE - step / 2 + (px / side) * GRID * step,
    RANGE + step / 2 - (py / side) * GRID * step,
  ]
  const pixelOf = (z1: number, z2: number): [number, number] => [
    ((z1 + RANGE + step / 2) / (GRID * step)) * side,
    ((RANGE + step / 2 - z2) / (GRID * step)) * side,
  ]
  let selected: { z: [number, number]; image: number[] } | null = null
  const drawMap = () => {
    mapCanvas.width = side
    mapCanvas.height = side
    const g = mapCanvas.getContext('2d')!
    const tmp = document.createElement('canvas')
    drawGrid(tmp, tiles, { columns: GRID, side: 28, mode: 'ink' })
    // drawGrid leaves 2-px gaps; copy each tile edge to edge instead
    for (let k = 0; k < GRID * GRID; k++) {
      const cell = 28 + 2
      g.drawImage(
        tmp,
        2 + (k % GRID) * cell,
        2 + Math.floor(k / GRID) * cell,
        28,
        28,
        (k % GRID) * 28,
        Math.floor(k / GRID) * 28,
        28,
        28,
      )
    }
    g.font = 'bold 13px sans-serif'
    codes2.forEach(([z1, z2], d) => {
      const [px, py] = pixelOf(z1, z2)
      g.fillStyle = 'rgba(46, 107, 209, 0.85)'
      g.beginPath()
      g.arc(px, py, 9, 0, 2 * Math.PI)
      g.fill()
      g.fillStyle = '#fff'
      g.fillText(String(d), px - 4, py + 5)
    })
    if (selected !== null) {
      const [px, py] = pixelOf(...selected.z)
      g.strokeStyle = '#d12e2e'
      g.lineWidth = 2
      g.beginPath()
      g.moveTo(px - 8, py)
      g.lineTo(px + 8, py)
      g.moveTo(px, py - 8)
      g.lineTo(px, py + 8)
      g.stroke()
    }
  }
  const decodeAt = async (z1: number, z2: number): Promise<number[]> => {
    const image = Array.from(await decodeRows(vae2, [z1, z2], backend))
    selected = { z: [z1, z2], image }
    drawDigit(byId<HTMLCanvasElement>('decoded'), image, 8)
    byId('map-readout').textContent = `z = (${z1.toFixed(2)}, ${z2.toFixed(2)})\nthe decoder's mean E[x | z]`
    drawMap()
    return image
  }
  // a click or a drag decodes the point under the pointer (one decode in flight at a time)
  let busy = false
  let pending: [number, number] | null = null
  const pointTo = async (event: PointerEvent) => {
    const box = mapCanvas.getBoundingClientRect()
    pending = zOf(
      ((event.clientX - box.left) / box.width) * side,
      ((event.clientY - box.top) / box.height) * side,
    )
    if (busy) return
    busy = true
    while (pending !== null) {
      const [z1, z2] = pending
      pending = null
      await decodeAt(z1, z2)
    }
    busy = false
  }
  let dragging = false
  mapCanvas.addEventListener('pointerdown', (event) => {
    dragging = true
    mapCanvas.setPointerCapture(event.pointerId)
    void pointTo(event)
  })
  mapCanvas.addEventListener('pointermove', (event) => {
    if (dragging) void pointTo(event)
  })
  mapCanvas.addEventListener('pointerup', () => {
    dragging = false
  })

  // interpolation in the 20-D latent space
  const fromSelect = byId<HTMLSelectElement>('from')
  const toSelect = byId<HTMLSelectElement>('to')
  for (const select of [fromSelect, toSelect]) {
    select.innerHTML = Array.from({ length: 10 }, (_, d) => `<option value="${d}">${d}</option>`).join('')
  }
  fromSelect.value = '2'
  toSelect.value = '7'
  const interpolate = async (a: number, b: number): Promise<Interpolation> => {
    fromSelect.value = String(a)
    toSelect.value = String(b)
    const linearCodes = lerp(codes20[a], codes20[b], STEPS)
    const sphericalCodes = slerp(codes20[a], codes20[b], STEPS)
    const [linearImages, sphericalImages] = await Promise.all([
      decodeRows(vae20, linearCodes.data, backend),
      decodeRows(vae20, sphericalCodes.data, backend),
    ])
    drawGrid(byId<HTMLCanvasElement>('lerp'), linearImages, { columns: STEPS, side: 28, mode: 'ink' })
    drawGrid(byId<HTMLCanvasElement>('slerp'), sphericalImages, { columns: STEPS, side: 28, mode: 'ink' })
    const linearNorms = rowsOf(linearCodes.data, 20).map(norm)
    const sphericalNorms = rowsOf(sphericalCodes.data, 20).map(norm)
    const t = linearNorms.map((_, i) => i / (STEPS - 1))
    const top = Math.max(...sphericalNorms, ...linearNorms, Math.sqrt(20))
    drawPlot(
      byId<HTMLCanvasElement>('norms'),
      { xRange: [0, 1], yRange: [0, 1.6 * top], xLabel: 't', yLabel: '|z(t)|' },
      [
        { x: t, y: linearNorms, color: '#d1702e', label: 'linear', dots: true },
        { x: t, y: sphericalNorms, color: '#2e6bd1', label: 'spherical', dots: true },
        { x: [0, 1], y: [Math.sqrt(20), Math.sqrt(20)], color: '#aaa', label: '√20: typical |z|, N(0, I)' },
      ],
    )
    return {
      from: a,
      to: b,
      linearNorms,
      sphericalNorms,
      linear: rowsOf(linearImages, 784),
      spherical: rowsOf(sphericalImages, 784),
    }
  }
  const onChange = () => void interpolate(Number(fromSelect.value), Number(toSelect.value))
  fromSelect.addEventListener('change', onChange)
  toSelect.addEventListener('change', onChange)

  window.genVae = {
    decodeAt,
    selected: () => selected,
    codes2d: () => codes2.map((row) => [...row]),
    digits: () => ({
      inputs: inputs.map((row) => Array.from(row)),
      latent20: rowsOf(rec20, 784),
      latent2: rowsOf(rec2, 784),
    }),
    interpolate,
  }
  await decodeAt(codes2[3][0], codes2[3][1])
  await interpolate(2, 7)
}

void startPage(run)
