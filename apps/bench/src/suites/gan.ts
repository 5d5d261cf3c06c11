import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import * as T from '../../../../packages/core-tensor/src/index.ts'
import { mapTree } from '../../../../packages/core-tensor/src/optim/index.ts'
import { key } from '../../../../packages/core-tensor/src/random/index.ts'
import {
  type DcganConfig,
  type GanCheckpoint,
  initGan,
  trainGan,
} from '../../../../packages/gan/src/index.ts'

// One DCGAN training step on 28×28 images, batch 64, float32, one thread, gen's cpu backend:
// one discriminator update (64 real + 64 generated images through D, non-saturating loss,
// Adam) and one generator update (64 images through G and D), as trainGan runs them (the
// shipped MNIST generator's recipe, packages/gan/scripts/train-dcgan.ts). Widths 16 (the
// shipped generator) and 32. Throughput counts the 64 generated images of the generator step
// per second. The `gen gpu` candidate runs the same step on core-tensor's gpu backend
// (webgpu through Dawn): device-resident parameters, data and Adam state, one readback of
// the step's seven diagnostic scalars. Where Dawn finds only a software adapter (Mesa's
// llvmpipe, this machine) it is skipped unless GEN_BENCH_SOFTWARE_GPU=1: a w16 step took
// about 69 s there (webasm mode about 20 s), minutes per sample.
// @gen/gan's source imports '@gen/core-tensor' by name: run the bench with the source
// condition (`tsx --conditions=@gen/source src/main.ts --filter dcgan`), so that name and the
// relative import below are one module (else its Tensor class differs from ours).
// Measured (2 shared cores, another training run beside it): w16 1123 ms/step (57 images/s),
// w32 3754 ms/step (17 images/s).

const batch = 64

function genCandidate(width: number): Candidate {
  interface State {
    checkpoint: GanCheckpoint
    data: T.Tensor
    config: DcganConfig
    initial: ReturnType<typeof initGan>
  }
  return {
    library: 'gen cpu',
    setup: async (): Promise<State> => {
      const config: DcganConfig = { kind: 'dcgan', latentDim: 64, width, discriminatorNorm: 'batch' }
      const data = T.fromArray(
        T.uniformFloats(key(1), 256 * 784).map((u) => 2 * u - 1),
        { shape: [256, 1, 28, 28] },
      )
      const initial = initGan(config, { key: key(0) })
      // one untimed step, so every run starts from a checkpoint with Adam state
      const first = await trainGan({
        config,
        ...initial,
        data,
        objective: 'non-saturating',
        steps: 1,
        batchSize: batch,
        key: key(2),
      })
      return { checkpoint: first.checkpoint, data, config, initial }
    },
    run: async (s) => {
      const state = s as State
      const previous = state.checkpoint
      const next = await trainGan({
        config: state.config,
        resume: previous,
        data: state.data,
        objective: 'non-saturating',
        steps: previous.step + 1,
        batchSize: batch,
        key: key(2),
      })
      // a resumed run never frees the trees it was given; the bench owns them
      T.dispose([
        previous.params,
        previous.state,
        previous.optimizers.generator,
        previous.optimizers.discriminator,
      ])
      state.checkpoint = next.checkpoint
    },
    teardown: (s) => {
      const state = s as State
      const c = state.checkpoint
      T.dispose([c.params, c.state, c.optimizers.generator, c.optimizers.discriminator, state.data])
      T.dispose([state.initial.params, state.initial.state])
    },
  }
}

/** The same step on the gpu backend's webgpu mode (Dawn's default adapter, a real GPU). */
function gpuCandidate(width: number): Candidate {
  interface State {
    checkpoint: GanCheckpoint
    data: T.Tensor
    config: DcganConfig
  }
  return {
    library: 'gen gpu',
    setup: async (): Promise<State> => {
      const gpu = await import('../../../../packages/core-tensor/src/gpu/index.ts')
      const adapter = await gpu.setupNodeWebGpu()
      if (adapter.software && process.env.GEN_BENCH_SOFTWARE_GPU !== '1') {
        throw new Error(
          `only a software adapter (${adapter.adapter}); set GEN_BENCH_SOFTWARE_GPU=1 to time it anyway (about a minute per step)`,
        )
      }
      const backend = await gpu.createGpuBackend({ mode: 'webgpu' })
      const onDevice = <Tree>(tree: Tree): Tree =>
        mapTree('toBackend', ([t]) => T.toBackend(t, backend), tree as T.TensorTree) as Tree
      const config: DcganConfig = { kind: 'dcgan', latentDim: 64, width, discriminatorNorm: 'batch' }
      const data = T.fromArray(
        T.uniformFloats(key(1), 256 * 784).map((u) => 2 * u - 1),
        { shape: [256, 1, 28, 28], backend },
      )
      const initial = initGan(config, { key: key(0) })
      const first = await trainGan({
        config,
        params: onDevice(initial.params),
        state: onDevice(initial.state),
        data,
        objective: 'non-saturating',
        steps: 1,
        batchSize: batch,
        key: key(2),
      })
      T.dispose([initial.params, initial.state])
      return { checkpoint: first.checkpoint, data, config }
    },
    run: async (s) => {
      const state = s as State
      const previous = state.checkpoint
      const next = await trainGan({
        config: state.config,
        resume: previous,
        data: state.data,
        objective: 'non-saturating',
        steps: previous.step + 1,
        batchSize: batch,
        key: key(2),
      })
      T.dispose([
        previous.params,
        previous.state,
        previous.optimizers.generator,
        previous.optimizers.discriminator,
      ])
      state.checkpoint = next.checkpoint
    },
    teardown: (s) => {
      const state = s as State
      const c = state.checkpoint
      T.dispose([c.params, c.state, c.optimizers.generator, c.optimizers.discriminator, state.data])
    },
  }
}

/** DCGAN training steps, batch 64, on the cpu backend and (where a GPU is found) the gpu backend. */
export function ganSuites(): Suite[] {
  return [16, 32].map((width) => ({
    group: 'gan',
    name: `dcgan train step w${width} b${batch}`,
    work: { amount: batch, unit: 'images' },
    baseline: 'gen cpu',
    candidates: [genCandidate(width), gpuCandidate(width)],
  }))
}
