/**
 * NumPy-style printing (internal): `str(np.array(...))` with the default print options —
 * 8 significant digits, trailing zeros trimmed, a shared width per column of digits,
 * `...` summaries past 1000 elements.
 */
import type { DType } from './dtype'

const THRESHOLD = 1000
const EDGE = 3

function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan'
  if (v === Infinity) return 'inf'
  if (v === -Infinity) return '-inf'
  const abs = Math.abs(v)
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = v.toExponential(8).split('e')
    const trimmed = mantissa.replace(/0+$/, '').replace(/\.$/, '.')
    const sign = exponent.startsWith('-') ? '-' : '+'
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0')
    return `${trimmed}e${sign}${digits}`
  }
  const s = String(Number(v.toPrecision(8)))
  return s.includes('.') ? s : `${s}.`
}

/** Formats values with `shape` as NumPy's str() would. */
export function formatTensor(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  const size = values.length
  const summarise = size > THRESHOLD
  const raw: string[] = []
  for (let i = 0; i < size; i++) {
    const v = values[i]
    raw.push(dtype === 'bool' ? (v ? 'True' : 'False') : dtype === 'int32' ? String(v) : formatFloat(v))
  }
  // Align like NumPy: pad integer parts left, fractional parts right.
  const intWidth = Math.max(0, ...raw.map((s) => s.split('.')[0].length))
  const fracWidth = Math.max(0, ...raw.map((s) => (s.includes('.') ? s.length - s.indexOf('.') : 0)))
  const cells = raw.map((s) => {
    if (dtype === 'bool') return s.padStart(5)
    const dot = s.indexOf('.')
    if (dot < 0 || s.includes('e')) return s.padStart(intWidth + fracWidth)
    return s.slice(0, dot).padStart(intWidth) + s.slice(dot).padEnd(fracWidth)
  })
  if (shape.length === 0) return raw[0]
  const strides: number[] = []
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s
    s *= shape[i]
  }
  const render = (dim: number, start: number, indent: string): string => {
    const n = shape[dim]
    const indices: (number | null)[] = []
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) indices.push(i)
      indices.push(null)
      for (let i = n - EDGE; i < n; i++) indices.push(i)
    } else for (let i = 0; i < n; i++) indices.push(i)
    if (dim === shape.length - 1) {
      const parts = indices.map((i) => (i === null ? '...' : cells[start + i]))
      return `[${parts.join(' ')}]`
    }
    const blank = '\n'.repeat(shape.length - 1 - dim)
    const parts = indices.map((i) =>
      i === null ? '...' : render(dim + 1, start + i * strides[dim], `${indent} `),
    )
    return `[${parts.join(`${blank}${indent} `)}]`
  }
  return render(0, 0, '')
}
