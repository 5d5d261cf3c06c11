/**
 * Serves and ships the model packages' pre-trained weights from the app itself: every
 * `weights/*.safetensors` file that a dependency lists in its package.json `files` (what npm
 * ships, so checkpoints and logs stay out) is served at `/weights/<file>` by `vite dev` and
 * `vite preview`, and copied into `dist/weights/` by `vite build`. Copying at build time keeps
 * the megabytes out of git and the demos off third-party hosts.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'

/** The packages whose shipped weights the demos load. */
const WEIGHT_PACKAGES = ['@gen/cnn', '@gen/boltzmann', '@gen/autoencoder'] as const

/** A shipped weights file: its name under `/weights/` and its path on disk. */
interface WeightsFile {
  readonly name: string
  readonly path: string
}

/** The shipped weights of every package in `WEIGHT_PACKAGES`, found through node_modules. */
export function shippedWeights(root = dirname(fileURLToPath(import.meta.url))): WeightsFile[] {
  const found: WeightsFile[] = []
  for (const pkg of WEIGHT_PACKAGES) {
    const dir = join(root, 'node_modules', pkg)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { files?: string[] }
    for (const entry of manifest.files ?? []) {
      if (/^weights\/[^/*]+\.safetensors$/.test(entry)) {
        found.push({ name: entry.slice('weights/'.length), path: join(dir, entry) })
      }
    }
  }
  return found
}

/** The Vite plugin: dev/preview middleware for `/weights/*` and the build-time copy. */
export function weightsPlugin(): Plugin {
  const files = shippedWeights()
  const byName = new Map(files.map((f) => [f.name, f.path]))
  return {
    name: 'gen-weights',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /\/weights\/([^/?]+)$/.exec((request.url ?? '').split('?')[0])
        const path = match === null ? undefined : byName.get(decodeURIComponent(match[1]))
        if (path === undefined) {
          next()
          return
        }
        response.setHeader('content-type', 'application/octet-stream')
        response.end(readFileSync(path))
      })
    },
    generateBundle() {
      for (const f of files) {
        this.emitFile({ type: 'asset', fileName: `weights/${f.name}`, source: readFileSync(f.path) })
      }
    },
  }
}
