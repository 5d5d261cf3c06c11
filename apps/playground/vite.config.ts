/**
 * The playground's build: one HTML page per demo (multi-page app), the workspace packages
 * resolved to their TypeScript sources (the `@gen/source` export condition, so `dev` needs no
 * package build first), and the shipped weights copied from `packages/<pkg>/weights/` into
 * the app's own `/weights/` (see `weights-plugin.ts`; nothing is fetched from another host).
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { PAGES } from './pages.ts'
import { weightsPlugin } from './weights-plugin.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  base: './',
  resolve: { conditions: ['@gen/source', 'browser', 'module', 'import', 'default'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // the demo bundles carry the tensor core and gpu.js; a few hundred kB is expected
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p.id, here(`./${p.file}`)])),
    },
  },
  plugins: [weightsPlugin()],
})
