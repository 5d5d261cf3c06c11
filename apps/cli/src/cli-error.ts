/** A user-facing error: printed as one line `gen: <message>`, exit code 1, no stack. */
export class CliError extends Error {
  override name = 'CliError'
}
