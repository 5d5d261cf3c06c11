import { join } from 'node:path'
import type { CommonOptions } from './common-options.ts'
import { prepareOutputDir, writeFileAtomic } from './output.ts'

/** Options of `gen tour`. */
export interface TourOptions extends CommonOptions {
  /** `quick` is the CI-sized tour, `full` the long versions. */
  size: 'quick' | 'default' | 'full'
}

/** One section of the tour report. */
export interface TourSection {
  title: string
  html: string
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

/**
 * Runs the tour's sections and writes `report.html` into `outDir`. Sections are added as the
 * model packages land (see apps/cli issue); each brings its pictures and its numbers.
 */
export async function runTour(options: TourOptions): Promise<string> {
  const outDir = prepareOutputDir(options.out)
  const log = (line: string) => {
    if (!options.quiet && !options.json) console.error(line)
  }
  const sections: TourSection[] = []
  const started = Date.now()
  log(`gen tour: seed ${options.seed}, writing to ${outDir}`)
  await Promise.resolve()
  sections.push({
    title: 'About this report',
    html: `<p>Seed ${options.seed}. Sections appear here as gen's model packages land.</p>`,
  })
  const body = sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.html}</section>`).join('\n')
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>gen tour</title></head><body><h1>gen tour</h1>${body}</body></html>\n`
  const reportPath = join(outDir, 'report.html')
  writeFileAtomic(reportPath, html)
  console.log(
    `gen tour: wrote ${reportPath} (${sections.length} sections, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )
  return reportPath
}
