/**
 * Auto-selection of a gpu.js mode, written over an injected `start` so that the rule is tested
 * without a GPU and without timing.
 *
 * The rule:
 * 1. Try the modes in the order webgpu, webgl2, webasm; the first one that runs on a hardware
 *    adapter wins at once (later modes are not started).
 * 2. When no mode runs on hardware (llvmpipe, SwiftShader, webasm: all on the CPU), take
 *    webasm, else software webgpu, else software webgl2, and report `softwareOnly`: measured
 *    on a 2-core machine, the software GPU adapters trail webasm by far, and webasm trails the
 *    cpu backend (1M-element add 9.0 ms vs 6.8 ms; 256² matmul 94 ms vs a few ms), so there a
 *    caller does best with the cpu backend (`chooseBackend` makes that choice).
 * 3. Every mode not taken is listed in `passedOver` with the reason.
 */
import { BackendUnavailableError } from '../errors'

/** The gpu.js modes this backend runs in. */
export type GpuMode = 'webgpu' | 'webgl2' | 'webasm'

/** A mode that started: what it holds, its adapter in words, and whether that runs on the CPU. */
export interface StartedMode<TValue> {
  readonly value: TValue
  readonly adapter: string
  readonly software: boolean
}

/** A mode `'auto'` did not take, and why. */
export interface PassedOver {
  readonly mode: GpuMode
  readonly reason: string
}

/** What `selectMode` chose. */
export interface AutoChoice<TValue> {
  readonly mode: GpuMode
  readonly started: StartedMode<TValue>
  /** True when no mode runs on a hardware adapter. */
  readonly softwareOnly: boolean
  readonly passedOver: readonly PassedOver[]
}

/** The order `'auto'` tries modes in: GPU APIs first, since a hardware adapter ends the search. */
const AUTO_ORDER: readonly GpuMode[] = ['webgpu', 'webgl2', 'webasm']

/** Among modes that all run on the CPU, the fastest first (webasm is native SIMD code). */
const SOFTWARE_PREFERENCE: readonly GpuMode[] = ['webasm', 'webgpu', 'webgl2']

/**
 * Picks a mode by the rule in this module's header. `start(mode)` starts one mode or throws
 * `BackendUnavailableError`; `release` frees a started mode that was not chosen.
 *
 * @param start - starts a mode (async)
 * @param release - frees a started mode's value
 * @param order - the modes to try, in order (default `AUTO_ORDER`)
 * @returns the chosen mode, its started value, `softwareOnly` and what was passed over
 * @throws BackendUnavailableError naming every mode's reason when none starts; other errors
 *   from `start` propagate (after the started modes are released)
 * @example
 * ```ts
 * const choice = await selectMode(async (mode) => startMode(gpuJs, mode), (s) => s.gpu.destroy())
 * choice.mode // 'webasm' on a machine without a GPU
 * ```
 */
export async function selectMode<TValue>(
  start: (mode: GpuMode) => Promise<StartedMode<TValue>>,
  release: (value: TValue) => void,
  order: readonly GpuMode[] = AUTO_ORDER,
): Promise<AutoChoice<TValue>> {
  const passedOver: PassedOver[] = []
  const software = new Map<GpuMode, StartedMode<TValue>>()
  const releaseAll = () => software.forEach((s) => release(s.value))
  for (const mode of order) {
    let started: StartedMode<TValue>
    try {
      started = await start(mode)
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) {
        releaseAll()
        throw error
      }
      passedOver.push({ mode, reason: error.reason })
      continue
    }
    if (!started.software) {
      for (const [other, s] of software) {
        release(s.value)
        passedOver.push({ mode: other, reason: `software adapter ${s.adapter}; ${mode} has a hardware one` })
      }
      return { mode, started, softwareOnly: false, passedOver: sortBy(passedOver, order) }
    }
    software.set(mode, started)
  }
  const pick = SOFTWARE_PREFERENCE.find((m) => software.has(m))
  if (pick === undefined) {
    throw new BackendUnavailableError('gpu:auto', passedOver.map((p) => `${p.mode}: ${p.reason}`).join('; '))
  }
  for (const [other, s] of software) {
    if (other === pick) continue
    release(s.value)
    passedOver.push({
      mode: other,
      reason: `software adapter ${s.adapter} (slower than ${pick}, which also runs on the CPU)`,
    })
  }
  return {
    mode: pick,
    started: software.get(pick)!,
    softwareOnly: true,
    passedOver: sortBy(passedOver, order),
  }
}

function sortBy(passed: PassedOver[], order: readonly GpuMode[]): PassedOver[] {
  return [...passed].sort((a, b) => order.indexOf(a.mode) - order.indexOf(b.mode))
}

/**
 * Whether the cpu backend beats a gpu backend that `'auto'` chose: exactly when it found only
 * software modes (see the rule above; on the CPU, the cpu backend's blocked SIMD kernels beat
 * webasm on elementwise ops and matmul, and webasm beats the software GPU adapters).
 *
 * @param info - `backend.info` of the chosen gpu backend
 * @returns true when the cpu backend should run instead
 * @example
 * ```ts
 * preferCpu({ softwareOnly: true }) // true
 * ```
 */
export function preferCpu(info: { readonly softwareOnly: boolean }): boolean {
  return info.softwareOnly
}
