// The `gen` command. Each subcommand is a thin layer over its package; `gen tour` is the main
// job (the README's demo command). User errors print one line `gen: <message>` and exit 1.
import { CommanderError } from 'commander'
import { CliError } from './cli-error.ts'
import { removeEmptyCreatedDirs } from './output.ts'
import { buildProgram } from './program.ts'

const program = buildProgram()
program.exitOverride()
for (const command of program.commands) command.exitOverride()

try {
  await program.parseAsync(process.argv)
} catch (error) {
  // a failed command leaves no empty --out folder it created
  removeEmptyCreatedDirs()
  if (error instanceof CommanderError) {
    // commander already printed its one-line message (unknown option, bad value, --help).
    process.exit(error.exitCode)
  }
  const isUserError =
    error instanceof CliError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[Symbol.for('gen.error')] === true)
  if (isUserError) {
    console.error(`gen: ${(error as Error).message}`)
    process.exit(1)
  }
  throw error
}
