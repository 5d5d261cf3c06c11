import { InvalidArgumentError } from '@gen/core-tensor'

/** Throws unless a required options argument is an object (a missing one would fail inside as a TypeError). */
export function checkOptions(op: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    const got = options === null ? 'null' : typeof options === 'number' ? String(options) : typeof options
    throw new InvalidArgumentError(op, 'options', `must be an options object, got ${got}`)
  }
}
