/**
 * Conformance cases of the convolution family: conv2d / conv1d / convTranspose2d and the
 * pooling and upsampling ops, against direct nested-loop float64 computations written here,
 * the fused path against the composed one, and gradients (central differences in float64,
 * the reference backend's gradients elsewhere).
 */
import { GenError } from '../errors'
import * as T from '../index'
import { key } from '../random/key'
import { uniformFloats } from '../random/distributions'
import type { Tensor } from '../tensor'
import { type CaseContext, type GradientCase, type ValueCase, withoutFused } from './cases'
import { expectClose } from './tolerance'

function fail(message: string): never {
  throw new GenError(message)
}

function expectThrows(fn: () => unknown, kind: new (...args: never[]) => Error, message: string): void {
  try {
    fn()
  } catch (error) {
    if (!(error instanceof kind)) fail(`expected ${kind.name}, got ${String(error)}`)
    if (error.message !== message) fail(`expected message "${message}", got "${error.message}"`)
    return
  }
  fail(`expected ${kind.name} to be thrown`)
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1)

/** Deterministic values in [-1, 1). */
function values(seed: number, shape: readonly number[]): Float64Array {
  return uniformFloats(key(seed), sizeOf(shape), 'float64').map((u) => 2 * u - 1)
}

type Pool2dCase = T.Pool2dOptions

/** Values with their shape. */
interface Operand {
  data: Float64Array
  shape: readonly number[]
}

interface Conv2dConfig {
  stride: [number, number]
  /** [top, bottom, left, right] */
  pads: [number, number, number, number]
  dilation: [number, number]
  groups: number
}

/** y[n,o,p,q] = Σ_{c,i,j} w[o,c,i,j]·x[n, g·Cg + c, p·sH + i·dH − top, q·sW + j·dW − left], in plain loops. */
function conv2dLoops(input: Operand, kernel: Operand, cfg: Conv2dConfig): Operand {
  const { data: x, shape: xs } = input
  const { data: w, shape: ws } = kernel
  const [n, c, h, wd] = xs
  const [o, cg, kh, kw] = ws
  const og = o / cfg.groups
  const oh = Math.floor((h + cfg.pads[0] + cfg.pads[1] - cfg.dilation[0] * (kh - 1) - 1) / cfg.stride[0]) + 1
  const ow = Math.floor((wd + cfg.pads[2] + cfg.pads[3] - cfg.dilation[1] * (kw - 1) - 1) / cfg.stride[1]) + 1
  const out = new Float64Array(n * o * oh * ow)
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og)
      for (let p = 0; p < oh; p++)
        for (let q = 0; q < ow; q++) {
          let acc = 0
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const ih = p * cfg.stride[0] + i * cfg.dilation[0] - cfg.pads[0]
                const iw = q * cfg.stride[1] + j * cfg.dilation[1] - cfg.pads[2]
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue
                acc += w[((oc * cg + ci) * kh + i) * kw + j] * x[((b * c + g * cg + ci) * h + ih) * wd + iw]
              }
          out[((b * o + oc) * oh + p) * ow + q] = acc
        }
    }
  return { data: out, shape: [n, o, oh, ow] }
}

/** out[n, g·Cog + co, p·s + i·d − pad, ...] += x[n, ci, p, q]·w[ci, co, i, j], in plain loops. */
function convTransposeLoops(
  input: Operand,
  kernel: Operand,
  cfg: { stride: number; padding: number; outputPadding: number; dilation: number; groups: number },
): Operand {
  const { data: x, shape: xs } = input
  const { data: w, shape: ws } = kernel
  const [n, cin, h, wd] = xs
  const [, cog, kh, kw] = ws
  const { stride: s, padding: pad, outputPadding: op, dilation: d, groups } = cfg
  const cig = cin / groups
  const oh = (h - 1) * s - 2 * pad + d * (kh - 1) + op + 1
  const ow = (wd - 1) * s - 2 * pad + d * (kw - 1) + op + 1
  const cout = cog * groups
  const out = new Float64Array(n * cout * oh * ow)
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < cin; ci++) {
      const g = Math.floor(ci / cig)
      for (let p = 0; p < h; p++)
        for (let q = 0; q < wd; q++)
          for (let co = 0; co < cog; co++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const y = p * s + i * d - pad
                const z = q * s + j * d - pad
                if (y < 0 || y >= oh || z < 0 || z >= ow) continue
                out[((b * cout + g * cog + co) * oh + y) * ow + z] +=
                  x[((b * cin + ci) * h + p) * wd + q] * w[((ci * cog + co) * kh + i) * kw + j]
              }
    }
  return { data: out, shape: [n, cout, oh, ow] }
}

/** max or mean over each window of a padded input, in plain loops (mean counts padding). */
function poolLoops(
  x: Float64Array,
  xs: readonly number[],
  cfg: { kernel: [number, number]; stride: [number, number]; padding: [number, number]; op: 'max' | 'avg' },
): Operand {
  const [n, c, h, w] = xs
  const { kernel: k, stride: s, padding: p } = cfg
  const oh = Math.floor((h + 2 * p[0] - k[0]) / s[0]) + 1
  const ow = Math.floor((w + 2 * p[1] - k[1]) / s[1]) + 1
  const out = new Float64Array(n * c * oh * ow)
  for (let b = 0; b < n * c; b++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let acc = cfg.op === 'max' ? -Infinity : 0
        for (let i = 0; i < k[0]; i++)
          for (let j = 0; j < k[1]; j++) {
            const r = y * s[0] + i - p[0]
            const t = z * s[1] + j - p[1]
            const v =
              r < 0 || r >= h || t < 0 || t >= w ? (cfg.op === 'max' ? -Infinity : 0) : x[(b * h + r) * w + t]
            acc = cfg.op === 'max' ? Math.max(acc, v) : acc + v
          }
        out[(b * oh + y) * ow + z] = cfg.op === 'max' ? acc : acc / (k[0] * k[1])
      }
  return { data: out, shape: [n, c, oh, ow] }
}

function expectShape(t: Tensor, shape: readonly number[]): void {
  if (JSON.stringify(t.shape) !== JSON.stringify(shape))
    fail(`expected shape [${shape.join(',')}], got [${t.shape.join(',')}]`)
}

async function expectOperand(t: Tensor, want: Operand, ctx: CaseContext): Promise<void> {
  expectShape(t, want.shape)
  await expectClose(t, want.data, ctx.tolerance)
}

const conv2dConfigs: {
  name: string
  xs: number[]
  ws: number[]
  options: T.Conv2dOptions
  cfg: Conv2dConfig
}[] = [
  {
    name: 'stride 2, padding [1,2], groups 2, odd sizes',
    xs: [2, 4, 7, 9],
    ws: [6, 2, 3, 3],
    options: { stride: 2, padding: [1, 2], groups: 2 },
    cfg: { stride: [2, 2], pads: [1, 1, 2, 2], dilation: [1, 1], groups: 2 },
  },
  {
    name: "dilation 2, 'same', even kernel width",
    xs: [1, 3, 8, 7],
    ws: [4, 3, 3, 2],
    options: { padding: 'same', dilation: 2 },
    cfg: { stride: [1, 1], pads: [2, 2, 1, 1], dilation: [2, 2], groups: 1 },
  },
  {
    name: 'depthwise 5x5, padding 2',
    xs: [2, 3, 5, 6],
    ws: [3, 1, 5, 5],
    options: { padding: 2, groups: 3 },
    cfg: { stride: [1, 1], pads: [2, 2, 2, 2], dilation: [1, 1], groups: 3 },
  },
  {
    name: "stride [2,1], dilation [2,1], 'valid'",
    xs: [3, 2, 9, 8],
    ws: [5, 2, 2, 3],
    options: { stride: [2, 1], dilation: [2, 1], padding: 'valid' },
    cfg: { stride: [2, 1], pads: [0, 0, 0, 0], dilation: [2, 1], groups: 1 },
  },
  {
    name: "'same' with a 4x2 kernel (asymmetric padding)",
    xs: [2, 2, 6, 5],
    ws: [3, 2, 4, 2],
    options: { padding: 'same' },
    cfg: { stride: [1, 1], pads: [1, 2, 0, 1], dilation: [1, 1], groups: 1 },
  },
  {
    name: '1x1 kernel, stride 3',
    xs: [2, 5, 7, 7],
    ws: [3, 5, 1, 1],
    options: { stride: 3 },
    cfg: { stride: [3, 3], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
  },
]

const on = (ctx: CaseContext, data: Float64Array, shape: readonly number[]): Tensor =>
  T.fromArray(data, { shape, backend: ctx.backend })

/** Value cases of the convolution family. */
export const convValueCases: ValueCase[] = [
  {
    name: 'conv2d matches a direct loop (odd sizes, stride, padding, dilation, groups)',
    async run(ctx) {
      for (const [k, { xs, ws, options, cfg }] of conv2dConfigs.entries()) {
        const xv = values(100 + k, xs)
        const wv = values(200 + k, ws)
        const y = T.conv2d(on(ctx, xv, xs), on(ctx, wv, ws), options)
        await expectOperand(y, conv2dLoops({ data: xv, shape: xs }, { data: wv, shape: ws }, cfg), ctx)
      }
    },
  },
  {
    name: 'conv2d fused path matches the composed path',
    async run(ctx) {
      const composed = withoutFused(ctx.backend)
      for (const [k, { xs, ws, options }] of conv2dConfigs.entries()) {
        const xv = values(300 + k, xs)
        const wv = values(400 + k, ws)
        const fast = T.conv2d(on(ctx, xv, xs), on(ctx, wv, ws), options)
        const slow = T.conv2d(
          T.fromArray(xv, { shape: xs, backend: composed }),
          T.fromArray(wv, { shape: ws, backend: composed }),
          options,
        )
        await expectClose(fast, await slow.data(), ctx.tolerance)
      }
    },
  },
  {
    name: 'conv2d reads strided (transposed) operands in logical order',
    async run(ctx) {
      const xs = [1, 2, 5, 4]
      const xv = values(7, xs)
      const wv = values(8, [3, 2, 3, 3])
      // x stored as [1, 2, 4, 5] and viewed transposed
      const stored = T.contiguous(T.transpose(on(ctx, xv, xs), 2, 3))
      const y = T.conv2d(T.transpose(stored, 2, 3), on(ctx, wv, [3, 2, 3, 3]), { padding: 1 })
      await expectOperand(
        y,
        conv2dLoops(
          { data: xv, shape: xs },
          { data: wv, shape: [3, 2, 3, 3] },
          {
            stride: [1, 1],
            pads: [1, 1, 1, 1],
            dilation: [1, 1],
            groups: 1,
          },
        ),
        ctx,
      )
    },
  },
  {
    name: 'conv2d hand-computed values',
    async run(ctx) {
      const x = T.ones([1, 1, 4, 4], { backend: ctx.backend })
      const w = T.ones([2, 1, 3, 3], { backend: ctx.backend })
      const y = T.conv2d(x, w, { padding: 1 })
      const row0 = [4, 6, 6, 4]
      const row1 = [6, 9, 9, 6]
      const plane = [row0, row1, row1, row0]
      await expectClose(y, [[plane, plane]], ctx.tolerance)
    },
  },
  {
    name: 'conv2d validates its arguments with typed errors',
    run(ctx) {
      const b = { backend: ctx.backend }
      const x = T.zeros([1, 4, 5, 5], b)
      expectThrows(
        () => T.conv2d(x, T.zeros([2, 3, 3, 3], b)),
        T.ShapeError,
        'conv2d: w must have C/groups = 4 input channels, got x=[1,4,5,5] and w=[2,3,3,3]',
      )
      expectThrows(
        () => T.conv2d(x, T.zeros([3, 2, 3, 3], b), { groups: 2 }),
        T.ShapeError,
        'conv2d: input and output channels must be divisible by groups=2, got x=[1,4,5,5] and w=[3,2,3,3]',
      )
      expectThrows(
        () => T.conv2d(T.zeros([4, 5, 5], b), T.zeros([2, 4, 3, 3], b)),
        T.ShapeError,
        'conv2d: x must be 4-D [N, C, H, W], got [4,5,5]',
      )
      expectThrows(
        () => T.conv2d(x, T.zeros([2, 4, 3, 3], b), { stride: 0 }),
        T.InvalidArgumentError,
        'conv2d: stride must be an integer >= 1 or a pair of them, got 0',
      )
      expectThrows(
        () => T.conv2d(x, T.zeros([2, 4, 3, 3], b), { stride: 2, padding: 'same' }),
        T.InvalidArgumentError,
        "conv2d: padding 'same' needs stride 1, got stride [2,2]",
      )
      expectThrows(
        () => T.conv2d(x, T.zeros([2, 4, 7, 3], b)),
        T.ShapeError,
        'conv2d: the dilated kernel must fit in the padded input, got x=[1,4,5,5], w=[2,4,7,3], padding [0,0,0,0], dilation [1,1]',
      )
      expectThrows(
        () => T.conv2d(x, T.zeros([2, 4, 3, 3], { ...b, dtype: 'int32' })),
        T.DTypeError,
        'conv2d: w must be float32, got int32',
      )
    },
  },
  {
    name: 'conv1d matches a direct loop',
    async run(ctx) {
      const xv = values(11, [2, 4, 11])
      const wv = values(12, [6, 2, 3])
      const y = T.conv1d(on(ctx, xv, [2, 4, 11]), on(ctx, wv, [6, 2, 3]), {
        stride: 2,
        padding: 1,
        dilation: 2,
        groups: 2,
      })
      const want = conv2dLoops(
        { data: xv, shape: [2, 4, 1, 11] },
        { data: wv, shape: [6, 2, 1, 3] },
        {
          stride: [1, 2],
          pads: [0, 0, 1, 1],
          dilation: [1, 2],
          groups: 2,
        },
      )
      expectShape(y, [2, 6, 5])
      await expectClose(y, want.data, ctx.tolerance)
      await expectClose(
        T.conv1d(
          T.fromArray([[[1, 2, 3, 4]]], { backend: ctx.backend }),
          T.fromArray([[[1, -1]]], { backend: ctx.backend }),
        ),
        [[[-1, -1, -1]]],
        ctx.tolerance,
      )
    },
  },
  {
    name: 'convTranspose2d matches a direct scatter loop',
    async run(ctx) {
      const configs = [
        {
          xs: [2, 4, 3, 4],
          ws: [4, 3, 3, 3],
          cfg: { stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 2 },
        },
        {
          xs: [1, 2, 4, 3],
          ws: [2, 3, 2, 3],
          cfg: { stride: 1, padding: 0, outputPadding: 0, dilation: 2, groups: 1 },
        },
        {
          xs: [1, 3, 2, 2],
          ws: [3, 2, 4, 4],
          cfg: { stride: 3, padding: 2, outputPadding: 2, dilation: 1, groups: 1 },
        },
        // outputPadding >= stride (allowed as < dilation): the composed path, not the fused one
        {
          xs: [2, 2, 3, 3],
          ws: [2, 2, 2, 3],
          cfg: { stride: 1, padding: 1, outputPadding: 1, dilation: 2, groups: 1 },
        },
      ]
      for (const [k, { xs, ws, cfg }] of configs.entries()) {
        const xv = values(500 + k, xs)
        const wv = values(600 + k, ws)
        const y = T.convTranspose2d(on(ctx, xv, xs), on(ctx, wv, ws), cfg)
        await expectOperand(y, convTransposeLoops({ data: xv, shape: xs }, { data: wv, shape: ws }, cfg), ctx)
      }
      expectThrows(
        () =>
          T.convTranspose2d(
            T.zeros([1, 2, 3, 3], { backend: ctx.backend }),
            T.zeros([2, 1, 3, 3], { backend: ctx.backend }),
            {
              stride: 2,
              outputPadding: 2,
            },
          ),
        T.InvalidArgumentError,
        'convTranspose2d: outputPadding must be < max(stride, dilation) on each axis, got [2,2] with stride [2,2] and dilation [1,1]',
      )
    },
  },
  {
    name: 'maxPool2d and avgPool2d match direct loops',
    async run(ctx) {
      const xs = [2, 3, 7, 8]
      const xv = values(21, xs)
      const x = on(ctx, xv, xs)
      const configs: { kernel: [number, number]; stride: [number, number]; padding: [number, number] }[] = [
        { kernel: [2, 2], stride: [2, 2], padding: [0, 0] },
        { kernel: [3, 3], stride: [2, 2], padding: [1, 1] },
        { kernel: [3, 2], stride: [1, 2], padding: [1, 0] },
      ]
      for (const cfg of configs) {
        const options = { kernelSize: cfg.kernel, stride: cfg.stride, padding: cfg.padding }
        await expectOperand(T.maxPool2d(x, options), poolLoops(xv, xs, { ...cfg, op: 'max' }), ctx)
        await expectOperand(T.avgPool2d(x, options), poolLoops(xv, xs, { ...cfg, op: 'avg' }), ctx)
      }
      await expectClose(
        T.maxPool2d(
          T.fromArray(
            [
              [
                [
                  [1, 2],
                  [3, 4],
                ],
              ],
            ],
            { backend: ctx.backend },
          ),
          { kernelSize: 2 },
        ),
        [[[[4]]]],
        ctx.tolerance,
      )
      expectThrows(
        () => T.maxPool2d(x, { kernelSize: 2, padding: 2 }),
        T.InvalidArgumentError,
        'maxPool2d: padding must be at most half the kernel size, got padding [2,2] for kernel [2,2]',
      )
    },
  },
  {
    name: 'maxPool2d argmax kernel: composed values and gradients, first maximum on ties, NaN wins',
    async run(ctx) {
      const composed = withoutFused(ctx.backend)
      const xs = [2, 3, 7, 8]
      const xv = values(22, xs)
      const configs: Pool2dCase[] = [
        { kernelSize: 2 },
        { kernelSize: 3, stride: 2, padding: 1 },
        { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] },
        { kernelSize: 3, stride: 1, padding: 1 },
      ]
      for (const options of configs) {
        const gradOf = async (backend: T.BackendV1) => {
          const x = T.fromArray(xv, { shape: xs, backend })
          const y = T.maxPool2d(x, options)
          const gy = T.fromArray(values(23, y.shape), { shape: y.shape, backend })
          const dx = T.grad((p: { x: Tensor }) => T.sum(T.mul(T.maxPool2d(p.x, options), gy)))({ x }).x
          return { y: await y.data(), dx: await dx.data() }
        }
        const fast = await gradOf(ctx.backend)
        const slow = await gradOf(composed)
        // random values have no ties, so both paths agree exactly on values and gradients
        await expectClose(fast.y, slow.y, ctx.tolerance)
        await expectClose(fast.dx, slow.dx, ctx.tolerance)
      }
      // ties: the whole cotangent goes to the first maximum in row-major order (PyTorch)
      const ones = T.fromArray(
        [
          [
            [
              [1, 1],
              [1, 1],
            ],
          ],
        ],
        { backend: ctx.backend },
      )
      const tie = T.grad((p: { x: Tensor }) => T.sum(T.maxPool2d(p.x, { kernelSize: 2 })))({ x: ones }).x
      await expectClose(
        tie,
        [
          [
            [
              [1, 0],
              [0, 0],
            ],
          ],
        ],
        ctx.tolerance,
      )
      // overlapping windows [5, 5] and [5, 1]: each sends its gradient to its own first maximum
      const row = T.fromArray([[[[5, 5, 1]]]], { backend: ctx.backend })
      const overlap = T.grad((p: { x: Tensor }) =>
        T.sum(T.maxPool2d(p.x, { kernelSize: [1, 2], stride: 1 })),
      )({ x: row }).x
      await expectClose(overlap, [[[[1, 1, 0]]]], ctx.tolerance)
      // a NaN anywhere in a window gives NaN, whether it comes first or later; only where NaN
      // is IEEE (WGSL lets a compiler assume no NaN: SwiftShader folds the NaN test away)
      if (!ctx.backend.strictNumerics) return
      const withNaN = T.fromArray(
        [
          [
            [
              [1, NaN, 0, 0],
              [3, 2, 0, 7],
            ],
          ],
        ],
        { backend: ctx.backend },
      )
      const pooled = await T.maxPool2d(withNaN, { kernelSize: 2 }).data()
      if (!Number.isNaN(pooled[0]) || pooled[1] !== 7) {
        fail(`expected [NaN, 7] from a window holding NaN, got [${Array.from(pooled).join(', ')}]`)
      }
    },
  },
  {
    name: 'adaptiveAvgPool2d averages PyTorch bins',
    async run(ctx) {
      const xs = [1, 2, 5, 7]
      const xv = values(31, xs)
      const y = T.adaptiveAvgPool2d(on(ctx, xv, xs), [3, 2])
      // bins along 5 → 3: [0,2), [1,4), [3,5); along 7 → 2: [0,4), [3,7)
      const rows = [
        [0, 2],
        [1, 4],
        [3, 5],
      ]
      const cols = [
        [0, 4],
        [3, 7],
      ]
      const want = new Float64Array(2 * 3 * 2)
      for (let c = 0; c < 2; c++)
        rows.forEach(([r0, r1], p) =>
          cols.forEach(([c0, c1], q) => {
            let acc = 0
            for (let r = r0; r < r1; r++) for (let t = c0; t < c1; t++) acc += xv[(c * 5 + r) * 7 + t]
            want[(c * 3 + p) * 2 + q] = acc / ((r1 - r0) * (c1 - c0))
          }),
        )
      await expectOperand(y, { data: want, shape: [1, 2, 3, 2] }, ctx)
      await expectClose(
        T.adaptiveAvgPool2d(
          T.fromArray(
            [
              [
                [
                  [1, 2, 3],
                  [4, 5, 6],
                ],
              ],
            ],
            { backend: ctx.backend },
          ),
          1,
        ),
        [[[[3.5]]]],
        ctx.tolerance,
      )
    },
  },
  {
    name: 'upsample nearest and bilinear match PyTorch values',
    async run(ctx) {
      const b = { backend: ctx.backend }
      const x = T.fromArray(
        [
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ],
        b,
      )
      await expectClose(
        T.upsample(x, { scaleFactor: 2 }),
        [
          [
            [
              [1, 1, 2, 2],
              [1, 1, 2, 2],
              [3, 3, 4, 4],
              [3, 3, 4, 4],
            ],
          ],
        ],
        ctx.tolerance,
      )
      // torch.nn.functional.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
      await expectClose(
        T.upsample(x, { scaleFactor: 2, mode: 'bilinear' }),
        [
          [
            [
              [1, 1.25, 1.75, 2],
              [1.5, 1.75, 2.25, 2.5],
              [2.5, 2.75, 3.25, 3.5],
              [3, 3.25, 3.75, 4],
            ],
          ],
        ],
        ctx.tolerance,
      )
      // align_corners=True, size (3, 3): the midpoints
      await expectClose(
        T.upsample(x, { size: 3, mode: 'bilinear', alignCorners: true }),
        [
          [
            [
              [1, 1.5, 2],
              [2, 2.5, 3],
              [3, 3.5, 4],
            ],
          ],
        ],
        ctx.tolerance,
      )
      expectShape(T.upsample(T.zeros([2, 3, 5, 7], b), { scaleFactor: [3, 2] }), [2, 3, 15, 14])
      expectThrows(
        () => T.upsample(x, { scaleFactor: 2, size: 4 }),
        T.InvalidArgumentError,
        'upsample: options must give exactly one of scaleFactor and size, got both or neither',
      )
    },
  },
]

/** Gradient cases of the convolution family (inputs away from pooling ties). */
export const convGradientCases: GradientCase[] = [
  {
    name: 'conv2d stride 2, padding 1, groups 2',
    inputs: [{ shape: [2, 4, 5, 6] }, { shape: [4, 2, 3, 3] }],
    f: (x, w) => T.conv2d(x, w, { stride: 2, padding: 1, groups: 2 }),
  },
  {
    name: "conv2d dilation 2, 'same'",
    inputs: [{ shape: [1, 2, 6, 5] }, { shape: [3, 2, 3, 2] }],
    f: (x, w) => T.conv2d(x, w, { dilation: 2, padding: 'same' }),
  },
  {
    name: 'conv2d stride [1,2], padding [2,0], dilation [1,2]',
    inputs: [{ shape: [2, 1, 5, 7] }, { shape: [2, 1, 2, 3] }],
    f: (x, w) => T.conv2d(x, w, { stride: [1, 2], padding: [2, 0], dilation: [1, 2] }),
  },
  {
    name: "conv2d 'same' with a 4x2 kernel (asymmetric padding)",
    inputs: [{ shape: [1, 2, 5, 4] }, { shape: [2, 2, 4, 2] }],
    f: (x, w) => T.conv2d(x, w, { padding: 'same' }),
  },
  {
    name: 'conv1d stride 2, dilation 2',
    inputs: [{ shape: [2, 2, 9] }, { shape: [3, 2, 3] }],
    f: (x, w) => T.conv1d(x, w, { stride: 2, dilation: 2, padding: 1 }),
  },
  {
    name: 'convTranspose2d stride 2, padding 1, outputPadding 1, groups 2',
    inputs: [{ shape: [1, 4, 3, 3] }, { shape: [4, 2, 3, 3] }],
    f: (x, w) => T.convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
  },
  {
    name: 'convTranspose2d dilation 2',
    inputs: [{ shape: [2, 2, 3, 2] }, { shape: [2, 3, 2, 2] }],
    f: (x, w) => T.convTranspose2d(x, w, { dilation: 2 }),
  },
  {
    name: 'maxPool2d 3x3 stride 2 padding 1',
    inputs: [{ shape: [2, 2, 5, 6] }],
    f: (x) => T.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
  },
  {
    name: 'avgPool2d 2x3 stride [2,1] padding [1,1]',
    inputs: [{ shape: [1, 3, 5, 6] }],
    f: (x) => T.avgPool2d(x, { kernelSize: [2, 3], stride: [2, 1], padding: [1, 1] }),
  },
  {
    name: 'adaptiveAvgPool2d to 2x3',
    inputs: [{ shape: [2, 2, 5, 7] }],
    f: (x) => T.adaptiveAvgPool2d(x, [2, 3]),
  },
  {
    name: 'upsample nearest and bilinear to 5x7',
    inputs: [{ shape: [1, 2, 3, 4] }],
    f: (x) => T.add(T.upsample(x, { size: [5, 7], mode: 'bilinear' }), T.upsample(x, { size: [5, 7] })),
  },
]
