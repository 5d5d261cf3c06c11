// Pictures of what the shipped LeNet-5 sees, as PNGs. Run from packages/cnn:
//   pnpm pictures [--out pictures]
// Writes filters.png (C1's six 5×5 filters), feature-maps.png (one digit, C1 and C3 maps),
// misclassified.png (the first 40 wrong test digits, labelled "true as predicted"),
// saliency.png (8 digits over their saliency maps) and erf.png (the effective receptive
// fields of a C3 and a C5 unit over 500 test digits, next to untrained weights').
import { key, slice, type Tensor } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, type Image, imageGrid, toImage } from '@gen/viz'
import { writeFileAtomic } from '@gen/viz/node'
import { mkdir } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  effectiveReceptiveField,
  evaluateClassifier,
  featureMaps,
  firstLayerFilters,
  initSequential,
  misclassified,
  type PixelBatch,
  receptiveFieldBox,
  saliencyMaps,
  toImageDataset,
} from '../src/index'
import { lenet5WeightsPath, readCheckpoint } from '../src/node/index'

const { values } = parseArgs({ options: { out: { type: 'string', default: 'pictures' } } })
const out = values.out ?? 'pictures'
await mkdir(out, { recursive: true })
const mean = 0.1307
const std = 0.3081
const { config, params } = await readCheckpoint(lenet5WeightsPath())
const { test } = await loadMnist()
const testData = toImageDataset(test, { mean, std })

/** Tile k of a `[N, H, W]` batch as an image, coloured with its own range. */
const tiles = (
  batch: PixelBatch | PixelBatch<Float64Array>,
  colormap?: 'viridis' | 'magma' | 'diverging',
): Image[] => {
  const [n, h, w] = batch.shape
  return Array.from({ length: n }, (_, k) =>
    toImage(
      { shape: [h, w], data: batch.data.subarray(k * h * w, (k + 1) * h * w) },
      { range: colormap === 'diverging' ? 'symmetric' : 'auto', colormap },
    ),
  )
}
const write = async (name: string, image: Image): Promise<void> => {
  await writeFileAtomic(`${out}/${name}`, encodePng(image))
  console.log(`${out}/${name}: ${image.width}×${image.height}`)
}
const digits = (images: Tensor): PixelBatch => {
  const [n, , h, w] = images.shape
  return { shape: [n, h, w], data: Float32Array.from(images.dataSync(), (v) => v * std + mean) }
}

// 1. C1's filters, by one shared symmetric scale (white = 0, red > 0, blue < 0)
const filters = firstLayerFilters(params['0'].weight, { scale: 'shared' })
await write(
  'filters.png',
  imageGrid(tiles({ shape: filters.shape, data: filters.data.map((v) => 2 * v - 1) }, 'diverging'), {
    columns: 6,
    gap: 2,
    scale: 12,
    background: 255,
  }),
)

// 2. feature maps of test digit 0 (a 7): C1 after ReLU (layer 1) and C3 after ReLU (layer 4)
const digit = slice(testData.images, [{ start: 0, stop: 1 }])
const c1 = featureMaps(config, params, digit, { layer: 1 })
const c3 = featureMaps(config, params, digit, { layer: 4 })
await write(
  'feature-maps.png',
  imageGrid([...tiles(digits(digit)), ...tiles(c1, 'viridis')], {
    columns: 7,
    scale: 4,
    labels: ['input', ...Array.from({ length: 6 }, (_, i) => `C1 ${i}`)],
  }),
)
await write(
  'feature-maps-c3.png',
  imageGrid(tiles(c3, 'viridis'), {
    columns: 8,
    scale: 8,
    labels: Array.from({ length: 16 }, (_, i) => `C3 ${i}`),
  }),
)

// 3. misclassified test digits, labelled "true as predicted"
const { predictions, accuracy } = evaluateClassifier(config, params, testData)
const wrong = misclassified(testData.labels.dataSync(), predictions, { limit: 40 })
console.log(`test accuracy ${(100 * accuracy).toFixed(2)}%, ${wrong.total} misclassified`)
const wrongImages: Image[] = Array.from(wrong.indices, (i) =>
  toImage(digits(slice(testData.images, [{ start: i, stop: i + 1 }])), { range: '0..1' }),
)
await write(
  'misclassified.png',
  imageGrid(wrongImages, {
    columns: 10,
    scale: 2,
    labels: Array.from(wrong.indices, (_, k) => `${wrong.actual[k]} as ${wrong.predicted[k]}`),
  }),
)

// 4. saliency of the predicted class for the first 8 test digits (row 1 digits, row 2 maps)
const eight = slice(testData.images, [{ start: 0, stop: 8 }])
const saliency = saliencyMaps(config, params, eight)
await write(
  'saliency.png',
  imageGrid([...tiles(digits(eight)), ...tiles(saliency, 'magma')], { columns: 8, scale: 3 }),
)

// 5. effective receptive fields: a C3 unit (analytic box 14×14) and C5 (box: the padded
// 32×32 field, clipped to the 28×28 image), trained vs untrained, over 500 test digits
const many = slice(testData.images, [{ start: 0, stop: 500 }])
const untrained = initSequential(config, { key: key(0) })
const fields: PixelBatch<Float64Array>[] = []
for (const p of [params, untrained]) {
  fields.push(effectiveReceptiveField(config, p, many, { layer: 3, unit: [5, 5] }))
  fields.push(effectiveReceptiveField(config, p, many, { layer: 6, unit: [0, 0] }))
}
console.log(
  'C3 unit (5, 5) analytic box',
  JSON.stringify(receptiveFieldBox(config, { layer: 3, unit: [5, 5] })),
)
await write(
  'erf.png',
  imageGrid(
    fields.map((f) => toImage(f, { range: 'auto', colormap: 'viridis' })),
    { columns: 4, scale: 4, labels: ['C3 trained', 'C5 trained', 'C3 untrained', 'C5 untrained'] },
  ),
)
