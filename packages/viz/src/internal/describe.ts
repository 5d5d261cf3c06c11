/** A short description of a value for error messages: `null`, `a string`, `an array of 3`. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)
  if (typeof value === 'object')
    return value.constructor === Object ? 'an object' : `a ${value.constructor.name}`
  return `a ${typeof value}`
}
