/**
 * Critical slowing down at Tc on the L × L torus (default L = 256): the integrated
 * autocorrelation times (Sokal's automatic windowing, `autocorrelationTime`) of e and |m| for
 * checkerboard Metropolis (the multi-spin sweep, one measurement per sweep) and for Wolff
 * (one measurement per cluster, after `--thermalise` sweeps' worth of clusters), the Wolff times converted to sweeps by
 * τ_sweeps = τ_clusters · <cluster size> / N. Prints a small table.
 *
 *   pnpm --filter @gen/ising wolff-vs-metropolis [-- --L 256 --sweeps 1000000 --clusters 20000]
 *
 * Defaults take about 5 minutes on one core. A τ whose window did not converge (the series is
 * shorter than about c·τ·4) is marked with `*`: it is then a lower bound.
 */
import { key, split } from '@gen/core-tensor'
import {
  autocorrelationTime,
  binnedMean,
  clusterWorkspace,
  createRng,
  energy,
  magnetisation,
  multiSpinSweep,
  ONSAGER_TC,
  packedEnergy,
  packedMagnetisation,
  packSpins,
  randomSpins,
  squareLattice,
  wolffStep,
  type AutocorrelationTime,
} from '../src/index'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  if (at < 0) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1`)
  return value
}

const L = option('L', 256)
const sweeps = option('sweeps', 1_000_000)
const clusters = option('clusters', 20_000)
const thermalise = option('thermalise', 1000)
const beta = 1 / ONSAGER_TC
const model = squareLattice(L)
const N = model.size
const [k1, k2, k3, k4] = split(key(2026), 4)

// Metropolis: the multi-spin checkerboard sweep, thermalised for sweeps/10 (about 20 τ_int(|m|) at L = 256)
const packed = packSpins(model, randomSpins(model, k1))
const mrng = createRng(k2)
let t0 = performance.now()
multiSpinSweep(packed, { beta, rng: mrng, sweeps: Math.ceil(sweeps / 10) })
const me = new Float64Array(sweeps)
const mm = new Float64Array(sweeps)
for (let t = 0; t < sweeps; t++) {
  multiSpinSweep(packed, { beta, rng: mrng })
  me[t] = packedEnergy(packed) / N
  mm[t] = Math.abs(packedMagnetisation(packed)) / N
}
const metropolisSeconds = (performance.now() - t0) / 1000

// Wolff: one measurement per cluster
const spins = randomSpins(model, k3)
const wrng = createRng(k4)
const workspace = clusterWorkspace(model)
t0 = performance.now()
// from a random start the first clusters are a few sites: thermalise by flipped sites, not by
// cluster count (`thermalise` sweeps' worth, default 1000), else the series still coarsens
let flipped = 0
while (flipped < thermalise * N) flipped += wolffStep(model, spins, { beta, rng: wrng, workspace })
const we = new Float64Array(clusters)
const wm = new Float64Array(clusters)
let sizeSum = 0
for (let t = 0; t < clusters; t++) {
  sizeSum += wolffStep(model, spins, { beta, rng: wrng, workspace })
  // full recomputation every cluster keeps the script simple; it costs about one sweep each
  we[t] = energy(model, spins) / N
  wm[t] = Math.abs(magnetisation(model, spins)) / N
}
const wolffSeconds = (performance.now() - t0) / 1000
const meanCluster = sizeSum / clusters
const sweepsPerCluster = meanCluster / N

const fmt = (a: AutocorrelationTime, scale = 1): string =>
  `${(a.tau * scale).toFixed(a.tau * scale < 10 ? 3 : 1)} ± ${(a.error * scale).toFixed(a.error * scale < 10 ? 3 : 1)}${a.converged ? '' : '*'}`

const rows = [
  {
    name: 'Metropolis (checkerboard, multi-spin)',
    unit: 'sweep',
    count: sweeps,
    e: autocorrelationTime(me),
    m: autocorrelationTime(mm),
    scale: 1,
    seconds: metropolisSeconds,
    ev: binnedMean(me),
    mv: binnedMean(mm),
  },
  {
    name: 'Wolff',
    unit: 'cluster',
    count: clusters,
    e: autocorrelationTime(we),
    m: autocorrelationTime(wm),
    scale: sweepsPerCluster,
    seconds: wolffSeconds,
    ev: binnedMean(we),
    mv: binnedMean(wm),
  },
]

console.log(
  `2-D Ising at Tc = ${ONSAGER_TC.toFixed(6)}, L = ${L} (N = ${N}); Wolff mean cluster ${meanCluster.toFixed(1)} sites = ${sweepsPerCluster.toFixed(4)} sweeps`,
)
console.log(
  '| algorithm | samples | tau_int(e) [sweeps] | tau_int(abs m) [sweeps] | tau_int(e), tau_int(abs m) [own steps] | e | abs m | seconds |',
)
console.log('|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.count} ${r.unit}s | ${fmt(r.e, r.scale)} | ${fmt(r.m, r.scale)} | ${fmt(r.e)}, ${fmt(r.m)} | ${r.ev.value.toFixed(5)} ± ${r.ev.error.toFixed(5)} | ${r.mv.value.toFixed(4)} ± ${r.mv.error.toFixed(4)} | ${r.seconds.toFixed(1)} |`,
  )
}
const ratioM = (rows[0].m.tau * rows[0].scale) / (rows[1].m.tau * rows[1].scale)
const ratioE = (rows[0].e.tau * rows[0].scale) / (rows[1].e.tau * rows[1].scale)
console.log(
  `Metropolis / Wolff tau_int in sweeps: e ${ratioE.toFixed(1)}x, abs m ${ratioM.toFixed(1)}x (* = window not converged: a lower bound)`,
)
