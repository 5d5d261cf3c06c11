/** createGpuBackend's arguments, auto-selection and the adapter helpers of the Node set-up. */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BackendUnavailableError, InvalidArgumentError } from '../../src/errors'
import { createGpuBackend, type GpuMode } from '../../src/gpu/index'
import { describeAdapter, isSoftwareAdapter, setupNodeWebGpu } from '../../src/gpu/node-setup'

describe('createGpuBackend', () => {
  it('rejects an unknown mode with a typed error naming the argument', async () => {
    await expect(createGpuBackend({ mode: 'webgl' as GpuMode })).rejects.toThrow(InvalidArgumentError)
    await expect(createGpuBackend({ mode: 'webgl' as GpuMode })).rejects.toThrow(
      `createGpuBackend: mode must be 'webgpu', 'webgl2', 'webasm' or 'auto', got "webgl"`,
    )
  })

  it("'auto' reports its choice, and passes over a software WebGPU adapter with the reason", async ({
    skip,
  }) => {
    let backend
    try {
      backend = await createGpuBackend()
    } catch (error) {
      if (error instanceof BackendUnavailableError) skip(`no gpu mode here: ${error.reason}`)
      throw error
    }
    expect(backend.info.requested).toBe('auto')
    expect(backend.name).toBe(`gpu:${backend.info.mode}`)
    const webgpu = await setupNodeWebGpu().catch((error: unknown) => error)
    if (webgpu instanceof BackendUnavailableError || (webgpu as { software: boolean }).software) {
      // no hardware adapter: auto runs webasm and says why not webgpu, nor webgl2 (no browser)
      expect(backend.info.mode).toBe('webasm')
      expect(backend.info.softwareOnly).toBe(true)
      expect(backend.info.passedOver.map((p) => p.mode)).toEqual(['webgpu', 'webgl2'])
      expect(backend.info.passedOver[0].reason.length).toBeGreaterThan(0)
      expect(backend.info.passedOver[1].reason).toBe(
        'gpu.js runs WebGL2 only in a browser (Node has no WebGL2 context; use webgpu or webasm)',
      )
    } else {
      expect(backend.info.mode).toBe('webgpu')
      expect(backend.info.software).toBe(false)
      expect(backend.info.softwareOnly).toBe(false)
    }
    backend.destroy()
  })
})

describe('adapter helpers', () => {
  it('describe an adapter from its info and tell software adapters apart', () => {
    const llvmpipe = {
      info: {
        vendor: '',
        architecture: '',
        device: 'llvmpipe-llvm-15',
        description: 'OpenGL 4.5 Mesa 22.3.6',
      },
    }
    expect(describeAdapter(llvmpipe)).toBe('llvmpipe-llvm-15 (OpenGL 4.5 Mesa 22.3.6)')
    expect(isSoftwareAdapter(llvmpipe)).toBe(true)
    expect(isSoftwareAdapter({ info: { vendor: 'google', device: 'SwiftShader Device' } })).toBe(true)
    expect(isSoftwareAdapter({ info: { vendor: 'nvidia', device: 'H200' }, isFallbackAdapter: true })).toBe(
      true,
    )
    const h200 = {
      info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'Vulkan' },
    }
    expect(describeAdapter(h200)).toBe('nvidia hopper NVIDIA H200 (Vulkan)')
    expect(isSoftwareAdapter(h200)).toBe(false)
    expect(describeAdapter({})).toBe('unnamed adapter')
  })
})

describe('setupNodeWebGpu in a fresh process', () => {
  const run = (env: Record<string, string>) => {
    const script = fileURLToPath(new URL('./fixtures/setup-webgpu.ts', import.meta.url))
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    })
    const line = child.stdout.split('\n').find((l) => l.startsWith('{'))
    if (line === undefined) throw new Error(`no result from the set-up: ${child.stderr}`)
    return JSON.parse(line) as { ok: boolean; name?: string; message?: string; dawnBackend?: string }
  }

  it(
    'without a usable EGL display it throws BackendUnavailableError naming each attempt',
    { timeout: 60_000 },
    () => {
      // EGL on wayland without a compositor: the OpenGL backend cannot open a display
      const result = run({ EGL_PLATFORM: 'wayland', XDG_RUNTIME_DIR: '' })
      if (result.ok) {
        // a machine with a real GPU answers through Dawn's default backend before EGL matters
        expect(result.dawnBackend).toBe('default')
        return
      }
      expect(result.name).toBe('BackendUnavailableError')
      expect(result.message).toContain("Dawn's default backend")
      expect(result.message).toContain(
        "Dawn's OpenGL backend (featureLevel 'compatibility', EGL_PLATFORM=wayland) found no adapter",
      )
    },
  )
})
