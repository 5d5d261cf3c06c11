/**
 * The direct float32 convolution for few input channels: the JavaScript side of
 * `wasm/conv-module.ts`. Per sample it copies the input into a zero-padded buffer in the
 * kernel's memory (so the kernel never tests bounds), runs the kernel once per block of four
 * output channels, and copies the valid part of the output back. Weights and tap offsets are
 * laid out once per call.
 */
import { convModuleBytes, DIRECT_CHANNELS, DIRECT_COLUMNS } from './wasm/conv-module'
import { wasmApi, type WasmMemory, type WasmModule } from './wasm/api'
import { UnsupportedOpError } from '../errors'

const PAGE = 65536

type KernelFn = (...args: number[]) => void

/** Sizes of one stride-1, single-group convolution: x [n, c, h, w], weights [o, c, kh, kw]. */
export interface DirectConvGeometry {
  n: number
  c: number
  h: number
  w: number
  o: number
  kh: number
  kw: number
  /** Zero padding `[top, bottom, left, right]`. */
  padding: readonly [number, number, number, number]
  /** Tap spacing `[dH, dW]`. */
  dilation: readonly [number, number]
}

/**
 * Compiled module, shared by every instance (immutable; compiling costs about a millisecond).
 * Module-level state, on purpose, as in `matmul-wasm.ts`.
 */
let compiled: WasmModule | undefined

function kernelModule(): WasmModule {
  if (compiled === undefined) {
    const api = wasmApi()
    if (api === undefined)
      throw new UnsupportedOpError('conv2d', 'float32', 'wasm-simd (no WebAssembly here)')
    compiled = new api.Module(convModuleBytes())
  }
  return compiled
}

/**
 * One instance of the direct kernel with its own growable memory; not safe to share between
 * concurrent callers.
 *
 * @example
 * ```ts
 * const kernel = new WasmDirectConv()
 * kernel.run(x, w, y, { n: 64, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, padding: [0, 0, 0, 0], dilation: [1, 1] })
 * ```
 */
export class WasmDirectConv {
  private readonly memory: WasmMemory
  private readonly direct: KernelFn

  constructor() {
    const api = wasmApi()!
    this.memory = new api.Memory({ initial: 1, maximum: 65536 })
    const instance = new api.Instance(kernelModule(), { env: { memory: this.memory } })
    this.direct = (instance.exports as { direct: KernelFn }).direct
  }

  /**
   * `y[n, o, p, q] = Σ_{c,i,j} w[o, c, i, j] · x[n, c, p + i·dH − top, q + j·dW − left]`
   * (zero outside x), stride 1, one group.
   *
   * @param x - contiguous [n, c, h, w]
   * @param weights - contiguous [o, c, kh, kw]
   * @param geo - sizes, padding and dilation
   * @param alloc - makes y's array of a given length (its contents are overwritten)
   * @returns y, a contiguous [n, o, oh, ow] array from `alloc`
   */
  run(
    x: Float32Array,
    weights: Float32Array,
    geo: DirectConvGeometry,
    alloc: (size: number) => Float32Array = (size) => new Float32Array(size),
  ): Float32Array {
    const { n, c, h, w, o, kh, kw } = geo
    const [top, bottom, left, right] = geo.padding
    const [dh, dw] = geo.dilation
    const hp = h + top + bottom
    const oh = Math.max(0, hp - dh * (kh - 1))
    const ow = Math.max(0, w + left + right - dw * (kw - 1))
    const taps = c * kh * kw
    const planeOut = oh * ow
    if (n * o * planeOut === 0 || taps === 0) return alloc(n * o * planeOut).fill(0)
    // Rows of at least one chunk end with a chunk that overlaps the one before it, so y is
    // written in its final layout, straight into one [n, o, oh, ow] region (padding channels
    // of a last block spill into the next sample's planes, written later, or into slack at
    // the end). Narrower rows spill into the next row instead, with a gap after each plane.
    const tight = ow >= DIRECT_COLUMNS
    const owp = Math.ceil(ow / DIRECT_COLUMNS) * DIRECT_COLUMNS
    // A padded row is wide enough for the last chunk's reads at the last tap.
    const wp = Math.max(w + left + right, owp + dw * (kw - 1))
    const blocks = Math.ceil(o / DIRECT_CHANNELS)
    const plane = tight ? planeOut : planeOut + DIRECT_COLUMNS
    // Layout (float indices): taps | weights [blocks, taps, 4] | xp [c, hp, wp] | y
    const tapsAt = 16
    const wtsAt = tapsAt + taps + ((4 - (taps % 4)) % 4)
    const xpAt = wtsAt + blocks * taps * DIRECT_CHANNELS
    const yAt = xpAt + c * hp * wp + 8
    const slack = (blocks * DIRECT_CHANNELS - o) * plane
    const end = yAt + (tight ? n * o * plane + slack : blocks * DIRECT_CHANNELS * plane)
    const have = this.memory.buffer.byteLength
    if (4 * end > have) this.memory.grow(Math.ceil((4 * end - have) / PAGE))
    const heap = new Float32Array(this.memory.buffer)
    const heapI = new Int32Array(this.memory.buffer)

    let t = 0
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++, t++) heapI[tapsAt + t] = 4 * ((ci * hp + i * dh) * wp + j * dw)
    heap.fill(0, wtsAt, yAt)
    for (let oi = 0; oi < o; oi++) {
      const block = Math.floor(oi / DIRECT_CHANNELS)
      const lane = oi % DIRECT_CHANNELS
      for (let tt = 0; tt < taps; tt++) {
        heap[wtsAt + (block * taps + tt) * DIRECT_CHANNELS + lane] = weights[oi * taps + tt]
      }
    }

    const y = alloc(n * o * planeOut)
    const lastq = tight ? 4 * (ow - DIRECT_COLUMNS) : 0x7fffffff
    const sampleIn = c * h * w
    for (let b = 0; b < n; b++) {
      // interior of the padded input; the zero border was written above and never changes
      for (let ci = 0; ci < c; ci++) {
        for (let r = 0; r < h; r++) {
          const src = b * sampleIn + (ci * h + r) * w
          const dst = xpAt + (ci * hp + top + r) * wp + left
          // rows are short (28 floats for MNIST): a loop beats a subarray per row
          for (let q = 0; q < w; q++) heap[dst + q] = x[src + q]
        }
      }
      const sampleAt = tight ? yAt + b * o * plane : yAt
      for (let block = 0; block < blocks; block++) {
        this.direct(
          4 * xpAt,
          4 * tapsAt,
          taps,
          4 * (wtsAt + block * taps * DIRECT_CHANNELS),
          4 * wp,
          oh,
          owp / DIRECT_COLUMNS,
          4 * (sampleAt + block * DIRECT_CHANNELS * plane),
          4 * ow,
          4 * plane,
          lastq,
        )
      }
      if (tight) continue
      for (let oi = 0; oi < o; oi++) {
        const src = yAt + oi * plane
        y.set(heap.subarray(src, src + planeOut), (b * o + oi) * planeOut)
      }
    }
    if (tight) y.set(heap.subarray(yAt, yAt + n * o * planeOut))
    return y
  }
}
