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
  if (id === 'hopfield') {
    const result = await page.evaluate(() => {
      window.genHopfield!.configure({ digit: 5, patterns: 10, noise: 0.2, speed: 100 })
      window.genHopfield!.corrupt()
      return window.genHopfield!.recall()
    })
    expect(result.energies.length).toBeGreaterThan(3)
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

  // one browser for the Ising and Hopfield checks below (launched by the first, closed at the end)
  let gpuBrowser: Browser
  afterAll(async () => {
    await gpuBrowser?.close()
  })

  describe('Ising page on webgpu', () => {
    let page: Page
    beforeAll(async () => {
      gpuBrowser = await launch(WEBGPU_FLAGS)
      ;({ page } = await openDemo(gpuBrowser, site.origin, 'ising.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
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
      // 64 frames of 4 sweeps; the page drops the first half as equilibration and bins the rest
      // into 16 blocks of 2 frames (8 sweeps, several autocorrelation times at T = 1.5)
      await page.waitForFunction(() => window.genIsing!.stats().samples >= 64, undefined, { timeout: 60_000 })
      const stats = await page.evaluate(() => window.genIsing!.stats())
      const exact = kaufman(64, 1.5).e
      console.log(
        `ising page T=1.5 L=64 on ${await page.evaluate(() => window.genIsing!.engine())}: e = ${stats.energy!.value.toFixed(5)} ± ${stats.energy!.error.toFixed(5)} over ${stats.samples} frames; exact ${exact.toFixed(5)}`,
      )
      expect(stats.params.temperature).toBe(1.5)
      // the per-sweep std of e at L = 64, T = 1.5 is about 0.01; 32 binned frames give ~0.002
      expect(stats.energy!.error).toBeLessThan(0.005)
      expect(Math.abs(stats.energy!.value - exact)).toBeLessThan(4 * stats.energy!.error + 1e-4)
    }, 90_000)

    /** Frames per second over a window of at least 1.5 s and one frame, after one warm-up frame. */
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
      it(`frames per second at ${size}x${size}, one sweep a frame, on webgpu (and cpu at 256)`, async () => {
        await page.evaluate(
          (L) =>
            window.genIsing!.set({ size: L, temperature: 2.269, sweepsPerFrame: 1, algorithm: 'metropolis' }),
          size,
        )
        const gpuFps = await measureFps(page)
        await screenshot(page, `ising-webgpu-${size}`)
        const adapter = await page.evaluate(() => window.genPage!.adapter)
        let cpuNote = ''
        if (size === 256) {
          // the same lattice on the cpu backend (the worker's metropolisSweep), for comparison;
          // the two pages share the CPU, so this one pauses meanwhile
          await page.evaluate(() => window.genIsing!.setRunning(false))
          const cpu = await openDemo(gpuBrowser, site.origin, `ising.html?backend=cpu&size=${size}`)
          const cpuFps = await measureFps(cpu.page)
          await screenshot(cpu.page, `ising-cpu-${size}`)
          await cpu.page.close()
          await page.evaluate(() => window.genIsing!.setRunning(true))
          expect(cpu.errors).toEqual([])
          // on a software adapter the worker's sweeps beat the composed tensor sweep
          expect(cpuFps).toBeGreaterThan(gpuFps)
          cpuNote = `, ${cpuFps.toFixed(1)} frames/s on cpu (worker metropolisSweep)`
        }
        console.log(
          `ising page ${size}x${size}: ${gpuFps.toFixed(2)} frames/s on webgpu (${adapter}, @gen/ising/gpu)${cpuNote}`,
        )
        // the loop advances; the figure itself is reported, not asserted (a shared CPU)
        expect(gpuFps).toBeGreaterThan(0)
      }, 60_000)
    }
  })

  describe('Hopfield page on webgpu', () => {
    let page: Page
    beforeAll(async () => {
      ;({ page } = await openDemo(gpuBrowser, site.origin, 'hopfield.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
    })

    it('recalls the stored digit from a 25% corrupted copy at P = 10 (α = 0.025), the energy never rising', async () => {
      for (const digit of [3, 8]) {
        const r = await page.evaluate((d) => {
          window.genHopfield!.configure({ digit: d, patterns: 10, noise: 0.25, speed: 50 })
          window.genHopfield!.corrupt()
          return window.genHopfield!.recall()
        }, digit)
        // 25% flipped: m = 1 − 2·0.25 = 0.5 at the start
        expect(r.start).toBeCloseTo(0.5, 5)
        expect(r.converged).toBe(true)
        expect(r.overlap).toBe(1)
        r.energies.slice(1).forEach((e, i) => expect(e).toBeLessThanOrEqual(r.energies[i] + 1e-9))
        expect(r.energies.at(-1)!).toBeLessThan(r.energies[0])
        // the overlaps on the backend (float32 matmul): the digit 1, the random patterns near 0
        const m = await page.evaluate(() => window.genHopfield!.overlaps())
        expect(m.length).toBe(10)
        expect(m[0]).toBeCloseTo(1, 5)
        for (const v of m.slice(1)) expect(Math.abs(v)).toBeLessThan(0.3)
      }
      await screenshot(page, 'hopfield-webgpu-recalled')
    }, 60_000)

    it('fails to recall at P = 120 (α = 0.3, above α_c ≈ 0.138), and the capacity scan drops between', async () => {
      const r = await page.evaluate(() => {
        window.genHopfield!.configure({ digit: 3, patterns: 120, noise: 0.25, speed: 100 })
        window.genHopfield!.corrupt()
        return window.genHopfield!.recall()
      })
      expect(r.overlap).toBeLessThan(0.8)
      const scan = await page.evaluate(() => window.genHopfield!.scan())
      const at = (alpha: number) => scan.find((p) => Math.abs(p.alpha - alpha) < 1e-9)!.overlap
      console.log(
        `hopfield capacity scan (N = 400, 10% noise, 4 trials): ${scan.map((p) => `${p.alpha.toFixed(2)}:${p.overlap.toFixed(2)}`).join(' ')}`,
      )
      // below α_c recall is near perfect (≥ 0.95), well above it the retrieval state is gone
      expect(at(0.06)).toBeGreaterThan(0.95)
      expect(at(0.1)).toBeGreaterThan(0.9)
      expect(at(0.3)).toBeLessThan(0.7)
      await screenshot(page, 'hopfield-webgpu-scan')
    }, 60_000)
  })
})
