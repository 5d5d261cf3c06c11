/**
 * The flow page's toy data sets, drawn from a key so every run sees the same points: 8
 * Gaussians (an exact mixture from @gen/diffusion, so its exact velocity field exists) and two
 * moons (the two interleaved half circles of scikit-learn's make_moons, centred and scaled).
 */
import { fold, key, normalFloats, uniformFloats } from '@gen/core-tensor'
import { gaussianMixture, sampleGaussianMixture, type GaussianMixture } from '@gen/diffusion'

/** The data sets the page offers. */
export type ToyName = 'eight' | 'moons'

/** 8 Gaussians: σ = 0.1 around the points of a circle of radius 2 (as @gen/datasets' eightGaussians). */
export const EIGHT_GAUSSIANS: GaussianMixture = gaussianMixture(
  Array.from({ length: 8 }, (_, k) => ({
    weight: 1,
    mean: [2 * Math.cos((2 * Math.PI * k) / 8), 2 * Math.sin((2 * Math.PI * k) / 8)],
    std: 0.1,
  })),
)

/**
 * Two moons: θ ~ U(0, π); upper arc (cos θ, sin θ), lower arc (1 − cos θ, ½ − sin θ), each
 * point on either with probability ½, plus N(0, 0.05²) noise; then centred at (½, ¼) and
 * scaled by 2, so the set spans about [−3, 3] × [−1.6, 1.6].
 */
function twoMoons(seed: number, count: number): Float64Array {
  const u = uniformFloats(fold(key(seed), 0), 2 * count, 'float64')
  const noise = normalFloats(fold(key(seed), 1), 2 * count, 'float64')
  const out = new Float64Array(2 * count)
  for (let i = 0; i < count; i++) {
    const theta = Math.PI * u[2 * i]
    const upper = u[2 * i + 1] < 0.5
    const x = upper ? Math.cos(theta) : 1 - Math.cos(theta)
    const y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta)
    out[2 * i] = 2 * (x - 0.5 + 0.05 * noise[2 * i])
    out[2 * i + 1] = 2 * (y - 0.25 + 0.05 * noise[2 * i + 1])
  }
  return out
}

/**
 * `count` points of a toy set, row-major `[count, 2]`.
 *
 * @param name - the set
 * @param seed - the key's seed
 * @param count - number of points
 * @returns the points
 */
export function toyPoints(name: ToyName, seed: number, count: number): Float64Array {
  return name === 'eight' ? sampleGaussianMixture(EIGHT_GAUSSIANS, key(seed), count) : twoMoons(seed, count)
}
