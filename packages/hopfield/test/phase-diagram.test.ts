// The (α, T) phase diagram by Glauber simulation at N = 1000 against the AGS lines. A reduced
// grid runs by default; GEN_TEST_FULL=1 runs a 6 × 8 grid (the timing quoted in the README).
import { key } from '@gen/core-tensor'
import { isFullRun } from '@gen-tooling/vitest-config'
import { describe, expect, test } from 'vitest'
import { phaseDiagram } from '../src/index'

const full = isFullRun()

describe('Hopfield phase diagram (Amit, Gutfreund and Sompolinsky 1985, 1987)', () => {
  test(
    'N = 1000: retrieval below T_M(α), spin glass between T_M and T_g = 1 + √α, paramagnet above T_g',
    { tags: ['slow'] },
    () => {
      const started = performance.now()
      const loads = full ? [0.02, 0.05, 0.08, 0.12, 0.18, 0.25] : [0.02, 0.05, 0.1, 0.2]
      const temperatures = full ? [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7] : [0.2, 0.8, 1.7]
      const diagram = phaseDiagram({ size: 1000, loads, temperatures, key: key(1985) })
      const seconds = (performance.now() - started) / 1000
      console.log(
        `phase diagram N=1000, ${loads.length}×${temperatures.length} points in ${seconds.toFixed(1)} s`,
      )
      for (const p of diagram.points) {
        const line = diagram.theory.find((t) => t.load === p.load)!
        console.log(
          `α=${p.load} T=${p.temperature}: m=${p.overlap.toFixed(3)} q=${p.edwardsAnderson.toFixed(3)} ${p.phase} (T_M=${line.retrievalTemperature.toFixed(3)}, T_g=${line.spinGlassTemperature.toFixed(3)})`,
        )
        // Away from the lines (finite-N smearing of ±0.15 in T), simulation and theory agree.
        if (p.temperature < line.retrievalTemperature - 0.15) expect(p.phase).toBe('retrieval')
        if (p.temperature > line.retrievalTemperature + 0.15) expect(p.phase).not.toBe('retrieval')
        if (p.temperature > line.spinGlassTemperature + 0.15) expect(p.phase).toBe('paramagnetic')
        if (
          p.temperature < line.spinGlassTemperature - 0.3 &&
          p.temperature > line.retrievalTemperature + 0.15
        )
          expect(p.phase).toBe('spin-glass')
      }
      expect(diagram.criticalLoad).toBeCloseTo(0.138, 3)
      const phases = new Set(diagram.points.map((p) => p.phase))
      expect(phases).toEqual(new Set(['retrieval', 'spin-glass', 'paramagnetic']))
    },
  )
})
