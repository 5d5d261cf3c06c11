import { describe, expect, it } from 'vitest'
import { packageFiles, packageManifest } from './package-template.ts'
import { publishedPackages } from './workspace.ts'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../../..')

describe('package template', () => {
  it('maps subpaths to src for the workspace and to dist for users', () => {
    const manifest = packageManifest({
      shortName: 'x',
      description: 'd',
      subpaths: ['nn'],
      readme: '',
      index: '',
    })
    expect((manifest.exports as Record<string, unknown>)['./nn']).toEqual({
      '@gen/source': './src/nn/index.ts',
      types: './dist/nn/index.d.ts',
      default: './dist/nn/index.js',
    })
    const tsup = packageFiles({
      shortName: 'x',
      description: 'd',
      subpaths: ['nn'],
      readme: '',
      index: '',
    }).get('tsup.config.ts')!
    expect(tsup).toContain('"nn/index":"src/nn/index.ts"')
  })

  it('every published package keeps the template fields', () => {
    const packages = publishedPackages(root)
    expect(packages.length).toBeGreaterThanOrEqual(9)
    for (const { manifest } of packages) {
      expect(manifest, manifest.name).toMatchObject({
        type: 'module',
        sideEffects: false,
        license: 'MIT',
        engines: { node: '>=20.19' },
        publishConfig: { access: 'public' },
      })
      const rootExport = (manifest.exports as Record<string, Record<string, string>>)['.']
      expect(Object.keys(rootExport), manifest.name).toEqual(['@gen/source', 'types', 'default'])
      expect(manifest.files, manifest.name).toContain('dist')
    }
  })
})
