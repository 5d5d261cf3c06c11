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
  if (id === 'cnn') {
    const p = await page.evaluate(() => window.genCnn!.sample(0))
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
  }
  if (id === 'rbm') {
    await page.waitForFunction(() => window.genRbm!.status().steps >= 5, undefined, { timeout: 30_000 })
  }
  if (id === 'vae') {
    const image = await page.evaluate(() => window.genVae!.decodeAt(0, 0))
    expect(image.length).toBe(784)
  }
  if (id === 'flow') {
    // the worker trains and posts its weights every 250 steps; one Euler step of the net on the
    // page's backend gives the cpu backend's points (same weights, same noise)
    await page.waitForFunction(() => window.genFlow!.status().trainedStep >= 250, undefined, {
      timeout: 60_000,
    })
    for (let attempt = 0; ; attempt++) {
      const [cpu, own] = await page.evaluate(async () => {
        const options = { numSteps: 1, method: 'euler', model: 'trained', seed: 0 } as const
        const a = await window.genFlow!.sample({ ...options, on: 'cpu' })
        return [a, await window.genFlow!.sample({ ...options, on: 'page' })]
      })
      if (cpu.trainedStep !== own.trainedStep && attempt < 3) continue
      expect(own.backend).toBe(await page.evaluate(() => window.genPage!.backend))
      const gap = Math.max(...own.points.map((v, i) => Math.abs(v - cpu.points[i])))
      expect(gap).toBeLessThan(2e-3)
      break
    }
  }
  if (id === 'ddim') {
    await page.waitForFunction(() => window.genDdim!.status().trainedStep >= 250, undefined, {
      timeout: 60_000,
    })
    const r = await page.evaluate(() => window.genDdim!.sample({ numSteps: 10, animate: false }))
    expect(r.frames).toBe(11)
    // the noise level falls from nearly 1 at the first DDIM step to 0 at the last frame
    expect(r.noiseLevels[0]).toBeGreaterThan(0.99)
    expect(r.noiseLevels.at(-1)).toBe(0)
    r.noiseLevels.slice(1).forEach((v, i) => expect(v).toBeLessThan(r.noiseLevels[i]))
  }
  if (id === 'text') {
    await page.waitForFunction(() => window.genText!.status().trained, undefined, {
      timeout: 60_000,
      polling: 500,
    })
    const r = await page.evaluate(() => window.genText!.sample({ numSteps: 4, seed: 0 }))
    // K = 4 forward passes for 8 tokens: two positions committed at every step, every position once
    expect(r.modelCalls).toBe(4)
    for (const s of r.sentences) {
      expect(s.tokens.length).toBe(8)
      for (let k = 0; k < 4; k++) expect(s.committedAt.filter((at) => at === k).length).toBe(2)
    }
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
          // the text page trains its model for 50 steps only (600 by default): the check is that it runs
          const path =
            entry.id === 'ising'
              ? `${entry.file}?size=64`
              : entry.id === 'text'
                ? `${entry.file}?steps=50`
                : entry.file
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

  // one browser for the page-specific checks below (a describe's own beforeAll, so `-t` can pick one)
  let gpuBrowser: Browser
  beforeAll(async () => {
    gpuBrowser = await launch(WEBGPU_FLAGS)
  }, 60_000)
  afterAll(async () => {
    await gpuBrowser?.close()
  })

  describe('Ising page on webgpu', () => {
    let page: Page
    beforeAll(async () => {
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
          sweepsPerFrame: 3,
        })
        window.genIsing!.reset('up')
      })
      // 64 frames of 3 sweeps; the page drops the first half as equilibration and bins the rest
      // into 16 blocks of 2 frames (6 sweeps, several autocorrelation times at T = 1.5)
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

  describe('CNN page on webgpu', () => {
    let page: Page
    beforeAll(async () => {
      ;({ page } = await openDemo(gpuBrowser, site.origin, 'cnn.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
    })

    it('classifies the ten stroke-drawn sample digits (at least 8 right) and a digit drawn with the mouse', async () => {
      const labels: number[] = []
      for (let d = 0; d < 10; d++)
        labels.push((await page.evaluate((digit) => window.genCnn!.sample(digit), d)).label)
      const right = labels.filter((l, d) => l === d).length
      console.log(`cnn page on webgpu: samples 0-9 classified as ${labels.join(' ')} (${right}/10 right)`)
      expect(right).toBeGreaterThanOrEqual(8)
      // a "1" drawn with the mouse: a vertical stroke
      await page.evaluate(() => window.genCnn!.clear())
      const box = (await page.locator('#pad').boundingBox())!
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15)
      await page.mouse.down()
      for (let k = 1; k <= 10; k++)
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * k))
      await page.mouse.up()
      await page.waitForFunction(() =>
        document.getElementById('readout')!.textContent.startsWith('prediction'),
      )
      const drawn = await page.evaluate(() => window.genCnn!.classify())
      expect(drawn!.label).toBe(1)
      await screenshot(page, 'cnn-webgpu-drawn')
    }, 60_000)

    it('a click on a C3 unit outlines its 14 × 14 receptive field (LeNet-5: start −2, jump 2)', async () => {
      await page.evaluate(() => window.genCnn!.sample(3))
      // C3 map 2, unit (3, 3): maps are 10 px at 4× with 4 px gaps; click that unit's centre
      const box = (await page.locator('#maps-c3').boundingBox())!
      await page.mouse.click(box.x + 4 + 2 * 44 + 3 * 4 + 2, box.y + 4 + 3 * 4 + 2)
      const text = await page.textContent('#field')
      expect(text).toContain('C3 map 2, unit (3, 3) sees input rows 4–17, columns 4–17')
      // a C1 unit at the corner: 5 × 5 around it, clipped by the padding
      const c1 = await page.evaluate(() =>
        window.genCnn!.selectUnit({ layer: 1, channel: 0, row: 0, col: 0 }),
      )
      expect(c1).toEqual({ rows: [0, 2], cols: [0, 2] })
      await page.evaluate(() => window.genCnn!.selectUnit({ layer: 4, channel: 2, row: 3, col: 3 }))
      await screenshot(page, 'cnn-webgpu-receptive-field')
    }, 30_000)
  })

  describe('RBM page', () => {
    it('Gibbs chains move from coin flips (mean ink 0.5) to digit statistics (MNIST mean 0.131) within 60 steps', async () => {
      const { page, errors } = await openDemo(gpuBrowser, site.origin, 'rbm.html')
      try {
        await page.waitForFunction(() => window.genRbm!.status().steps >= 60, undefined, { timeout: 45_000 })
        const { steps, meanInk, model } = await page.evaluate(() => window.genRbm!.status())
        console.log(`rbm page (${model}): mean p(v=1|h) ${meanInk.toFixed(3)} after ${steps} Gibbs steps`)
        expect(model).toBe('pcd')
        expect(meanInk).toBeGreaterThan(0.06)
        expect(meanInk).toBeLessThan(0.22)
        await screenshot(page, 'rbm-samples')
        expect(errors).toEqual([])
      } finally {
        await page.close()
      }
    }, 60_000)
  })

  describe('VAE page on webgpu', () => {
    let page: Page
    let errors: string[]
    beforeAll(async () => {
      ;({ page, errors } = await openDemo(gpuBrowser, site.origin, 'vae.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
    })

    /** Squared distance between two images. */
    const distance = (a: readonly number[], b: readonly number[]) =>
      a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)
    /** How many reconstructions are nearest to their own input among the ten inputs. */
    const ownNearest = (inputs: number[][], recs: number[][]) =>
      recs.filter((r, d) => {
        const ds = inputs.map((x) => distance(x, r))
        return ds.indexOf(Math.min(...ds)) === d
      }).length

    it('both VAEs reconstruct the sample digits nearer to themselves than to the other digits', async () => {
      const { inputs, latent20, latent2 } = await page.evaluate(() => window.genVae!.digits())
      const own20 = ownNearest(inputs, latent20)
      const own2 = ownNearest(inputs, latent2)
      console.log(`vae page: reconstructions nearest their own input: 20-D ${own20}/10, 2-D ${own2}/10`)
      expect(own20).toBeGreaterThanOrEqual(9)
      expect(own2).toBeGreaterThanOrEqual(5)
    }, 30_000)

    it('a click on the map decodes the point under the pointer (at digit 0’s code, an image near the 2-D reconstruction of 0)', async () => {
      const codes = await page.evaluate(() => window.genVae!.codes2d())
      // every code inside the map, and not all in one place
      for (const [z1, z2] of codes) expect(Math.max(Math.abs(z1), Math.abs(z2))).toBeLessThan(3.2)
      const spread = Math.max(...codes.map(([z1]) => z1)) - Math.min(...codes.map(([z1]) => z1))
      expect(spread).toBeGreaterThan(0.5)
      // the map spans [−3 − s/2, 3 + s/2] in 16 tiles of 28 px (s = 6/15): click at digit 0's code
      const box = (await page.locator('#map').boundingBox())!
      const [z1, z2] = codes[0]
      const s = 6 / 15
      const width = 16 * s
      await page.mouse.click(
        box.x + 1 + ((z1 + 3 + s / 2) / width) * 448,
        box.y + 1 + ((3 + s / 2 - z2) / width) * 448,
      )
      await page.waitForFunction(
        (z) => {
          const sel = window.genVae!.selected()
          return sel !== null && Math.abs(sel.z[0] - z[0]) < 0.05 && Math.abs(sel.z[1] - z[1]) < 0.05
        },
        codes[0],
        { timeout: 10_000 },
      )
      const selected = (await page.evaluate(() => window.genVae!.selected()))!
      const { latent2 } = await page.evaluate(() => window.genVae!.digits())
      // within a pixel of μ(x₀) the decoder's mean is nearly the reconstruction of 0
      const own = distance(selected.image, latent2[0])
      const others = latent2.slice(1).map((r) => distance(selected.image, r))
      expect(own).toBeLessThan(Math.min(...others))
      await screenshot(page, 'vae-webgpu-map')
    }, 30_000)

    it('linear and spherical paths share their ends; slerp keeps |z| up where lerp sags', async () => {
      const r = await page.evaluate(() => window.genVae!.interpolate(4, 9))
      const { latent20 } = await page.evaluate(() => window.genVae!.digits())
      expect(r.linear.length).toBe(10)
      // the ends are the reconstructions of the two digits, on both paths
      for (const path of [r.linear, r.spherical]) {
        expect(distance(path[0], latent20[4])).toBeLessThan(1e-3)
        expect(distance(path[9], latent20[9])).toBeLessThan(1e-3)
      }
      const mid = 4
      console.log(
        `vae page 4 → 9: |z| ends ${r.linearNorms[0].toFixed(2)}, ${r.linearNorms[9].toFixed(2)}; middle linear ${r.linearNorms[mid].toFixed(2)}, spherical ${r.sphericalNorms[mid].toFixed(2)}`,
      )
      expect(r.sphericalNorms[mid]).toBeGreaterThan(r.linearNorms[mid])
      expect(r.sphericalNorms[mid]).toBeGreaterThan(0.9 * Math.min(r.linearNorms[0], r.linearNorms[9]))
      // the path moves: the middle image differs from both ends
      expect(distance(r.linear[mid], r.linear[0])).toBeGreaterThan(1)
      expect(distance(r.linear[mid], r.linear[9])).toBeGreaterThan(1)
      await screenshot(page, 'vae-webgpu-interpolation')
      expect(errors).toEqual([])
    }, 30_000)
  })

  describe('Flow-matching page on webgpu', () => {
    let page: Page
    let errors: string[]
    beforeAll(async () => {
      ;({ page, errors } = await openDemo(gpuBrowser, site.origin, 'flow.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
    })

    it('the net trained in the worker (2000 steps) carries noise to the 8 Gaussians; one Euler step does not', async () => {
      await page.waitForFunction(
        () => !window.genFlow!.status().training && window.genFlow!.status().trainedStep === 2000,
        undefined,
        { timeout: 150_000, polling: 500 },
      )
      const trainedAt = await page.textContent('#train-readout')
      const sample = (options: { numSteps: number; method: 'euler' | 'heun'; model: 'trained' | 'exact' }) =>
        page.evaluate((o) => window.genFlow!.sample({ ...o, seed: 0, on: 'cpu' }), options)
      const exact = await sample({ numSteps: 50, method: 'heun', model: 'exact' })
      const oneStep = await sample({ numSteps: 1, method: 'euler', model: 'trained' })
      const heun = await sample({ numSteps: 20, method: 'heun', model: 'trained' })
      console.log(
        `flow page: ${trainedAt!.split('\n').at(-1)}; energy distance to the data: noise ${heun.noiseEnergyDistance.toFixed(3)}, exact field 50 Heun ${exact.energyDistance.toFixed(4)}, net 1 Euler ${oneStep.energyDistance.toFixed(4)}, net 20 Heun ${heun.energyDistance.toFixed(4)} (${heun.milliseconds.toFixed(0)} ms for 1000 points on ${heun.backend})`,
      )
      expect(heun.pathLength).toBe(21)
      expect(exact.energyDistance).toBeLessThan(0.01)
      expect(heun.energyDistance).toBeLessThan(0.02)
      expect(heun.energyDistance).toBeLessThan(heun.noiseEnergyDistance / 10)
      // one Euler step from t = 0, where v(x, 0) = E[x_data] − x, takes every point to the centre
      expect(oneStep.energyDistance).toBeGreaterThan(2 * heun.energyDistance)
      await screenshot(page, 'flow-webgpu-eight')
      expect(errors).toEqual([])
    }, 180_000)
  })

  describe('DDIM page on webgpu', () => {
    let page: Page
    let errors: string[]
    beforeAll(async () => {
      ;({ page, errors } = await openDemo(gpuBrowser, site.origin, 'ddim.html'))
    }, 60_000)
    afterAll(async () => {
      await page?.close()
    })

    it('the conditional net covers the 8 modes unguided, and guidance w = 3 puts 90% of the points in the chosen mode', async () => {
      const sample = (label: number | null, guidance: number) =>
        page.evaluate(
          (o) => window.genDdim!.sample({ numSteps: 20, eta: 0, seed: 0, animate: false, ...o }),
          { label, guidance },
        )
      await page.waitForFunction(() => window.genDdim!.status().trainedStep >= 1000, undefined, {
        timeout: 150_000,
        polling: 500,
      })
      const early = await sample(null, 1)
      console.log(
        `ddim page after ${early.trainedStep} steps: unconditional energy distance ${early.energyDistance.toFixed(4)}`,
      )
      await page.waitForFunction(
        () => !window.genDdim!.status().training && window.genDdim!.status().trainedStep === 2000,
        undefined,
        { timeout: 150_000, polling: 500 },
      )
      const trainedAt = await page.textContent('#train-readout')
      const free = await sample(null, 1)
      const guided = await sample(3, 3)
      const none = await sample(3, 0)
      console.log(
        `ddim page: ${trainedAt!.split('\n').at(-1)}; 20 DDIM steps for 500 points on cpu in ${free.milliseconds.toFixed(0)} ms; unconditional energy distance ${free.energyDistance.toFixed(4)} (noise ${free.noiseEnergyDistance.toFixed(3)}), mode shares ${free.modeShares.map((v) => v.toFixed(2)).join(' ')}; mode 3 share with w = 3: ${guided.modeShares[3].toFixed(3)}, with w = 0: ${none.modeShares[3].toFixed(3)}`,
      )
      // the unconditional model (the null label, 10% of the training batches) is the weaker one:
      // every mode is reached, with points strewn between them
      expect(free.energyDistance).toBeLessThan(free.noiseEnergyDistance / 3)
      for (const share of free.modeShares) {
        expect(share).toBeGreaterThan(0.02)
        expect(share).toBeLessThan(0.25)
      }
      expect(guided.modeShares[3]).toBeGreaterThan(0.9)
      // w = 0 is the unconditional model: the chosen mode holds about an eighth
      expect(none.modeShares[3]).toBeLessThan(0.3)
      await page.evaluate(() =>
        window.genDdim!.sample({ numSteps: 20, eta: 0, seed: 0, label: 3, guidance: 3, animate: false }),
      )
      await page.evaluate(() => window.genDdim!.showFrame(12))
      await screenshot(page, 'ddim-webgpu-guided-frame12')
      expect(errors).toEqual([])
    }, 240_000)
  })

  describe('Masked diffusion text page on webgpu', () => {
    it('300 training steps in the worker: most sentences valid with 8 steps, fewer with 2 (64 sampled)', async () => {
      const { page, errors } = await openDemo(gpuBrowser, site.origin, 'text.html?steps=300')
      try {
        await page.waitForFunction(() => window.genText!.status().trained, undefined, {
          timeout: 150_000,
          polling: 500,
        })
        const trainedAt = await page.textContent('#train-readout')
        const shares: string[] = []
        const valid: Record<number, number> = {}
        for (const numSteps of [8, 4, 2]) {
          const r = await page.evaluate(
            (n) => window.genText!.sample({ numSteps: n, seed: 0, numSamples: 64 }),
            numSteps,
          )
          valid[numSteps] = r.validShare
          shares.push(
            `K = ${numSteps}: ${(100 * r.validShare).toFixed(0)} % valid, ${r.milliseconds.toFixed(0)} ms`,
          )
        }
        const r = await page.evaluate(() => window.genText!.sample({ numSteps: 4, seed: 0 }))
        console.log(
          `text page: ${trainedAt}; 64 sentences each: ${shares.join('; ')}; e.g. ${r.sentences
            .slice(0, 3)
            .map((s) => `"${s.text}"`)
            .join(', ')}`,
        )
        // random words are almost never a sentence; after 300 steps most are, and committing
        // four tokens a step (K = 2) costs validity, as parallel decoding ignores their dependence
        expect(valid[8]).toBeGreaterThanOrEqual(0.5)
        expect(valid[4]).toBeGreaterThanOrEqual(0.4)
        expect(valid[2]).toBeLessThan(valid[8])
        await page.evaluate(() => window.genText!.showStep(1))
        await screenshot(page, 'text-webgpu-step2')
        expect(errors).toEqual([])
      } finally {
        await page.close()
      }
    }, 200_000)
  })
})
