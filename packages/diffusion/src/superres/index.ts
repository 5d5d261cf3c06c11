export { psnr, ssim, type ImageBatch, type ImageScores, type SsimOptions } from './image-metrics'
export { cubicKernel, bicubicUpsample, averagePoolDownsample, type BicubicOptions } from './bicubic'
export {
  superResolutionPairs,
  trainSuperResolution,
  superResolve,
  type SuperResolutionPairs,
  type SuperResolutionObjective,
  type TrainSuperResolutionOptions,
  type SuperResolveOptions,
} from './super-resolution'
