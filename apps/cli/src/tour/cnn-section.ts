// The CNN section of the tour: the shipped LeNet-5 on the MNIST test set, what its first layer
// learned, where it errs, and how far each layer sees (analytic receptive fields next to the
// effective ones measured from gradients).
import {
  effectiveReceptiveField,
  evaluateClassifier,
  firstLayerFilters,
  misclassified,
  receptiveFieldBox,
  receptiveFields,
  toImageDataset,
} from '@gen/cnn'
import { lenet5WeightsPath, readCheckpoint } from '@gen/cnn/node'
import { slice, type Tensor } from '@gen/core-tensor'
import type { LabeledImages } from '@gen/datasets'
import { imageGrid, toImage, type Image, type ReportSection } from '@gen/viz'
import type { TourSection } from './section.ts'
import type { TourSize } from './sizes.ts'

const SETTINGS = {
  quick: { testImages: 2000, erfImages: 100 },
  default: { testImages: 10000, erfImages: 300 },
  full: { testImages: 10000, erfImages: 1000 },
} as const

// the normalisation the shipped weights were trained with (weights/README.md)
const mean = 0.1307
const std = 0.3081

/**
 * Runs the CNN part of the tour on the shipped LeNet-5 weights and returns its section.
 *
 * @param size - how many test images to score
 * @param test - the MNIST test split
 * @param log - where progress lines go
 */
export async function cnnSection(
  size: TourSize,
  test: LabeledImages,
  log: (line: string) => void,
): Promise<TourSection> {
  const s = SETTINGS[size]
  const { config, params } = await readCheckpoint(lenet5WeightsPath())
  const data = toImageDataset(test, { count: s.testImages, mean, std })
  log(`cnn: the shipped LeNet-5 on ${s.testImages} MNIST test digits`)
  const { accuracy, predictions } = evaluateClassifier(config, params, data)
  const labels = data.labels.dataSync()

  const digitImage = (images: Tensor, k: number): Image => {
    const [, , h, w] = images.shape
    const one = slice(images, [{ start: k, stop: k + 1 }]).dataSync()
    return toImage({ shape: [h, w], data: Float32Array.from(one, (v) => v * std + mean) }, { range: '0..1' })
  }
  const wrong = misclassified(labels, predictions, { limit: 20 })
  const wrongGrid = imageGrid(
    Array.from(wrong.indices, (i) => digitImage(data.images, i)),
    {
      columns: 10,
      gap: 2,
      labels: Array.from(wrong.indices, (_, k) => `${wrong.actual[k]} as ${wrong.predicted[k]}`),
    },
  )

  const filters = firstLayerFilters(params['0'].weight, { scale: 'shared' })
  const [o, kh, kw] = filters.shape
  const filterTiles = Array.from({ length: o }, (_, k) =>
    toImage(
      { shape: [kh, kw], data: filters.data.subarray(k * kh * kw, (k + 1) * kh * kw).map((v) => 2 * v - 1) },
      { range: 'symmetric', colormap: 'diverging' },
    ),
  )

  // per-class accuracy from the confusion counts
  const correct = new Array<number>(10).fill(0)
  const total = new Array<number>(10).fill(0)
  labels.forEach((y, i) => {
    total[y]++
    if (predictions[i] === y) correct[y]++
  })

  const fields = receptiveFields(config)
  const images = slice(data.images, [{ start: 0, stop: s.erfImages }])
  log(`cnn: effective receptive fields of a C3 and a C5 unit over ${s.erfImages} digits`)
  const c3 = effectiveReceptiveField(config, params, images, { layer: 3, unit: [5, 5] })
  const c5 = effectiveReceptiveField(config, params, images, { layer: 6, unit: [0, 0] })
  const box = receptiveFieldBox(config, { layer: 3, unit: [5, 5] })

  const report: ReportSection = {
    title: 'Convolutional networks: LeNet-5 and what it sees',
    blocks: [
      {
        kind: 'text',
        text: `LeNet-5 (LeCun et al. 1998; the modern variant with ReLU and max pooling, 61,706 parameters), loaded from the weights that \`pnpm --filter @gen/cnn train:lenet\` produced (10 epochs on the 60,000 training digits; see packages/cnn/weights/README.md), scored here on ${s.testImages} test digits: ${(100 * accuracy).toFixed(2)}% correct. The same network's features give the FD-LeNet score that every image generator below is measured with.`,
      },
      {
        kind: 'table',
        caption: 'Accuracy per digit class',
        columns: ['digit', ...Array.from({ length: 10 }, (_, d) => String(d))],
        rows: [['correct', ...correct.map((c, d) => `${((100 * c) / Math.max(total[d], 1)).toFixed(1)}%`)]],
      },
      {
        kind: 'image',
        image: imageGrid(filterTiles, { columns: 6, gap: 2, scale: 12, background: 255 }),
        caption:
          'The six 5×5 filters of the first layer, on one shared scale (red positive, blue negative): edge and stroke detectors.',
        scale: 1,
      },
      {
        kind: 'image',
        image: wrongGrid,
        caption: `The first ${wrong.indices.length} of the ${wrong.total} misclassified test digits, labelled "true as predicted".`,
        scale: 2,
      },
      {
        kind: 'table',
        caption:
          'Receptive fields, computed from the layer geometry: size r, jump j (input pixels between neighbouring units) and the start of unit 0',
        columns: ['layer', 'type', 'output', 'size r', 'jump j', 'start'],
        rows: fields.map((f) => [
          String(f.index),
          f.type,
          `${f.outputSize[0]}×${f.outputSize[1]}`,
          String(f.size[0]),
          String(f.jump[0]),
          String(f.start[0]),
        ]),
      },
      {
        kind: 'image',
        image: imageGrid(
          [
            toImage(c3, { range: 'auto', colormap: 'viridis' }),
            toImage(c5, { range: 'auto', colormap: 'viridis' }),
          ],
          {
            columns: 2,
            gap: 4,
            scale: 4,
            labels: ['C3 unit (5, 5)', 'C5 unit'],
          },
        ),
        caption: `Effective receptive fields (Luo et al. 2016): the mean |∂unit/∂input| over ${s.erfImages} test digits. The C3 unit's analytic field is rows ${box.rows[0]}–${box.rows[1]}, columns ${box.cols[0]}–${box.cols[1]}; the gradient mass sits in its centre, far inside it.`,
        scale: 1,
      },
    ],
  }
  return {
    report,
    metrics: {
      test_accuracy: accuracy,
      test_images: s.testImages,
      misclassified: wrong.total,
      loaded_weights: 1,
    },
  }
}
