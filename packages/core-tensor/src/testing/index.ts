/**
 * @packageDocumentation
 * `@gen/core-tensor/testing`: the backend conformance suite (`describeBackend`), tolerances
 * from a backend's precision, `expectAllClose`, and gradient checking against central
 * differences. Needs vitest (an optional peer dependency) for `describeBackend`.
 */
import { beforeAll, describe, it } from 'vitest'
import type { BackendV1 } from '../backend/spec'
import { BackendUnavailableError } from '../errors'
import { type CaseContext, gradientCases, runGradientCase, valueCases } from './cases'
import { tolerancesFor } from './tolerance'

export { expectAllClose, expectClose, readNested, tolerancesFor, type Tolerance } from './tolerance'
export { checkGradients, gradientsOn, gradientsRead, type GradCheckOptions } from './gradcheck'
export {
  valueCases,
  gradientCases,
  withoutFused,
  type ValueCase,
  type GradientCase,
  type CaseContext,
  type Domain,
} from './cases'

/**
 * Registers the conformance suite for one backend: every value case and every gradient case
 * as a vitest test. A factory that throws `BackendUnavailableError` marks every test skipped
 * with the reason; other errors fail. NaN/Inf cases are skipped when `strictNumerics` is false.
 *
 * @param name - label of the suite
 * @param factory - async backend factory (`createCpuBackend`, a GPU factory...)
 * @example
 * ```ts
 * import { createCpuBackend } from '@gen/core-tensor'
 * import { describeBackend } from '@gen/core-tensor/testing'
 * describeBackend('cpu', createCpuBackend)
 * ```
 */
export function describeBackend(name: string, factory: () => Promise<BackendV1>): void {
  describe(`backend ${name}`, () => {
    const state: { ctx?: CaseContext; unavailable?: string } = {}
    beforeAll(async () => {
      try {
        const backend = await factory()
        state.ctx = { backend, tolerance: tolerancesFor(backend) }
      } catch (error) {
        if (error instanceof BackendUnavailableError) state.unavailable = error.reason
        else throw error
      }
    })
    const context = (skip: (note: string) => never): CaseContext => {
      if (state.ctx === undefined)
        skip(`backend ${name} unavailable: ${state.unavailable ?? 'factory failed'}`)
      return state.ctx
    }
    describe('values', () => {
      for (const c of valueCases) {
        it(c.name, async ({ skip }) => {
          const ctx = context(skip)
          if (c.strict === true && !ctx.backend.strictNumerics) skip('needs strict IEEE NaN/Inf semantics')
          await c.run(ctx)
        })
      }
    })
    describe('gradients', () => {
      gradientCases.forEach((c, index) => {
        it(c.name, async ({ skip }) => {
          await runGradientCase(c, index, context(skip))
        })
      })
    })
  })
}
