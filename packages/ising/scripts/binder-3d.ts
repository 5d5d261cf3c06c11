// The 3-D Ising critical temperature from Binder-cumulant crossings (issue 6's benchmark):
// Wolff scans of periodic L³ cubic lattices over a grid around Tc, U4 = 1 − <m⁴>/(3<m²>²) with
// jackknife errors, and the crossing of each pair of sizes (binderCrossing), against the
// literature value Tc = 4.5115233(1) (Ferrenberg, Xu & Landau, PRE 97, 043301 (2018)).
//
//   pnpm --filter @gen/ising binder-3d                      # L = 8, 16, 24; 20,000 measurements
//   pnpm --filter @gen/ising binder-3d --sizes 4,8 --measurements 5000
//
// Each measurement follows `--clusters` Wolff cluster flips (default: enough clusters to touch
// about N sites at Tc, from a short pilot run), so measurements are roughly one sweep apart.
import { parseArgs } from 'node:util'
import { fold, key } from '@gen/core-tensor'
import { binderCrossing, cubicLattice, simulate, temperatureScan } from '../src/index'

const CUBIC_TC = 4.5115233

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '8,16,24' },
    temperatures: { type: 'string', default: '4.47,4.49,4.51,4.53,4.55' },
    measurements: { type: 'string', default: '20000' },
    clusters: { type: 'string' },
    seed: { type: 'string', default: '2026' },
  },
})

const sizes = values.sizes.split(',').map(Number)
const temperatures = values.temperatures.split(',').map(Number)
const measurements = Number(values.measurements)
for (const L of sizes) {
  if (!Number.isInteger(L) || L < 2)
    throw new Error(`binder-3d: --sizes must be integers >= 2, got ${values.sizes}`)
}
if (!Number.isInteger(measurements) || measurements < 32) {
  throw new Error(`binder-3d: --measurements must be an integer >= 32, got ${values.measurements}`)
}

const seed = Number(values.seed)
const curves: { L: number; u4: ReturnType<typeof temperatureScan>[number]['observables']['u4'][] }[] = []
const started = performance.now()
for (const L of sizes) {
  const model = cubicLattice(L)
  const N = model.size
  let every = values.clusters === undefined ? 0 : Number(values.clusters)
  if (every === 0) {
    // pilot: the mean cluster size at Tc is N<m²> (Wolff's improved estimator), so about
    // N / (N<m²>) = 1/<m²> clusters make one sweep's worth of flips
    const pilot = simulate(model, {
      temperature: CUBIC_TC,
      key: fold(key(seed), L),
      sweeps: 500,
      algorithm: 'wolff',
    })
    every = Math.max(1, Math.round(1 / pilot.observables.m2.value))
  }
  const t0 = performance.now()
  const scan = temperatureScan(model, temperatures, {
    key: fold(key(seed + 1), L),
    sweeps: measurements,
    updatesPerMeasurement: every,
    algorithm: 'wolff',
  })
  const seconds = (performance.now() - t0) / 1000
  curves.push({ L, u4: scan.map((p) => p.observables.u4) })
  const row = scan
    .map(
      (p) =>
        `T=${p.temperature}: U4 ${p.observables.u4.value.toFixed(4)} ± ${p.observables.u4.error.toFixed(4)}`,
    )
    .join(', ')
  console.log(`L = ${L} (N = ${N}, ${every} clusters per measurement, ${seconds.toFixed(1)} s): ${row}`)
}

console.log('')
console.log('| sizes | crossing T* | ± | (T* − Tc)/Tc |')
console.log('| --- | --- | --- | --- |')
let last: number | null = null
for (let i = 0; i + 1 < curves.length; i++) {
  const a = curves[i]
  const b = curves[i + 1]
  const crossing = binderCrossing(temperatures, a.u4, b.u4)
  if (crossing === null) {
    console.log(`| ${a.L}, ${b.L} | no crossing on the grid | | |`)
    continue
  }
  const relative = (crossing.temperature - CUBIC_TC) / CUBIC_TC
  last = relative
  console.log(
    `| ${a.L}, ${b.L} | ${crossing.temperature.toFixed(4)} | ${crossing.error.toFixed(4)} | ${(100 * relative).toFixed(3)}% |`,
  )
}
console.log('')
console.log(
  `Tc (Ferrenberg, Xu & Landau 2018) = ${CUBIC_TC}; largest pair within 1%: ${last !== null && Math.abs(last) < 0.01 ? 'yes' : 'no'}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
)
