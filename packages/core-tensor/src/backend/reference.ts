import { HostBackend } from './host'
import type { BackendV1, BufferHandle, Pool2dParams, StridedView } from './spec'
import { sizeOf, stridedOffsets } from './strided'

/**
 * The reference backend: float64 storage and plain loops, written to be obviously right. It
 * is the oracle the conformance suite and the gradient checks compare against, not a fast
 * path.
 */
class ReferenceBackend extends HostBackend {
  readonly fused = {
    matmul: (a: StridedView, b: StridedView): BufferHandle => this.matmulNaive(a, b),
    maxPool2dArgmax: (x: StridedView, params: Pool2dParams): BufferHandle => this.maxPool2dArgmax(x, params),
  }

  constructor() {
    super('reference', 64, Float64Array)
  }

  /** c[..., i, j] = Σ_k a[..., i, k] · b[..., k, j], one dot product per output. */
  private matmulNaive(a: StridedView, b: StridedView): BufferHandle {
    const rank = a.shape.length
    const batchShape = a.shape.slice(0, rank - 2)
    const [m, k] = a.shape.slice(rank - 2)
    const n = b.shape[rank - 1]
    const aBase = stridedOffsets(batchShape, a.strides.slice(0, rank - 2), a.offset)
    const bBase = stridedOffsets(batchShape, b.strides.slice(0, rank - 2), b.offset)
    const [ars, acs] = a.strides.slice(rank - 2)
    const [brs, bcs] = b.strides.slice(rank - 2)
    const av = this.dataOf(a.buffer)
    const bv = this.dataOf(b.buffer)
    const batches = sizeOf(batchShape)
    const out = this.newArray(a.buffer.dtype, batches * m * n)
    for (let p = 0; p < batches; p++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0
          for (let q = 0; q < k; q++)
            acc += av[aBase[p] + i * ars + q * acs] * bv[bBase[p] + q * brs + j * bcs]
          out[(p * m + i) * n + j] = acc
        }
      }
    }
    return this.wrap(a.buffer.dtype, out)
  }
}

/**
 * Creates a reference backend (float64, plain loops). Async like every backend factory, so a
 * GPU factory can share the signature; it never fails.
 *
 * @returns a new reference backend
 * @example
 * ```ts
 * const backend = await createReferenceBackend()
 * const x = zeros([2, 2], { backend })
 * ```
 */
export function createReferenceBackend(): Promise<BackendV1> {
  return Promise.resolve(new ReferenceBackend())
}

/**
 * The ready-made reference backend instance (float64 oracle). Creation functions use it when
 * asked for `{ backend: reference }`.
 *
 * @example
 * ```ts
 * const x = ones([3], { backend: reference })
 * ```
 */
export const reference: BackendV1 = new ReferenceBackend()
