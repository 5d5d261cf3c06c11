// Super-resolution 14×14 → 28×28 on MNIST test digits (issue 11): the bicubic baseline the
// model has to beat by 2 dB. The issue quotes about 19.5 dB for bicubic; Keys' a = −0.5 with
// half-pixel centres measures 19.95 dB (SSIM 0.853) on the first 1000 test digits here, the
// mean of per-image PSNRs (19.86 dB on all 10 000 from the pooled MSE, 20.05 as the mean of
// per-image values; a = −0.75, PyTorch's, gives 20.2–20.4). Training the conditional UNet to
// the bar is not part of CI: a step of even a 16-channel UNet takes seconds on this CPU (see
// `pnpm --filter @gen/diffusion super-resolution` and the README for a measured short run).
import { fromArray } from '@gen/core-tensor'
import { loadMnistSplit } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import { psnr, ssim, superResolutionPairs } from '../src/index'

test(
  'bicubic 14×14 → 28×28 on 1000 MNIST test digits measures about 20 dB',
  { tags: ['slow'], timeout: 120_000 },
  async () => {
    const images = (await loadMnistSplit('test')).images
    const digits = fromArray(
      Float32Array.from(images.subarray(0, 1000 * 784), (v) => v / 255),
      {
        shape: [1000, 1, 28, 28],
      },
    )
    const pairs = superResolutionPairs(digits)
    const p = psnr(pairs.upsampled, pairs.highRes).mean
    const s = ssim(pairs.upsampled, pairs.highRes).mean
    console.log(JSON.stringify({ bicubicPsnr: p, bicubicSsim: s }))
    expect(p).toBeGreaterThan(19.5)
    expect(p).toBeLessThan(20.5)
    expect(s).toBeGreaterThan(0.8)
    expect(s).toBeLessThan(0.9)
  },
)
