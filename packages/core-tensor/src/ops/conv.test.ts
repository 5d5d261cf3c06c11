import { describe, expect, it } from 'vitest'
import {
  conv2dBackwardFilterHost,
  conv2dBackwardInputHost,
  conv2dHost,
  type HostConvMath,
  naiveGemm,
} from '../backend/conv-kernel'
import { reference } from '../backend/reference'
import type { BackendV1, Conv2dParams, StridedView } from '../backend/spec'
import { conv2dInputGrad, conv2dWeightGrad } from './conv-core'
import { fromArray } from '../ops/creation'
import { key } from '../random/key'
import { uniformFloats } from '../random/distributions'
import { checkGradients } from '../testing/gradcheck'
import { withoutFused } from '../testing/cases'
import type { Tensor } from '../tensor'
import { mul } from './binary'
import { conv2d, convTranspose2d } from './conv'
import { sum } from './reduce'

/**
 * The reference backend with the host fused conv2d kernel in float64 (naive GEMM), so that the
 * fused op's gradient rule is checked against central differences, not only against float32.
 */
function referenceWithFusedConv(): BackendV1 {
  const base = withoutFused(reference)
  const operand = (v: StridedView) => ({
    data: reference.readSync!(reference.contiguous(v)) as Float64Array,
    shape: v.shape,
  })
  const math: HostConvMath<Float64Array> = { gemm: naiveGemm, alloc: (n) => new Float64Array(n) }
  const wrap = (out: Float64Array) => reference.allocate('float32', out.length, out)
  return {
    ...base,
    fused: {
      matmul: reference.fused!.matmul,
      conv2d: (x, w, params) => wrap(conv2dHost(operand(x), operand(w), params, math)),
      conv2dBackwardInput: (dy, w, params, xShape) =>
        wrap(conv2dBackwardInputHost(operand(dy), operand(w), { ...params, dxShape: xShape }, math)),
      conv2dBackwardFilter: (x, dy, params, wShape) =>
        wrap(conv2dBackwardFilterHost(operand(x), operand(dy), { ...params, dwShape: wShape }, math)),
    },
  }
}

const draw = (seed: number, shape: number[], backend: BackendV1): Tensor =>
  fromArray(
    uniformFloats(
      key(seed),
      shape.reduce((p, d) => p * d, 1),
      'float64',
    ).map((u) => 2 * u - 1),
    { shape, backend },
  )

describe('fused conv2d gradient rule (float64)', () => {
  const backend = referenceWithFusedConv()
  const configs = [
    { xs: [2, 4, 5, 6], ws: [4, 2, 3, 3], options: { stride: 2, padding: 1, groups: 2 } },
    { xs: [1, 2, 7, 5], ws: [3, 2, 3, 2], options: { dilation: 2, padding: 'same' as const } },
    {
      xs: [2, 3, 6, 7],
      ws: [6, 1, 2, 3],
      options: { stride: [2, 3] as const, dilation: [2, 1] as const, groups: 3 },
    },
  ]
  configs.forEach(({ xs, ws, options }, k) => {
    it(`matches central differences: x ${xs.join('x')}, w ${ws.join('x')}, ${JSON.stringify(options)}`, () => {
      const x = draw(10 + k, xs, backend)
      const w = draw(20 + k, ws, backend)
      const worst = checkGradients((a, b) => conv2d(a, b, options), [x, w])
      expect(worst).toBeLessThan(1e-6)
    })
  })

  it('convTranspose2d (the fused input gradient) matches central differences', () => {
    const x = draw(50, [1, 4, 3, 3], backend)
    const w = draw(51, [4, 2, 3, 3], backend)
    checkGradients(
      (a, b) => convTranspose2d(a, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
      [x, w],
    )
  })

  it('the fused gradient kernels are differentiable in both operands', () => {
    const params: Conv2dParams = { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 2 }
    const x = draw(60, [2, 4, 6, 5], backend)
    const w = draw(61, [4, 2, 3, 2], backend)
    const dy = draw(62, [2, 4, 3, 6], backend)
    // dy has the forward output's shape for x [2,4,6,5]: H (6+1−3)/2+1 = 3, W 5+3−2·1 = 6
    checkGradients((a, b) => conv2dWeightGrad(a, b, params, [4, 2, 3, 2]), [x, dy])
    checkGradients((a, b) => conv2dInputGrad(a, b, params, [2, 4, 6, 5]), [dy, w])
  })

  it('convTranspose2d is the adjoint of conv2d: ⟨conv2d(x, w), y⟩ = ⟨x, convTranspose2d(y, w)⟩', () => {
    const x = draw(40, [2, 4, 7, 6], backend)
    const w = draw(41, [6, 2, 3, 3], backend)
    const options = { stride: 2, padding: 1, dilation: 2, groups: 2 }
    const y = conv2d(x, w, options)
    const v = draw(42, [...y.shape], backend)
    const lhs = sum(mul(y, v)).item()
    // Hout = (3−1)·2 − 2 + 2·2 + 1 = 7 and Wout = 6 needs outputPadding 1 on the width only
    const back = convTranspose2d(v, w, { ...options, outputPadding: [0, 1] })
    expect(back.shape).toEqual([2, 4, 7, 6])
    expect(sum(mul(x, back)).item()).toBeCloseTo(lhs, 10)
  })
})
