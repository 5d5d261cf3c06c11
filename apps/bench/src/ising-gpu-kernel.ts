/**
 * Which GPU checkerboard sweep is faster: `tensorCheckerboardSweep` of `@gen/ising/gpu`
 * (composed from core-tensor ops: about 12 gpu.js launches per half-sweep) or one dedicated
 * gpu.js kernel per half-sweep (the same rule and thresholds, so the same chain: the script
 * checks that M agrees). `@gen/core-tensor/gpu` does not run user kernels, so the dedicated one
 * drives gpu.js directly (resolved from core-tensor's own dependencies). Both draw the same
 * uniforms on the host.
 *
 *   cd apps/bench && pnpm exec tsx --conditions=@gen/source src/ising-gpu-kernel.ts [--L 256] [--sweeps 10]
 *
 * In Node without a GPU, webgpu runs Dawn on llvmpipe (see `setupNodeWebGpu`).
 */
import { createRequire } from 'node:module'
import { fold, key, randomBits } from '../../../packages/core-tensor/src/index.ts'
import { createGpuBackend, setupNodeWebGpu } from '../../../packages/core-tensor/src/gpu/index.ts'
import { spinsTensor, tensorCheckerboardSweep, tensorObservables } from '../../../packages/ising/src/gpu.ts'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  if (at < 0) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1`)
  return value
}

interface BufferResult {
  toArray(): Promise<Float32Array>
  delete(): void
}
type Kernel = (...args: unknown[]) => Promise<BufferResult>
interface GpuJs {
  GPU: new (settings: { mode: string }) => { createKernel(source: string, settings: object): Kernel }
}

const L = option('L', 256)
const sweeps = option('sweeps', 10)
if (L % 2 !== 0) throw new Error(`--L must be even, got ${L}`)
const beta = 0.44
const n = L * L
const lattice = { Lx: L, Ly: L }
const setup = await setupNodeWebGpu()
console.log(`adapter: ${setup.adapter}; L = ${L}, ${sweeps} timed sweeps after one warm-up`)

/** The thresholds of `tensorCheckerboardSweep` for sweep t: −ln u / 2β on colour c, −3e38 elsewhere. */
function thresholds(t: number): [Float32Array, Float32Array] {
  const w = randomBits(fold(key(2), t), n)
  const even = new Float32Array(n)
  const odd = new Float32Array(n)
  for (let y = 0, i = 0; y < L; y++) {
    for (let x = 0; x < L; x++, i++) {
      let v = -Math.log((w[i] + 0.5) / 4294967296) / (2 * beta)
      if (!(v < 3e38)) v = 3e38
      if (((x + y) & 1) === 0) {
        even[i] = v
        odd[i] = -3e38
      } else {
        even[i] = -3e38
        odd[i] = v
      }
    }
  }
  return [even, odd]
}

// the dedicated kernel: one thread per site, neighbours by index arithmetic, p = [Lx, Ly, J, h]
const gpujs = createRequire(new URL('../../../packages/core-tensor/package.json', import.meta.url))(
  'gpu.js',
) as GpuJs
const gpu = new gpujs.GPU({ mode: 'webgpu' })
const settings = {
  output: [n],
  pipeline: true,
  immutable: true,
  dynamicOutput: true,
  dynamicArguments: true,
  loopMaxIterations: 1000,
  precision: 'single',
  tactic: 'precision',
}
const half = gpu.createKernel(
  `function (s, r, p) {
const i = this.thread.x
const Lx = p[0]
const Ly = p[1]
let y = Math.floor(i / Lx)
let x = i - y * Lx
if (x < 0) { y = y - 1; x = x + Lx }
if (x >= Lx) { y = y + 1; x = x - Lx }
let xl = x - 1
if (x == 0) { xl = Lx - 1 }
let xr = x + 1
if (x == Lx - 1) { xr = 0 }
let yu = y - 1
if (y == 0) { yu = Ly - 1 }
let yd = y + 1
if (y == Ly - 1) { yd = 0 }
const sigma = s[y * Lx + xl] + s[y * Lx + xr] + s[yu * Lx + x] + s[yd * Lx + x]
const v = s[i]
if (v * (p[2] * sigma + p[3]) < r[i]) { return -v }
return v
}`,
  settings,
)
const upload = gpu.createKernel('function (x) { return x[this.thread.x] }', settings)
const params = Float32Array.of(L, L, 1, 0)
let s = await upload(new Float32Array(n).fill(1))
let t0 = 0
let host = 0
for (let t = 0; t <= sweeps; t++) {
  if (t === 1) {
    await s.toArray()
    t0 = performance.now()
  }
  const h0 = performance.now()
  const [even, odd] = thresholds(t)
  if (t > 0) host += performance.now() - h0
  const s1 = await half(s, even, params)
  const s2 = await half(s1, odd, params)
  s1.delete()
  s.delete()
  s = s2
}
const dedicatedSpins = await s.toArray()
const dedicated = (performance.now() - t0) / sweeps
const dedicatedM = dedicatedSpins.reduce((a, b) => a + b, 0)

const backend = await createGpuBackend({ mode: 'webgpu' })
let spins = spinsTensor(lattice, [new Int8Array(n).fill(1)], backend)
for (let t = 0; t <= sweeps; t++) {
  if (t === 1) {
    await spins.data()
    t0 = performance.now()
  }
  const next = tensorCheckerboardSweep(lattice, spins, { beta, key: key(2), firstSweep: t })
  spins.dispose()
  spins = next
}
const { magnetisation } = tensorObservables(lattice, spins)
const composedM = (await magnetisation.data())[0]
const composed = (performance.now() - t0) / sweeps
console.log(
  `dedicated gpu.js kernel: ${dedicated.toFixed(1)} ms/sweep (of which host thresholds ${(host / sweeps).toFixed(1)} ms); ` +
    `composed tensor sweep: ${composed.toFixed(1)} ms/sweep; the dedicated kernel is ${(composed / dedicated).toFixed(1)}x faster; ` +
    `M after ${sweeps + 1} sweeps ${dedicatedM} and ${composedM} (${dedicatedM === composedM ? 'the same chain' : 'DIFFERENT chains'})`,
)
process.exit(dedicatedM === composedM ? 0 : 1)
