import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'nn/index': 'src/nn/index.ts',
    'optim/index': 'src/optim/index.ts',
    'io/index': 'src/io/index.ts',
    'testing/index': 'src/testing/index.ts',
    node: 'src/node.ts',
    'gpu/index': 'src/gpu/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  external: ['vitest'],
})
