// Ctrl-C during a long run: one line that says where the run stopped and how to go on, the
// same exit code (130) as the default handler.
import { removeEmptyCreatedDirs } from './output.ts'

/**
 * Lets a pending signal's handler run: one macrotask turn of the event loop. Node runs signal
 * handlers between turns only, so long work with a handler installed must await this now and
 * then, or Ctrl-C waits for the work to end.
 */
export const yieldToSignals = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Until the returned function is called, Ctrl-C (SIGINT) runs `stop` (end a progress bar),
 * prints one line `gen: <describe()>`, removes the empty `--out` folders this process made and
 * exits 130, as without a handler. The work must await {@link yieldToSignals} now and then.
 */
export function onInterrupt(describe: () => string, stop?: () => void): () => void {
  const handler = () => {
    stop?.()
    console.error(`gen: ${describe()}`)
    removeEmptyCreatedDirs()
    process.exit(130)
  }
  process.on('SIGINT', handler)
  return () => process.off('SIGINT', handler)
}
