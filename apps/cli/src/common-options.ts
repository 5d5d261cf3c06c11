import { Option, InvalidArgumentError, type Command } from 'commander'

/** Options every subcommand takes. */
export interface CommonOptions {
  backend: 'cpu' | 'gpu' | 'reference'
  seed: number
  out: string
  quiet?: boolean
  json?: boolean
}

/** Parses a non-negative integer option (seeds), or fails before any work starts. */
export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${value}`)
    }
    return n
  }
}

/** Parses a strictly positive integer option (sizes, steps, counts). */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`)
    }
    return n
  }
}

/** Parses a strictly positive finite number option (temperatures, rates). */
export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`)
    }
    return n
  }
}

/** The largest `--lr` any subcommand takes: far above every working rate, below where a single step overflows. */
export const MAX_LEARNING_RATE = 10

/**
 * Parses a learning rate: a finite number in (0, MAX_LEARNING_RATE]. Without the upper bound
 * `--lr 1e300` reaches the package and fails deep inside it (a non-finite weight, a picture of
 * NaN) instead of naming the option.
 */
export function learningRate(name: string) {
  const positive = positiveNumber(name)
  return (value: string): number => {
    const n = positive(value)
    if (n > MAX_LEARNING_RATE) {
      throw new InvalidArgumentError(`${name} must be at most ${MAX_LEARNING_RATE}, got ${value}`)
    }
    return n
  }
}

/** Every backend name `--backend` knows. */
const KNOWN_BACKENDS: readonly string[] = ['cpu', 'gpu', 'reference']

/**
 * Adds --backend, --seed, --out, --quiet and --json to a subcommand. `--help` lists only the
 * `backends` the subcommand runs on; another known name gets past parsing so that the
 * subcommand's own line says it does not run there yet, an unknown one is refused here.
 */
export function withCommonOptions(
  command: Command,
  defaultOut: string,
  backends: readonly string[] = ['cpu'],
): Command {
  return command
    .addOption(
      new Option('--backend <name>', 'tensor backend')
        .choices(backends)
        .argParser((value: string) => {
          if (!KNOWN_BACKENDS.includes(value))
            throw new InvalidArgumentError(`Allowed choices are ${backends.join(', ')}.`)
          return value
        })
        .default('cpu'),
    )
    .option('--seed <n>', 'random seed (a non-negative integer)', nonNegativeInt('--seed'), 1)
    .option('--out <dir>', 'output directory', defaultOut)
    .option('--quiet', 'print only errors and the final line')
    .option('--json', 'print the final metrics as one JSON object on stdout')
}
