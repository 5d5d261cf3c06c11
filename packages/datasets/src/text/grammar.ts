/**
 * Text corpora made from small grammars whose sentences can be checked exactly, so "the
 * fraction of generated sentences that are valid" is a real metric for a masked diffusion
 * language model. Two grammars: true arithmetic sentences (`12 + 7 = 19`) and a toy English
 * with number agreement (`the small cats chase a dog`).
 */
import { InvalidArgumentError } from '../errors.js'
import { checkSeed, createRng, type Rng } from '../internal/rng.js'

/** A grammar with a seeded generator and an exact checker. */
export interface Grammar {
  /** Its name. */
  readonly name: 'arithmetic' | 'agreement'
  /** Every character a valid sentence can contain, sorted by code point. */
  readonly alphabet: string
  /** The longest sentence the generator can produce, in characters. */
  readonly maxLength: number
  /**
   * Generates `count` valid sentences.
   *
   * @param count - a non-negative integer
   * @param options - `seed`, a safe integer
   */
  generate(count: number, options: { seed: number }): string[]
  /** True exactly when `sentence` belongs to the language. */
  check(sentence: string): boolean
}

function generator(op: string, draw: (rng: Rng) => string): Grammar['generate'] {
  return (count, options) => {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(
        `${op}.generate`,
        'count',
        `must be a non-negative integer, got ${count}`,
      )
    }
    checkSeed(`${op}.generate`, options.seed)
    const rng = createRng(options.seed, 0x747874)
    return Array.from({ length: count }, () => draw(rng))
  }
}

const sortedAlphabet = (chars: Iterable<string>): string => [...new Set(chars)].sort().join('')

/**
 * True arithmetic sentences `a OP b = c`: a, b integers in [0, maxOperand] written in decimal
 * without leading zeros, OP one of `operators`, and c the true result, which must be ≥ 0 (so
 * `-` sentences have a ≥ b). The checker accepts exactly the sentences of this form (single
 * spaces around `OP` and `=`) whose equation holds; the generator draws a, b uniformly.
 *
 * @param options - `maxOperand` (default 99, integer ≥ 1), `operators` (default `['+', '-']`; `'*'` allowed)
 * @returns the grammar
 * @throws InvalidArgumentError for a bad maxOperand or operator list
 * @example
 * ```ts
 * const grammar = arithmeticGrammar()
 * grammar.generate(2, { seed: 0 }) // e.g. ['41 + 7 = 48', '63 - 12 = 51']
 * grammar.check('2 + 2 = 5') // false
 * ```
 */
export function arithmeticGrammar(
  options: { maxOperand?: number; operators?: readonly ('+' | '-' | '*')[] } = {},
): Grammar {
  const op = 'arithmeticGrammar'
  const maxOperand = options.maxOperand ?? 99
  const operators = options.operators ?? ['+', '-']
  if (!Number.isSafeInteger(maxOperand) || maxOperand < 1) {
    throw new InvalidArgumentError(op, 'maxOperand', `must be a positive integer, got ${maxOperand}`)
  }
  if (operators.length === 0 || operators.some((o) => o !== '+' && o !== '-' && o !== '*')) {
    throw new InvalidArgumentError(
      op,
      'operators',
      `must be a non-empty list of '+', '-', '*', got [${operators.join(', ')}]`,
    )
  }
  const apply = (o: string, a: number, b: number): number => (o === '+' ? a + b : o === '-' ? a - b : a * b)
  const pattern = /^(0|[1-9][0-9]*) ([-+*]) (0|[1-9][0-9]*) = (0|[1-9][0-9]*)$/
  const digits = String(maxOperand).length
  const resultDigits = String(operators.includes('*') ? maxOperand * maxOperand : 2 * maxOperand).length
  return {
    name: 'arithmetic',
    alphabet: sortedAlphabet(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '=', ...operators]),
    maxLength: 2 * digits + resultDigits + 6,
    generate: generator(op, (rng) => {
      const o = operators[rng.integer(operators.length)]
      let a = rng.integer(maxOperand + 1)
      let b = rng.integer(maxOperand + 1)
      if (o === '-' && a < b) [a, b] = [b, a]
      return `${a} ${o} ${b} = ${apply(o, a, b)}`
    }),
    check(sentence) {
      const match = pattern.exec(sentence)
      if (match === null) return false
      const [, as, o, bs, cs] = match
      if (!operators.includes(o as '+' | '-' | '*')) return false
      const a = Number(as)
      const b = Number(bs)
      if (a > maxOperand || b > maxOperand) return false
      return apply(o, a, b) === Number(cs)
    },
  }
}

type GrammaticalNumber = 'singular' | 'plural'

const determiners: Readonly<Record<string, readonly GrammaticalNumber[]>> = {
  the: ['singular', 'plural'],
  a: ['singular'],
  this: ['singular'],
  every: ['singular'],
  these: ['plural'],
  some: ['plural'],
  two: ['plural'],
}
const nouns: readonly (readonly [string, string])[] = [
  ['cat', 'cats'],
  ['dog', 'dogs'],
  ['bird', 'birds'],
  ['child', 'children'],
  ['mouse', 'mice'],
  ['fox', 'foxes'],
]
const adjectives = ['small', 'big', 'old', 'happy', 'red'] as const
const intransitive: readonly (readonly [string, string])[] = [
  ['sleeps', 'sleep'],
  ['runs', 'run'],
  ['sings', 'sing'],
]
const transitive: readonly (readonly [string, string])[] = [
  ['sees', 'see'],
  ['chases', 'chase'],
  ['likes', 'like'],
]

/**
 * A toy English with number agreement:
 * `S → NP V_intr | NP V_tr NP`, `NP → Det [Adj] N`, where the determiner agrees with its noun
 * (`a cat`, `these cats`, `the` either) and the verb agrees with the subject
 * (`the cat sleeps`, `the cats sleep`). Words are separated by single spaces.
 *
 * @returns the grammar
 * @example
 * ```ts
 * const grammar = agreementGrammar()
 * grammar.check('the cats sleeps') // false: the verb must agree with a plural subject
 * ```
 */
export function agreementGrammar(): Grammar {
  const op = 'agreementGrammar'
  const words = [
    ...Object.keys(determiners),
    ...nouns.flat(),
    ...adjectives,
    ...intransitive.flat(),
    ...transitive.flat(),
  ]
  const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.integer(list.length)]
  const nounPhrase = (rng: Rng): [string, GrammaticalNumber] => {
    const number: GrammaticalNumber = rng.uniform() < 0.5 ? 'singular' : 'plural'
    const dets = Object.keys(determiners).filter((d) => determiners[d].includes(number))
    const parts = [pick(rng, dets)]
    if (rng.uniform() < 0.5) parts.push(pick(rng, adjectives))
    parts.push(pick(rng, nouns)[number === 'singular' ? 0 : 1])
    return [parts.join(' '), number]
  }
  // Parses `Det [Adj] N` from tokens[at...]; returns the next position and the number, or null.
  const parseNounPhrase = (tokens: string[], at: number): [number, GrammaticalNumber] | null => {
    const det = determiners[tokens[at]] as readonly GrammaticalNumber[] | undefined
    if (det === undefined) return null
    let i = at + 1
    if ((adjectives as readonly string[]).includes(tokens[i])) i++
    const noun = nouns.find(([s, p]) => tokens[i] === s || tokens[i] === p)
    if (noun === undefined) return null
    const number: GrammaticalNumber = tokens[i] === noun[0] ? 'singular' : 'plural'
    return det.includes(number) ? [i + 1, number] : null
  }
  const verbIndex = (number: GrammaticalNumber): number => (number === 'singular' ? 0 : 1)
  const longest = (list: readonly string[]): number => Math.max(...list.map((w) => w.length))
  const npLength = longest(Object.keys(determiners)) + longest(adjectives) + longest(nouns.flat()) + 2
  return {
    name: 'agreement',
    alphabet: sortedAlphabet([' ', ...words.join('')]),
    maxLength: 2 * npLength + longest(transitive.flat()) + 2,
    generate: generator(op, (rng) => {
      const [subject, number] = nounPhrase(rng)
      if (rng.uniform() < 0.5) return `${subject} ${pick(rng, intransitive)[verbIndex(number)]}`
      return `${subject} ${pick(rng, transitive)[verbIndex(number)]} ${nounPhrase(rng)[0]}`
    }),
    check(sentence) {
      const tokens = sentence.split(' ')
      const subject = parseNounPhrase(tokens, 0)
      if (subject === null) return false
      const [at, number] = subject
      const verb = tokens[at]
      if (intransitive.some((v) => v[verbIndex(number)] === verb)) return tokens.length === at + 1
      if (!transitive.some((v) => v[verbIndex(number)] === verb)) return false
      const object = parseNounPhrase(tokens, at + 1)
      return object !== null && object[0] === tokens.length
    },
  }
}

/**
 * Applies one random character edit (substitute, delete, insert or swap two neighbours) with
 * characters from `alphabet`: a cheap way to make near-miss sentences. The edit may, rarely,
 * give another valid sentence (`3 + 0 = 3` → `3 - 0 = 3`), so judge the result with a checker.
 *
 * @param sentence - a non-empty string
 * @param options - `alphabet` to draw inserted/substituted characters from, `seed`
 * @returns the edited string (always different from `sentence`)
 * @throws InvalidArgumentError for an empty sentence, an alphabet of fewer than 2 characters, or a bad seed
 * @example
 * ```ts
 * corruptSentence('12 + 7 = 19', { alphabet: arithmeticGrammar().alphabet, seed: 4 })
 * ```
 */
export function corruptSentence(sentence: string, options: { alphabet: string; seed: number }): string {
  const op = 'corruptSentence'
  const chars = [...sentence]
  const alphabet = [...options.alphabet]
  if (chars.length === 0) throw new InvalidArgumentError(op, 'sentence', 'must be non-empty, got ""')
  if (alphabet.length < 2)
    throw new InvalidArgumentError(
      op,
      'alphabet',
      `must hold at least 2 characters, got '${options.alphabet}'`,
    )
  checkSeed(op, options.seed)
  const rng = createRng(options.seed, 0x636f72)
  for (;;) {
    const edited = chars.slice()
    const at = rng.integer(chars.length)
    const kind = rng.integer(4)
    if (kind === 0) edited[at] = alphabet[rng.integer(alphabet.length)]
    else if (kind === 1) edited.splice(at, 1)
    else if (kind === 2) edited.splice(at, 0, alphabet[rng.integer(alphabet.length)])
    else if (at + 1 < edited.length) [edited[at], edited[at + 1]] = [edited[at + 1], edited[at]]
    const result = edited.join('')
    if (result !== sentence) return result
  }
}
