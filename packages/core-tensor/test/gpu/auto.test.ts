/**
 * The auto-selection rule (`selectMode`, `preferCpu`, `chooseBackend`) over injected mode
 * availability: which mode wins, what is passed over and why, what is released. No timing.
 */
import { describe, expect, it } from 'vitest'
import { cpu } from '../../src/backend/cpu'
import { BackendUnavailableError, GenError } from '../../src/errors'
import { type GpuMode, type StartedMode, preferCpu, selectMode } from '../../src/gpu/auto'
import { chooseBackend } from '../../src/gpu/choose'

/** One machine: per mode, a started adapter (hardware or software) or the reason it is missing. */
type Machine = Partial<Record<GpuMode, { adapter: string; software: boolean } | string>>

function harness(machine: Machine) {
  const started: GpuMode[] = []
  const released: GpuMode[] = []
  const start = (mode: GpuMode): Promise<StartedMode<GpuMode>> => {
    started.push(mode)
    const found = machine[mode] ?? `${mode} missing`
    if (typeof found === 'string') return Promise.reject(new BackendUnavailableError(`gpu:${mode}`, found))
    return Promise.resolve({ value: mode, ...found })
  }
  return { start, release: (m: GpuMode) => released.push(m), started, released }
}

const h200 = { adapter: 'nvidia hopper NVIDIA H200 (Vulkan)', software: false }
const llvmpipe = { adapter: 'llvmpipe (OpenGL 4.5 Mesa)', software: true }
const swiftshader = { adapter: 'google swiftshader', software: true }
const wasm = { adapter: 'WebAssembly SIMD on the CPU', software: true }

describe('selectMode (auto)', () => {
  it('takes webgpu on a hardware adapter and starts nothing else', async () => {
    const h = harness({ webgpu: h200, webgl2: { adapter: 'WebGL2 NVIDIA', software: false }, webasm: wasm })
    const choice = await selectMode(h.start, h.release)
    expect([choice.mode, choice.softwareOnly, choice.passedOver]).toEqual(['webgpu', false, []])
    expect(choice.started.adapter).toBe(h200.adapter)
    expect(h.started).toEqual(['webgpu'])
    expect(h.released).toEqual([])
  })

  it('takes hardware webgl2 over a software webgpu adapter, releasing the latter', async () => {
    const h = harness({ webgpu: swiftshader, webgl2: { adapter: 'WebGL2 ANGLE (Intel)', software: false } })
    const choice = await selectMode(h.start, h.release)
    expect(choice.mode).toBe('webgl2')
    expect(choice.softwareOnly).toBe(false)
    expect(choice.passedOver).toEqual([
      { mode: 'webgpu', reason: 'software adapter google swiftshader; webgl2 has a hardware one' },
    ])
    expect(h.started).toEqual(['webgpu', 'webgl2'])
    expect(h.released).toEqual(['webgpu'])
  })

  it('with only software modes takes webasm and reports softwareOnly with every reason', async () => {
    // Node on a machine without a GPU: llvmpipe WebGPU, no WebGL2, webasm
    const h = harness({ webgpu: llvmpipe, webgl2: 'no WebGL2 in Node', webasm: wasm })
    const choice = await selectMode(h.start, h.release)
    expect(choice.mode).toBe('webasm')
    expect(choice.softwareOnly).toBe(true)
    expect(choice.passedOver).toEqual([
      {
        mode: 'webgpu',
        reason:
          'software adapter llvmpipe (OpenGL 4.5 Mesa) (slower than webasm, which also runs on the CPU)',
      },
      { mode: 'webgl2', reason: 'no WebGL2 in Node' },
    ])
    expect(h.released).toEqual(['webgpu'])
    expect(preferCpu(choice)).toBe(true)
  })

  it('without webasm prefers software webgpu over software webgl2', async () => {
    const h = harness({ webgpu: swiftshader, webgl2: { adapter: 'WebGL2 SwiftShader', software: true } })
    const choice = await selectMode(h.start, h.release)
    expect([choice.mode, choice.softwareOnly]).toEqual(['webgpu', true])
    expect(h.released).toEqual(['webgl2'])
    expect(choice.passedOver.map((p) => p.mode)).toEqual(['webgl2', 'webasm'])
  })

  it('with no mode at all throws BackendUnavailableError naming each reason', async () => {
    const h = harness({ webgpu: 'no adapter', webgl2: 'no context', webasm: 'no WebAssembly' })
    const error = await selectMode(h.start, h.release).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackendUnavailableError)
    expect((error as BackendUnavailableError).reason).toBe(
      'webgpu: no adapter; webgl2: no context; webasm: no WebAssembly',
    )
  })

  it('an unexpected error propagates after the started modes are released', async () => {
    const released: GpuMode[] = []
    const start = (mode: GpuMode): Promise<StartedMode<GpuMode>> =>
      mode === 'webgpu'
        ? Promise.resolve({ value: mode, ...swiftshader })
        : Promise.reject(new GenError('driver crashed'))
    await expect(selectMode(start, (m) => released.push(m))).rejects.toThrow('driver crashed')
    expect(released).toEqual(['webgpu'])
  })

  it('preferCpu holds exactly when only software modes exist', () => {
    expect(preferCpu({ softwareOnly: true })).toBe(true)
    expect(preferCpu({ softwareOnly: false })).toBe(false)
  })
})

describe('chooseBackend on this machine', () => {
  it('gives the gpu backend only on a hardware adapter, else cpu with the reason', async () => {
    const choice = await chooseBackend()
    if (choice.gpu === null) {
      expect(choice.backend).toBe(cpu)
      expect(choice.reason).toMatch(/^(only software gpu\.js modes here|no gpu\.js mode runs here)/)
    } else {
      expect(choice.gpu.info.softwareOnly).toBe(false)
      expect(choice.backend).toBe(choice.gpu)
      expect(choice.reason).toBe(`gpu:${choice.gpu.info.mode} on ${choice.gpu.info.adapter}`)
      choice.gpu.destroy()
    }
  })
})
