/**
 * The DDIM page's model and data: a class-conditional ε-predicting MLP on 8 Gaussians (the
 * mode is the class; label 8 is the null label), the cosine schedule with T = 100.
 */
import { fold, key, normalFloats, uniformFloats } from '@gen/core-tensor'
import { cosineSchedule, type MlpDenoiserConfig, type NoiseSchedule } from '@gen/diffusion'
import { EIGHT_GAUSSIANS } from '../flow/toy-data.ts'

/** Diffusion steps of the schedule. */
export const TIMESTEPS = 100
export const SCHEDULE: NoiseSchedule = cosineSchedule({ numTimesteps: TIMESTEPS })
/** Classes: the eight modes (the null label is 8). */
export const CLASSES = 8

/** The net: 3 × 64 ReLU, a 32-wide time embedding that sees t · 1000 / T, eight classes. */
export const DDIM_NET: MlpDenoiserConfig = {
  kind: 'mlp',
  dataDim: 2,
  hidden: [64, 64, 64],
  embedDim: 32,
  activation: 'relu',
  timeScale: 1000 / TIMESTEPS,
  numClasses: CLASSES,
}

/** The centre of mode k (as the flow page's EIGHT_GAUSSIANS). */
export function modeCentre(k: number): [number, number] {
  return [EIGHT_GAUSSIANS.means[2 * k], EIGHT_GAUSSIANS.means[2 * k + 1]]
}

/**
 * `count` points of 8 Gaussians with their mode as the label: a uniform mode, then its
 * centre plus N(0, 0.1²) noise (the mixture of the flow page).
 */
export function labeledEightGaussians(
  seed: number,
  count: number,
): { points: Float32Array; labels: Int32Array } {
  const u = uniformFloats(fold(key(seed), 20), count)
  const z = normalFloats(fold(key(seed), 21), 2 * count)
  const labels = Int32Array.from(u, (v) => Math.min(CLASSES - 1, Math.floor(v * CLASSES)))
  const points = new Float32Array(2 * count)
  labels.forEach((k, i) => {
    const [cx, cy] = modeCentre(k)
    points[2 * i] = cx + 0.1 * z[2 * i]
    points[2 * i + 1] = cy + 0.1 * z[2 * i + 1]
  })
  return { points, labels }
}
