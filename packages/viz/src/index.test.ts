import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import * as viz from './index.js'

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return entry.name === 'node' ? [] : sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('@gen/viz entry', () => {
  test('exports the public API', () => {
    expect(viz.packageName).toBe('@gen/viz')
    for (const name of [
      'toPixels',
      'toImage',
      'encodePng',
      'decodePng',
      'imageGrid',
      'encodeGif',
      'linePlot',
      'scatterPlot',
      'histogram2dPlot',
      'heatmapPlot',
      'renderReport',
      'niceTicks',
    ]) {
      expect(typeof (viz as Record<string, unknown>)[name]).toBe('function')
    }
  })

  test('the browser entry imports nothing from node: (file writing lives in @gen/viz/node)', () => {
    const folder = join(import.meta.dirname)
    const offenders = sources(folder).filter((path) =>
      /from ['"]node:|import\(['"]node:|\bprocess\./.test(readFileSync(path, 'utf8')),
    )
    expect(offenders).toEqual([])
  })

  test('errors carry the gen marker, so GenError.isInstance from core-tensor accepts them', () => {
    const error = new viz.InvalidArgumentError('op', 'x', 'must hold, got y')
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('gen.error')]).toBe(true)
    expect(error.message).toBe('op: x must hold, got y')
    expect(viz.VizError.isInstance(error)).toBe(true)
    expect(viz.VizError.isInstance(new Error('x'))).toBe(false)
  })
})
