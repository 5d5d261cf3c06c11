/**
 * The tensor checkerboard sweep of `@gen/ising/gpu`: against a plain loop of the same rule
 * (bit for bit, on cpu), the same chain on gpu:webgpu (Dawn; llvmpipe without a GPU) and
 * gpu:webasm, and e, |m| on gpu:webgpu within error bars of Kaufman's exact e and of the
 * package's CPU Metropolis sweep at T = 2.0 and 3.0 on the 16 x 16 torus.
 */
import { isFullRun } from '@gen-tooling/vitest-config'
import { BackendUnavailableError, cpu, fold, key, randomBits, type BackendV1 } from '@gen/core-tensor'
import { createGpuBackend, type GpuBackend, type GpuMode } from '@gen/core-tensor/gpu'
import { describe, expect, it } from 'vitest'
import {
  allUp,
  binnedMean,
  createRng,
  energy,
  kaufman,
  magnetisation,
  metropolisSweep,
  randomSpins,
  squareLattice,
  type IsingModel,
} from '../src/index'
import { gpuMetropolis, spinsTensor, tensorCheckerboardSweep, tensorObservables } from '../src/gpu'

const required = process.env.GEN_GPU_REQUIRED === '1'
const full = isFullRun()

const backends = new Map<GpuMode, Promise<GpuBackend | string>>()
function backendFor(mode: GpuMode): Promise<GpuBackend | string> {
  if (!backends.has(mode)) {
    backends.set(
      mode,
      createGpuBackend({ mode }).catch((error: unknown) => {
        if (error instanceof BackendUnavailableError) return error.reason
        throw error
      }),
    )
  }
  return backends.get(mode)!
}

/** The gpu backend of `mode`, or a skip (a failure under GEN_GPU_REQUIRED=1). */
async function gpuOrSkip(mode: GpuMode, skip: (note: string) => void): Promise<GpuBackend> {
  const backend = await backendFor(mode)
  if (typeof backend === 'string') {
    if (required) throw new Error(`gpu:${mode} must be available (GEN_GPU_REQUIRED=1): ${backend}`)
    skip(`gpu:${mode} unavailable: ${backend}`)
    throw new Error('unreachable')
  }
  return backend
}

/**
 * The same sweep as a plain loop over sites (the oracle of the tensor composition): sweep t's
 * word w_i gives u = (w + ½)/2³², site i of colour c flips in half c when
 * s·(J·Σ + h) < fround(−ln u / 2β).
 */
function loopSweeps(
  model: IsingModel,
  replicas: Int8Array[],
  beta: number,
  seed: number,
  sweeps: number,
): void {
  const [Lx, Ly] = model.shape
  const J = model.uniformCoupling!
  const n = model.size
  for (let t = 0; t < sweeps; t++) {
    const words = randomBits(fold(key(seed), t), replicas.length * n)
    for (let c = 0; c < 2; c++) {
      replicas.forEach((s, r) => {
        const before = s.slice()
        for (let y = 0; y < Ly; y++) {
          for (let x = 0; x < Lx; x++) {
            if (((x + y) & 1) !== c) continue
            const i = y * Lx + x
            const sigma =
              before[y * Lx + ((x + 1) % Lx)] +
              before[y * Lx + ((x + Lx - 1) % Lx)] +
              before[((y + 1) % Ly) * Lx + x] +
              before[((y + Ly - 1) % Ly) * Lx + x]
            const u = (words[r * n + i] + 0.5) / 4294967296
            if (s[i] * (J * sigma + model.field) < Math.fround(-Math.log(u) / (2 * beta))) s[i] = -s[i]
          }
        }
      })
    }
  }
}

async function spinsOf(model: IsingModel, backend: BackendV1, seed: number, beta: number, sweeps: number) {
  const starts = [0, 1, 2].map((r) => randomSpins(model, key(100 + r)))
  const s0 = spinsTensor(model, starts, backend)
  const s1 = tensorCheckerboardSweep(model, s0, { beta, key: key(seed), sweeps })
  const values = Array.from(await s1.data())
  const { energy, magnetisation: m } = tensorObservables(model, s1)
  const obs = [Array.from(await energy.data()), Array.from(await m.data())]
  ;[s0, s1, energy, m].forEach((t) => t.dispose())
  return { starts, values, obs }
}

describe('tensorCheckerboardSweep', () => {
  const cases = [
    { name: 'J = 1, h = 0, T = 2.5', model: squareLattice(8, { Ly: 6 }), beta: 0.4 },
    { name: 'J = -0.5, h = 0.25, T = 1', model: squareLattice(6, { J: -0.5, h: 0.25 }), beta: 1 },
  ]
  for (const { name, model, beta } of cases) {
    it(`equals the plain loop of the same rule on cpu, bit for bit (${name})`, async () => {
      const got = await spinsOf(model, cpu, 7, beta, 6)
      const want = got.starts.map((s) => s.slice())
      loopSweeps(model, want, beta, 7, 6)
      expect(got.values).toEqual(want.flatMap((s) => Array.from(s)))
      // observables on the backend equal the package's energy and magnetisation of the loop result
      expect(got.obs[0]).toEqual(want.map((s) => energy(model, s)))
      expect(got.obs[1]).toEqual(want.map((s) => magnetisation(model, s)))
    })
  }

  for (const mode of ['webgpu', 'webasm'] as GpuMode[]) {
    it(`gives the cpu chain on gpu:${mode}, bit for bit`, { timeout: 120_000 }, async ({ skip }) => {
      const backend = await gpuOrSkip(mode, skip)
      for (const { model, beta } of cases) {
        const want = await spinsOf(model, cpu, 11, beta, 4)
        const got = await spinsOf(model, backend, 11, beta, 4)
        expect(got.values).toEqual(want.values)
        expect(got.obs).toEqual(want.obs)
      }
      // past 2^24 spins float32 indices are inexact: refused up front, not swept wrongly
      const big = { Lx: 4096, Ly: 4098 }
      expect(() => spinsTensor(big, [new Int8Array(4096 * 4098).fill(1)], backend)).toThrow(
        /at most 2\^24 = 16777216 elements on gpu:/,
      )
    })
  }

  it('rejects bad input with InvalidArgumentError naming the argument', () => {
    const model = squareLattice(4)
    const s = spinsTensor(model, [allUp(model)], cpu)
    expect(() => tensorCheckerboardSweep(model, s, { beta: 0, key: key(1) })).toThrow(/beta must be/)
    expect(() => tensorCheckerboardSweep(model, s, { beta: 1, key: key(1), sweeps: 1.5 })).toThrow(/sweeps/)
    expect(() => tensorCheckerboardSweep(model, s, { beta: 1, key: 3 as never })).toThrow(/key/)
    expect(() => tensorCheckerboardSweep(squareLattice(5), s, { beta: 1, key: key(1) })).toThrow(/even sides/)
    expect(() =>
      tensorCheckerboardSweep(squareLattice(4, { boundary: 'open' }), s, { beta: 1, key: key(1) }),
    ).toThrow(/periodic/)
    expect(() => tensorCheckerboardSweep(squareLattice(6), s, { beta: 1, key: key(1) })).toThrow(
      /spins must be a float32 tensor \[replicas >= 1, 6, 6\], got float32 \[1, 4, 4\]/,
    )
    expect(() => spinsTensor(model, [new Int8Array(16)], cpu)).toThrow(/only \+1 and -1/)
    // a lattice by its sides: the same chain as the model, and its own checks
    const torus = { Lx: 4, Ly: 4 }
    expect(tensorCheckerboardSweep(torus, s, { beta: 0.3, key: key(5), sweeps: 3 }).dataSync()).toEqual(
      tensorCheckerboardSweep(model, s, { beta: 0.3, key: key(5), sweeps: 3 }).dataSync(),
    )
    expect(() => tensorCheckerboardSweep({ Lx: 4, Ly: 3 }, s, { beta: 1, key: key(1) })).toThrow(
      /lattice.Ly must be an even integer >= 2, got 3/,
    )
    expect(() => tensorObservables({ Lx: 4, Ly: 4, h: NaN }, s)).toThrow(/lattice.h must be a finite number/)
    s.dispose()
  })
})

describe('gpuMetropolis on gpu:webgpu against exact and CPU values (L = 16)', () => {
  const L = 16
  const model = squareLattice(L)
  const replicas = full ? 256 : 64
  const sweeps = full ? 2000 : 150
  for (const temperature of [2.0, 3.0]) {
    it(
      `T = ${temperature}: e within 4 sigma of Kaufman, |m| of the CPU sweep`,
      { tags: ['slow'], timeout: 300_000 },
      async ({ skip }) => {
        const backend = await gpuOrSkip('webgpu', skip)
        const got = await gpuMetropolis(model, {
          temperature,
          key: key(2026 + 10 * temperature),
          replicas,
          thermalisation: 100,
          sweeps,
          backend,
        })
        // the CPU reference: one long plain checkerboard chain, binned
        const rng = createRng(key(31))
        const spins = allUp(model)
        for (let t = 0; t < 1000; t++) metropolisSweep(model, spins, { beta: 1 / temperature, rng })
        const cpuM = new Float64Array(full ? 200_000 : 40_000)
        for (let t = 0; t < cpuM.length; t++) {
          metropolisSweep(model, spins, { beta: 1 / temperature, rng })
          cpuM[t] = Math.abs(magnetisation(model, spins)) / model.size
        }
        const ref = binnedMean(cpuM, 32)
        const exactE = kaufman(L, temperature).e
        const dm = got.absMagnetisation.value - ref.value
        const sm = Math.hypot(got.absMagnetisation.error, ref.error)
        console.log(
          `gpu:webgpu L=${L} T=${temperature} (${replicas} replicas x ${sweeps} sweeps, ${(got.milliseconds / 1000).toFixed(1)} s): ` +
            `e ${got.energy.value.toFixed(5)} ± ${got.energy.error.toFixed(5)} (Kaufman ${exactE.toFixed(5)}), ` +
            `|m| ${got.absMagnetisation.value.toFixed(5)} ± ${got.absMagnetisation.error.toFixed(5)} (CPU ${ref.value.toFixed(5)} ± ${ref.error.toFixed(5)})`,
        )
        expect(got.backend).toBe('gpu:webgpu')
        expect(Math.abs(got.energy.value - exactE)).toBeLessThan(4 * got.energy.error)
        expect(Math.abs(dm)).toBeLessThan(4 * sm)
        // the bars are tight enough to tell the phases apart and to catch a wrong acceptance rule
        expect(got.energy.error).toBeLessThan(full ? 0.001 : 0.004)
        expect(got.absMagnetisation.error).toBeLessThan(full ? 0.002 : 0.006)
      },
    )
  }

  it('rejects bad options with InvalidArgumentError', async () => {
    await expect(gpuMetropolis(model, { temperature: -1, key: key(1) })).rejects.toThrow(/temperature/)
    await expect(
      gpuMetropolis(model, { temperature: 2, key: key(1), sweeps: 1, backend: cpu }),
    ).rejects.toThrow(/sweeps must be an integer >= 2/)
    await expect(
      gpuMetropolis(model, { temperature: 2, key: key(1), backend: 'webgl' as GpuMode }),
    ).rejects.toThrow(/backend must be a backend or 'webgpu', 'webasm' or 'auto'/)
  })
})
