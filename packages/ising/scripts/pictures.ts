// Pictures of the Ising model and a spin glass through @gen/viz. Run from packages/ising:
//   pnpm pictures [--out pictures] [--quick]
// Writes configurations.png (256² torus below, at and above Tc, labelled), config-T*.png,
// quench.gif (a 128² hot start quenched to T = 1.5: domain coarsening), quench-frames.png (six
// of its frames side by side), quench-energy.svg,
// scan-e.svg and scan-c.svg (a 16² Swendsen–Wang scan against Kaufman's exact finite-L curves)
// and overlap.svg (P(q) of a ±J 4×4 instance at T = 0.7: tempering against exact enumeration).
//
import { key } from '@gen/core-tensor'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { encodeGif, encodePng, imageGrid, linePlot, toImage, upscale, type Image } from '@gen/viz'
import { writeFileAtomic } from '@gen/viz/node'
import {
  edwardsAnderson,
  enumerateStates,
  exactThermalAverages,
  kaufman,
  ONSAGER_TC,
  overlapExperiment,
  quench,
  squareLattice,
  temperatureScan,
} from '../src/index'

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'pictures' }, quick: { type: 'boolean', default: false } },
})
const out = values.out ?? 'pictures'
const quick = values.quick ?? false
await mkdir(out, { recursive: true })
const write = async (name: string, content: Uint8Array | string): Promise<void> => {
  await writeFileAtomic(join(out, name), content)
  console.log(`wrote ${join(out, name)}`)
}

/** ±1 spins of an L×L lattice as an image: up is black, down is white. */
const spinImage = (spins: Int8Array, L: number, scale: number): Image =>
  upscale(
    toImage(
      Float64Array.from(spins, (s) => (1 - s) / 2),
      { range: '0..1', width: L, height: L },
    ),
    scale,
  )

// 1. Configurations below, at and above Tc (Swendsen–Wang from the natural start).
const L = 256
const frames: Image[] = []
const labels: string[] = []
for (const [T, start, name] of [
  [1.8, 'cold', 'T=1.8'],
  [ONSAGER_TC, 'hot', 'T=TC'],
  [3.0, 'hot', 'T=3.0'],
] as const) {
  const run = quench(squareLattice(L), {
    temperature: T,
    key: key(1),
    sweeps: quick ? 50 : 400,
    start,
    algorithm: 'swendsen-wang',
  })
  const image = spinImage(run.spins, L, 2)
  frames.push(image)
  labels.push(name)
  await write(`config-${name.replace('=', '')}.png`, encodePng(image))
  console.log(
    `${name}: e = ${run.energies[run.energies.length - 1].toFixed(4)}, |m| = ${run.absMagnetisations[run.absMagnetisations.length - 1].toFixed(4)}`,
  )
}
await write(
  'configurations.png',
  encodePng(imageGrid(frames, { columns: 3, gap: 6, labels, labelScale: 3, background: 200 })),
)

// 2. A quench: 128² hot start to T = 1.5 (Metropolis), frames at roughly geometric times.
const Lq = 128
const times = [0, 1, 2, 3, 4, 6, 8, 11, 16, 22, 32, 45, 64, 90, 128, 181, 256, 362, 512]
const sweeps = quick ? 64 : 512
const shots = times.filter((t) => t <= sweeps)
const q = quench(squareLattice(Lq), { temperature: 1.5, key: key(2), sweeps, snapshots: shots })
await write(
  'quench.gif',
  encodeGif(
    q.snapshots.map((s) => spinImage(s.spins, Lq, 2)),
    { delayMs: 250 },
  ),
)
const strip = q.snapshots.filter((s) => [0, 4, 16, 64, 256, 512].includes(s.sweep))
await write(
  'quench-frames.png',
  encodePng(
    imageGrid(
      strip.map((s) => spinImage(s.spins, Lq, 1)),
      {
        columns: strip.length,
        gap: 4,
        labels: strip.map((s) => `t=${s.sweep}`),
        labelScale: 2,
        background: 200,
      },
    ),
  ),
)
const eq = kaufman(Lq, 1.5).e
await write(
  'quench-energy.svg',
  linePlot(
    [
      {
        label: 'e(t), 128² hot start',
        x: Array.from({ length: sweeps }, (_, t) => t + 1),
        y: q.energies.subarray(1),
        style: 'line',
      },
    ],
    {
      title: 'Quench to T = 1.5 (Metropolis)',
      xLabel: 'sweeps',
      yLabel: 'e = E/N',
      xScale: 'log',
      curves: [{ label: `equilibrium (Kaufman) ${eq.toFixed(4)}`, f: () => eq, dashed: true }],
    },
  ),
)
console.log(
  `quench: e(1) = ${q.energies[1].toFixed(4)}, e(${sweeps}) = ${q.energies[sweeps].toFixed(4)}, equilibrium ${eq.toFixed(4)}`,
)

// 3. A temperature scan with the exact finite-L curves.
const Ls = 16
const points = quick ? 6 : 17
const temps = Array.from({ length: points }, (_, k) => 1.5 + (2 * k) / (points - 1))
const scan = temperatureScan(squareLattice(Ls), temps, {
  key: key(3),
  sweeps: quick ? 500 : 4000,
  algorithm: 'swendsen-wang',
})
for (const [field, label] of [
  ['e', 'e = E/N'],
  ['c', 'c = C/N'],
] as const) {
  await write(
    `scan-${field}.svg`,
    linePlot(
      [
        {
          label: `Swendsen–Wang, L = ${Ls}`,
          x: temps,
          y: scan.map((p) => p.observables[field].value),
          yError: scan.map((p) => p.observables[field].error),
          style: 'points',
        },
      ],
      {
        title: `Temperature scan, ${Ls}² torus`,
        xLabel: 'T',
        yLabel: label,
        legend: field === 'e' ? 'top-left' : 'top-right',
        curves: [{ label: `Kaufman exact, L = ${Ls}`, f: (T) => kaufman(Ls, T)[field] }],
      },
    ),
  )
}
let worst = 0
for (const p of scan) {
  const exact = p.exact?.e ?? Number.NaN
  worst = Math.max(worst, Math.abs(p.observables.e.value - exact) / p.observables.e.error)
}
console.log(`scan: largest |e − Kaufman| / error over ${temps.length} temperatures = ${worst.toFixed(2)}`)

// 4. P(q) of a ±J spin glass: two tempering ensembles against exact enumeration.
const ea = edwardsAnderson('square', 4, { couplings: 'pm1', key: key(21) })
const Tq = 0.7
const exactQ = exactThermalAverages(enumerateStates(ea), Tq)
const [pq] = overlapExperiment(ea, {
  temperatures: [Tq, 0.9, 1.2, 1.6, 2.2],
  key: key(4),
  sweeps: quick ? 2000 : 20_000,
}).slice(0, 1)
const qs = Array.from({ length: 17 }, (_, j) => -1 + j / 8)
await write(
  'overlap.svg',
  linePlot(
    [
      { label: 'exact enumeration', x: qs, y: exactQ.overlapDistribution, style: 'line+points' },
      { label: 'parallel tempering, 2 replicas', x: qs, y: pq.distribution, style: 'points' },
    ],
    { title: `P(q), ±J 4×4 instance, T = ${Tq}`, xLabel: 'q', yLabel: 'P(q)' },
  ),
)
console.log(
  `overlap: <q²> = ${pq.q2.value.toFixed(4)} ± ${pq.q2.error.toFixed(4)} (exact ${exactQ.q2.toFixed(4)}), g = ${pq.binder.value.toFixed(4)} ± ${pq.binder.error.toFixed(4)} (exact ${exactQ.binderQ.toFixed(4)})`,
)
