// What every subcommand does around its work: refuse what it cannot honour, make sure the
// output directory is writable before starting, and end with metrics.json, metrics.csv and one
// final line (or one JSON object with --json).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './cli-error.ts'
import type { CommonOptions } from './common-options.ts'
import { prepareOutputDir, writeFileAtomic } from './output.ts'

/** A running subcommand: where it writes and how it logs. */
export interface CommandRun {
  readonly name: string
  readonly outDir: string
  readonly options: CommonOptions
  /** Progress and notes, on stderr; silent with --quiet or --json. */
  log(line: string): void
  /** Writes one output file atomically and remembers it for the final line. */
  write(file: string, content: string | Uint8Array): string
}

/**
 * Starts a subcommand: checks the backend (these subcommands compute on the CPU in plain
 * typed arrays, so `--backend gpu` is refused rather than ignored) and prepares `--out`.
 */
export function startCommand(
  name: string,
  options: CommonOptions,
  backends: readonly string[] = ['cpu'],
): CommandRun & { files: string[] } {
  if (!backends.includes(options.backend)) {
    throw new CliError(
      `--backend: gen ${name} runs on ${backends.join(' or ')} only for now, got ${options.backend}`,
    )
  }
  const outDir = prepareOutputDir(options.out)
  refuseOtherCommandsOutput(outDir, name)
  const files: string[] = []
  return {
    name,
    outDir,
    options,
    files,
    log: (line) => {
      if (!options.quiet && !options.json) console.error(line)
    },
    write(file, content) {
      const path = join(outDir, file)
      writeFileAtomic(path, content)
      files.push(path)
      return path
    },
  }
}

/**
 * Every subcommand writes metrics.json (and often samples.png) in --out: a second command
 * pointed at the first one's directory (`gen rbm sample --out` where `gen rbm train` wrote)
 * would overwrite its metrics and leave a folder that mixes two runs. The same command again
 * (a rerun, `--resume`) may write over its own files.
 */
function refuseOtherCommandsOutput(outDir: string, name: string): void {
  const path = join(outDir, 'metrics.json')
  if (!existsSync(path)) return
  let previous: unknown
  try {
    previous = (JSON.parse(readFileSync(path, 'utf8')) as { command?: unknown }).command
  } catch {
    return // not ours (or unreadable): nothing to protect
  }
  if (typeof previous === 'string' && previous !== name) {
    throw new CliError(
      `--out: ${outDir} holds the output of \`gen ${previous}\` (its metrics.json); give \`gen ${name}\` another --out directory, so neither run's files are overwritten`,
    )
  }
}

/**
 * A number for metrics.json: JSON has no ±Infinity or NaN and JSON.stringify writes them as
 * null, which reads as "missing"; these are written as the strings "-Infinity", "Infinity" and
 * "NaN" instead (an AIS band whose lower end is ln 0, for example).
 */
export function jsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x)
}

/** Rows as CSV with a header line; numbers at full precision, text quoted when it must be. */
export function toCsv(rows: readonly Record<string, number | string>[]): string {
  if (rows.length === 0) return ''
  const columns = Object.keys(rows[0])
  const cell = (v: number | string | undefined) => {
    const s = v === undefined ? '' : String(v)
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`
}

/**
 * Ends a subcommand: writes metrics.json (and metrics.csv from `rows`), then prints one line
 * naming what was written, or the metrics as one JSON object with --json.
 */
export function finishCommand(
  run: CommandRun & { files: string[] },
  summary: string,
  metrics: Record<string, unknown>,
  rows?: readonly Record<string, number | string>[],
): void {
  if (rows !== undefined) run.write('metrics.csv', toCsv(rows))
  // the list names metrics.json itself, so the file, --json and the summary count agree
  const payload = {
    command: run.name,
    seed: run.options.seed,
    ...metrics,
    files: [...run.files, join(run.outDir, 'metrics.json')],
  }
  run.write('metrics.json', `${JSON.stringify(payload, null, 2)}\n`)
  if (run.options.json) console.log(JSON.stringify(payload))
  else console.log(`gen ${run.name}: ${summary}; wrote ${run.files.length} files to ${run.outDir}`)
}
