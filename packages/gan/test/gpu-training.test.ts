// A GAN training run on core-tensor's gpu backend (webgpu through Dawn, webasm) ends where
// the same run on cpu ends: parameters and every reported diagnostic within float32 rounding.
// trainGan keeps a step's scalars on the device and reads them back once per step, so this
// is the whole loop (both players' forward, backward and Adam updates, the EMA, the gradient
// penalty's double backward) on the device. Skips a mode gpu.js cannot start here, except
// under GEN_GPU_REQUIRED=1 (CI), where an unavailable mode fails.
import { BackendUnavailableError, fromArray, key, normalFloats, type Tensor } from '@gen/core-tensor'
import { createGpuBackend, type GpuBackend, type GpuMode, setupNodeWebGpu } from '@gen/core-tensor/gpu'
import { mapTree, treeLeaves, type TensorTree } from '@gen/core-tensor/optim'
import { toBackend } from '@gen/core-tensor'
import { describe, expect, it } from 'vitest'
import { type GanConfig, initGan } from '../src/gan-model'
import { type GanObjective, trainGan } from '../src/train'

const config: GanConfig = {
  kind: 'mlp',
  latentDim: 2,
  dataDim: 2,
  generatorHidden: [16],
  discriminatorHidden: [16],
}
const required = process.env.GEN_GPU_REQUIRED === '1'

async function backendFor(mode: GpuMode): Promise<GpuBackend | string> {
  try {
    if (mode === 'webgpu') await setupNodeWebGpu()
    return await createGpuBackend({ mode })
  } catch (error) {
    if (error instanceof BackendUnavailableError) return error.reason
    if (error instanceof Error && !required) return error.message
    throw error
  }
}

async function run(objective: GanObjective, backend?: GpuBackend) {
  const on = <Tree>(tree: Tree): Tree =>
    backend === undefined
      ? tree
      : (mapTree('toBackend', ([t]) => toBackend(t, backend), tree as TensorTree) as Tree)
  const init = initGan(config, { key: key(0) })
  const data = on(fromArray(normalFloats(key(5), 128 * 2), { shape: [128, 2] }))
  const result = await trainGan({
    config,
    params: on(init.params),
    state: on(init.state),
    data,
    objective,
    steps: 4,
    batchSize: 32,
    emaDecay: 0.9,
    key: key(1),
    logEvery: 1,
  })
  const leaves = async (tree: TensorTree): Promise<number[]> =>
    (
      await Promise.all(treeLeaves(tree).map(async ([, t]: [string, Tensor]) => Array.from(await t.data())))
    ).flat()
  return {
    history: result.history.map((p) => [
      p.discriminatorLoss,
      p.generatorLoss,
      p.realOutput,
      p.fakeOutput,
      p.gradientPenalty,
      p.discriminatorGradNorm,
      p.generatorGradNorm,
    ]),
    params: [...(await leaves(result.params.generator)), ...(await leaves(result.params.discriminator))],
    ema: await leaves(result.ema!),
  }
}

const close = (got: number[], want: number[]): void => {
  expect(got.length).toBe(want.length)
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]) / (1e-3 + Math.abs(want[i]))))
  expect(worst).toBeLessThan(2e-3)
}

describe('trainGan on the gpu backend', () => {
  for (const mode of ['webgpu', 'webasm'] as const) {
    for (const objective of ['non-saturating', 'wgan-gp'] as const) {
      it(
        `${mode}: ${objective} MLP GAN, 4 steps, ends where cpu ends`,
        { timeout: 300_000 },
        async ({ skip }) => {
          const backend = await backendFor(mode)
          if (typeof backend === 'string') {
            if (required) throw new Error(`gpu:${mode} must be available (GEN_GPU_REQUIRED=1): ${backend}`)
            skip(`gpu:${mode} unavailable: ${backend}`)
            return
          }
          const want = await run(objective)
          const got = await run(objective, backend)
          close(got.history.flat(), want.history.flat())
          close(got.params, want.params)
          close(got.ema, want.ema)
          // the run moved: a mismatch in the step itself would not hide behind tiny updates
          expect(want.history[0][0]).not.toBeCloseTo(want.history[3][0], 4)
        },
      )
    }
  }
})
