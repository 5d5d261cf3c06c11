import { join } from 'node:path'
import { fold, key } from '@gen/core-tensor'
import type { LabeledImages } from '@gen/datasets'
import { loadMnist } from '@gen/datasets/node'
import { renderReport, type ReportSection } from '@gen/viz'
import type { CommonOptions } from './common-options.ts'
import { CliError } from './cli-error.ts'
import { prepareOutputDir, writeFileAtomic } from './output.ts'
import { hopfieldSection } from './tour/hopfield-section.ts'
import { isingSection } from './tour/ising-section.ts'
import { cnnSection } from './tour/cnn-section.ts'
import { boltzmannSection, type GeneratorSamples } from './tour/boltzmann-section.ts'
import { generatorsSection, SCORED_SAMPLES } from './tour/generators-section.ts'
import { mnistSection } from './tour/mnist-section.ts'
import { ddpmSection, flowSection, langevinSection } from './tour/diffusion-section.ts'
import type { TourSection } from './tour/section.ts'
import type { TourSize } from './tour/sizes.ts'

/** Options of `gen tour`. */
export interface TourOptions extends CommonOptions {
  /** `quick` is the CI-sized tour, `default` the README's demo, `full` the long versions. */
  size: TourSize
}

/**
 * Runs the tour's sections and writes one self-contained `report.html` into `outDir`. Sections
 * are added as the model packages land; each brings its pictures and its numbers, measured
 * next to the exact answer where physics gives one.
 */
export async function runTour(options: TourOptions): Promise<string> {
  // No section of the tour takes a backend yet (the gpu backend is its own issue): say so
  // rather than accept the flag and ignore it.
  if (options.backend !== 'cpu') {
    throw new CliError(`--backend: the tour runs on the cpu backend only for now, got ${options.backend}`)
  }
  const outDir = prepareOutputDir(options.out)
  const log = (line: string) => {
    if (!options.quiet && !options.json) console.error(line)
  }
  const root = key(options.seed)
  const started = Date.now()
  log(`gen tour (${options.size}): seed ${options.seed}, writing to ${outDir}`)

  let mnist: { train: LabeledImages; test: LabeledImages } | null = null
  try {
    mnist = await loadMnist()
  } catch (error) {
    log(`gen tour: MNIST sections skipped: ${error instanceof Error ? error.message : String(error)}`)
  }

  const sections: ReportSection[] = []
  const metrics: Record<string, Record<string, number>> = {}
  const timed = async (name: string, run: () => TourSection | Promise<TourSection>) => {
    const t0 = Date.now()
    const section = await run()
    const seconds = (Date.now() - t0) / 1000
    sections.push(section.report)
    metrics[name] = { ...section.metrics, seconds }
    log(`gen tour: ${name} done in ${seconds.toFixed(1)} s`)
  }
  if (mnist !== null) await timed('data', () => mnistSection(mnist.test))
  await timed('ising', () => isingSection(options.size, fold(root, 1), log))
  await timed('hopfield', () => hopfieldSection(options.size, fold(root, 2), mnist?.train ?? null, log))
  if (mnist !== null) await timed('cnn', () => cnnSection(options.size, mnist.test, log))
  let others: GeneratorSamples[] = []
  if (mnist !== null)
    await timed('boltzmann', async () => {
      const section = await boltzmannSection(options.size, fold(root, 4), {
        mnist,
        scored: SCORED_SAMPLES[options.size],
        log,
      })
      others = section.samples
      return section
    })
  if (mnist !== null)
    await timed('generators', () => generatorsSection(options.size, fold(root, 3), mnist, { log, others }))
  // diffusion on toy 2-D data, trained live (no MNIST needed)
  await timed('flow', () => flowSection(options.size, fold(root, 5), log))
  await timed('langevin', () => langevinSection(options.size, fold(root, 6), log))
  await timed('ddpm', () => ddpmSection(options.size, fold(root, 7), log))

  const seconds = (Date.now() - started) / 1000
  const html = renderReport({
    title: 'gen tour',
    subtitle: `Seed ${options.seed}, ${options.size} settings, ${seconds.toFixed(1)} s on ${process.platform}/${process.arch}. Sections appear here as gen's model packages land.`,
    sections,
  })
  const reportPath = join(outDir, 'report.html')
  writeFileAtomic(reportPath, html)
  if (options.json) {
    console.log(
      JSON.stringify({
        report: reportPath,
        seed: options.seed,
        size: options.size,
        seconds,
        sections: metrics,
      }),
    )
  } else {
    console.log(`gen tour: wrote ${reportPath} (${sections.length} sections, ${seconds.toFixed(1)} s)`)
  }
  return reportPath
}
