/**
 * Encodes a whole data set in batches with any encoder function (an autoencoder's encoder, a
 * VAE's posterior mean, a classifier's features), collecting the codes as one float64
 * {@link Matrix} for the embedding tools and scores.
 */
import {
  InvalidArgumentError,
  Tensor,
  checkOptions,
  cpu,
  fromArray,
  tidy,
  type BackendV1,
} from '@gen/core-tensor'
import { toMatrix, type Matrix, type MatrixInput } from './matrix'

/** Options of {@link encodeDataset}. */
export interface EncodeDatasetOptions {
  /** Rows per call of the encoder (default 500). */
  readonly batchSize?: number
  /** Backend of the batch tensors (default `cpu`). */
  readonly backend?: BackendV1
}

/**
 * Runs `encode` on consecutive batches of rows and stacks the codes. Each batch runs inside
 * `tidy`, so every tensor the encoder makes is freed once its codes are read.
 *
 * Shapes: x [n, d]; encode: [b, d] → [b, k]; result [n, k].
 *
 * @param x - data rows (e.g. pixels / 255)
 * @param encode - maps a batch tensor [b, d] to its codes [b, k]
 * @param options - `batchSize` (500), `backend` (`cpu`)
 * @returns the codes of all rows, float64
 * @throws InvalidArgumentError for a bad batch size, or an encoder that returns something
 *   other than a [b, k] tensor, naming the batch
 * @example
 * ```ts
 * const codes = encodeDataset(pixels, (batch) => encoderMean(params, batch))
 * const { embedding } = tsne(codes, { key: key(0) })
 * ```
 */
export function encodeDataset(
  x: MatrixInput,
  encode: (batch: Tensor) => Tensor,
  options: EncodeDatasetOptions = {},
): Matrix {
  const op = 'encodeDataset'
  checkOptions(op, options)
  if (typeof encode !== 'function')
    throw new InvalidArgumentError(op, 'encode', `must be a function, got ${typeof encode}`)
  const data = toMatrix(op, 'x', x)
  const [n, d] = data.shape
  const batchSize = options.batchSize ?? 500
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError(op, 'batchSize', `must be a positive integer, got ${batchSize}`)
  }
  const backend = options.backend ?? cpu
  let codes: Float64Array | undefined
  let k = 0
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize)
    tidy(() => {
      const batch = fromArray(data.data.subarray(start * d, end * d), { shape: [end - start, d], backend })
      const out: unknown = encode(batch)
      if (!(out instanceof Tensor) || out.shape.length !== 2 || out.shape[0] !== end - start) {
        const got = out instanceof Tensor ? `shape [${out.shape.join(', ')}]` : typeof out
        throw new InvalidArgumentError(
          op,
          'encode',
          `must return a [${end - start}, k] tensor for rows ${start}..${end - 1}, got ${got}`,
        )
      }
      if (codes === undefined) {
        k = out.shape[1]
        codes = new Float64Array(n * k)
      } else if (out.shape[1] !== k) {
        throw new InvalidArgumentError(
          op,
          'encode',
          `must return ${k} columns for every batch, got ${out.shape[1]} for rows ${start}..${end - 1}`,
        )
      }
      codes.set(out.dataSync(), start * k)
    })
  }
  return { data: codes ?? new Float64Array(0), shape: [n, k] }
}
