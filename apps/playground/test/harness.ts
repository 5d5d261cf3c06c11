/**
 * The end-to-end harness: builds the app with Vite into a temporary folder, serves it from
 * 127.0.0.1 with a tiny static server, and opens pages in Debian's headless Chromium through
 * playwright-core (Playwright's own browser download does not work on these machines;
 * DESIGN.md, "Where GPU code runs without a GPU"). The flags are those of core-tensor's
 * browser test: WebGPU on SwiftShader's Vulkan, WebGL2 through ANGLE on SwiftShader.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
/** True in CI: a missing browser fails the tests instead of skipping them. */
export const REQUIRED = process.env.GEN_GPU_REQUIRED === '1'
export const AVAILABLE = existsSync(CHROMIUM)

const SWIFTSHADER = [
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
]
/** WebGPU on (SwiftShader), WebGL2 on. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', ...SWIFTSHADER]
/** WebGPU off, so the page's `auto` must fall to WebGL2. */
export const NO_WEBGPU_FLAGS = ['--disable-features=WebGPU', ...SWIFTSHADER.slice(3)]

const APP_ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Where the screenshots go (gitignored: `test-results/`). */
export const RESULTS = join(APP_ROOT, 'test-results')

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.safetensors': 'application/octet-stream',
  '.wasm': 'application/wasm',
}

/** A built app on a local port. */
export interface Site {
  readonly origin: string
  close(): Promise<void>
}

/** Builds the app into a temporary folder and serves it on 127.0.0.1. */
export async function buildAndServe(): Promise<Site> {
  const { build } = await import('vite')
  const dir = mkdtempSync(join(tmpdir(), 'gen-playground-'))
  await build({
    root: APP_ROOT,
    configFile: join(APP_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true },
  })
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0]))
    const file = join(dir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    response.end(readFileSync(file))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Starts headless Chromium with the given flags. */
export async function launch(flags: readonly string[]): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, args: [...flags] })
}

/** An open page and every console error and uncaught exception it produced. */
export interface OpenPage {
  readonly page: Page
  readonly errors: string[]
}

/** Opens `path` and waits until the demo reports its first frame (`window.genPage.ready`). */
export async function openDemo(browser: Browser, origin: string, path: string): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`)
  })
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`))
  await page.goto(`${origin}/${path}`)
  await page.waitForFunction(() => window.genPage?.ready === true, undefined, { timeout: 60_000 })
  return { page, errors }
}

/** Pixel statistics of one canvas: size, mean and standard deviation of the luminance in [0, 255]. */
export interface CanvasStats {
  readonly id: string
  readonly width: number
  readonly height: number
  readonly mean: number
  readonly std: number
}

/** The luminance statistics of every canvas on the page. */
export function canvasStats(page: Page): Promise<CanvasStats[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('canvas')].map((canvas) => {
      const { width, height } = canvas
      const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data
      let sum = 0
      let sq = 0
      const n = width * height
      for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]
        sum += y
        sq += y * y
      }
      const mean = sum / n
      return { id: canvas.id, width, height, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) }
    }),
  )
}

/** Saves a full-page screenshot to `test-results/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true })
  const path = join(RESULTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
