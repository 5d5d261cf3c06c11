/**
 * The gpu backend in headless Chromium: every conformance case (value and gradient) and a
 * 20-step MLP run on MNIST digits, in the page's webgpu (SwiftShader), webgl2 (ANGLE on
 * SwiftShader) and webasm modes. The page is bundled from source with esbuild (test/gpu/browser/
 * entry.ts), served from 127.0.0.1 and driven by playwright-core (DESIGN.md, "Where GPU code
 * runs without a GPU"). A mode the page cannot start is reported skipped with gpu.js's reason;
 * without /usr/bin/chromium the whole file skips. With GEN_GPU_REQUIRED=1 (CI) both fail.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadMnist } from '@gen/datasets/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpu } from '../../src/backend/cpu'
import type { GpuMode } from '../../src/gpu/index'
import { gradientCases, valueCases } from '../../src/testing/cases'
import type { ModeResult } from './browser/entry'
import { MLP_RUN, type MlpData, type MlpResult, trainMlp } from './browser/mlp-steps'

const CHROMIUM = '/usr/bin/chromium'
const required = process.env.GEN_GPU_REQUIRED === '1'
/** WebGPU on SwiftShader's Vulkan, WebGL2 through ANGLE on SwiftShader (no GPU needed). */
const FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
]
const MODES: GpuMode[] = ['webgpu', 'webgl2', 'webasm']

interface PageLike {
  evaluate<TResult, TArg>(fn: (arg: TArg) => TResult | Promise<TResult>, arg: TArg): Promise<TResult>
}

interface Session {
  page: PageLike
  close(): Promise<void>
  errors: string[]
}

/** Bundles the page, serves it on 127.0.0.1 and opens it in headless Chromium. */
async function openPage(): Promise<Session> {
  const [{ build }, { chromium }] = await Promise.all([import('esbuild'), import('playwright-core')])
  const dir = mkdtempSync(join(tmpdir(), 'gen-gpu-page-'))
  await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'entry.js'),
    logLevel: 'error',
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/entry.js"></script></head><body>gen gpu</body></html>',
  )
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html'],
    '/entry.js': ['entry.js', 'text/javascript'],
  }
  const server: Server = createServer((request, response) => {
    const file = files[request.url ?? '']
    if (file === undefined) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': file[1] }).end(readFileSync(join(dir, file[0])))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`http://127.0.0.1:${port}/`)
  await page.waitForFunction(() => (globalThis as { genGpu?: unknown }).genGpu !== undefined)
  return {
    page: page as unknown as PageLike,
    errors,
    close: async () => {
      await browser.close()
      server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The first batch·batches training digits, pixels scaled to [0, 1]. */
async function mnistDigits(): Promise<{ x: number[]; y: number[] }> {
  const { train } = await loadMnist()
  const n = MLP_RUN.batch * MLP_RUN.batches
  return {
    x: Array.from(train.images.subarray(0, n * 784), (v) => v / 255),
    y: Array.from(train.labels.subarray(0, n)),
  }
}

const available = existsSync(CHROMIUM)

describe.skipIf(!available && !required)('gpu backend in headless Chromium', () => {
  const state: { session?: Session; data?: MlpData; cpu?: MlpResult; cpuCnn?: MlpResult } = {}
  const results = new Map<GpuMode, Promise<ModeResult>>()

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing (GEN_GPU_REQUIRED=1 needs it)`)
    const data = await mnistDigits()
    state.data = data
    state.session = await openPage()
    // the same steps on Node's cpu backend: the yardstick for every mode
    state.cpu = await trainMlp(cpu, data)
    state.cpuCnn = await trainMlp(cpu, data, 'cnn')
  }, 120_000)

  afterAll(async () => {
    await state.session?.close()
  })

  /** Runs one mode in the page (once; modes run one after another). */
  const resultOf = (mode: GpuMode): Promise<ModeResult> => {
    let result = results.get(mode)
    if (result === undefined) {
      const previous = [...results.values()].at(-1)?.catch(() => undefined) ?? Promise.resolve()
      result = previous.then(() =>
        state.session!.page.evaluate(
          ([m, d]) =>
            (
              globalThis as unknown as {
                genGpu: { runMode(mode: GpuMode, data: MlpData): Promise<ModeResult> }
              }
            ).genGpu.runMode(m, d),
          [mode, state.data!] as const,
        ),
      )
      results.set(mode, result)
    }
    return result
  }

  for (const mode of MODES) {
    describe(`gpu:${mode}`, () => {
      let result: ModeResult
      beforeAll(async () => {
        result = await resultOf(mode)
        const count = (s: string) => result.cases.filter((c) => c.status === s).length
        console.log(
          result.reason === undefined
            ? `browser gpu:${mode} on ${result.info!.adapter}: float${result.info!.floatPrecision}, strictNumerics ${String(result.strictNumerics)}; cases ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped; ${result.ms.toFixed(0)} ms`
            : `browser gpu:${mode} unavailable: ${result.reason}`,
        )
      }, 600_000)

      const started = (skip: (note: string) => never) => {
        if (result.reason !== undefined) {
          if (required)
            throw new Error(`gpu:${mode} must start in Chromium (GEN_GPU_REQUIRED=1): ${result.reason}`)
          skip(`gpu:${mode} unavailable in Chromium: ${result.reason}`)
        }
        return result
      }

      it('starts in the requested mode with float32 and no fallback', ({ skip }) => {
        const r = started(skip)
        expect(r.info!.mode).toBe(mode)
        expect(r.info!.requested).toBe(mode)
        expect(r.info!.floatPrecision).toBe(32)
        expect(r.info!.adapter.length).toBeGreaterThan(0)
        expect(r.info!.fallbacks).toEqual([])
        // IEEE NaN/Inf only in WebAssembly; WGSL and GLSL let compilers assume finite values
        expect(r.strictNumerics).toBe(mode === 'webasm')
        expect(state.session!.errors).toEqual([])
      })

      const names = [
        ...valueCases.map((c) => ({ kind: 'value', name: c.name })),
        ...gradientCases.map((c) => ({ kind: 'gradient', name: c.name })),
      ]
      for (const { kind, name } of names) {
        it(`${kind}: ${name}`, ({ skip }) => {
          const r = started(skip)
          const found = r.cases.find((c) => c.kind === kind && c.name === name)
          if (found === undefined) throw new Error(`the page ran no ${kind} case named ${name}`)
          if (found.status === 'skipped') skip(found.message ?? 'skipped by the page')
          if (found.status === 'failed') throw new Error(found.message)
        })
      }

      const nets = [
        { kind: 'mlp', title: 'MLP 784-32-10' },
        { kind: 'cnn', title: 'CNN conv 1→4 5×5, max-pool, linear 576→10' },
      ] as const
      for (const net of nets) {
        it(`${net.title}, ${MLP_RUN.steps} Adam steps on MNIST: the cpu run within float32 tolerance, memory flat`, ({
          skip,
        }) => {
          const r = started(skip)
          const run = net.kind === 'mlp' ? r.mlp : r.cnn
          if (run === undefined) {
            throw new Error(
              `the ${net.kind} run failed in the page: ${net.kind === 'mlp' ? r.mlpError : r.cnnError}`,
            )
          }
          const got = run
          const want = net.kind === 'mlp' ? state.cpu! : state.cpuCnn!
          let worst = 0
          got.weights.forEach((w, k) =>
            w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.weights[k][i])))),
          )
          console.log(
            `browser gpu:${mode} ${net.kind} ${MLP_RUN.steps} steps: loss ${got.first.toFixed(5)} -> ${got.last.toFixed(5)} (cpu ${want.first.toFixed(5)} -> ${want.last.toFixed(5)}), max |Δ weight| ${worst.toExponential(2)}, ${got.ms.toFixed(0)} ms (cpu in Node ${want.ms.toFixed(0)} ms)`,
          )
          // it learned (ln 10 = 2.30 at the start)
          expect(want.last).toBeLessThan(want.first - 0.05)
          expect(Math.abs(got.first - want.first)).toBeLessThan(1e-5 * want.first)
          expect(Math.abs(got.last - want.last)).toBeLessThan(1e-3 * want.last)
          expect(worst).toBeLessThan(1e-4)
          expect(new Set(got.memory.map(([t, b]) => `${t}/${b}`)).size).toBe(1)
          expect(r.memory!.after).toEqual(r.memory!.before)
        })
      }
    })
  }
})
