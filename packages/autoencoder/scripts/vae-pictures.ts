// Pictures of a trained VAE: 64 decoder samples and 16 test digits over their reconstructions.
//
//   pnpm pictures:vae [--weights weights/vae-784-400-20-mnist.safetensors] [--out weights]
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fromArray, key } from '@gen/core-tensor'
import { loadMnist } from '@gen/datasets/node'
import { encodePng, imageGrid, upscale } from '@gen/viz'
import { binarize, reconstruct, sampleImages } from '../src/index'
import { readCheckpoint } from '../src/node/index'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const weights = arg('weights', 'weights/vae-784-400-20-mnist.safetensors')
const out = arg('out', 'weights')
const { config, params, metadata } = await readCheckpoint(weights)
console.log(`${weights}: ${metadata.status ?? ''} ${metadata.testElbo ?? ''}`)

const samples = sampleImages(config, params, { count: 64, key: key(9) })
const sheet = imageGrid({ shape: [64, 28, 28], data: samples.dataSync() }, { range: '0..1', columns: 8 })
await writeFile(join(out, 'vae-samples.png'), encodePng(upscale(sheet, 2)))

const { test } = await loadMnist()
const digits = binarize(
  fromArray(
    Float32Array.from(test.images.subarray(0, 16 * 784), (v) => v / 255),
    { shape: [16, 784] },
  ),
  key(123),
)
const recon = reconstruct(config, params, digits)
const both = new Float32Array(32 * 784)
both.set(digits.dataSync(), 0)
both.set(recon.dataSync(), 16 * 784)
const pairs = imageGrid({ shape: [32, 28, 28], data: both }, { range: '0..1', columns: 16 })
await writeFile(join(out, 'vae-reconstructions.png'), encodePng(upscale(pairs, 2)))
console.log(`wrote ${join(out, 'vae-samples.png')} and ${join(out, 'vae-reconstructions.png')}`)
