/**
 * The home page: links to the demos, and a small check that the chosen backend computes
 * (a 64-point sin curve evaluated on it and drawn), so the page shows a working backend too.
 */
import { fromArray, sin } from '@gen/core-tensor'
import { DEMOS } from '../pages.ts'
import { byId, startPage } from './common/page.ts'
import { drawPlot } from './common/plot.ts'

void startPage(async (active) => {
  byId('demos').innerHTML = DEMOS.map(
    (d) => `<a href="./${d.file}${location.search}"><strong>${d.title}</strong>${d.blurb}</a>`,
  ).join('')
  const x = Array.from({ length: 64 }, (_, i) => (i / 63) * 2 * Math.PI)
  const y = sin(fromArray(x, { shape: [64], backend: active.backend }))
  const values = await y.data()
  y.dispose()
  drawPlot(
    byId<HTMLCanvasElement>('home-canvas'),
    { xRange: [0, 2 * Math.PI], yRange: [-1.1, 1.1], xLabel: 'x', yLabel: `sin x on ${active.name}` },
    [{ x, y: values, color: '#2e6bd1', label: 'sin x' }],
  )
})
