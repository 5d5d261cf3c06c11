// The `gen` command. Each subcommand is a thin layer over its package; `gen tour` is the main
// job (the README's demo command).
import { buildProgram } from './program.ts'

await buildProgram().parseAsync(process.argv)
