// Latent-space pictures and scores for MNIST test digits (raw pixels / 255): PCA, exact t-SNE
// and UMAP scatter plots by class with their 10-NN accuracy and trustworthiness, and PCA used
// as a linear decoder for a latent grid, traversals and interpolations.
//
//   pnpm exec tsx --conditions=@gen/source scripts/latent-mnist.ts [--count 2000] [--seed 0] [--out DIR] [--umap 1]
//
// Writes <out>/{pca,tsne,umap}-scatter.svg (and .png when rsvg-convert is installed) and
// <out>/pca-{grid,traversal,interpolation}.png. Default out: $TMPDIR/gen-latent.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { key } from '@gen/core-tensor'
import { loadMnistSplit } from '@gen/datasets/node'
import { encodePng, imageGrid, scatterPlot } from '@gen/viz'
import { writeFileAtomic } from '@gen/viz/node'
import {
  knnAccuracy,
  latentGrid,
  latentTraversal,
  lerp,
  pca,
  pcaInverseTransform,
  slerp,
  trustworthiness,
  tsne,
  umap,
  type Matrix,
} from '../src/latent/index'

function arg(name: string, fallback: number | string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : String(fallback)
}
const count = Number(arg('count', 2000))
const seed = Number(arg('seed', 0))
const out = arg('out', join(tmpdir(), 'gen-latent'))
const withUmap = arg('umap', 1) !== '0'
mkdirSync(out, { recursive: true })

const test = await loadMnistSplit('test')
const x: Matrix = {
  data: Float64Array.from(test.images.subarray(0, count * 784), (v) => v / 255),
  shape: [count, 784],
}
const labels = test.labels.subarray(0, count)

function timed<T>(run: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const value = run()
  const c = process.cpuUsage(c0)
  return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 }
}

async function scatter(name: string, title: string, embedding: Matrix, seconds: number): Promise<void> {
  const accuracy = knnAccuracy(embedding, labels, { k: 10 })
  const trust = trustworthiness(x, embedding, { k: 5 })
  console.log(
    `${name}: 10-NN accuracy ${accuracy.toFixed(4)}, trustworthiness(5) ${trust.toFixed(4)}, ${seconds.toFixed(1)} s`,
  )
  const svg = scatterPlot(
    { points: { data: embedding.data, shape: [count, 2] }, classes: labels },
    {
      title: `${title}: ${count} MNIST test digits (10-NN ${accuracy.toFixed(3)}, T(5) ${trust.toFixed(3)})`,
      width: 760,
      height: 640,
      radius: 2,
      legend: 'top-right',
    },
  )
  const svgPath = join(out, `${name}-scatter.svg`)
  await writeFileAtomic(svgPath, svg)
  const pngPath = join(out, `${name}-scatter.png`)
  const converted = spawnSync('rsvg-convert', ['-b', 'white', '-o', pngPath, svgPath])
  console.log(
    `  wrote ${svgPath}${converted.status === 0 ? ` and ${pngPath}` : ' (no rsvg-convert: SVG only)'}`,
  )
}

async function picture(name: string, images: Matrix, columns: number): Promise<void> {
  const grid = imageGrid(
    { data: images.data, shape: [images.shape[0], 28, 28] },
    { range: '0..1', columns, scale: 2 },
  )
  const path = join(out, `${name}.png`)
  await writeFileAtomic(path, encodePng(grid))
  console.log(`  wrote ${path}`)
}

const pcaRun = timed(() => pca(x, { components: 20 }))
const model = pcaRun.value.model
const pca2 = { data: new Float64Array(count * 2), shape: [count, 2] as [number, number] }
for (let i = 0; i < count; i++) pca2.data.set(pcaRun.value.embedding.data.subarray(i * 20, i * 20 + 2), i * 2)
console.log(
  `PCA explained variance ratio (first 5): ${Array.from(model.explainedVarianceRatio.subarray(0, 5), (r) => r.toFixed(4)).join(', ')}`,
)
await scatter('pca', 'PCA', pca2, pcaRun.seconds)

const tsneRun = timed(() =>
  tsne(x, {
    key: key(seed),
    method: 'exact',
    perplexity: 30,
    onProgress: (p) => {
      if (p.iteration % 250 === 0) console.log(`  t-SNE ${p.iteration}: KL ${p.klDivergence.toFixed(4)}`)
    },
  }),
)
console.log(
  `t-SNE exact: KL ${tsneRun.value.klDivergence.toFixed(4)}, ${tsneRun.seconds.toFixed(1)} s wall, ${tsneRun.cpuSeconds.toFixed(1)} s cpu`,
)
await scatter('tsne', 't-SNE (exact, perplexity 30)', tsneRun.value.embedding, tsneRun.seconds)

if (withUmap) {
  const umapRun = timed(() => umap(x, { key: key(seed), neighbors: 15, minDist: 0.1 }))
  await scatter('umap', 'UMAP (15 neighbours, min dist 0.1)', umapRun.value.embedding, umapRun.seconds)
}

// PCA as a linear decoder: codes in units of each axis's standard deviation √λ_j
const scale = (codes: Matrix): Matrix => {
  const k = codes.shape[1]
  return { data: codes.data.map((v, i) => v * Math.sqrt(model.explainedVariance[i % k])), shape: codes.shape }
}
const decode = (codes: Matrix): Matrix => {
  const full = new Float64Array(codes.shape[0] * 20)
  for (let i = 0; i < codes.shape[0]; i++)
    full.set(codes.data.subarray(i * codes.shape[1], (i + 1) * codes.shape[1]), i * 20)
  const images = pcaInverseTransform(model, { data: full, shape: [codes.shape[0], 20] })
  return { data: images.data.map((v) => Math.min(1, Math.max(0, v))), shape: images.shape }
}
await picture('pca-grid', decode(scale(latentGrid({ rows: 12 }))), 12)
await picture(
  'pca-traversal',
  decode(
    scale(latentTraversal(new Float64Array(20), { dims: [0, 1, 2, 3, 4], values: [-3, -2, -1, 0, 1, 2, 3] })),
  ),
  7,
)
// between the codes of the first 3 and the first 7 in the test set
const code = (digit: number): Float64Array => {
  const i = labels.indexOf(digit)
  return pcaRun.value.embedding.data.slice(i * 20, (i + 1) * 20)
}
const linear = lerp(code(3), code(7), 9)
const spherical = slerp(code(3), code(7), 9)
const both = new Float64Array(18 * 20)
both.set(linear.data)
both.set(spherical.data, 9 * 20)
await picture('pca-interpolation', decode({ data: both, shape: [18, 20] }), 9)
