/**
 * The playground in headless Chromium, from the built files: every page loads without console
 * errors, reports its backend (webgpu with WebGPU on, webgl2 with it off), runs its demo for a
 * few steps and draws canvases that are not blank; the Ising page's energy at T = 1.5 matches
 * Kaufman's exact finite-lattice value; the Ising frame rate at 256² and 512² is measured.
 * Screenshots land in test-results/. Without /usr/bin/chromium the file skips, except under
 * GEN_GPU_REQUIRED=1 (CI), where it fails.
 */
import type { Browser, Page } from 'playwright-core'
import { kaufman } from '@gen/ising'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PAGES } from '../pages.ts'
import {
  AVAILABLE,
  NO_WEBGPU_FLAGS,
  REQUIRED,
  WEBGPU_FLAGS,
  buildAndServe,
  canvasStats,
  launch,
  openDemo,
  screenshot,
  type Site,
} from './harness.ts'

/** Waits until the demo on `page` has made progress (page-specific), then returns. */
async function runFewSteps(page: Page, id: string): Promise<void> {
  if (id === 'ising') {
    const start = await page.evaluate(() => window.genIsing!.frames().frames)
    await page.waitForFunction((f) => window.genIsing!.frames().frames >= f + 5, start, { timeout: 30_000 })
  }
}

const suite = describe.skipIf(!AVAILABLE && !REQUIRED)

suite('playground in headless Chromium', () => {
  let site: Site
  beforeAll(async () => {
    if (!AVAILABLE) throw new Error('/usr/bin/chromium is missing (GEN_GPU_REQUIRED=1 needs it)')
    site = await buildAndServe()
  }, 120_000)
  afterAll(async () => {
    await site?.close()
  })

  for (const [label, flags, backend] of [
    ['WebGPU on', WEBGPU_FLAGS, 'webgpu'],
    ['WebGPU off', NO_WEBGPU_FLAGS, 'webgl2'],
  ] as const) {
    describe(label, () => {
      let browser: Browser
      beforeAll(async () => {
        browser = await launch(flags)
      }, 60_000)
      afterAll(async () => {
        await browser?.close()
      })

      for (const entry of PAGES) {
        it(`${entry.file}: loads without errors on ${backend}, runs, draws`, async () => {
          // the Ising page at 64² (its default is 256²): the check is that it runs, not its speed
          const path = entry.id === 'ising' ? `${entry.file}?size=64` : entry.file
          const { page, errors } = await openDemo(browser, site.origin, path)
          try {
            const state = await page.evaluate(() => window.genPage!)
            expect(state.backend).toBe(backend)
            expect(await page.getAttribute('#backend', 'data-backend')).toBe(backend)
            await runFewSteps(page, entry.id)
            const stats = await canvasStats(page)
            expect(stats.length).toBeGreaterThan(0)
            for (const c of stats) {
              // a blank canvas is one flat colour: std 0; every plot, lattice or digit has ink
              expect(c.std, `canvas #${c.id} is blank (mean ${c.mean.toFixed(1)})`).toBeGreaterThan(3)
            }
            await screenshot(page, `${entry.id}-${backend}`)
            expect(errors).toEqual([])
          } finally {
            await page.close()
          }
        }, 90_000)
      }
    })
  }

  describe('Ising page on webgpu', () => {
    let browser: Browser
    let page: Page
    beforeAll(async () => {
      browser = await launch(WEBGPU_FLAGS)
      ;({ page } = await openDemo(browser, site.origin, 'ising.html'))
    }, 60_000)
    afterAll(async () => {
      await browser?.close()
    })

    it('energy per spin after equilibration at T = 1.5 (L = 64) is Kaufman’s exact value within 4 standard errors', async () => {
      await page.evaluate(() => {
        window.genIsing!.set({
          size: 64,
          temperature: 1.5,
          field: 0,
          algorithm: 'metropolis',
          sweepsPerFrame: 4,
        })
        window.genIsing!.reset('up')
      })
      // 96 frames of 4 sweeps; the page drops the first half as equilibration and bins the rest
      await page.waitForFunction(() => window.genIsing!.stats().samples >= 96, undefined, { timeout: 60_000 })
      const stats = await page.evaluate(() => window.genIsing!.stats())
      const exact = kaufman(64, 1.5).e
      console.log(
        `ising page T=1.5 L=64 on ${await page.evaluate(() => window.genIsing!.engine())}: e = ${stats.energy!.value.toFixed(5)} ± ${stats.energy!.error.toFixed(5)} over ${stats.samples} frames; exact ${exact.toFixed(5)}`,
      )
      expect(stats.params.temperature).toBe(1.5)
      // the per-sweep std of e at L = 64, T = 1.5 is about 0.01; 48 binned frames give ~0.0015
      expect(stats.energy!.error).toBeLessThan(0.005)
      expect(Math.abs(stats.energy!.value - exact)).toBeLessThan(4 * stats.energy!.error + 1e-4)
    }, 90_000)

    /** Frames per second over a window of at least 2 s and 2 frames, after one warm-up frame. */
    const measureFps = async (target: Page): Promise<number> => {
      const warm = await target.evaluate(() => window.genIsing!.frames().frames)
      await target.waitForFunction((f) => window.genIsing!.frames().frames >= f + 1, warm, {
        timeout: 20_000,
      })
      const a = await target.evaluate(() => window.genIsing!.frames())
      await target.waitForTimeout(2000)
      await target.waitForFunction((f) => window.genIsing!.frames().frames >= f + 2, a.frames, {
        timeout: 20_000,
      })
      const b = await target.evaluate(() => window.genIsing!.frames())
      return (1000 * (b.frames - a.frames)) / (b.now - a.now)
    }

    for (const size of [256, 512]) {
      it(`frames per second at ${size}x${size}, one sweep a frame: gpu sweep on webgpu, cpu sweep in the worker`, async () => {
        await page.evaluate(
          (L) =>
            window.genIsing!.set({ size: L, temperature: 2.269, sweepsPerFrame: 1, algorithm: 'metropolis' }),
          size,
        )
        const gpuFps = await measureFps(page)
        await screenshot(page, `ising-webgpu-${size}`)
        // the two pages share the CPU: pause this one while the other is measured
        await page.evaluate(() => window.genIsing!.setRunning(false))
        const { page: cpuPage, errors } = await openDemo(
          browser,
          site.origin,
          `ising.html?backend=cpu&size=${size}`,
        )
        const cpuFps = await measureFps(cpuPage)
        await screenshot(cpuPage, `ising-cpu-${size}`)
        await cpuPage.close()
        await page.evaluate(() => window.genIsing!.setRunning(true))
        const adapter = await page.evaluate(() => window.genPage!.adapter)
        console.log(
          `ising page ${size}x${size}: ${gpuFps.toFixed(2)} frames/s on webgpu (${adapter}, @gen/ising/gpu), ${cpuFps.toFixed(1)} frames/s on cpu (worker metropolisSweep)`,
        )
        expect(errors).toEqual([])
        // the loops advance; the figures themselves are reported, not asserted (shared CPU)
        expect(gpuFps).toBeGreaterThan(0)
        expect(cpuFps).toBeGreaterThan(gpuFps)
      }, 60_000)
    }
  })
})
