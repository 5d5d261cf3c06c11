import { describe, expect, it } from 'vitest'
import { valueAndGrad } from '../src/autodiff/grad'
import { cpu } from '../src/backend/cpu'
import { memoryStats, tidy, keep, dispose } from '../src/memory'
import { add } from '../src/ops/binary'
import { relu } from '../src/ops/unary'
import { adaptiveAvgPool2d, maxPool2d, upsample } from '../src/ops/pool'
import { fromArray } from '../src/ops/creation'
import { reshape } from '../src/ops/views'
import { adam } from '../src/optim/adam'
import { applyUpdates } from '../src/optim/optimizer'
import type { TensorTree } from '../src/optim/tree'
import { key, split } from '../src/random/key'
import { uniformFloats } from '../src/random/distributions'
import type { Tensor } from '../src/tensor'
import {
  batchNorm,
  batchNormInit,
  type BatchNormState,
  conv2dInit,
  conv2dLayer,
  convTranspose2dInit,
  convTranspose2dLayer,
  groupNorm,
  groupNormInit,
} from '../src/nn/conv-layers'
import { linear, linearInit } from '../src/nn/layers'
import { crossEntropyWithLogits, mseLoss } from '../src/nn/losses'

// Learning smoke tests (STYLE.md §8): small CNNs on the cpu backend (fused conv kernels and
// their gradient rules) overfit a tiny fixed batch.

const images = (seed: number, shape: number[]): Tensor =>
  fromArray(
    uniformFloats(
      key(seed),
      shape.reduce((p, d) => p * d, 1),
    ),
    { shape, backend: cpu },
  )

/** Runs `steps` Adam steps on `loss`, returning the first and last losses; state and params are freed. */
function train<TParams extends object>(
  params: TParams,
  loss: (p: TParams) => Tensor,
  steps: number,
  learningRate: number,
): [number, number] {
  const optimizer = adam({ learningRate })
  const f = loss as unknown as (p: TensorTree) => Tensor
  let current = params as unknown as TensorTree
  let state = optimizer.init(current)
  const losses: number[] = []
  for (let t = 0; t < steps; t++) {
    const next = tidy(() => {
      const { value, grads } = valueAndGrad(f)(current)
      losses.push(value.item())
      const { updates, state: s } = optimizer.update(grads, state, current)
      return { params: applyUpdates(current, updates), state: s }
    })
    if (t > 0) dispose(current)
    dispose(state)
    current = next.params
    state = next.state
  }
  dispose(current)
  dispose(state)
  return [losses[0], losses[losses.length - 1]]
}

describe('CNN smoke tests (cpu)', () => {
  it(
    'conv → batchNorm → relu → maxPool → conv → groupNorm → relu → global pool → linear overfits 12 images',
    { tags: ['slow'] },
    () => {
      const [k1, k2, k3] = split(key(5), 3)
      const x = images(1, [12, 1, 8, 8])
      const labels = fromArray(
        Array.from({ length: 12 }, (_, i) => i % 3),
        { backend: cpu, dtype: 'int32' },
      )
      const norm = batchNormInit(4)
      let bnState: BatchNormState = norm.state
      const params = {
        c1: conv2dInit(k1, { inChannels: 1, outChannels: 4, kernelSize: 3 }),
        bn: norm.params,
        c2: conv2dInit(k2, { inChannels: 4, outChannels: 8, kernelSize: 3 }),
        gn: groupNormInit(8),
        fc: linearInit(k3, 8, 3),
      }
      const before = memoryStats(cpu).tensors
      const [first, last] = train(
        params,
        (p) => {
          const h1 = conv2dLayer(p.c1, x, { padding: 'same' })
          const bn = batchNorm(p.bn, bnState, h1, { training: true })
          // the new running statistics outlive the step; the previous ones are dropped
          if (bnState !== norm.state) dispose([bnState.runningMean, bnState.runningVar])
          bnState = { runningMean: keep(bn.state.runningMean), runningVar: keep(bn.state.runningVar) }
          const h2 = maxPool2d(relu(bn.y), { kernelSize: 2 })
          const h3 = relu(groupNorm(p.gn, conv2dLayer(p.c2, h2, { padding: 1 }), { numGroups: 2 }))
          const pooled = reshape(adaptiveAvgPool2d(h3, 1), [12, 8])
          return crossEntropyWithLogits(linear(p.fc, pooled), labels)
        },
        150,
        0.05,
      )
      expect(first).toBeGreaterThan(0.9)
      expect(last).toBeLessThan(0.1)
      // the initial state is untouched; the running mean moved towards the batch means (> 0
      // here: the first conv's bias and the inputs in [0, 1) make them nonzero)
      expect(Array.from(norm.state.runningMean.dataSync())).toEqual([0, 0, 0, 0])
      expect(Array.from(bnState.runningMean.dataSync()).some((v) => Math.abs(v) > 1e-3)).toBe(true)
      dispose([bnState.runningMean, bnState.runningVar])
      // nothing else leaks: params and optimizer state were freed by train()
      expect(memoryStats(cpu).tensors).toBe(before)
    },
  )

  it(
    'strided conv encoder and convTranspose2d / upsample decoder reconstruct 6 images',
    { tags: ['slow'] },
    () => {
      const [k1, k2, k3] = split(key(6), 3)
      const x = images(2, [6, 1, 8, 8])
      const [, , , k4] = split(key(6), 4)
      const params = {
        skip: conv2dInit(k4, { inChannels: 8, outChannels: 1, kernelSize: 1 }),
        enc: conv2dInit(k1, { inChannels: 1, outChannels: 8, kernelSize: 4 }),
        dec: convTranspose2dInit(k2, { inChannels: 8, outChannels: 4, kernelSize: 4 }),
        out: conv2dInit(k3, { inChannels: 4, outChannels: 1, kernelSize: 3 }),
      }
      const [first, last] = train(
        params,
        (p) => {
          const z = relu(conv2dLayer(p.enc, x, { stride: 2, padding: 1 })) // [6, 8, 4, 4]
          const up = relu(convTranspose2dLayer(p.dec, z, { stride: 2, padding: 1 })) // [6, 4, 8, 8]
          const skip = upsample(conv2dLayer(p.skip, z), { scaleFactor: 2, mode: 'bilinear' }) // [6, 1, 8, 8]
          return mseLoss(add(conv2dLayer(p.out, up, { padding: 1 }), skip), x)
        },
        150,
        0.02,
      )
      expect(last).toBeLessThan(0.1 * first)
    },
  )
})
