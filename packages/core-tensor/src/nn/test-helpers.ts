import { expect } from 'vitest'
import { reference } from '../backend/reference'
import { valueAndGrad } from '../autodiff/grad'
import { tidy } from '../memory'
import { fromArray } from '../ops/creation'
import type { Tensor } from '../tensor'

/**
 * Test helper (not exported from the subpath): checks the autodiff gradient of
 * `f(params) → scalar` against central differences in float64 on the reference backend,
 * element by element, with relative error below `tolerance` (STYLE.md §8).
 *
 * @internal
 */
export function checkGradients(
  f: (params: Record<string, Tensor>) => Tensor,
  values: Record<string, { data: number[]; shape: number[] }>,
  tolerance = 1e-6,
): void {
  const make = (override?: { name: string; index: number; delta: number }) => {
    const out: Record<string, Tensor> = {}
    for (const [name, { data, shape }] of Object.entries(values)) {
      const copy = [...data]
      if (override?.name === name) copy[override.index] += override.delta
      out[name] = fromArray(copy, { shape, backend: reference })
    }
    return out
  }
  tidy(() => {
    const { grads } = valueAndGrad(f)(make())
    const h = 1e-6
    for (const [name, { data }] of Object.entries(values)) {
      const analytic = grads[name].dataSync()
      for (let i = 0; i < data.length; i++) {
        const plus = tidy(() => f(make({ name, index: i, delta: h })).item())
        const minus = tidy(() => f(make({ name, index: i, delta: -h })).item())
        const numeric = (plus - minus) / (2 * h)
        const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]))
        expect(
          Math.abs(analytic[i] - numeric) / scale,
          `∂/∂${name}[${i}]: ${analytic[i]} vs ${numeric}`,
        ).toBeLessThan(tolerance)
      }
    }
  })
}
