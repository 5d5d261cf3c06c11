import { SingleBar } from 'cli-progress'

/** Reports progress of one long task. */
export interface Progress {
  /** Sets the number of completed units, with the current numbers to show (loss, energy...). */
  update(completed: number, values?: Record<string, number | string>): void
  /** Ends the bar or prints the final line. */
  finish(): void
  /** Ends the bar (restoring the cursor) without a final line: the run was interrupted. */
  stop(): void
}

/** How progress is shown. */
export interface ProgressOptions {
  /** Label in front of the bar. */
  label: string
  /** Units of work in all. */
  total: number
  /** Show nothing. */
  quiet?: boolean
  /** Force plain periodic lines even on a TTY (also used when stderr is not a TTY). */
  plain?: boolean
  /** Minimum seconds between plain lines. */
  intervalSeconds?: number
  /** Where plain lines go (tests capture it); stderr by default. */
  write?: (line: string) => void
}

function formatValues(values: Record<string, number | string> | undefined): string {
  if (!values) return ''
  return Object.entries(values)
    .map(
      ([k, v]) =>
        `${k} ${typeof v === 'number' ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)) : v}`,
    )
    .join(', ')
}

/**
 * A progress reporter: a bar with rate, ETA and the current numbers on a TTY (cli-progress),
 * plain periodic lines otherwise (CI logs, pipes), nothing with `quiet`.
 */
export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) return { update: () => undefined, finish: () => undefined, stop: () => undefined }
  const useBar = !options.plain && process.stderr.isTTY
  if (useBar) {
    const bar = new SingleBar({
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | {info}`,
      stream: process.stderr,
      hideCursor: true,
    })
    const started = Date.now()
    bar.start(options.total, 0, { info: '', rate: '0' })
    return {
      update(completed, values) {
        const rate = completed / Math.max((Date.now() - started) / 1000, 1e-3)
        bar.update(completed, { info: formatValues(values), rate: rate.toFixed(1) })
      },
      finish() {
        bar.stop()
      },
      stop() {
        bar.stop()
      },
    }
  }
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const interval = (options.intervalSeconds ?? 2) * 1000
  const started = Date.now()
  let lastLine = 0
  let last = 0
  let lastValues: Record<string, number | string> | undefined
  const line = (completed: number) => {
    const elapsed = (Date.now() - started) / 1000
    const rate = completed / Math.max(elapsed, 1e-3)
    const eta = rate > 0 ? (options.total - completed) / rate : Infinity
    const info = formatValues(lastValues)
    write(
      `${options.label}: ${completed}/${options.total} (${((100 * completed) / options.total).toFixed(0)}%), ${rate.toFixed(1)}/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}${info ? `, ${info}` : ''}`,
    )
  }
  return {
    update(completed, values) {
      last = completed
      lastValues = values ?? lastValues
      const now = Date.now()
      if (now - lastLine >= interval) {
        lastLine = now
        line(completed)
      }
    },
    finish() {
      line(last)
    },
    stop: () => undefined,
  }
}
