// Reading a model file named on the command line: a missing file, a directory or bytes of
// another format each give one `gen:` line naming the option, never a stack trace.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { CliError } from './cli-error.ts'

/**
 * Reads `path` and decodes it with the package's own decoder, or fails with one line naming
 * the option (`--weights`, `--resume`), the file and what the decoder said.
 *
 * @param path - the file
 * @param option - the option that named it, for the message
 * @param what - what the file must be, e.g. `a gen-boltzmann RBM checkpoint`
 * @param decode - the package's decode function (`decodeRbmCheckpoint`, `decodeCheckpoint`, ...)
 */
export function readModelFile<T>(
  path: string,
  option: string,
  what: string,
  decode: (bytes: Uint8Array) => T,
): T {
  if (!existsSync(path)) throw new CliError(`${option}: no such file ${path}`)
  if (!statSync(path).isFile()) throw new CliError(`${option}: ${path} is not a file`)
  const bytes = readFileSync(path)
  try {
    return decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (error) {
    throw new CliError(
      `${option}: ${path} is not ${what} (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}
