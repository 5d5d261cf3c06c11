// The gpu backend's fused fast paths against the composed ops they replace, on one machine,
// in interleaved runs (fused, composed, fused, composed, ...; the median of each), so that the
// load of a shared machine falls on both alike. Each composed variant is the same backend with
// one `fused` entry hidden. Also the elementwise ops on the gpu mode against the cpu backend
// (the issue's rule: in Node without a GPU, webasm must not be slower than cpu on elementwise
// ops, or auto-selection prefers cpu; `chooseBackend` does).
//
// From apps/bench:
//   pnpm exec tsx --conditions=@gen/source src/gpu-fusion.ts --mode webasm
//   EGL_PLATFORM=surfaceless pnpm exec tsx --conditions=@gen/source src/gpu-fusion.ts --mode webgpu
// Options: --reps N (default 9), --only adam,mlp,softmax,elementwise
import * as T from '../../../packages/core-tensor/src/index.ts'
import {
  createGpuBackend,
  type GpuBackend,
  type GpuMode,
} from '../../../packages/core-tensor/src/gpu/index.ts'
import { crossEntropyWithLogits, linear, linearInit } from '../../../packages/core-tensor/src/nn/index.ts'
import { adam, adamw, applyUpdates } from '../../../packages/core-tensor/src/optim/index.ts'
import { key, randomIntegers, split, uniformFloats } from '../../../packages/core-tensor/src/random/index.ts'

const args = process.argv.slice(2)
const value = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const mode = (value('mode') ?? 'webasm') as GpuMode
if (!['webgpu', 'webgl2', 'webasm'].includes(mode)) {
  console.error(`gpu-fusion: --mode must be webgpu, webgl2 or webasm, got ${mode}`)
  process.exit(2)
}
const reps = Number(value('reps') ?? 9)
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`gpu-fusion: --reps must be a positive integer, got ${value('reps')}`)
  process.exit(2)
}
const only = value('only')?.split(',')
const wanted = (name: string) => only === undefined || only.includes(name)

/** `backend` with the named fused entries hidden: the composed ops run in their place. */
function hiding(
  backend: T.BackendV1,
  names: readonly (keyof NonNullable<T.BackendV1['fused']>)[],
): T.BackendV1 {
  const fused = { ...backend.fused }
  for (const name of names) delete fused[name]
  return {
    specificationVersion: 'v1',
    name: backend.name,
    floatPrecision: backend.floatPrecision,
    strictNumerics: backend.strictNumerics,
    allocate: (d, n, v) => backend.allocate(d, n, v),
    read: (b) => backend.read(b),
    readSync: backend.readSync === undefined ? undefined : (b) => backend.readSync!(b),
    dispose: (b) => backend.dispose(b),
    unary: (op, x) => backend.unary(op, x),
    binary: (op, a, b) => backend.binary(op, a, b),
    where: (c, a, b) => backend.where(c, a, b),
    reduce: (op, x, axes) => backend.reduce(op, x, axes),
    contiguous: (x) => backend.contiguous(x),
    cast: (x, d) => backend.cast(x, d),
    concat: (xs, axis) => backend.concat(xs, axis),
    gather: (x, i, axis) => backend.gather(x, i, axis),
    scatterAdd: (x, i, axis, size) => backend.scatterAdd(x, i, axis, size),
    fused,
  }
}

/** A timed case: `prepare` once per variant, then `run` (which waits for its result) per rep. */
interface Variant {
  label: string
  run: () => Promise<void>
  done?: () => void
}

/**
 * Interleaved medians: warm-up twice each, then `reps` rounds of every variant in turn. Prints
 * wall-clock ms and the process's CPU ms (user + system, all threads: llvmpipe's and wasm's
 * work both run in this process), which a loaded machine disturbs far less than wall time.
 */
async function interleaved(title: string, variants: Variant[]): Promise<void> {
  for (let w = 0; w < 2; w++) for (const v of variants) await v.run()
  const wall = variants.map(() => [] as number[])
  const cpuMs = variants.map(() => [] as number[])
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < variants.length; i++) {
      const start = performance.now()
      const used = process.cpuUsage()
      await variants[i].run()
      const spent = process.cpuUsage(used)
      wall[i].push(performance.now() - start)
      cpuMs[i].push((spent.user + spent.system) / 1000)
    }
  }
  variants.forEach((v) => v.done?.())
  const median = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]
  const show = (label: string, times: number[][]) => {
    const m = times.map(median)
    const base = m[m.length - 1]
    return `${label}: ${variants
      .map(
        (v, i) =>
          `${v.label} ${fmt(m[i])}${i < variants.length - 1 ? ` (${(base / m[i]).toFixed(2)}x)` : ''}`,
      )
      .join(', ')}`
  }
  console.log(`${title}\n  ${show('wall ms', wall)}\n  ${show('cpu ms ', cpuMs)}`)
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))

function uniform(backend: T.BackendV1, seed: number, shape: readonly number[], scale = 1): T.Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  return T.fromArray(
    uniformFloats(key(seed), n).map((u) => scale * (2 * u - 1)),
    { shape, backend },
  )
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- a type alias is a TensorTree
type Layer = { weight: T.Tensor; bias?: T.Tensor }
type Params = Record<string, Layer>

function mlpParams(backend: T.BackendV1, sizes: number[]): Params {
  const keys = split(key(0), sizes.length - 1)
  const params: Params = {}
  keys.forEach((k, i) => {
    const l = linearInit(k, sizes[i], sizes[i + 1])
    const move = (t: T.Tensor) => T.fromArray(t.dataSync(), { shape: t.shape, backend })
    params[`l${i}`] = { weight: move(l.weight), bias: move(l.bias!) }
    T.dispose([l.weight, l.bias!])
  })
  return params
}

function mlpLoss(p: Params, x: T.Tensor, y: T.Tensor): T.Tensor {
  const layers = Object.values(p)
  let h = x
  layers.forEach((l, i) => {
    h = linear(l, h)
    if (i < layers.length - 1) h = T.relu(h)
  })
  return crossEntropyWithLogits(h, y)
}

/** One optimizer update (no forward/backward): fixed gradients, AdamW, then a small read. */
function adamVariant(label: string, backend: T.BackendV1, sizes: number[]): Variant {
  let params = mlpParams(backend, sizes)
  const grads = T.tidy(() => {
    const g: Params = {}
    Object.entries(params).forEach(([name, l], i) => {
      g[name] = {
        weight: uniform(backend, 40 + i, l.weight.shape, 0.01),
        bias: uniform(backend, 50 + i, l.bias!.shape, 0.01),
      }
    })
    return g
  })
  const optimizer = adamw({ learningRate: 1e-3 })
  let state = optimizer.init(params)
  const last = `l${sizes.length - 2}`
  return {
    label,
    run: async () => {
      const next = T.tidy(() => {
        const step = optimizer.update(grads, state, params)
        return { params: applyUpdates(params, step.updates) as Params, state: step.state }
      })
      T.dispose([params, state])
      params = next.params
      state = next.state
      await params[last].bias!.data()
    },
    done: () => T.dispose([params, state, grads]),
  }
}

/** A whole Adam training step of an MLP: forward, backward, update; the loss read back. */
function mlpVariant(label: string, backend: T.BackendV1, sizes: number[], batch: number): Variant {
  let params = mlpParams(backend, sizes)
  const x = uniform(backend, 5, [batch, sizes[0]])
  const y = T.fromArray(Int32Array.from(randomIntegers(key(6), batch, 0, sizes[sizes.length - 1])), {
    shape: [batch],
    dtype: 'int32',
    backend,
  })
  const optimizer = adam({ learningRate: 1e-3 })
  let state = optimizer.init(params)
  return {
    label,
    run: async () => {
      const next = T.tidy(() => {
        const { value, grads } = T.valueAndGrad(mlpLoss)(params, x, y)
        const step = optimizer.update(grads, state, params)
        return { params: applyUpdates(params, step.updates) as Params, state: step.state, value }
      })
      T.dispose([params, state])
      params = next.params
      state = next.state
      const loss = (await next.value.data())[0]
      next.value.dispose()
      if (!Number.isFinite(loss)) throw new Error(`gpu-fusion: the MLP loss is ${loss}`)
    },
    done: () => T.dispose([params, state, x, y]),
  }
}

/** softmax over the last axis of a fixed [rows, n] tensor, read back. */
function softmaxVariant(label: string, backend: T.BackendV1, shape: number[]): Variant {
  const x = uniform(backend, 7, shape, 4)
  return {
    label,
    run: async () => {
      const y = T.softmax(x)
      await y.data()
      y.dispose()
    },
    done: () => x.dispose(),
  }
}

/** An elementwise op over n elements, `chain` times in a row, then one read. */
function elementwiseVariant(
  label: string,
  backend: T.BackendV1,
  n: number,
  op: (a: T.Tensor, b: T.Tensor) => T.Tensor,
): Variant {
  const a = uniform(backend, 8, [n])
  const b = uniform(backend, 9, [n])
  return {
    label,
    run: async () => {
      const y = op(a, b)
      await y.data()
      y.dispose()
    },
    done: () => T.dispose([a, b]),
  }
}

// Every variant gets its own backend (the same device): on webasm a backend keeps at most 40
// kernels compiled, and variants sharing one would evict each other's.
const made: GpuBackend[] = []
const make = async (fuseElementwise: boolean, hide: boolean): Promise<T.BackendV1> => {
  const b = await createGpuBackend({ mode, fuseElementwise })
  made.push(b)
  return hide ? hiding(b, ['adamUpdate', 'softmax']) : b
}
const info = (await make(true, false)) as GpuBackend
console.log(`gpu-fusion: gpu:${info.info.mode} on ${info.info.adapter}, ${reps} interleaved rounds (medians)`)
console.log(
  '  "chains": elementwise chains fused; "Adam": FusedKernels.adamUpdate; "default": the backend as created (webasm with chains offers no fused Adam); ratios: the last variant / each',
)
const name = `gpu:${mode}`
const small = mode !== 'webasm'

if (wanted('adam')) {
  for (const sizes of small
    ? [[784, 64, 10]]
    : [
        [784, 64, 10],
        [784, 256, 256, 10],
      ]) {
    await interleaved(`AdamW update of MLP ${sizes.join('-')} params (update + apply + read)`, [
      adamVariant(
        mode === 'webasm' ? 'default (chains)' : 'default (chains+Adam)',
        await make(true, false),
        sizes,
      ),
      ...(mode === 'webasm' ? [] : [adamVariant('chains', await make(true, true), sizes)]),
      adamVariant('Adam', await make(false, false), sizes),
      adamVariant('neither', await make(false, true), sizes),
    ])
  }
}
if (wanted('mlp')) {
  const sizes = [784, 64, 10]
  const batch = 32
  await interleaved(`MLP ${sizes.join('-')} Adam training step, batch ${batch}`, [
    mlpVariant(
      mode === 'webasm' ? 'default (chains)' : 'default (chains+Adam)',
      await make(true, false),
      sizes,
      batch,
    ),
    ...(mode === 'webasm' ? [] : [mlpVariant('chains', await make(true, true), sizes, batch)]),
    mlpVariant('Adam', await make(false, false), sizes, batch),
    mlpVariant('neither', await make(false, true), sizes, batch),
  ])
}
if (wanted('softmax') && info.fused?.softmax === undefined) {
  console.log(`softmax: ${name} has no fused softmax (the composition runs)`)
} else if (wanted('softmax')) {
  for (const shape of [
    [64, 10],
    [256, 128],
  ]) {
    await interleaved(`softmax [${shape.join(', ')}]`, [
      softmaxVariant('fused softmax', await make(false, false), shape),
      softmaxVariant('composed, chains', await make(true, true), shape),
      softmaxVariant('composed', await make(false, true), shape),
    ])
  }
}
if (wanted('elementwise')) {
  const n = 1 << 20
  const ops: [string, (a: T.Tensor, b: T.Tensor) => T.Tensor][] = [
    ['add', (a, b) => T.add(a, b)],
    ['exp', (a) => T.exp(a)],
    ['relu', (a) => T.relu(a)],
    ['sigmoid', (a) => T.sigmoid(a)],
    ['(a - b)^2 / 2 + a * 0.01', (a, b) => T.add(T.div(T.square(T.sub(a, b)), 2), T.mul(a, 0.01))],
  ]
  for (const [label, op] of ops) {
    await interleaved(`${label} over 2^20 elements (ops + read)`, [
      elementwiseVariant(`${name} chains`, await make(true, false), n, op),
      elementwiseVariant(name, await make(false, false), n, op),
      elementwiseVariant('cpu', T.cpu, n, op),
    ])
  }
}
made.forEach((b) => b.destroy())
