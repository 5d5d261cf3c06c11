// Super-resolution 14×14 → 28×28 on MNIST test digits (issue 11): the bicubic baseline the
// model has to beat by 2 dB. The issue quotes about 19.5 dB for bicubic; Keys' a = −0.5 with
// half-pixel centres measures 19.95 dB (SSIM 0.853) on the first 1000 test digits here, the
// mean of per-image PSNRs (19.86 dB on all 10 000 from the pooled MSE, 20.05 as the mean of
// per-image values; a = −0.75, PyTorch's, gives 20.2–20.4).
import { isFullRun } from '@gen-tooling/vitest-config'
import { fromArray, key } from '@gen/core-tensor'
import { loadMnistSplit } from '@gen/datasets/node'
import { expect, test } from 'vitest'
import {
  cosineSchedule,
  initUNet,
  psnr,
  ssim,
  superResolutionPairs,
  superResolve,
  trainSuperResolution,
  type UNetConfig,
} from '../src/index'

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

// The model against the bar. Full form (GEN_TEST_FULL=1): 400 updates of batch 16 on 10 000
// training digits (a 16-channel, two-level UNet without attention; x₀-prediction of the
// scaled residual on a cosine schedule, 1000 steps), one DDIM step, 1000 test digits; measured
// 27.97 dB (+8.0 over bicubic), SSIM 0.963, 28 minutes wall on a loaded 2-core machine.
// Reduced form: 100 updates, 200 test digits; measured 23.61 dB against bicubic's 19.98
// (+3.6), SSIM 0.911, 286 s wall under the same load.
test(
  'a short run of the conditional UNet beats bicubic by at least 2 dB on MNIST test digits',
  { tags: ['slow'], timeout: isFullRun() ? 7_200_000 : 1_800_000 },
  async () => {
    const full = isFullRun()
    const [trainSet, testSet] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')])
    const digits = (images: Uint8Array, count: number) =>
      fromArray(
        Float32Array.from(images.subarray(0, count * 784), (v) => v / 255),
        {
          shape: [count, 1, 28, 28],
        },
      )
    const train = superResolutionPairs(digits(trainSet.images, 10_000))
    const test = superResolutionPairs(digits(testSet.images, full ? 1000 : 200))
    const config: UNetConfig = {
      kind: 'unet',
      inChannels: 2,
      outChannels: 1,
      baseChannels: 16,
      channelMultipliers: [1, 2],
      attention: false,
      numGroups: 8,
    }
    const objective = { schedule: cosineSchedule({ numTimesteps: 1000 }), prediction: 'x0' as const }
    const steps = full ? 400 : 100
    const result = trainSuperResolution({
      config,
      params: initUNet(config, { key: key(0) }),
      pairs: train,
      objective,
      steps,
      batchSize: 16,
      optimizer: { learningRate: 1e-3 },
      key: key(1),
      logEvery: steps,
    })
    const x = superResolve(config, result.params, test.lowRes, { objective, key: key(2) })
    const model = psnr(x, test.highRes).mean
    const bicubic = psnr(test.upsampled, test.highRes).mean
    console.log(
      JSON.stringify({
        full,
        steps,
        model,
        bicubic,
        gain: model - bicubic,
        ssim: ssim(x, test.highRes).mean,
      }),
    )
    expect(model).toBeGreaterThanOrEqual(bicubic + 2)
  },
)
