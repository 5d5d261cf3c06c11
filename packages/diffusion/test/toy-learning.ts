// The toy-data learning check shared by the three families' test files (one file each, so
// vitest runs them in parallel): train on 8 Gaussians, sample 1000 points, and require an
// energy distance at most 0.15× that of the fitted Gaussian, at least 7 of 8 modes covered,
// and at most 15% of the samples farther than 3σ from every mode.
// Reduced form (CI): 2000 steps of a 3×64 ReLU MLP, batch 256. Full form (GEN_TEST_FULL=1):
// 5000 steps of a 3×128 MLP, the benchmark setting (scripts/toy-bench.ts records its
// energy distances against the targets).
import { isFullRun } from '@gen-tooling/vitest-config'
import { eightGaussians } from '@gen/datasets'
import { expect } from 'vitest'
import { eightCenters, modeCoverage, type ToyFamily, trainToy } from './toy'

export const toyTimeout = isFullRun() ? 3_600_000 : 600_000

export async function expectLearnsEightGaussians(family: ToyFamily): Promise<void> {
  const full = isFullRun()
  const result = await trainToy({
    family,
    distribution: eightGaussians(),
    hidden: full ? [128, 128, 128] : [64, 64, 64],
    activation: 'relu',
    steps: full ? 5000 : 2000,
    batchSize: 256,
    learningRate: 3e-3,
    emaDecay: 0.995,
  })
  const coverage = modeCoverage(result.samples, eightCenters, { radius: 0.3 })
  console.log(
    JSON.stringify({
      family,
      full,
      energy: result.energy,
      gaussianEnergy: result.gaussianEnergy,
      ratio: result.ratio,
      covered: coverage.covered,
      farFraction: coverage.farFraction,
      trainSeconds: result.trainSeconds,
      sampleSeconds: result.sampleSeconds,
    }),
  )
  expect(result.ratio).toBeLessThanOrEqual(0.15)
  expect(coverage.covered).toBeGreaterThanOrEqual(7)
  expect(coverage.farFraction).toBeLessThanOrEqual(0.15)
}
