import { Command, InvalidArgumentError } from 'commander'
import { runTour } from './tour.ts'

/** Parses a strictly positive integer option, or fails before any work starts. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`)
    return n
  }
}

/** Builds the commander program (exported for tests, which run it without a process exit). */
export function buildProgram(): Command {
  const program = new Command('gen')
    .description('gen: generative models from the Ising model to diffusion')
    .showHelpAfterError()

  program
    .command('tour')
    .description('run the whole story on real data with quick defaults and write one HTML report')
    .option('--out <dir>', 'output directory', 'out/tour')
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 1)
    .option('--quiet', 'print only the final line')
    .action(async (opts: { out: string; seed: number; quiet?: boolean }) => {
      await runTour({ outDir: opts.out, seed: opts.seed, quiet: opts.quiet === true })
    })
  return program
}
