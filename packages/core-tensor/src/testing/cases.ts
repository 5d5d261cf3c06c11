/**
 * The conformance cases, written once and run on every backend by `describeBackend`.
 * Value cases compare with exact or closed-form results; gradient cases compare with central
 * differences on float64 backends and with the reference backend elsewhere.
 */
import { reference } from '../backend/reference'
import type { BackendV1, BufferHandle, StridedView } from '../backend/spec'
import * as T from '../index'
import type { Tensor } from '../tensor'
import { fold, key } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { checkGradients, gradientsOn, gradientsRead } from './gradcheck'
import { type Tolerance, expectAllClose, expectClose, readNested } from './tolerance'
import { GenError } from '../errors'
import { convGradientCases, convValueCases } from './conv-cases'
import { adam, adamw } from '../optim/adam'
import { applyUpdates } from '../optim/optimizer'
import type { TensorTree } from '../optim/tree'

/** What a case receives: the backend under test and its tolerance. */
export interface CaseContext {
  backend: BackendV1
  tolerance: Tolerance
}

/** A value case: runs ops on the backend and asserts on the results. */
export interface ValueCase {
  name: string
  /** Needs IEEE NaN/Inf semantics (skipped where `strictNumerics` is false). */
  strict?: boolean
  run(ctx: CaseContext): void | Promise<void>
}

/** Where gradient-case inputs are drawn: real [-1.5, 1.5], positive [0.3, 2], nonzero ±[0.2, 1.5]. */
export type Domain = 'real' | 'positive' | 'nonzero'

/** A gradient case: f of float32 tensors with the given input shapes. */
export interface GradientCase {
  name: string
  inputs: readonly { shape: readonly number[]; domain?: Domain }[]
  f: (...xs: Tensor[]) => Tensor
}

function fail(message: string): never {
  throw new GenError(message)
}

function expectThrows(fn: () => unknown, kind: new (...args: never[]) => Error, message?: string): void {
  try {
    fn()
  } catch (error) {
    if (!(error instanceof kind)) fail(`expected ${kind.name}, got ${String(error)}`)
    if (message !== undefined && error.message !== message) {
      fail(`expected message "${message}", got "${error.message}"`)
    }
    return
  }
  fail(`expected ${kind.name} to be thrown`)
}

function expectEqual(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) fail(`expected ${e}, got ${a}`)
}

/** A backend that hides another's fused kernels, so the composed path runs. */
export function withoutFused(backend: BackendV1): BackendV1 {
  return {
    specificationVersion: 'v1',
    name: backend.name,
    floatPrecision: backend.floatPrecision,
    strictNumerics: backend.strictNumerics,
    allocate: (d, n, v) => backend.allocate(d, n, v),
    read: (b: BufferHandle) => backend.read(b),
    readSync: backend.readSync === undefined ? undefined : (b: BufferHandle) => backend.readSync!(b),
    dispose: (b) => backend.dispose(b),
    unary: (op, x) => backend.unary(op, x),
    binary: (op, a, b) => backend.binary(op, a, b),
    where: (c, a, b) => backend.where(c, a, b),
    reduce: (op, x, axes) => backend.reduce(op, x, axes),
    contiguous: (x: StridedView) => backend.contiguous(x),
    cast: (x, d) => backend.cast(x, d),
    concat: (xs, axis) => backend.concat(xs, axis),
    gather: (x, i, axis) => backend.gather(x, i, axis),
    scatterAdd: (x, i, axis, size) => backend.scatterAdd(x, i, axis, size),
  }
}

const f32 = (ctx: CaseContext) => ({ backend: ctx.backend })

/**
 * Seven Adam (or AdamW) steps on params {w [3, 5], b [5]} with fixed gradients: w's gradient a
 * transposed view (as `linear`'s is), b a strided slice at the first step, gradient scales
 * 0.1, 1, 10 and 1e-3, a zero gradient entry. Returns params and moments, read.
 */
async function adamRun(backend: BackendV1, make: typeof adam): Promise<Float32Array[]> {
  const draw = (seed: number, shape: number[], scale = 1): Tensor => {
    const n = shape.reduce((s, d) => s * d, 1)
    const values = uniformFloats(fold(key(seed), n), n, 'float64').map((u) => scale * (2 * u - 1))
    return T.fromArray(values, { shape, backend })
  }
  const optimizer = make({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 })
  let params: TensorTree = { w: draw(1, [3, 5]), b: T.slice(draw(2, [10]), [{ step: 2 }]) }
  let state = optimizer.init(params)
  for (let t = 0; t < 7; t++) {
    const b = draw(20 + t, [5], 1e-3)
    const grads = {
      w: T.transpose(draw(10 + t, [5, 3], 10 ** ((t % 3) - 1))),
      b: t === 0 ? T.mul(b, T.fromArray([1, 0, 1, 1, 1], { backend })) : b,
    }
    const next = optimizer.update(grads, state, params)
    params = applyUpdates(params, next.updates)
    state = next.state
  }
  const p = params as Record<string, Tensor>
  const mu = state.mu as Record<string, Tensor>
  const nu = state.nu as Record<string, Tensor>
  return Promise.all([p.w, p.b, mu.w, nu.w, mu.b, nu.b].map((x) => x.data() as Promise<Float32Array>))
}

/** A tensor's values as nested arrays, read asynchronously (GPU backends have no sync read). */
export const arr = readNested

/** The single value of a one-element tensor, read asynchronously. */
export async function item(x: Tensor): Promise<number> {
  if (x.size !== 1) fail(`item: the tensor must hold exactly one element, got shape [${x.shape.join(',')}]`)
  return (await x.data())[0]
}

/** Value cases: each op family with exact or closed-form expectations. */
export const valueCases: ValueCase[] = [
  {
    name: 'binary ops broadcast like NumPy',
    async run(ctx) {
      const a = T.fromArray([[1], [2]], f32(ctx))
      const b = T.fromArray([10, 20], f32(ctx))
      expectEqual(await arr(T.add(a, b)), [
        [11, 21],
        [12, 22],
      ])
      expectEqual(T.sub(b, a).shape, [2, 2])
      expectEqual(await arr(T.mul(a, 3)), [[3], [6]])
      await expectClose(T.div(1, T.fromArray([4, 8], f32(ctx))), [0.25, 0.125], ctx.tolerance)
      await expectClose(T.pow(T.fromArray([2, 3], f32(ctx)), 2), [4, 9], ctx.tolerance)
      expectEqual(await arr(T.maximum(T.fromArray([1, 5], f32(ctx)), 3)), [3, 5])
      expectEqual(await arr(T.minimum(T.fromArray([1, 5], f32(ctx)), 3)), [1, 3])
      expectThrows(
        () => T.add(T.zeros([2, 3], f32(ctx)), T.zeros([4], f32(ctx))),
        T.ShapeError,
        'add: shapes must broadcast (equal dims or 1), got [2,3] and [4]',
      )
    },
  },
  {
    name: 'integer and bool dtypes promote',
    async run(ctx) {
      const i = T.fromArray([1, 2, 3], { ...f32(ctx), dtype: 'int32' })
      expectEqual(T.add(i, 1).dtype, 'int32')
      expectEqual(T.add(i, 0.5).dtype, 'float32')
      expectEqual(await arr(T.div(i, 2)), [0.5, 1, 1.5])
      const mask = T.greater(i, 1)
      expectEqual(mask.dtype, 'bool')
      expectEqual(await item(T.sum(mask)), 2)
      expectEqual(await arr(T.logicalAnd(mask, T.fromArray([true, true, false], f32(ctx)))), [
        false,
        true,
        false,
      ])
      expectEqual(await arr(T.logicalOr(mask, T.fromArray([true, false, false], f32(ctx)))), [
        true,
        true,
        true,
      ])
      expectEqual(await arr(T.logicalXor(mask, T.fromArray([true, true, true], f32(ctx)))), [
        true,
        false,
        false,
      ])
      expectEqual(await arr(T.logicalNot(mask)), [true, false, false])
      expectEqual(await arr(T.equal(i, 2)), [false, true, false])
      expectEqual(await arr(T.notEqual(i, 2)), [true, false, true])
      expectEqual(await arr(T.lessEqual(i, 2)), [true, true, false])
      expectEqual(await arr(T.greaterEqual(i, 2)), [false, true, true])
      expectEqual(await arr(T.less(i, 2)), [true, false, false])
    },
  },
  {
    name: 'unary ops and activations match closed forms',
    async run(ctx) {
      const x = T.fromArray([-1, 0, 1], f32(ctx))
      const tol = ctx.tolerance
      await expectClose(T.exp(x), [Math.exp(-1), 1, Math.E], tol)
      await expectClose(T.neg(x), [1, 0, -1], tol)
      await expectClose(T.abs(x), [1, 0, 1], tol)
      await expectClose(T.sign(x), [-1, 0, 1], tol)
      await expectClose(T.square(x), [1, 0, 1], tol)
      await expectClose(T.sin(x), [Math.sin(-1), 0, Math.sin(1)], tol)
      await expectClose(T.cos(x), [Math.cos(-1), 1, Math.cos(1)], tol)
      await expectClose(T.tanh(x), [Math.tanh(-1), 0, Math.tanh(1)], tol)
      await expectClose(T.sigmoid(x), [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-1))], tol)
      await expectClose(T.softplus(x), [Math.log1p(Math.exp(-1)), Math.LN2, Math.log1p(Math.E)], tol)
      await expectClose(T.relu(x), [0, 0, 1], tol)
      await expectClose(T.leakyRelu(x, 0.1), [-0.1, 0, 1], tol)
      await expectClose(T.elu(x), [Math.expm1(-1), 0, 1], tol)
      await expectClose(T.gelu(x), [-0.15880800939172324, 0, 0.8411919906082768], tol)
      await expectClose(T.silu(x), [-1 / (1 + Math.E), 0, 1 / (1 + Math.exp(-1))], tol)
      await expectClose(T.floor(T.fromArray([1.5, -1.5], f32(ctx))), [1, -2], tol)
      const p = T.fromArray([4, 0.25], f32(ctx))
      await expectClose(T.sqrt(p), [2, 0.5], tol)
      await expectClose(T.rsqrt(p), [0.5, 2], tol)
      await expectClose(T.reciprocal(p), [0.25, 4], tol)
      await expectClose(T.log(p), [Math.log(4), Math.log(0.25)], tol)
      // log1p/expm1 keep full relative precision near 0, where log(1 + x) loses it
      await expectClose(T.log1p(T.fromArray([1e-10], f32(ctx))), [1e-10], { rtol: tol.rtol, atol: 0 })
      await expectClose(T.expm1(T.fromArray([1e-10], f32(ctx))), [1e-10], { rtol: tol.rtol, atol: 0 })
    },
  },
  {
    name: 'activations stay finite at ±1000 (values and gradients)',
    strict: true,
    async run(ctx) {
      const x = T.fromArray([-1000, 1000], f32(ctx))
      await expectClose(T.sigmoid(x), [0, 1], ctx.tolerance)
      await expectClose(T.softplus(x), [0, 1000], ctx.tolerance)
      await expectClose(T.elu(x), [-1, 1000], ctx.tolerance)
      await expectClose(T.silu(x), [0, 1000], ctx.tolerance)
      for (const f of [T.sigmoid, T.softplus, T.elu, T.silu, T.gelu, T.tanh]) {
        const g = T.grad((v: Tensor) => T.sum(f(v)))(x)
        if (!Array.from(await g.data()).every(Number.isFinite))
          fail(`gradient of ${f.name} must be finite at ±1000, got ${g.toString()}`)
      }
    },
  },
  {
    name: 'where and clamp broadcast',
    async run(ctx) {
      const c = T.fromArray([true, false], f32(ctx))
      expectEqual(await arr(T.where(c, 1, T.fromArray([5, 6], f32(ctx)))), [1, 6])
      expectEqual(
        await arr(T.where(T.fromArray([[true], [false]], f32(ctx)), T.fromArray([1, 2], f32(ctx)), 0)),
        [
          [1, 2],
          [0, 0],
        ],
      )
      await expectClose(T.clamp(T.fromArray([-2, 0.5, 3], f32(ctx)), 0, 1), [0, 0.5, 1], ctx.tolerance)
      expectThrows(
        () => T.clamp(T.zeros([1], f32(ctx)), 2, 1),
        T.InvalidArgumentError,
        'clamp: min must be <= max, got min=2 and max=1',
      )
    },
  },
  {
    name: 'reductions with axis and keepdims',
    async run(ctx) {
      const x = T.fromArray(
        [
          [1, 5, 2],
          [3, 2, 6],
        ],
        f32(ctx),
      )
      const tol = ctx.tolerance
      expectEqual(await item(T.sum(x)), 19)
      expectEqual(await arr(T.sum(x, { axis: 0 })), [4, 7, 8])
      expectEqual(await arr(T.sum(x, { axis: -1, keepdims: true })), [[8], [11]])
      expectEqual(T.sum(x, { axis: [0, 1], keepdims: true }).shape, [1, 1])
      await expectClose(T.mean(x, { axis: 1 }), [8 / 3, 11 / 3], tol)
      expectEqual(await arr(T.max(x, { axis: 1 })), [5, 6])
      expectEqual(await arr(T.min(x, { axis: 0 })), [1, 2, 2])
      expectEqual(await arr(T.prod(x, { axis: 1 })), [10, 36])
      expectEqual(await arr(T.argmax(x, { axis: 1 })), [1, 2])
      expectEqual(T.argmax(x, { axis: 1 }).dtype, 'int32')
      expectEqual(await arr(T.argmin(x, { axis: 0 })), [0, 1, 0])
      expectEqual(await item(T.argmax(x)), 5)
      expectEqual(await item(T.argmax(T.fromArray([3, 7, 7], f32(ctx)))), 1)
      await expectClose(T.variance(T.fromArray([1, 2, 3, 4], f32(ctx))), 1.25, tol)
      await expectClose(T.variance(T.fromArray([1, 2, 3, 4], f32(ctx)), { correction: 1 }), 5 / 3, tol)
      await expectClose(T.std(T.fromArray([1, 3], f32(ctx))), 1, tol)
      expectEqual(await arr(T.cumsum(x, 1)), [
        [1, 6, 8],
        [3, 5, 11],
      ])
      expectEqual(await arr(T.cumsum(x, 0)), [
        [1, 5, 2],
        [4, 7, 8],
      ])
      // variance is computed from centred values: no cancellation at a large offset
      await expectClose(T.variance(T.fromArray([1e4 + 1, 1e4 + 2, 1e4 + 3], f32(ctx))), 2 / 3, {
        rtol: 1e-3,
        atol: 1e-5,
      })
      expectThrows(() => T.max(T.zeros([0], f32(ctx))), T.InvalidArgumentError)
      expectThrows(
        () => T.sum(x, { axis: 2 }),
        T.InvalidArgumentError,
        'sum: axis must be an integer in [-2, 1], got 2',
      )
    },
  },
  {
    name: 'case H1: softmax and logSumExp are stable at extreme logits',
    strict: true,
    async run(ctx) {
      const s = T.softmax(T.fromArray([1000, 1001, 1002], f32(ctx)))
      await expectClose(s, [0.0900306, 0.2447285, 0.665241], { rtol: 0, atol: 1e-6 })
      await expectClose(T.sum(s), 1, { rtol: 0, atol: 1e-6 })
      await expectClose(T.logSumExp(T.fromArray([1000, 1000], f32(ctx))), 1000.6931472, {
        rtol: 1e-6,
        atol: 0,
      })
      await expectClose(T.logSumExp(T.fromArray([-1000, -1000], f32(ctx))), -999.3068528, {
        rtol: 1e-6,
        atol: 0,
      })
      const ls = T.logSoftmax(T.fromArray([-431, 279, 427], f32(ctx)))
      await expectClose(T.neg(T.slice(ls, [0])), 858, { rtol: 1e-6, atol: 0 })
      // cross-entropy from logits: d(-logSoftmax[0])/dlogits = softmax - onehot = [-1, ~0, 1]
      const g = T.grad((z: Tensor) => T.neg(T.slice(T.logSoftmax(z), [0])))(
        T.fromArray([-431, 279, 427], f32(ctx)),
      )
      await expectClose(g, [-1, 0, 1], { rtol: 0, atol: 1e-6 })
      await expectClose(T.logSumExp(T.fromArray([-Infinity, -Infinity], f32(ctx))), -Infinity)
      await expectClose(
        T.softmax(
          T.fromArray(
            [
              [0, 0],
              [1e4, 0],
            ],
            f32(ctx),
          ),
          1,
        ),
        [
          [0.5, 0.5],
          [1, 0],
        ],
        ctx.tolerance,
      )
      await expectClose(
        T.logSumExp(
          T.fromArray(
            [
              [1, 2],
              [3, 4],
            ],
            f32(ctx),
          ),
          { axis: 1, keepdims: true },
        ),
        [[Math.log(Math.E + Math.E ** 2)], [Math.log(Math.E ** 3 + Math.E ** 4)]],
        ctx.tolerance,
      )
    },
  },
  {
    // finite differences see through stopGradient, so this one is checked against its closed form
    name: 'stopGradient blocks: d/dx [x * stop(exp x)] = exp x',
    async run(ctx) {
      const x = T.fromArray([-1, 0.5, 2], f32(ctx))
      const g = T.grad((z: Tensor) => T.sum(T.mul(z, T.stopGradient(T.exp(z)))))(x)
      await expectClose(g, [Math.exp(-1), Math.exp(0.5), Math.exp(2)], ctx.tolerance)
    },
  },
  {
    name: 'matmul: shapes, batch broadcasting, strided operands, errors',
    async run(ctx) {
      const a = T.fromArray(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        f32(ctx),
      )
      const b = T.fromArray(
        [
          [7, 8],
          [9, 10],
          [11, 12],
        ],
        f32(ctx),
      )
      expectEqual(await arr(T.matmul(a, b)), [
        [58, 64],
        [139, 154],
      ])
      expectEqual(await arr(T.matmul(T.transpose(b), T.transpose(a))), [
        [58, 139],
        [64, 154],
      ])
      expectEqual(await arr(T.matmul(T.fromArray([1, 2, 3], f32(ctx)), b)), [58, 64])
      expectEqual(await arr(T.matmul(a, T.fromArray([1, 1, 1], f32(ctx)))), [6, 15])
      const batch = T.stack([a, T.mul(a, 2)])
      expectEqual(await arr(T.matmul(batch, b)), [
        [
          [58, 64],
          [139, 154],
        ],
        [
          [116, 128],
          [278, 308],
        ],
      ])
      expectEqual(await arr(T.outer(T.fromArray([1, 2], f32(ctx)), T.fromArray([3, 4], f32(ctx)))), [
        [3, 4],
        [6, 8],
      ])
      expectThrows(
        () => T.matmul(T.zeros([2, 3], f32(ctx)), T.zeros([4, 5], f32(ctx))),
        T.ShapeError,
        'matmul: inner dimensions must match, got a=[2,3] and b=[4,5]',
      )
    },
  },
  {
    name: 'softmax fused kernel agrees with the composed path (every axis, strided views, ±Inf rows)',
    async run(ctx) {
      const composed = withoutFused(ctx.backend)
      const shape = [3, 5, 7]
      const v = uniformFloats(key(21), 3 * 5 * 7, 'float64').map((u) => 8 * u - 4)
      for (const axis of [0, 1, 2]) {
        const fast = T.softmax(T.fromArray(v, { shape, backend: ctx.backend }), axis)
        const slow = T.softmax(T.fromArray(v, { shape, backend: composed }), axis)
        await expectClose(await fast.data(), await slow.data(), ctx.tolerance)
        // a permuted (strided) view, and the gradient of a weighted sum through it
        const weights = uniformFloats(key(22 + axis), 7 * 5 * 3, 'float64')
        const gradOf = async (backend: BackendV1) => {
          const x = T.fromArray(v, { shape, backend })
          const w = T.fromArray(weights, { shape: [7, 5, 3], backend })
          const f = (p: { x: Tensor }) => T.sum(T.mul(T.softmax(T.permute(p.x, [2, 1, 0]), axis), w))
          return {
            y: await T.softmax(T.permute(x, [2, 1, 0]), axis).data(),
            dx: await T.grad(f)({ x }).x.data(),
          }
        }
        const got = await gradOf(ctx.backend)
        const want = await gradOf(composed)
        await expectClose(got.y, want.y, ctx.tolerance)
        await expectClose(got.dx, want.dx, {
          rtol: ctx.tolerance.rtol,
          atol: Math.max(ctx.tolerance.atol, 1e-6),
        })
      }
      // a row with -Inf entries (masked attention) and a row of 1000s (shifted by its max)
      const masked = T.softmax(
        T.fromArray(
          [
            [0, -Infinity, 1, -Infinity],
            [1000, 1000, 1000, 1000],
          ],
          f32(ctx),
        ),
      )
      await expectClose(
        masked,
        [
          [1 / (1 + Math.E), 0, Math.E / (1 + Math.E), 0],
          [0.25, 0.25, 0.25, 0.25],
        ],
        ctx.tolerance,
      )
    },
  },
  {
    name: 'Adam and AdamW fused steps agree with the composed ops (7 steps, strided views, gradients from 1e-3 to 10)',
    async run(ctx) {
      for (const make of [adam, adamw]) {
        const got = await adamRun(ctx.backend, make)
        const want = await adamRun(withoutFused(ctx.backend), make)
        for (let i = 0; i < want.length; i++) await expectClose(got[i], want[i], ctx.tolerance)
      }
    },
  },
  {
    name: 'matmul fused kernel agrees with the composed path (odd sizes, block edges)',
    async run(ctx) {
      const composed = withoutFused(ctx.backend)
      for (const [m, k, n] of [
        [1, 1, 1],
        [5, 7, 3],
        [17, 13, 19],
        [33, 300, 9],
      ]) {
        const av = uniformFloats(fold(key(11), m * 1000 + k), m * k, 'float64')
        const bv = uniformFloats(fold(key(12), k * 1000 + n), k * n, 'float64')
        const fast = T.matmul(
          T.fromArray(av, { shape: [m, k], backend: ctx.backend }),
          T.fromArray(bv, { shape: [k, n], backend: ctx.backend }),
        )
        const slow = T.matmul(
          T.fromArray(av, { shape: [m, k], backend: composed }),
          T.fromArray(bv, { shape: [k, n], backend: composed }),
        )
        await expectClose(await fast.data(), await slow.data(), {
          rtol: ctx.tolerance.rtol,
          atol: ctx.tolerance.atol * k,
        })
      }
      // broadcast batch and a transposed operand through the fused path
      const a = T.fromArray(uniformFloats(key(3), 2 * 3 * 4, 'float64'), {
        shape: [2, 1, 3, 4],
        backend: ctx.backend,
      })
      const b = T.fromArray(uniformFloats(key(4), 3 * 5 * 4, 'float64'), {
        shape: [3, 5, 4],
        backend: ctx.backend,
      })
      const ac = T.fromArray(await a.data(), { shape: [2, 1, 3, 4], backend: composed })
      const bc = T.fromArray(await b.data(), { shape: [3, 5, 4], backend: composed })
      const fast = T.matmul(a, T.transpose(b, -1, -2))
      expectEqual(fast.shape, [2, 3, 3, 5])
      await expectClose(await fast.data(), await T.matmul(ac, T.transpose(bc, -1, -2)).data(), ctx.tolerance)
    },
  },
  {
    name: 'case H3: reshape of transposed, strided and expanded views',
    async run(ctx) {
      const x = T.reshape(T.arange(6, undefined, 1, f32(ctx)), [2, 3])
      const y = T.transpose(x)
      expectEqual(await arr(T.reshape(y, [6])), [0, 3, 1, 4, 2, 5])
      expectEqual(await arr(T.reshape(y, [2, 3])), [
        [0, 3, 1],
        [4, 2, 5],
      ])
      expectEqual(await arr(x), [
        [0, 1, 2],
        [3, 4, 5],
      ])
      expectEqual(await arr(T.reshape(T.reshape(y, [6]), [3, 2])), await arr(y))
      const s = T.slice(T.arange(10, undefined, 1, f32(ctx)), [{ start: 2, step: 3 }])
      expectEqual(await arr(s), [2, 5, 8])
      expectEqual(await arr(T.reshape(s, [1, 3])), [[2, 5, 8]])
      const e = T.expand(T.fromArray([[1], [2]], f32(ctx)), [2, 3])
      expectEqual(await arr(T.reshape(e, [3, 2])), [
        [1, 1],
        [1, 2],
        [2, 2],
      ])
      const r = T.slice(T.arange(6, undefined, 1, f32(ctx)), [{ step: -2 }])
      expectEqual(await arr(T.reshape(r, [3, 1])), [[5], [3], [1]])
      const p = T.permute(T.reshape(T.arange(24, undefined, 1, f32(ctx)), [2, 3, 4]), [1, 0, 2])
      expectEqual(((await arr(T.flatten(p))) as number[]).slice(0, 8), [0, 1, 2, 3, 12, 13, 14, 15])
    },
  },
  {
    name: 'views: slice, squeeze, unsqueeze, expand, permute',
    async run(ctx) {
      const x = T.reshape(T.arange(12, undefined, 1, f32(ctx)), [3, 4])
      expectEqual(await arr(T.slice(x, [{ start: 1 }, { start: -2 }])), [
        [6, 7],
        [10, 11],
      ])
      expectEqual(await arr(T.slice(x, [null, 1])), [1, 5, 9])
      expectEqual(await arr(T.slice(x, [{ step: -1 }, { start: 3, stop: 0, step: -2 }])), [
        [11, 9],
        [7, 5],
        [3, 1],
      ])
      expectEqual(T.slice(x, [{ start: 5 }]).shape, [0, 4])
      expectEqual(T.squeeze(T.zeros([1, 3, 1], f32(ctx))).shape, [3])
      expectEqual(T.squeeze(T.zeros([1, 3, 1], f32(ctx)), 0).shape, [3, 1])
      expectEqual(T.unsqueeze(T.zeros([3], f32(ctx)), -1).shape, [3, 1])
      expectEqual(await arr(T.broadcastTo(T.fromArray([1, 2], f32(ctx)), [2, 2])), [
        [1, 2],
        [1, 2],
      ])
      expectEqual(T.broadcastTo(T.fromArray([1, 2], f32(ctx)), [2, 2]).strides, [0, 1])
      expectEqual(T.transpose(x).strides, [1, 4])
      expectEqual(T.contiguous(T.transpose(x)).isContiguous, true)
      expectThrows(() => T.reshape(x, [5, -1]), T.ShapeError)
      expectThrows(() => T.squeeze(x, 0), T.ShapeError)
      expectThrows(() => T.permute(x, [0, 0]), T.InvalidArgumentError)
      expectThrows(() => T.slice(x, [{ step: 0 }]), T.InvalidArgumentError)
      expectThrows(() => T.expand(T.zeros([2], f32(ctx)), [3]), T.ShapeError)
    },
  },
  {
    name: 'concat, stack, tensorSplit, pad',
    async run(ctx) {
      const a = T.fromArray([[1, 2]], f32(ctx))
      const b = T.fromArray([[3, 4]], f32(ctx))
      expectEqual(await arr(T.concat([a, b])), [
        [1, 2],
        [3, 4],
      ])
      expectEqual(await arr(T.concat([a, b], 1)), [[1, 2, 3, 4]])
      expectEqual(T.stack([a, b], 1).shape, [1, 2, 2])
      expectEqual(
        await Promise.all(T.tensorSplit(T.arange(6, undefined, 1, f32(ctx)), 3).map((t) => arr(t))),
        [
          [0, 1],
          [2, 3],
          [4, 5],
        ],
      )
      expectEqual(
        T.tensorSplit(T.arange(5, undefined, 1, f32(ctx)), [2, 3]).map((t) => t.shape),
        [[2], [3]],
      )
      const v = T.fromArray([1, 2, 3], f32(ctx))
      expectEqual(await arr(T.pad(v, [[1, 2]])), [0, 1, 2, 3, 0, 0])
      expectEqual(await arr(T.pad(v, [[1, 0]], { value: 9 })), [9, 1, 2, 3])
      expectEqual(await arr(T.pad(v, [[2, 2]], { mode: 'reflect' })), [3, 2, 1, 2, 3, 2, 1])
      expectEqual(
        await arr(
          T.pad(
            T.fromArray(
              [
                [1, 2],
                [3, 4],
              ],
              f32(ctx),
            ),
            [
              [1, 1],
              [1, 1],
            ],
            { mode: 'reflect' },
          ),
        ),
        [
          [4, 3, 4, 3],
          [2, 1, 2, 1],
          [4, 3, 4, 3],
          [2, 1, 2, 1],
        ],
      )
      expectThrows(() => T.concat([a, T.zeros([1, 3], f32(ctx))]), T.ShapeError)
      expectThrows(() => T.pad(v, [[3, 0]], { mode: 'reflect' }), T.InvalidArgumentError)
    },
  },
  {
    name: 'gather, indexSelect, scatterAdd, oneHot, tril, triu',
    async run(ctx) {
      const x = T.fromArray(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        f32(ctx),
      )
      const int = (v: number[] | number[][]) => T.fromArray(v, { ...f32(ctx), dtype: 'int32' })
      expectEqual(await arr(T.indexSelect(x, 0, [2, 0, 2])), [
        [5, 6],
        [1, 2],
        [5, 6],
      ])
      expectEqual(await arr(T.indexSelect(x, 1, int([1]))), [[2], [4], [6]])
      expectEqual(await arr(T.indexSelect(x, 0, [-1])), [[5, 6]])
      expectEqual(await arr(T.gather(x, 1, int([[1], [0], [1]]))), [[2], [3], [6]])
      expectEqual(await arr(T.gather(x, 0, int([[2, 0]]))), [[5, 2]])
      expectEqual(
        await arr(T.scatterAdd(T.zeros([3], f32(ctx)), 0, int([0, 2, 0]), T.fromArray([1, 2, 3], f32(ctx)))),
        [4, 0, 2],
      )
      expectEqual(await arr(T.oneHot(int([0, 2]), 3)), [
        [1, 0, 0],
        [0, 0, 1],
      ])
      const m = T.ones([3, 3], f32(ctx))
      expectEqual(await arr(T.tril(m)), [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
      ])
      expectEqual(await arr(T.triu(m, 1)), [
        [0, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
      ])
      expectEqual(await arr(T.tril(m, -1)), [
        [0, 0, 0],
        [1, 0, 0],
        [1, 1, 0],
      ])
      expectThrows(
        () => T.indexSelect(x, 0, [3]),
        T.InvalidArgumentError,
        'indexSelect: indices must lie in [-3, 2], got 3 at flat index 0',
      )
      // tensor indices are range-checked where they can be read synchronously (CPU backends);
      // a GPU backend would have to read them back, so it does not
      if (ctx.backend.readSync !== undefined)
        expectThrows(() => T.oneHot(int([5]), 3), T.InvalidArgumentError)
      expectThrows(() => T.indexSelect(x, 0, T.fromArray([0], f32(ctx))), T.DTypeError)
    },
  },
  {
    name: 'inputs are validated at the op boundary with typed errors',
    async run(ctx) {
      expectThrows(
        () => T.add([1, 2] as unknown as Tensor, 1),
        T.InvalidArgumentError,
        'add: a must be a Tensor, got an array — wrap values with fromArray()',
      )
      expectThrows(() => T.zeros([-1], f32(ctx)), T.InvalidArgumentError)
      expectThrows(
        () => T.arange(0, 1, 0, f32(ctx)),
        T.InvalidArgumentError,
        'arange: step must be finite and nonzero, got 0',
      )
      const other = ctx.backend === reference ? T.cpu : reference
      expectThrows(
        () => T.add(T.ones([1], f32(ctx)), T.ones([1], { backend: other })),
        T.BackendMismatchError,
      )
      if (ctx.backend.readSync !== undefined) {
        const moved = T.toBackend(T.fromArray([1, 2], f32(ctx)), other)
        expectEqual(moved.backend, other)
        expectEqual(await arr(moved), [1, 2])
      } else {
        // toBackend reads synchronously: a backend without readSync says so with a typed error
        expectThrows(() => T.toBackend(T.fromArray([1, 2], f32(ctx)), other), T.UnsupportedOpError)
      }
      const d = T.ones([2], f32(ctx))
      d.dispose()
      expectThrows(() => T.exp(d), T.DisposedTensorError)
    },
  },
  {
    name: 'tidy frees intermediates and keeps results',
    run(ctx) {
      const before = T.memoryStats(ctx.backend)
      const x = T.ones([4], f32(ctx))
      const y = T.tidy(() => T.sum(T.mul(T.exp(x), 2)))
      expectEqual(T.memoryStats(ctx.backend).tensors, before.tensors + 2)
      const nested = T.tidy(() => {
        const inner = T.tidy(() => ({ a: T.add(x, 1), b: [T.add(x, 2)] }))
        return inner.a
      })
      expectEqual(T.memoryStats(ctx.backend).tensors, before.tensors + 3)
      T.dispose([x, y, nested])
      const after = T.memoryStats(ctx.backend)
      expectEqual([after.tensors, after.bytes, after.buffers], [before.tensors, before.bytes, before.buffers])
    },
  },
  ...convValueCases,
]

/** Gradient cases: every primitive's rule through the public ops, broadcasting operands included. */
export const gradientCases: GradientCase[] = [
  ...(
    [
      ['neg', T.neg, 'real'],
      ['abs', T.abs, 'nonzero'],
      ['exp', T.exp, 'real'],
      ['expm1', T.expm1, 'real'],
      ['log', T.log, 'positive'],
      ['log1p', T.log1p, 'positive'],
      ['sqrt', T.sqrt, 'positive'],
      ['rsqrt', T.rsqrt, 'positive'],
      ['reciprocal', T.reciprocal, 'positive'],
      ['square', T.square, 'real'],
      ['sin', T.sin, 'real'],
      ['cos', T.cos, 'real'],
      ['tanh', T.tanh, 'real'],
      ['sigmoid', T.sigmoid, 'real'],
      ['softplus', T.softplus, 'nonzero'],
      ['relu', T.relu, 'nonzero'],
      ['leakyRelu', (x: Tensor) => T.leakyRelu(x, 0.1), 'nonzero'],
      ['elu', T.elu, 'nonzero'],
      ['gelu', T.gelu, 'real'],
      ['silu', T.silu, 'real'],
    ] as const
  ).map(([name, f, domain]): GradientCase => ({ name, inputs: [{ shape: [2, 3], domain }], f: (x) => f(x) })),
  // case H2 and its kind: every broadcasting binary op sums its gradient back to each operand's shape
  ...(
    [
      ['add', T.add],
      ['sub', T.sub],
      ['mul', T.mul],
      ['div', T.div],
      ['maximum', T.maximum],
      ['minimum', T.minimum],
    ] as const
  ).flatMap(([name, f]) =>
    [[1, 4], [4], [3, 1], []].map((shape): GradientCase => ({
      name: `${name} [3,4] with [${shape.join(',')}]`,
      inputs: [
        { shape: [3, 4], domain: 'positive' },
        { shape, domain: 'positive' },
      ],
      f: (a, b) => f(a, b),
    })),
  ),
  {
    name: 'pow (both operands)',
    inputs: [
      { shape: [2, 3], domain: 'positive' },
      { shape: [3], domain: 'real' },
    ],
    f: (a, b) => T.pow(a, b),
  },
  {
    name: 'where broadcast',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    f: (a, b) => T.where(T.greater(a, 0), a, b),
  },
  { name: 'clamp', inputs: [{ shape: [6], domain: 'nonzero' }], f: (x) => T.clamp(x, -0.1, 0.5) },
  { name: 'sum axis', inputs: [{ shape: [2, 3, 2] }], f: (x) => T.sum(x, { axis: [0, 2] }) },
  { name: 'mean keepdims', inputs: [{ shape: [2, 3] }], f: (x) => T.mean(x, { axis: 1, keepdims: true }) },
  { name: 'max axis', inputs: [{ shape: [3, 4] }], f: (x) => T.max(x, { axis: 1 }) },
  { name: 'min all', inputs: [{ shape: [3, 4] }], f: (x) => T.min(x) },
  { name: 'prod', inputs: [{ shape: [2, 3], domain: 'positive' }], f: (x) => T.prod(x, { axis: 0 }) },
  { name: 'variance', inputs: [{ shape: [3, 4] }], f: (x) => T.variance(x, { axis: 1, correction: 1 }) },
  { name: 'std', inputs: [{ shape: [5] }], f: (x) => T.std(x) },
  { name: 'logSumExp', inputs: [{ shape: [2, 4] }], f: (x) => T.logSumExp(x, { axis: 1 }) },
  { name: 'softmax', inputs: [{ shape: [2, 4] }], f: (x) => T.softmax(x, 1) },
  { name: 'logSoftmax', inputs: [{ shape: [4, 3] }], f: (x) => T.logSoftmax(x, 0) },
  { name: 'cumsum', inputs: [{ shape: [2, 4] }], f: (x) => T.cumsum(x, 1) },
  { name: 'matmul', inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], f: (a, b) => T.matmul(a, b) },
  {
    name: 'matmul batch broadcast',
    inputs: [{ shape: [2, 2, 3] }, { shape: [3, 2] }],
    f: (a, b) => T.matmul(a, b),
  },
  { name: 'matmul vector', inputs: [{ shape: [3] }, { shape: [3, 2] }], f: (a, b) => T.matmul(a, b) },
  { name: 'outer', inputs: [{ shape: [3] }, { shape: [2] }], f: (a, b) => T.outer(a, b) },
  {
    name: 'einsum attention scores bhqd,bhkd->bhqk',
    inputs: [{ shape: [1, 2, 3, 4] }, { shape: [1, 2, 5, 4] }],
    f: (q, k) => T.einsum('bhqd,bhkd->bhqk', q, k),
  },
  {
    name: 'einsum ij,kj->ik',
    inputs: [{ shape: [3, 4] }, { shape: [2, 4] }],
    f: (a, b) => T.einsum('ij,kj->ik', a, b),
  },
  {
    name: 'second order: grad of Σ(∇ Σ tanh(x)·x)',
    inputs: [{ shape: [5] }],
    f: (x) => T.grad((v: Tensor) => T.sum(T.mul(T.tanh(v), v)))(x),
  },
  // every view kind under reshape (case H3's gradient and its kind)
  { name: 'reshape of transpose', inputs: [{ shape: [2, 3] }], f: (x) => T.reshape(T.transpose(x), [6]) },
  {
    name: 'reshape of strided slice',
    inputs: [{ shape: [10] }],
    f: (x) => T.reshape(T.slice(x, [{ start: 2, step: 3 }]), [1, 3]),
  },
  {
    name: 'reshape of negative-step slice',
    inputs: [{ shape: [3, 4] }],
    f: (x) => T.reshape(T.slice(x, [{ step: -1 }, { start: 3, step: -2 }]), [6]),
  },
  {
    name: 'reshape of expand',
    inputs: [{ shape: [2, 1] }],
    f: (x) => T.reshape(T.expand(x, [2, 3]), [3, 2]),
  },
  {
    name: 'permute + squeeze + unsqueeze',
    inputs: [{ shape: [2, 1, 3] }],
    f: (x) => T.unsqueeze(T.squeeze(T.permute(x, [2, 0, 1])), 0),
  },
  { name: 'concat', inputs: [{ shape: [2, 2] }, { shape: [2, 3] }], f: (a, b) => T.concat([a, b], 1) },
  { name: 'stack', inputs: [{ shape: [3] }, { shape: [3] }], f: (a, b) => T.stack([a, b], 1) },
  {
    name: 'tensorSplit',
    inputs: [{ shape: [6] }],
    f: (x) => {
      const [p, q] = T.tensorSplit(x, [2, 4])
      return T.mul(T.sum(p), T.sum(q))
    },
  },
  {
    name: 'pad constant',
    inputs: [{ shape: [2, 3] }],
    f: (x) =>
      T.pad(
        x,
        [
          [1, 0],
          [0, 2],
        ],
        { value: 3 },
      ),
  },
  {
    name: 'pad reflect',
    inputs: [{ shape: [2, 4] }],
    f: (x) =>
      T.pad(
        x,
        [
          [1, 1],
          [2, 3],
        ],
        { mode: 'reflect' },
      ),
  },
  { name: 'indexSelect with repeats', inputs: [{ shape: [3, 2] }], f: (x) => T.indexSelect(x, 0, [2, 0, 2]) },
  {
    name: 'gather',
    inputs: [{ shape: [3, 3] }],
    f: (x) =>
      T.gather(
        x,
        1,
        T.fromArray(
          [
            [2, 0],
            [1, 1],
            [0, 2],
          ],
          { backend: x.backend, dtype: 'int32' },
        ),
      ),
  },
  {
    name: 'scatterAdd',
    inputs: [{ shape: [4] }, { shape: [3] }],
    f: (x, s) => T.scatterAdd(x, 0, T.fromArray([1, 3, 1], { backend: x.backend, dtype: 'int32' }), s),
  },
  { name: 'tril', inputs: [{ shape: [3, 3] }], f: (x) => T.tril(x) },
  ...convGradientCases,
]

/** Deterministic inputs for gradient case `index`: keyed draws mapped into the case's domain. */
export function caseInputs(
  c: GradientCase,
  index: number,
): { values: Float64Array; shape: readonly number[] }[] {
  return c.inputs.map((spec, j) => {
    const size = spec.shape.reduce((p, d) => p * d, 1)
    const u = uniformFloats(fold(fold(key(2024), index), j), 2 * size, 'float64')
    const values = new Float64Array(size)
    for (let i = 0; i < size; i++) {
      const domain = spec.domain ?? 'real'
      if (domain === 'real') values[i] = -1.5 + 3 * u[i]
      else if (domain === 'positive') values[i] = 0.3 + 1.7 * u[i]
      else values[i] = (u[size + i] < 0.5 ? -1 : 1) * (0.2 + 1.3 * u[i])
    }
    return { values, shape: spec.shape }
  })
}

/**
 * Runs one gradient case: central differences on a float64 backend, agreement with the
 * reference backend's gradients (within the backend's tolerance) elsewhere.
 */
export async function runGradientCase(c: GradientCase, index: number, ctx: CaseContext): Promise<void> {
  const values = caseInputs(c, index)
  if (ctx.backend.floatPrecision === 64) {
    T.tidy(() => {
      const inputs = values.map((v) => T.fromArray(v.values, { shape: v.shape, backend: ctx.backend }))
      checkGradients(c.f, inputs, { tolerance: 1e-6 })
    })
    return
  }
  const got = await gradientsRead(c.f, values, ctx.backend)
  const want = gradientsOn(c.f, values, reference)
  got.forEach((g, k) =>
    expectAllClose(g, want[k], { rtol: ctx.tolerance.rtol, atol: Math.max(ctx.tolerance.atol, 1e-4) }),
  )
}
