// The Ising section of the tour: the phase transition of the 2-D model, measured by Monte Carlo
// and laid over the exact answers (Onsager's infinite lattice, Kaufman's finite one, and exact
// enumeration of the 4x4 torus).
import { fold, type Key } from '@gen/core-tensor'
import {
  ONSAGER_TC,
  createRng,
  enumerateDensityOfStates,
  exactObservables,
  kaufman,
  metropolisSweep,
  onsager,
  randomSpins,
  simulate,
  squareLattice,
  temperatureScan,
} from '@gen/ising'
import { imageGrid, linePlot, toImage, type LinePlotOptions, type ReportSection } from '@gen/viz'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

/** Sweeps and lattice sizes per tour size. */
const SETTINGS = {
  quick: { L: 16, sweeps: 400, temperatures: 8, pictureL: 64, pictureSweeps: 60 },
  default: { L: 16, sweeps: 3000, temperatures: 14, pictureL: 128, pictureSweeps: 300 },
  full: { L: 32, sweeps: 20000, temperatures: 20, pictureL: 256, pictureSweeps: 1000 },
} as const

function range(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1))
}

/**
 * Runs the Ising part of the tour and returns its report section.
 *
 * @param size - how long to run
 * @param root - key the section draws its randomness from
 * @param log - where progress lines go
 */
export function isingSection(size: TourSize, root: Key, log: (line: string) => void): TourSection {
  const s = SETTINGS[size]
  const model = squareLattice(s.L)
  const temperatures = range(1.5, 3.5, s.temperatures)
  log(
    `ising: Wolff scan of the ${s.L}x${s.L} torus at ${temperatures.length} temperatures, ${s.sweeps} sweeps each`,
  )
  const scan = temperatureScan(model, temperatures, {
    key: fold(root, 1),
    sweeps: s.sweeps,
    algorithm: 'wolff',
  })

  // One plot per observable: the Monte Carlo points with error bars, the exact curves dashed.
  const plot = (
    observable: 'e' | 'c' | 'absM',
    options: Pick<LinePlotOptions, 'title' | 'yLabel' | 'legend'>,
    curves: LinePlotOptions['curves'],
  ) =>
    linePlot(
      [
        {
          label: `Wolff, L = ${s.L}`,
          x: scan.map((p) => p.temperature),
          y: scan.map((p) => p.observables[observable].value),
          yError: scan.map((p) => p.observables[observable].error),
          style: 'points',
        },
      ],
      { ...options, xLabel: 'temperature T', curves },
    )
  const energyPlot = plot('e', { title: 'Energy per spin', yLabel: 'e', legend: 'top-left' }, [
    { label: `Kaufman, exact for L = ${s.L}`, f: (t) => kaufman(s.L, t).e },
    { label: 'Onsager, L = ∞', f: (t) => onsager(t).u, color: '#999' },
  ])
  const heatPlot = plot('c', { title: 'Specific heat per spin', yLabel: 'c' }, [
    { label: `Kaufman, exact for L = ${s.L}`, f: (t) => kaufman(s.L, t).c },
    { label: 'Onsager, L = ∞', f: (t) => onsager(t).c, color: '#999' },
  ])
  const magnetisationPlot = plot('absM', { title: 'Magnetisation ⟨|m|⟩', yLabel: '|m|' }, [
    { label: 'Onsager–Yang, L = ∞', f: (t) => onsager(t).m },
  ])

  // The 4x4 torus has 65 536 states: every observable is exact, so Monte Carlo is checked, not trusted.
  const small = squareLattice(4)
  const dos = enumerateDensityOfStates(small)
  const metrics: Record<string, number> = {}
  const rows = (['metropolis', 'heat-bath', 'wolff', 'swendsen-wang'] as const).map((algorithm, i) => {
    const run = simulate(small, { temperature: 2, key: fold(root, 10 + i), sweeps: s.sweeps * 4, algorithm })
    const o = run.observables
    metrics[`e_4x4_T2_${algorithm}`] = o.e.value
    metrics[`e_error_4x4_T2_${algorithm}`] = o.e.error
    return [
      algorithm,
      `${o.e.value.toFixed(4)} ± ${o.e.error.toFixed(4)}`,
      `${o.absM.value.toFixed(4)} ± ${o.absM.error.toFixed(4)}`,
      `${o.u4.value.toFixed(4)} ± ${o.u4.error.toFixed(4)}`,
    ]
  })
  const exact = exactObservables(dos, 2)
  rows.push(['exact enumeration', exact.e.toFixed(6), exact.absM.toFixed(6), exact.u4.toFixed(6)])
  metrics.e_4x4_T2_exact = exact.e
  // where the scan's specific heat peaks: near Tc, shifted by the finite size
  const peak = scan.reduce((best, p) => (p.observables.c.value > best.observables.c.value ? p : best))
  metrics[`c_peak_temperature_L${s.L}`] = peak.temperature

  log(`ising: configurations of a ${s.pictureL}x${s.pictureL} lattice below, at and above Tc`)
  const big = squareLattice(s.pictureL)
  const pictures = [1.8, ONSAGER_TC, 3.2].map((t, i) => {
    const spins = randomSpins(big, fold(root, 20 + i))
    const rng = createRng(fold(root, 30 + i))
    for (let sweep = 0; sweep < s.pictureSweeps; sweep++) metropolisSweep(big, spins, { beta: 1 / t, rng })
    return toImage({ data: spins, shape: [s.pictureL, s.pictureL] }, { range: '-1..1' })
  })

  const report: ReportSection = {
    title: 'The Ising model: a phase transition with an exact answer',
    blocks: [
      {
        kind: 'text',
        text: `Spins on a ${s.L}x${s.L} torus, E = −Σ s_i s_j over nearest neighbours. Points are Monte Carlo (Wolff cluster updates, ${s.sweeps} sweeps per temperature, error bars from binning); the dashed curves are exact: Kaufman's partition function of the same finite lattice and Onsager's infinite one. The peak of c sits near Tc = ${ONSAGER_TC.toFixed(4)}.`,
      },
      { kind: 'svg', svg: energyPlot },
      { kind: 'svg', svg: heatPlot },
      { kind: 'svg', svg: magnetisationPlot },
      {
        kind: 'table',
        caption: '4x4 torus at T = 2: every algorithm against exact enumeration of its 65 536 states',
        columns: ['algorithm', 'e', '⟨|m|⟩', 'Binder U4'],
        rows,
      },
      {
        kind: 'image',
        image: imageGrid(pictures, { columns: 3, gap: 4 }),
        caption: `Metropolis from a random start after ${s.pictureSweeps} sweeps at T = 1.8 (ordering domains), T = Tc (fractal clusters) and T = 3.2 (disorder); black is −1, white +1.`,
        scale: 2,
      },
    ],
  }
  return { report, metrics }
}
