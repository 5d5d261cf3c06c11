import { Command, Option } from 'commander'
import { withCommonOptions, type CommonOptions } from './common-options.ts'
import { addAutoencoderCommands } from './commands/autoencoder.ts'
import { addCnnCommands } from './commands/cnn.ts'
import { addDbnCommands } from './commands/dbn.ts'
import { addDiffusionCommands } from './commands/diffusion.ts'
import { addGanCommands } from './commands/gan.ts'
import { addHopfieldCommands } from './commands/hopfield.ts'
import { addIsingCommands } from './commands/ising.ts'
import { addRbmCommands } from './commands/rbm.ts'
import { runTour } from './tour.ts'

/** Builds the commander program (exported for tests, which run it without a process exit). */
export function buildProgram(): Command {
  const program = new Command('gen')
    .description('gen: generative models from the Ising model to diffusion')
    // every error line starts `gen: ` (commander's own say `error: `); subcommands inherit this
    .configureOutput({ outputError: (text, write) => write(`gen: ${text.replace(/^error: /, '')}`) })

  withCommonOptions(
    program
      .command('tour')
      .description('run the whole story on real data with quick defaults and write one HTML report'),
    'out/tour',
  )
    .addOption(new Option('--quick', 'the CI-sized version of the tour').conflicts('full'))
    .addOption(new Option('--full', 'the long versions of every section'))
    .action(async (opts: CommonOptions & { quick?: boolean; full?: boolean }) => {
      await runTour({ ...opts, size: opts.full ? 'full' : opts.quick ? 'quick' : 'default' })
    })
  addIsingCommands(program)
  addHopfieldCommands(program)
  addCnnCommands(program)
  addRbmCommands(program)
  addDbnCommands(program)
  addAutoencoderCommands(program)
  addGanCommands(program)
  addDiffusionCommands(program)
  return program
}
