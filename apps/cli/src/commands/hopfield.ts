// `gen hopfield recall|capacity|phase`: thin layers over @gen/hopfield.
import { fold, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import {
  capacityCurve,
  createNetwork,
  flipBits,
  glyphPatterns,
  glyphSize,
  overlap,
  phaseDiagram,
  pseudoInverseNetwork,
  recall,
  storeHebbian,
  storeStorkey,
  type LearningRule,
} from '@gen/hopfield'
import { encodePng, imageGrid, linePlot, scatterPlot, toImage, type Image } from '@gen/viz'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { finishCommand, startCommand } from '../command-output.ts'
import { positiveInt, withCommonOptions, type CommonOptions } from '../common-options.ts'
import { createProgress } from '../progress.ts'

const RULES: readonly LearningRule[] = ['hebbian', 'storkey', 'pseudo-inverse']

/** A comma-separated list of numbers in (lo, hi]. */
function numberList(name: string, lo: number, hi: number) {
  return (value: string): number[] => {
    const list = value.split(',').map((v) => Number(v))
    if (list.length === 0 || list.some((v, i) => value.split(',')[i].trim() === '' || !(v > lo && v <= hi))) {
      throw new InvalidArgumentError(
        `${name} must be comma-separated numbers in (${lo}, ${hi}], got ${value}`,
      )
    }
    return list
  }
}

function fraction(name: string) {
  return (value: string): number => {
    const v = Number(value)
    if (value.trim() === '' || !(v >= 0 && v <= 1))
      throw new InvalidArgumentError(`${name} must be a number in [0, 1], got ${value}`)
    return v
  }
}

// N units hold N² float64 weights: 5000 units are 200 MB, and the dynamics cost N² per sweep
const MAX_UNITS = 5000

function checkNetworkSize(size: number): void {
  if (size > MAX_UNITS)
    throw new CliError(`--size must be at most ${MAX_UNITS} units (N² weights), got ${size}`)
}

type RecallFlags = CommonOptions & {
  patterns: 'glyphs' | 'digits'
  count: number
  noise: number
  rule: LearningRule
}

/** `gen hopfield recall`: store patterns, corrupt each, recall it; pictures and overlaps. */
async function recallCommand(flags: RecallFlags): Promise<void> {
  let stored: Int8Array[]
  let width: number
  if (flags.patterns === 'glyphs') {
    stored = glyphPatterns()
    width = glyphSize
  } else {
    const { train } = await loadMnist()
    const d = train.height * train.width
    if (flags.count > train.count)
      throw new CliError(`--count must be at most ${train.count} digits, got ${flags.count}`)
    stored = Array.from({ length: flags.count }, (_, k) =>
      Int8Array.from(train.images.subarray(k * d, (k + 1) * d), (v) => (v > 127 ? 1 : -1)),
    )
    width = train.width
  }
  const run = startCommand('hopfield recall', flags)
  const n = stored[0].length
  const network =
    flags.rule === 'pseudo-inverse'
      ? pseudoInverseNetwork(stored)
      : flags.rule === 'storkey'
        ? storeStorkey(createNetwork(n), stored)
        : storeHebbian(createNetwork(n), stored)
  const root = key(flags.seed)
  const tiles: Image[] = []
  const rows = stored.map((pattern, k) => {
    const probe = flipBits(pattern, flags.noise, fold(root, 2 * k))
    const result = recall(network, probe, { key: fold(root, 2 * k + 1), record: 'none' })
    const picture = (s: ArrayLike<number>) =>
      toImage({ data: s, shape: [n / width, width] }, { range: '-1..1' })
    tiles.push(picture(pattern), picture(probe), picture(result.state))
    return {
      pattern: k,
      probe_overlap: overlap(probe, pattern),
      recalled_overlap: overlap(result.state, pattern),
      sweeps: result.sweeps,
      converged: result.converged ? 1 : 0,
    }
  })
  run.write(
    'recall.png',
    encodePng(imageGrid(tiles, { columns: 3, gap: 2, scale: flags.patterns === 'glyphs' ? 6 : 2 })),
  )
  const perfect = rows.filter((r) => r.recalled_overlap === 1).length
  const mean = rows.reduce((s, r) => s + r.recalled_overlap, 0) / rows.length
  finishCommand(
    run,
    `${perfect} of ${rows.length} patterns recalled exactly from ${(100 * flags.noise).toFixed(0)}% noise (mean overlap ${mean.toFixed(3)})`,
    {
      patterns: flags.patterns,
      rule: flags.rule,
      noise: flags.noise,
      perfectFraction: perfect / rows.length,
      meanOverlap: mean,
    },
    rows,
  )
}

type CapacityFlags = CommonOptions & { size: number; loads: number[]; trials: number; rule: LearningRule }

/** `gen hopfield capacity`: overlap of the fixed point against the load α = P/N. */
async function capacityCommand(flags: CapacityFlags): Promise<void> {
  checkNetworkSize(flags.size)
  const run = startCommand('hopfield capacity', flags)
  const progress = createProgress({
    label: 'hopfield capacity',
    total: flags.loads.length,
    quiet: (flags.quiet ?? false) || (flags.json ?? false),
  })
  const curve = []
  for (const [i, load] of flags.loads.entries()) {
    curve.push(
      ...capacityCurve({
        size: flags.size,
        loads: [load],
        key: fold(key(flags.seed), i),
        trials: flags.trials,
        rule: flags.rule,
      }),
    )
    progress.update(i + 1, { load, m: curve[i].meanOverlap })
    await Promise.resolve()
  }
  progress.finish()
  run.write(
    'capacity.svg',
    linePlot(
      [
        {
          label: 'overlap m',
          x: curve.map((p) => p.load),
          y: curve.map((p) => p.meanOverlap),
          yError: curve.map((p) => p.overlapStandardError),
        },
        {
          label: 'share recalled perfectly',
          x: curve.map((p) => p.load),
          y: curve.map((p) => p.perfectFraction),
        },
      ],
      {
        title: `Recall against load, N = ${flags.size}, ${flags.rule}`,
        xLabel: 'load α = P/N',
        yLabel: 'overlap',
        yRange: [0, 1.02],
      },
    ),
  )
  const rows = curve.map((p) => ({
    load: p.load,
    patterns: p.patterns,
    mean_overlap: p.meanOverlap,
    overlap_error: p.overlapStandardError,
    perfect_fraction: p.perfectFraction,
  }))
  // the largest load still recalled with m > 0.9: a finite-N estimate of α_c (≈ 0.138 for Hebb)
  const last = [...curve].reverse().find((p) => p.meanOverlap > 0.9)
  finishCommand(
    run,
    last ? `overlap above 0.9 up to α = ${last.load}` : 'no load recalled with overlap above 0.9',
    { size: flags.size, rule: flags.rule, largestLoadAbove09: last?.load ?? null },
    rows,
  )
}

type PhaseFlags = CommonOptions & { size: number; loads: number[]; temperatures: number[] }

/** `gen hopfield phase`: the (α, T) phase diagram by Glauber simulation, against theory. */
function phaseCommand(flags: PhaseFlags): void {
  checkNetworkSize(flags.size)
  const run = startCommand('hopfield phase', flags)
  const diagram = phaseDiagram({
    size: flags.size,
    loads: flags.loads,
    temperatures: flags.temperatures,
    key: key(flags.seed),
  })
  const phases = ['retrieval', 'spin-glass', 'paramagnetic'] as const
  run.write(
    'phase.svg',
    scatterPlot(
      {
        x: diagram.points.map((p) => p.load),
        y: diagram.points.map((p) => p.temperature),
        classes: diagram.points.map((p) => phases.indexOf(p.phase)),
      },
      {
        title: `Phases of an N = ${flags.size} Hebbian network (0 retrieval, 1 spin glass, 2 paramagnet)`,
        xLabel: 'load α',
        yLabel: 'temperature T',
      },
    ),
  )
  const rows = diagram.points.map((p) => ({
    load: p.load,
    temperature: p.temperature,
    overlap: p.overlap,
    edwards_anderson: p.edwardsAnderson,
    phase: p.phase,
  }))
  const retrieval = rows.filter((r) => r.phase === 'retrieval').length
  finishCommand(
    run,
    `${retrieval} of ${rows.length} points in the retrieval phase (α_c(T = 0) = ${diagram.criticalLoad.toFixed(4)})`,
    { size: flags.size, criticalLoad: diagram.criticalLoad, theory: diagram.theory },
    rows,
  )
}

/** Adds `gen hopfield recall|capacity|phase` to the program. */
export function addHopfieldCommands(program: Command): void {
  const hopfield = program
    .command('hopfield')
    .description('associative memory: recall, capacity, phase diagram')
  const rule = () => new Option('--rule <name>', 'storage rule').choices(RULES).default('hebbian')

  withCommonOptions(
    hopfield.command('recall').description('store patterns, corrupt them, recall them'),
    'out/hopfield-recall',
  )
    .addOption(
      new Option('--patterns <kind>', 'glyphs (built in) or digits (MNIST, binarised)')
        .choices(['glyphs', 'digits'])
        .default('glyphs'),
    )
    .option('--count <n>', 'digits to store (with --patterns digits)', positiveInt('--count'), 5)
    .option('--noise <p>', 'share of bits flipped in each probe', fraction('--noise'), 0.2)
    .addOption(rule())
    .action(recallCommand)

  withCommonOptions(
    hopfield.command('capacity').description('recall overlap against the load α = P/N'),
    'out/hopfield-capacity',
  )
    .option('--size <N>', 'units', positiveInt('--size'), 200)
    .option(
      '--loads <list>',
      'loads α, comma-separated',
      numberList('--loads', 0, 10),
      [0.02, 0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.3],
    )
    .option('--trials <n>', 'networks per load', positiveInt('--trials'), 2)
    .addOption(rule())
    .action(capacityCommand)

  withCommonOptions(
    hopfield.command('phase').description('the (α, T) phase diagram by Glauber simulation'),
    'out/hopfield-phase',
  )
    .option('--size <N>', 'units', positiveInt('--size'), 200)
    .option(
      '--loads <list>',
      'loads α, comma-separated',
      numberList('--loads', 0, 10),
      [0.02, 0.05, 0.1, 0.15, 0.2],
    )
    .option(
      '--temperatures <list>',
      'temperatures, comma-separated',
      numberList('--temperatures', 0, 100),
      [0.2, 0.5, 0.8, 1.1, 1.4],
    )
    .action(phaseCommand)
}
