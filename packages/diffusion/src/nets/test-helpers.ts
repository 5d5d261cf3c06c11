/**
 * Test helper (not exported): checks the autodiff gradient of a scalar function of a
 * parameter tree against central differences in float64 (STYLE.md §8), along a random
 * direction through every leaf and element by element at a few entries of each leaf.
 *
 * @internal
 */
import {
  fromArray,
  key as makeKey,
  normalFloats,
  type Tensor,
  type TensorTree,
  tidy,
  valueAndGrad,
} from '@gen/core-tensor'
import { mapTree, treeLeaves } from '@gen/core-tensor/optim'
import { expect } from 'vitest'

function moved(tree: TensorTree, direction: Map<string, Float64Array>, scale: number): TensorTree {
  return mapTree(
    'moved',
    ([t], path) => {
      const d = direction.get(path)
      if (d === undefined || scale === 0) return t
      const base = t.dataSync()
      return fromArray(
        Float64Array.from(base, (v, i) => v + scale * d[i]),
        { shape: t.shape, backend: t.backend },
      )
    },
    tree,
  )
}

/**
 * @internal
 * @param f - scalar function of the tree
 * @param params - a tree on the reference backend
 * @param options - entries per leaf checked elementwise (default 2), tolerance (default 1e-6)
 * @returns the worst relative error seen
 */
export function expectGradientsMatch(
  f: (params: TensorTree) => Tensor,
  params: TensorTree,
  options: { readonly entriesPerLeaf?: number; readonly tolerance?: number; readonly epsilon?: number } = {},
): number {
  const { entriesPerLeaf = 2, tolerance = 1e-6, epsilon = 1e-5 } = options
  return tidy(() => {
    const { grads } = valueAndGrad(f)(params)
    const analytic = new Map(treeLeaves(grads).map(([p, g]) => [p, Float64Array.from(g.dataSync())]))
    const leaves = treeLeaves(params)
    const at = (direction: Map<string, Float64Array>, h: number) =>
      tidy(() => f(moved(params, direction, h)).item())
    const central = (direction: Map<string, Float64Array>) =>
      (at(direction, epsilon) - at(direction, -epsilon)) / (2 * epsilon)
    let worst = 0
    const compare = (what: string, ad: number, fd: number) => {
      const error = Math.abs(ad - fd) / Math.max(1, Math.abs(fd))
      worst = Math.max(worst, error)
      expect(error, `${what}: autodiff ${ad} vs central differences ${fd}`).toBeLessThan(tolerance)
    }
    // one random direction through every parameter at once
    const direction = new Map<string, Float64Array>()
    let projected = 0
    leaves.forEach(([path, t], i) => {
      const d = Float64Array.from(normalFloats(makeKey(1000 + i), t.size))
      direction.set(path, d)
      const g = analytic.get(path)!
      for (let j = 0; j < d.length; j++) projected += g[j] * d[j]
    })
    compare('random direction', projected, central(direction))
    // and a few entries of every leaf on their own
    for (const [path, t] of leaves) {
      const g = analytic.get(path)!
      for (let e = 0; e < Math.min(entriesPerLeaf, t.size); e++) {
        const index = Math.floor(((e + 0.5) * t.size) / entriesPerLeaf) % t.size
        const unit = new Float64Array(t.size)
        unit[index] = 1
        compare(`∂/∂${path}[${index}]`, g[index], central(new Map([[path, unit]])))
      }
    }
    return worst
  })
}
