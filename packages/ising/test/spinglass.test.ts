import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { expect, test } from 'vitest'
import {
  edwardsAnderson,
  enumerateGroundStates,
  enumerateStates,
  exactThermalAverages,
  findGroundState,
  overlapExperiment,
  sherringtonKirkpatrick,
} from '../src/index'

const full = isFullRun()

// Reduced form: a ±J 5×5 torus (N = 25, 2^24 states enumerated). Full form: a ±J 3×3×3 torus
// (N = 27, 2^26 states) as well.
test(
  'tempering and annealing find the enumerated E0 of larger ±J instances in at least 9 of 10 keys',
  { tags: ['slow'], timeout: 600_000 },
  () => {
    const models = [edwardsAnderson('square', 5, { couplings: 'pm1', key: key(51) })]
    if (full) models.push(edwardsAnderson('cubic', 3, { couplings: 'pm1', key: key(52) }))
    for (const model of models) {
      const gs = enumerateGroundStates(model)
      expect(gs.degeneracy).toBeGreaterThanOrEqual(2)
      for (const method of ['tempering', 'annealing'] as const) {
        let hits = 0
        for (let k = 0; k < 10; k++) {
          const found = findGroundState(model, {
            key: key(600 + k),
            method,
            ...(method === 'tempering'
              ? { steps: 10, sweeps: 1000 }
              : { restarts: 4, steps: 200, sweeps: 5 }),
          })
          expect(found.energy).toBeGreaterThanOrEqual(gs.energy)
          if (found.energy === gs.energy) hits++
        }
        expect(hits, `${method} on ${model.lattice} ${model.shape.join('×')}`).toBeGreaterThanOrEqual(9)
      }
    }
  },
)

test(
  'SK, N = 16, below Tc = 1: two tempering ensembles reproduce the exact <q²> and g at every temperature',
  { tags: ['slow'], timeout: 600_000 },
  () => {
    const sk = sherringtonKirkpatrick(16, { key: key(61) })
    const states = enumerateStates(sk)
    const temperatures = [0.4, 0.55, 0.75, 1, 1.4]
    const points = overlapExperiment(sk, { temperatures, key: key(62), sweeps: full ? 80_000 : 20_000 })
    for (const p of points) {
      const exact = exactThermalAverages(states, p.temperature)
      expect(Math.abs(p.q2.value - exact.q2), `T = ${p.temperature}`).toBeLessThan(4 * p.q2.error)
      expect(Math.abs(p.binder.value - exact.binderQ), `T = ${p.temperature}`).toBeLessThan(
        4 * p.binder.error,
      )
      expect(p.q2.error).toBeLessThan(0.02)
    }
  },
)
