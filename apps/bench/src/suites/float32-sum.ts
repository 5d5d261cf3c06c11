import type { Suite } from '../harness.ts'

// The harness's first case, kept as a floor for the others: summing 1M float32 values with a
// plain loop (four partial sums) against Array.prototype.reduce on the same data.
const n = 1 << 20

function makeData(): Float32Array {
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = (i % 1000) / 1000
  return data
}

export const float32Sum: Suite = {
  group: 'baseline',
  name: `float32 sum ${n}`,
  work: { amount: n, unit: 'elem' },
  baseline: 'Array.reduce',
  candidates: [
    {
      library: 'unrolled loop',
      setup: makeData,
      run: (state) => {
        const x = state as Float32Array
        let s0 = 0
        let s1 = 0
        let s2 = 0
        let s3 = 0
        for (let i = 0; i < x.length; i += 4) {
          s0 += x[i]
          s1 += x[i + 1]
          s2 += x[i + 2]
          s3 += x[i + 3]
        }
        return s0 + s1 + s2 + s3
      },
    },
    {
      library: 'Array.reduce',
      setup: makeData,
      run: (state) => (state as Float32Array).reduce((a, b) => a + b, 0),
    },
  ],
}
