// `gen ising scan|binder|anneal|quench`: thin layers over @gen/ising, with the exact answers drawn
// beside the Monte Carlo wherever physics has one.
import { fold, key } from '@gen/core-tensor'
import {
  binderCrossing,
  cubicLattice,
  edwardsAnderson,
  enumerateGroundStates,
  honeycombLattice,
  kaufman,
  ONSAGER_TC,
  onsager,
  quench,
  simulatedAnnealing,
  squareLattice,
  temperatureScan,
  triangularLattice,
  type Algorithm,
  type IsingModel,
  type ScanPoint,
} from '@gen/ising'
import { encodeGif, encodePng, imageGrid, linePlot, toImage, upscale, type CurveOverlay } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import { positiveInt, positiveNumber, withCommonOptions, type CommonOptions } from '../common-options.ts'
import { createProgress } from '../progress.ts'

const LATTICES = ['square', 'cubic', 'triangular', 'honeycomb'] as const
type LatticeName = (typeof LATTICES)[number]
const ALGORITHMS: readonly Algorithm[] = [
  'metropolis',
  'metropolis-random',
  'heat-bath',
  'wolff',
  'swendsen-wang',
]

interface LatticeFlags {
  lattice: LatticeName
  size: number
}

// the lattices hold at most 2^24 sites; say it in the option's own terms before any work
const MAX_SIDE = { square: 4096, triangular: 4096, honeycomb: 4096, cubic: 256 } as const

function buildLattice({ lattice, size }: LatticeFlags): IsingModel {
  if (size > MAX_SIDE[lattice]) {
    throw new CliError(`--size must be at most ${MAX_SIDE[lattice]} for the ${lattice} lattice, got ${size}`)
  }
  try {
    return latticeOf(lattice, size)
  } catch (error) {
    // e.g. a honeycomb torus needs an even side: the package says why, the CLI says which option
    throw new CliError(`--size ${size}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function latticeOf(lattice: LatticeName, size: number): IsingModel {
  switch (lattice) {
    case 'square':
      return squareLattice(size)
    case 'cubic':
      return cubicLattice(size)
    case 'triangular':
      return triangularLattice(size)
    case 'honeycomb':
      return honeycombLattice(size)
  }
}

function withLatticeOptions(command: Command, defaultSize: number): Command {
  return command
    .addOption(new Option('--lattice <kind>', 'lattice').choices(LATTICES).default('square'))
    .option('--size <L>', 'linear size L (periodic boundaries)', positiveInt('--size'), defaultSize)
}

function withTemperatureRange(command: Command, tmin: number, tmax: number, count: number): Command {
  return command
    .option('--tmin <T>', 'lowest temperature', positiveNumber('--tmin'), tmin)
    .option('--tmax <T>', 'highest temperature', positiveNumber('--tmax'), tmax)
    .option('--temperatures <n>', 'number of temperatures (>= 2)', positiveInt('--temperatures'), count)
}

// far above every coupling the exact curves lose their digits; no physics needs more
const MAX_TEMPERATURE = 100
const MAX_TEMPERATURES = 1000

function temperatureGrid(flags: { tmin: number; tmax: number; temperatures: number }): number[] {
  if (flags.tmax > MAX_TEMPERATURE)
    throw new CliError(`--tmax must be at most ${MAX_TEMPERATURE}, got ${flags.tmax}`)
  if (flags.temperatures > MAX_TEMPERATURES) {
    throw new CliError(`--temperatures must be at most ${MAX_TEMPERATURES}, got ${flags.temperatures}`)
  }
  if (!(flags.tmax > flags.tmin)) {
    throw new CliError(`--tmax must be above --tmin, got --tmin ${flags.tmin} and --tmax ${flags.tmax}`)
  }
  if (flags.temperatures < 2)
    throw new CliError(`--temperatures must be at least 2, got ${flags.temperatures}`)
  const n = flags.temperatures
  return Array.from({ length: n }, (_, i) => flags.tmin + ((flags.tmax - flags.tmin) * i) / (n - 1))
}

function checkSweeps(sweeps: number): void {
  // simulate() needs 32 measurements for its jackknife bins; say so in the CLI's own words
  if (sweeps < 32) throw new CliError(`--sweeps must be at least 32 (one per jackknife bin), got ${sweeps}`)
}

type ScanFlags = CommonOptions &
  LatticeFlags & { tmin: number; tmax: number; temperatures: number; sweeps: number; algorithm: Algorithm }

/** `gen ising scan`: observables with error bars over a temperature grid, against the exact curves. */
async function scan(flags: ScanFlags): Promise<void> {
  const temperatures = temperatureGrid(flags)
  checkSweeps(flags.sweeps)
  const model = buildLattice(flags)
  const run = startCommand('ising scan', flags)
  const progress = createProgress({
    label: 'ising scan',
    total: temperatures.length,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const points: ScanPoint[] = []
  // one temperature at a time, so the bar moves
  for (const [i, T] of temperatures.entries()) {
    const [point] = temperatureScan(model, [T], {
      key: fold(key(flags.seed), i),
      sweeps: flags.sweeps,
      algorithm: flags.algorithm,
    })
    points.push(point)
    progress.update(i + 1, { T, e: point.observables.e.value })
    await Promise.resolve()
  }
  progress.finish()
  const exact = flags.lattice === 'square'
  const rows = points.map((p) => ({
    temperature: p.temperature,
    e: p.observables.e.value,
    e_error: p.observables.e.error,
    abs_m: p.observables.absM.value,
    abs_m_error: p.observables.absM.error,
    c: p.observables.c.value,
    c_error: p.observables.c.error,
    chi: p.observables.chi.value,
    chi_error: p.observables.chi.error,
    u4: p.observables.u4.value,
    u4_error: p.observables.u4.error,
    ...(exact
      ? { e_kaufman: kaufman(flags.size, p.temperature).e, e_onsager: onsager(p.temperature).u }
      : {}),
  }))
  const plot = (observable: 'e' | 'absM' | 'c', title: string, curves: CurveOverlay[]) =>
    linePlot(
      [
        {
          label: `${flags.algorithm}, ${flags.lattice} L = ${flags.size}`,
          x: points.map((p) => p.temperature),
          y: points.map((p) => p.observables[observable].value),
          yError: points.map((p) => p.observables[observable].error),
          style: 'points',
        },
      ],
      { title, xLabel: 'temperature T', yLabel: observable, curves },
    )
  run.write(
    'energy.svg',
    plot(
      'e',
      'Energy per spin',
      exact
        ? [
            { label: `Kaufman, exact for L = ${flags.size}`, f: (t) => kaufman(flags.size, t).e },
            { label: 'Onsager, L = ∞', f: (t) => onsager(t).u, color: '#999' },
          ]
        : [],
    ),
  )
  run.write(
    'magnetisation.svg',
    plot(
      'absM',
      'Magnetisation ⟨|m|⟩',
      exact ? [{ label: 'Onsager–Yang, L = ∞', f: (t) => onsager(t).m }] : [],
    ),
  )
  run.write(
    'specific-heat.svg',
    plot(
      'c',
      'Specific heat per spin',
      exact ? [{ label: `Kaufman, L = ${flags.size}`, f: (t) => kaufman(flags.size, t).c }] : [],
    ),
  )
  const worst = exact
    ? Math.max(...rows.map((r) => Math.abs(r.e - (r.e_kaufman ?? 0)) / Math.max(r.e_error, 1e-12)))
    : null
  finishCommand(
    run,
    `${points.length} temperatures${worst === null ? '' : `, largest |e − Kaufman| ${worst.toFixed(1)} error bars`}`,
    {
      lattice: flags.lattice,
      size: flags.size,
      algorithm: flags.algorithm,
      sweeps: flags.sweeps,
      points: rows,
    },
    rows,
  )
}

type BinderFlags = CommonOptions & {
  lattice: LatticeName
  sizes: number[]
  tmin: number
  tmax: number
  temperatures: number
  sweeps: number
  algorithm: Algorithm
}

/** `gen ising binder`: U4(T) for several L and where the curves cross (an estimate of Tc). */
async function binder(flags: BinderFlags): Promise<void> {
  const temperatures = temperatureGrid(flags)
  checkSweeps(flags.sweeps)
  if (flags.sizes.length < 2)
    throw new CliError(`--sizes needs at least two lattice sizes, got ${flags.sizes.join(',')}`)
  const models = flags.sizes.map((L) => buildLattice({ lattice: flags.lattice, size: L }))
  const run = startCommand('ising binder', flags)
  const progress = createProgress({
    label: 'ising binder',
    total: flags.sizes.length * temperatures.length,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const curves: { L: number; points: ScanPoint[] }[] = []
  let done = 0
  for (const [s, L] of flags.sizes.entries()) {
    const model = models[s]
    const points: ScanPoint[] = []
    for (const [i, T] of temperatures.entries()) {
      points.push(
        ...temperatureScan(model, [T], {
          key: fold(fold(key(flags.seed), s), i),
          sweeps: flags.sweeps,
          algorithm: flags.algorithm,
        }),
      )
      progress.update(++done, { L: String(L), T })
      await Promise.resolve()
    }
    curves.push({ L, points })
  }
  progress.finish()
  const crossings = curves.slice(1).map((large, i) => {
    const small = curves[i]
    const c = binderCrossing(
      temperatures,
      small.points.map((p) => p.observables.u4),
      large.points.map((p) => p.observables.u4),
    )
    return { sizes: [small.L, large.L], temperature: c?.temperature ?? null, error: c?.error ?? null }
  })
  run.write(
    'binder.svg',
    linePlot(
      curves.map((c) => ({
        label: `L = ${c.L}`,
        x: temperatures,
        y: c.points.map((p) => p.observables.u4.value),
        yError: c.points.map((p) => p.observables.u4.error),
      })),
      { title: `Binder cumulant U4, ${flags.lattice}`, xLabel: 'temperature T', yLabel: 'U4' },
    ),
  )
  const rows = curves.flatMap((c) =>
    c.points.map((p) => ({
      L: c.L,
      temperature: p.temperature,
      u4: p.observables.u4.value,
      u4_error: p.observables.u4.error,
    })),
  )
  const first = crossings[0]
  const reference = flags.lattice === 'square' ? ` (Onsager Tc = ${ONSAGER_TC.toFixed(4)})` : ''
  finishCommand(
    run,
    first.temperature === null
      ? `no crossing inside [${flags.tmin}, ${flags.tmax}]`
      : `U4 curves of L = ${first.sizes.join(' and ')} cross at T = ${first.temperature.toFixed(4)} ± ${(first.error ?? 0).toFixed(4)}${reference}`,
    {
      lattice: flags.lattice,
      sizes: flags.sizes,
      crossings,
      exactTc: flags.lattice === 'square' ? ONSAGER_TC : null,
    },
    rows,
  )
}

type AnnealFlags = CommonOptions &
  LatticeFlags & {
    couplings: 'ferromagnet' | 'pm1' | 'gaussian'
    tstart: number
    tend: number
    steps: number
    sweepsPerStep: number
    schedule: 'linear' | 'geometric'
    algorithm: Algorithm
  }

/** `gen ising anneal`: simulated annealing toward the ground state, with the energy per step. */
function anneal(flags: AnnealFlags): void {
  if (!(flags.tstart > flags.tend)) {
    throw new CliError(`--tstart must be above --tend, got --tstart ${flags.tstart} and --tend ${flags.tend}`)
  }
  if (flags.steps < 2) throw new CliError(`--steps must be at least 2, got ${flags.steps}`)
  const lattice = buildLattice(flags)
  const run = startCommand('ising anneal', flags)
  // a spin glass draws its couplings from the seed; the anneal runs on a key split from it
  const model =
    flags.couplings === 'ferromagnet'
      ? lattice
      : edwardsAnderson(lattice, { couplings: flags.couplings, key: fold(key(flags.seed), 1) })
  const result = simulatedAnnealing(model, {
    startTemperature: flags.tstart,
    endTemperature: flags.tend,
    steps: flags.steps,
    schedule: flags.schedule,
    sweepsPerStep: flags.sweepsPerStep,
    algorithm: flags.algorithm,
    key: fold(key(flags.seed), 2),
  })
  // small instances have an exact ground state to hold the heuristic against
  const exact = model.size <= 30 ? enumerateGroundStates(model) : null
  const rows = Array.from(result.temperatures, (T, k) => ({
    step: k,
    temperature: T,
    e: result.energies[k] / model.size,
  }))
  run.write(
    'energy.svg',
    linePlot([{ label: 'energy per spin', x: rows.map((r) => r.step), y: rows.map((r) => r.e) }], {
      title: `Annealing ${flags.lattice} L = ${flags.size}, ${flags.schedule} ${flags.tstart} → ${flags.tend}`,
      xLabel: 'step',
      yLabel: 'e',
    }),
  )
  if (model.shape.length === 2) {
    const [w, h] = model.shape
    run.write(
      'final.png',
      encodePng(
        imageGrid([toImage({ data: result.bestSpins, shape: [h, w] }, { range: '-1..1' })], { scale: 4 }),
      ),
    )
  }
  finishCommand(
    run,
    `best energy per spin ${(result.bestEnergy / model.size).toFixed(4)}${exact ? ` (exact ground state ${(exact.energy / model.size).toFixed(4)})` : ''}`,
    {
      lattice: flags.lattice,
      size: flags.size,
      couplings: flags.couplings,
      bestEnergyPerSpin: result.bestEnergy / model.size,
      finalEnergyPerSpin: result.energy / model.size,
      exactGroundEnergyPerSpin: exact ? exact.energy / model.size : null,
    },
    rows,
  )
}

type QuenchFlags = CommonOptions &
  LatticeFlags & {
    temperature: number
    sweeps: number
    frames: number
    start: 'hot' | 'cold'
    algorithm: Algorithm
  }

/** `gen ising quench`: a sudden change of temperature, as an animation and e(t), |m|(t). */
async function quenchCommand(flags: QuenchFlags): Promise<void> {
  if (flags.frames < 2) throw new CliError(`--frames must be at least 2, got ${flags.frames}`)
  if (flags.lattice === 'cubic')
    throw new CliError('--lattice: gen ising quench draws 2-D lattices only, got cubic')
  const model = buildLattice(flags)
  const run = startCommand('ising quench', flags)
  // frames at roughly logarithmic times: coarsening slows down as t^{1/2}
  const times = [
    ...new Set(
      Array.from({ length: flags.frames }, (_, k) =>
        Math.round(Math.pow(flags.sweeps + 1, k / (flags.frames - 1)) - 1),
      ),
    ),
  ]
  run.log(
    `ising quench: ${flags.lattice} ${flags.size}x${flags.size} from ${flags.start} to T = ${flags.temperature}, ${flags.sweeps} sweeps`,
  )
  await Promise.resolve()
  const result = quench(model, {
    temperature: flags.temperature,
    key: key(flags.seed),
    sweeps: flags.sweeps,
    start: flags.start,
    algorithm: flags.algorithm,
    snapshots: times,
  })
  const [w, h] = model.shape
  const scale = Math.max(1, Math.floor(256 / Math.max(w, h)))
  const frames = result.snapshots.map((snap) =>
    upscale(toImage({ data: snap.spins, shape: [h, w] }, { range: '-1..1' }), scale),
  )
  run.write('quench.gif', encodeGif(frames, { delayMs: 300 }))
  run.write(
    'frames.png',
    encodePng(
      imageGrid(frames, {
        columns: Math.min(frames.length, 6),
        gap: 4,
        labels: result.snapshots.map((s) => `sweep ${s.sweep}`),
      }),
    ),
  )
  const exactE = flags.lattice === 'square' ? kaufman(flags.size, flags.temperature).e : null
  run.write(
    'energy.svg',
    linePlot([{ label: 'e(t)', x: Array.from(result.energies, (_, t) => t), y: result.energies }], {
      title: `Energy per spin after a quench to T = ${flags.temperature}`,
      xLabel: 'sweep t',
      yLabel: 'e',
      curves: exactE === null ? [] : [{ label: `equilibrium (Kaufman, L = ${flags.size})`, f: () => exactE }],
    }),
  )
  const rows = Array.from(result.energies, (e, t) => ({ sweep: t, e, abs_m: result.absMagnetisations[t] }))
  const last = rows.at(-1)
  finishCommand(
    run,
    `e = ${last?.e.toFixed(4)} after ${flags.sweeps} sweeps${exactE === null ? '' : ` (equilibrium ${exactE.toFixed(4)})`}`,
    {
      lattice: flags.lattice,
      size: flags.size,
      temperature: flags.temperature,
      finalEnergy: last?.e ?? null,
      equilibriumEnergy: exactE,
      frames: times,
    },
    rows,
  )
}

/** Adds `gen ising scan|binder|anneal|quench` to the program. */
export function addIsingCommands(program: Command): void {
  const ising = program
    .command('ising')
    .description('lattice spin models: scans, Binder crossings, annealing')
  const algorithm = () => new Option('--algorithm <name>', 'Monte Carlo update').choices(ALGORITHMS)

  withTemperatureRange(
    withLatticeOptions(
      withCommonOptions(
        ising.command('scan').description('observables over a temperature grid, against the exact curves'),
        'out/ising-scan',
      ),
      16,
    ),
    1.5,
    3.5,
    11,
  )
    .option('--sweeps <n>', 'measurements per temperature (>= 32)', positiveInt('--sweeps'), 2000)
    .addOption(algorithm().default('wolff'))
    .action(scan)

  withTemperatureRange(
    withCommonOptions(
      ising.command('binder').description('Binder cumulant U4 for several L; their crossing estimates Tc'),
      'out/ising-binder',
    ),
    2.1,
    2.5,
    9,
  )
    .addOption(new Option('--lattice <kind>', 'lattice').choices(LATTICES).default('square'))
    .option('--sizes <list>', 'comma-separated lattice sizes', sizesList, [8, 16])
    .option('--sweeps <n>', 'measurements per temperature (>= 32)', positiveInt('--sweeps'), 4000)
    .addOption(algorithm().default('wolff'))
    .action(binder)

  withLatticeOptions(
    withCommonOptions(
      ising.command('anneal').description('simulated annealing toward the ground state'),
      'out/ising-anneal',
    ),
    32,
  )
    .option('--tstart <T>', 'first temperature', positiveNumber('--tstart'), 5)
    .option('--tend <T>', 'last temperature', positiveNumber('--tend'), 0.1)
    .option('--steps <n>', 'temperatures in the schedule (>= 2)', positiveInt('--steps'), 200)
    .option('--sweeps-per-step <n>', 'sweeps at each temperature', positiveInt('--sweeps-per-step'), 1)
    .addOption(
      new Option('--schedule <kind>', 'cooling schedule')
        .choices(['linear', 'geometric'])
        .default('geometric'),
    )
    .addOption(
      new Option(
        '--couplings <kind>',
        'ferromagnet, or an Edwards-Anderson spin glass (±J or Gaussian) drawn from --seed',
      )
        .choices(['ferromagnet', 'pm1', 'gaussian'])
        .default('ferromagnet'),
    )
    .addOption(algorithm().default('metropolis'))
    .action(anneal)

  withLatticeOptions(
    withCommonOptions(
      ising.command('quench').description('a sudden change of temperature: animation, e(t) and |m|(t)'),
      'out/ising-quench',
    ),
    128,
  )
    .option('--temperature <T>', 'the temperature quenched to', positiveNumber('--temperature'), 1.5)
    .option('--sweeps <n>', 'sweeps after the quench', positiveInt('--sweeps'), 300)
    .option('--frames <n>', 'frames of the animation', positiveInt('--frames'), 12)
    .addOption(
      new Option('--start <state>', 'start from T = ∞ (hot) or T = 0 (cold)')
        .choices(['hot', 'cold'])
        .default('hot'),
    )
    .addOption(algorithm().default('metropolis'))
    .action(quenchCommand)
}

function sizesList(value: string): number[] {
  const parse = positiveInt('--sizes')
  const sizes = value.split(',').map((v) => parse(v))
  for (let i = 1; i < sizes.length; i++) {
    if (!(sizes[i] > sizes[i - 1])) throw new InvalidArgumentError(`--sizes must increase, got ${value}`)
  }
  return sizes
}
