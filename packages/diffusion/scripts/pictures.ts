// Pictures of issue 11's tools, drawn with @gen/viz: the forward process of MNIST digits as
// an image grid and a GIF (forwardProcessFrames), flow-matching sampling paths on a 2-D
// mixture as an SVG (sampleTrajectory), and the mixture's velocity field at t = 0.5 as
// arrows (vectorFieldGrid). The 2-D models are exact (gaussianMixtureVelocity), so no
// training is needed.
//
//   pnpm --filter @gen/diffusion pictures [-- --out pictures]
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fromArray, key } from '@gen/core-tensor'
import { loadMnistSplit } from '@gen/datasets/node'
import { encodeGif, encodePng, imageGrid, linePlot } from '@gen/viz'
import { writeFileAtomic } from '@gen/viz/node'
import {
  cosineSchedule,
  flowSample,
  forwardProcessFrames,
  gaussianMixture,
  gaussianMixtureVelocity,
  sampleTrajectory,
  vectorFieldGrid,
} from '../src/index'

const { values } = parseArgs({ options: { out: { type: 'string', default: 'pictures' } } })
mkdirSync(values.out, { recursive: true })
const written: string[] = []
const write = async (name: string, content: Uint8Array | string): Promise<void> => {
  await writeFileAtomic(join(values.out, name), content)
  written.push(name)
}

// forward process: rows are digits, columns noise levels; pixels scaled to [-1, 1]
const test = await loadMnistSplit('test')
const count = 6
const digits = fromArray(
  Float32Array.from(test.images.subarray(0, count * 784), (v) => (2 * v) / 255 - 1),
  { shape: [count, 1, 28, 28] },
)
const timesteps = ['data', 0, 49, 99, 199, 399, 699, 999] as const
const frames = forwardProcessFrames(digits, {
  process: 'diffusion',
  schedule: cosineSchedule({ numTimesteps: 1000 }),
  timesteps: [...timesteps],
  key: key(0),
}).dataSync()
const levels = timesteps.length
const tiles = new Float32Array(levels * count * 784)
for (let d = 0; d < count; d++)
  for (let k = 0; k < levels; k++)
    tiles.set(frames.subarray((k * count + d) * 784, (k * count + d + 1) * 784), (d * levels + k) * 784)
const grid = imageGrid(
  { data: tiles, shape: [levels * count, 28, 28] },
  {
    columns: levels,
    range: '-1..1',
    scale: 2,
    labels: Array.from({ length: levels * count }, (_, i) => String(timesteps[i % levels])),
  },
)
await write('forward-process.png', encodePng(grid))
const gifFrames = Array.from({ length: levels }, (_, k) =>
  imageGrid(
    { data: frames.subarray(k * count * 784, (k + 1) * count * 784), shape: [count, 28, 28] },
    { columns: count, range: '-1..1', scale: 2 },
  ),
)
await write('forward-process.gif', encodeGif(gifFrames, { delayMs: 400 }))

// sampling paths of 16 Euler steps with the exact velocity of a 3-mode mixture
const mixture = gaussianMixture([
  { weight: 1, mean: [-2, 0], std: 0.3 },
  { weight: 1, mean: [2, 1], std: 0.3 },
  { weight: 1, mean: [0, -2], std: 0.3 },
])
const velocity = gaussianMixtureVelocity(mixture)
const paths = 60
const trajectory = sampleTrajectory(
  (start) => flowSample(velocity, { key: key(1), numSteps: 16, ...start }),
  {
    shape: [paths, 2],
    key: key(2),
  },
)
const states = trajectory.frames.dataSync()
const steps = trajectory.frames.shape[0]
const series = Array.from({ length: paths }, (_, p) => ({
  x: Array.from({ length: steps }, (_, s) => states[(s * paths + p) * 2]),
  y: Array.from({ length: steps }, (_, s) => states[(s * paths + p) * 2 + 1]),
  style: 'line' as const,
}))
await write(
  'flow-paths.svg',
  linePlot(series, { title: 'Euler paths, noise (t = 0) to data (t = 1)', xLabel: 'x₁', yLabel: 'x₂' }),
)

// the velocity field at t = 0.5 as arrows
const field = vectorFieldGrid(velocity, { xRange: [-3, 3], yRange: [-3, 3], resolution: 21, t: 0.5 })
const points = field.points.dataSync()
const vectors = field.vectors.dataSync()
const size = 420
const toPixel = (v: number, flip: boolean): number => (flip ? (3 - v) / 6 : (v + 3) / 6) * size
let longest = 0
for (let i = 0; i < vectors.length; i += 2)
  longest = Math.max(longest, Math.hypot(vectors[i], vectors[i + 1]))
const arrowScale = (0.28 * 0.9) / longest // the longest arrow spans 0.9 grid cells (cell = 0.3)
const arrows: string[] = []
for (let i = 0; i < points.length; i += 2) {
  const [x, y] = [points[i], points[i + 1]]
  const [u, v] = [vectors[i] * arrowScale, vectors[i + 1] * arrowScale]
  const [x1, y1, x2, y2] = [toPixel(x, false), toPixel(y, true), toPixel(x + u, false), toPixel(y + v, true)]
  arrows.push(
    `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#1f77b4" stroke-width="1.5" marker-end="url(#head)"/>`,
  )
}
await write(
  'velocity-field.svg',
  `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}"><defs><marker id="head" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#1f77b4"/></marker></defs><rect width="100%" height="100%" fill="white"/>${arrows.join('')}</svg>\n`,
)
console.log(`wrote ${written.map((name) => join(values.out, name)).join(', ')}`)
