/**
 * The template every published package follows (STYLE.md §2): ESM with declarations built by
 * tsup, an exports map with the `@gen/source` condition for the workspace, `sideEffects: false`,
 * `files`, `engines`, `publishConfig`, MIT license, and a README with a runnable example.
 */
export interface PackageTemplateOptions {
  /** Short name, the folder under packages/: `ising`. */
  shortName: string
  /** One-line description for npm. */
  description: string
  /** Subpath entries besides the root, e.g. `['nn', 'optim']` gives `./nn` -> `src/nn/index.ts`. */
  subpaths?: string[]
  /** Run-time dependencies (`{ '@gen/core-tensor': 'workspace:^' }`). */
  dependencies?: Record<string, string>
  /** Extra devDependencies beyond the shared tooling. */
  devDependencies?: Record<string, string>
  /** README body after the title: scope and a runnable example. */
  readme: string
  /** Initial `src/index.ts`. */
  index: string
}

const repository = 'https://github.com/gen-js/gen.git'

/** Builds the package.json object of a published package. */
export function packageManifest(options: PackageTemplateOptions): Record<string, unknown> {
  const subpaths = options.subpaths ?? []
  const exportsMap: Record<string, unknown> = {
    '.': { '@gen/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  }
  for (const sub of subpaths) {
    exportsMap[`./${sub}`] = {
      '@gen/source': `./src/${sub}/index.ts`,
      types: `./dist/${sub}/index.d.ts`,
      default: `./dist/${sub}/index.js`,
    }
  }
  exportsMap['./internal/*'] = null
  exportsMap['./package.json'] = './package.json'
  return {
    name: `@gen/${options.shortName}`,
    version: '0.0.0',
    description: options.description,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    exports: exportsMap,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/__fixtures__'],
    engines: { node: '>=20.19' },
    publishConfig: { access: 'public', provenance: true },
    repository: { type: 'git', url: repository, directory: `packages/${options.shortName}` },
    scripts: {
      build: 'tsup',
      typecheck: 'tsc --noEmit',
      lint: 'eslint .',
      test: 'vitest run',
      'test:fast': "vitest run --tags-filter='!slow'",
      'check:package': 'publint --strict && attw --pack --profile esm-only',
    },
    dependencies: options.dependencies ?? {},
    devDependencies: {
      '@arethetypeswrong/cli': 'catalog:',
      '@gen-tooling/eslint-config': 'workspace:*',
      '@gen-tooling/tsconfig': 'workspace:*',
      '@gen-tooling/vitest-config': 'workspace:*',
      '@types/node': 'catalog:',
      eslint: 'catalog:',
      publint: 'catalog:',
      tsup: 'catalog:',
      typescript: 'catalog:',
      vitest: 'catalog:',
      ...options.devDependencies,
    },
  }
}

/** All files of a new package, path (relative to the package dir) to content. */
export function packageFiles(options: PackageTemplateOptions): Map<string, string> {
  const subpaths = options.subpaths ?? []
  const files = new Map<string, string>()
  files.set('package.json', `${JSON.stringify(packageManifest(options), null, 2)}\n`)
  const entries = ['src/index.ts', ...subpaths.map((s) => `src/${s}/index.ts`)]
  files.set(
    'tsup.config.ts',
    `import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ${JSON.stringify(Object.fromEntries(entries.map((e) => [e.replace(/^src\//, '').replace(/\.ts$/, ''), e])))},
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
})
`,
  )
  files.set(
    'tsconfig.json',
    `{
  "extends": "@gen-tooling/tsconfig/base.json",
  "include": ["src", "test", "*.config.ts"]
}
`,
  )
  files.set(
    'tsconfig.build.json',
    `{
  "extends": "@gen-tooling/tsconfig/build.json",
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/__fixtures__"]
}
`,
  )
  files.set(
    'vitest.config.ts',
    `import { genVitestConfig } from '@gen-tooling/vitest-config'

export default genVitestConfig()
`,
  )
  files.set(
    'eslint.config.js',
    `import { genEslintConfig } from '@gen-tooling/eslint-config'

export default genEslintConfig({ tsconfigRootDir: import.meta.dirname })
`,
  )
  files.set('README.md', `# @gen/${options.shortName}\n\n${options.readme.trim()}\n`)
  files.set('src/index.ts', options.index)
  return files
}
