// The gpu backend's speed on one machine, as one prepared script: matmul N×N, conv2d, an MLP
// training step and a LeNet-5 training step on `@gen/core-tensor/gpu` (webgpu by default,
// through Dawn's default adapter where a GPU exists: Vulkan on an NVIDIA H200), with the cpu
// backend's LeNet step beside it. Prints the mode, the adapter, ms per op or step, GFLOP/s,
// and the LeNet epoch estimate (937 steps of 64) against cpu.
//
// On a bare machine with Node 20 and a GPU (the NVIDIA driver with its Vulkan ICD and
// libvulkan1, which Dawn's default backend loads), from the repository root:
//   npm i -g pnpm@10 && pnpm install --frozen-lockfile
//   cd apps/bench && pnpm exec tsx --conditions=@gen/source src/gpu-h200.ts
// Options: --mode webgpu|webasm (default webgpu), --small (sizes that finish in a minute on
// llvmpipe: matmul 128/256, a small conv, MLP 784-64-10, LeNet batch 8), --sizes 1024,4096
// (matmul sizes), --no-cpu (skip the cpu LeNet baseline).
// The bar on an H200: matmul 4096 at >= 10 TFLOP/s; a LeNet epoch >= 10x faster than cpu.
import { cpus } from 'node:os'
// Relative source imports, as in the suites, until the bench depends on the package.
import * as T from '../../../packages/core-tensor/src/index.ts'
import {
  createGpuBackend,
  type GpuBackend,
  type GpuMode,
} from '../../../packages/core-tensor/src/gpu/index.ts'
import {
  conv2dInit,
  conv2dLayer,
  crossEntropyWithLogits,
  linear,
  linearInit,
} from '../../../packages/core-tensor/src/nn/index.ts'
import { adam, applyUpdates } from '../../../packages/core-tensor/src/optim/index.ts'
import { key, randomIntegers, split, uniformFloats } from '../../../packages/core-tensor/src/random/index.ts'

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const value = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const small = flag('small')
const mode = (value('mode') ?? 'webgpu') as GpuMode
if (!['webgpu', 'webgl2', 'webasm'].includes(mode)) {
  console.error(`gpu-h200: --mode must be webgpu, webgl2 or webasm, got ${mode}`)
  process.exit(2)
}
const sizes = (value('sizes') ?? (small ? '128,256' : '1024,4096')).split(',').map(Number)
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`gpu-h200: --sizes must be positive integers, got ${value('sizes')}`)
  process.exit(2)
}

/** Median of `reps` timed runs of `once` (after `warmup` untimed ones), in ms. */
async function time(once: () => Promise<void>, reps: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await once()
  const ms: number[] = []
  for (let i = 0; i < reps; i++) {
    const start = performance.now()
    await once()
    ms.push(performance.now() - start)
  }
  ms.sort((a, b) => a - b)
  return ms[Math.floor(ms.length / 2)]
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1))
const gflops = (flop: number, ms: number) => (flop / (ms * 1e6)).toFixed(1)

/** A uniform [-1, 1) tensor on `backend`. */
function uniform(backend: T.BackendV1, seed: number, shape: number[]): T.Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const values = uniformFloats(key(seed), n).map((v) => 2 * v - 1)
  return T.fromArray(values, { shape, backend })
}

/** Matmul N×N: `chain` products queued, then one small read (sum) waits for them all. */
async function benchMatmul(backend: T.BackendV1, n: number): Promise<void> {
  const a = uniform(backend, 1, [n, n])
  const b = uniform(backend, 2, [n, n])
  const chain = n >= 2048 ? 4 : 8
  const ms =
    (await time(
      async () => {
        let last: T.Tensor | undefined
        for (let i = 0; i < chain; i++) {
          last?.dispose()
          last = T.matmul(a, b)
        }
        const s = T.sum(last!)
        await s.data()
        T.dispose([s, last!])
      },
      n >= 2048 ? 3 : 5,
      1,
    )) / chain
  console.log(`matmul ${n}x${n}x${n}: ${fmt(ms)} ms, ${gflops(2 * n ** 3, ms)} GFLOP/s`)
  T.dispose([a, b])
}

/** conv2d 3×3, padding 1: x [N, C, H, W], w [O, C, 3, 3]. */
async function benchConv(backend: T.BackendV1): Promise<void> {
  const [n, c, h, w, o] = small ? [8, 8, 16, 16, 16] : [64, 64, 56, 56, 64]
  const x = uniform(backend, 3, [n, c, h, w])
  const weight = uniform(backend, 4, [o, c, 3, 3])
  const ms = await time(async () => {
    const y = T.conv2d(x, weight, { padding: 1 })
    const s = T.sum(y)
    await s.data()
    T.dispose([y, s])
  }, 5)
  const flop = 2 * n * o * h * w * c * 9
  console.log(
    `conv2d x[${n},${c},${h},${w}] w[${o},${c},3,3] pad 1: ${fmt(ms)} ms, ${gflops(flop, ms)} GFLOP/s`,
  )
  T.dispose([x, weight])
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Layer = { weight: T.Tensor; bias?: T.Tensor }
type Params = Record<string, Layer>

/** Copies tensors drawn on cpu onto `backend` (the same initial values everywhere). */
function onBackend(params: Params, backend: T.BackendV1): Params {
  const out: Params = {}
  for (const [name, layer] of Object.entries(params)) {
    const move = (t: T.Tensor) => T.fromArray(t.dataSync(), { shape: t.shape, backend })
    out[name] = { weight: move(layer.weight), bias: layer.bias === undefined ? undefined : move(layer.bias) }
  }
  T.dispose(params)
  return out
}

/**
 * The median ms of one Adam training step (forward, backward, update, all on the device; the
 * loss read back each step, as a training loop that logs it does).
 */
async function benchStep(
  backend: T.BackendV1,
  model: {
    init: () => Params
    loss: (p: Params, x: T.Tensor, y: T.Tensor) => T.Tensor
    xShape: number[]
    reps: number
  },
): Promise<number> {
  let params = onBackend(model.init(), backend)
  const batch = model.xShape[0]
  const x = uniform(backend, 5, model.xShape)
  const y = T.fromArray(Int32Array.from(randomIntegers(key(6), batch, 0, 10)), {
    shape: [batch],
    dtype: 'int32',
    backend,
  })
  const optimizer = adam({ learningRate: 1e-3 })
  let state = optimizer.init(params)
  const ms = await time(async () => {
    const next = T.tidy(() => {
      const { value, grads } = T.valueAndGrad(model.loss)(params, x, y)
      const { updates, state: s } = optimizer.update(grads, state, params)
      return { params: applyUpdates(params, updates) as Params, state: s, value }
    })
    T.dispose([params, state])
    params = next.params
    state = next.state
    const loss = (await next.value.data())[0]
    next.value.dispose()
    if (!Number.isFinite(loss)) throw new Error(`training step: the loss is ${loss}`)
  }, model.reps)
  T.dispose([params, state, x, y])
  return ms
}

const mlpSizes = small ? [784, 64, 10] : [784, 512, 512, 10]
const mlpBatch = small ? 32 : 128
const mlp = {
  init: (): Params => {
    const keys = split(key(0), mlpSizes.length - 1)
    return Object.fromEntries(keys.map((k, i) => [`l${i}`, linearInit(k, mlpSizes[i], mlpSizes[i + 1])]))
  },
  loss: (p: Params, x: T.Tensor, y: T.Tensor) => {
    const layers = Object.values(p)
    let h = x
    layers.forEach((l, i) => {
      h = linear(l, h)
      if (i < layers.length - 1) h = T.relu(h)
    })
    return crossEntropyWithLogits(h, y)
  },
  xShape: [mlpBatch, 784],
  reps: 5,
}

// LeNet-5, the modern variant of @gen/cnn's shipped weights (see suites/lenet.ts)
const lenetBatch = small ? 8 : 64
const lenet = {
  init: (): Params => {
    const k = split(key(0), 5)
    return {
      c1: conv2dInit(k[0], { inChannels: 1, outChannels: 6, kernelSize: 5 }),
      c3: conv2dInit(k[1], { inChannels: 6, outChannels: 16, kernelSize: 5 }),
      c5: conv2dInit(k[2], { inChannels: 16, outChannels: 120, kernelSize: 5 }),
      f6: linearInit(k[3], 120, 84),
      out: linearInit(k[4], 84, 10),
    }
  },
  loss: (p: Params, x: T.Tensor, y: T.Tensor) => {
    let h = T.maxPool2d(T.relu(conv2dLayer(p.c1, x, { padding: 2 })), { kernelSize: 2 })
    h = T.maxPool2d(T.relu(conv2dLayer(p.c3, h)), { kernelSize: 2 })
    h = T.reshape(T.relu(conv2dLayer(p.c5, h)), [x.shape[0], 120])
    return crossEntropyWithLogits(linear(p.out, T.relu(linear(p.f6, h))), y)
  },
  xShape: [lenetBatch, 1, 28, 28],
  reps: 5,
}

const started = performance.now()
console.log(
  `gpu-h200: node ${process.version}, ${cpus().length} cpu cores (${cpus()[0]?.model ?? 'unknown'})${small ? ', --small sizes' : ''}`,
)
let backend: GpuBackend
try {
  backend = await createGpuBackend({ mode })
} catch (error) {
  console.error(
    `gpu-h200: gpu:${mode} did not start: ${error instanceof Error ? error.message : String(error)}`,
  )
  process.exit(1)
}
const { info } = backend
console.log(
  `backend gpu:${info.mode} on ${info.adapter} (software: ${info.software}), float${info.floatPrecision}`,
)
if (info.mode === 'webgpu' && info.software) {
  console.log(
    `WARNING: ${info.adapter} runs on the CPU; for the GPU figures Dawn needs its Vulkan backend (libvulkan1 and the NVIDIA driver's Vulkan ICD)`,
  )
}
for (const n of sizes) await benchMatmul(backend, n)
await benchConv(backend)
const mlpMs = await benchStep(backend, mlp)
const mlpFlop = 6 * mlpBatch * mlpSizes.slice(1).reduce((s, n, i) => s + n * mlpSizes[i], 0)
console.log(
  `MLP ${mlpSizes.join('-')} Adam step, batch ${mlpBatch}: ${fmt(mlpMs)} ms, ${gflops(mlpFlop, mlpMs)} GFLOP/s (6·batch·weights)`,
)
const lenetMs = await benchStep(backend, lenet)
const stepsPerEpoch = Math.ceil(60000 / lenetBatch)
console.log(
  `LeNet-5 Adam step, batch ${lenetBatch}: ${fmt(lenetMs)} ms; MNIST epoch (${stepsPerEpoch} steps) ≈ ${((lenetMs * stepsPerEpoch) / 1000).toFixed(1)} s`,
)
if (info.fallbacks.length > 0) console.log(`fallbacks: ${JSON.stringify(info.fallbacks)}`)
if (!flag('no-cpu')) {
  const cpuMs = await benchStep(T.cpu, lenet)
  console.log(
    `LeNet-5 Adam step on cpu (1 thread), batch ${lenetBatch}: ${fmt(cpuMs)} ms; gpu:${info.mode} is ${(cpuMs / lenetMs).toFixed(2)}x cpu`,
  )
}
backend.destroy()
console.log(`gpu-h200: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
