import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { writeFileAtomicSync } from '@gen/core-tensor/node'
import { CliError } from './cli-error.ts'

/**
 * Writes `content` to `path` through a temporary file in the same directory and a rename, so a
 * crash or Ctrl-C never leaves a half-written file where a complete one is expected (the
 * project's one atomic writer, `@gen/core-tensor/node`).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  writeFileAtomicSync(path, content)
}

/**
 * `mkdir -p` one level at a time from the nearest existing ancestor. Node's recursive mkdir
 * retries forever where a parent refuses new entries with ENOENT (under /proc, for example);
 * a plain mkdir fails once.
 */
function makeDirectories(absolute: string): void {
  const missing: string[] = []
  let current = absolute
  while (!existsSync(current)) {
    missing.push(current)
    const parent = dirname(current)
    if (parent === current) break
    current = parent
  }
  for (const path of missing.reverse()) {
    mkdirSync(path)
    createdDirs.push(path)
  }
}

/** The directories this process made for `--out`, outermost first. */
const createdDirs: string[] = []

/**
 * Removes the `--out` directories this process made that are still empty, innermost first: a
 * command that fails (or is interrupted) after preparing `--out` leaves no empty folder behind.
 * Directories that existed before, or that hold anything, are kept. main.ts calls it on every
 * failure.
 */
export function removeEmptyCreatedDirs(): void {
  for (let dir = createdDirs.pop(); dir !== undefined; dir = createdDirs.pop()) {
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir)
    } catch {
      // gone already, or not ours to remove any more: leave it
    }
  }
}

/**
 * The absolute path a path on the command line (`--out`, `--weights`) names: relative paths are
 * taken from where the user ran the command. Through `pnpm gen` the process runs in apps/cli,
 * and pnpm sets INIT_CWD to the directory it was invoked from.
 */
export function resolveUserPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path)
}

/** The absolute path `--out DIR` names, without creating it. */
export function resolveOutputDir(dir: string): string {
  // resolve('') is the current directory: an empty --out (an unset shell variable) would
  // scatter the report there instead of failing.
  if (dir.trim() === '') throw new CliError(`--out: must name a directory, got an empty string`)
  return resolveUserPath(dir)
}

/**
 * Makes sure `dir` exists and is writable before any long work starts; otherwise a one-line
 * `CliError` that names the directory. Relative paths are taken from where the user ran the
 * command.
 */
export function prepareOutputDir(dir: string): string {
  const absolute = resolveOutputDir(dir)
  try {
    makeDirectories(absolute)
    // An existing file passes the W_OK check; the first write under it would then fail with
    // ENOTDIR only after all the work.
    if (!statSync(absolute).isDirectory()) {
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
    }
    accessSync(absolute, constants.W_OK)
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error)
    throw new CliError(`--out: cannot write to ${absolute} (${reason})`)
  }
  return absolute
}
