/**
 * Character- and byte-level tokenizers for small language models (the masked diffusion LM):
 * a character vocabulary built from a text (Unicode code points, sorted), or the 256 byte
 * values of UTF-8, each optionally followed by special tokens such as `<mask>` and `<pad>`.
 */
import { InvalidArgumentError } from '../errors.js'

/** Maps text to integer ids and back. */
export interface Tokenizer {
  /** `'char'` (code points) or `'byte'` (UTF-8 bytes). */
  readonly kind: 'char' | 'byte'
  /** Number of ids: the base vocabulary plus special tokens. */
  readonly vocabSize: number
  /** The string of every id, `tokens[id]`; special tokens come last. */
  readonly tokens: readonly string[]
  /** Special tokens, in id order, at ids `vocabSize - specialTokens.length ...`. */
  readonly specialTokens: readonly string[]
  /**
   * Text to ids. Special tokens are not recognised inside text; get their ids with
   * {@link Tokenizer.tokenId}.
   *
   * @throws InvalidArgumentError for a character outside a char vocabulary (naming it and its index)
   */
  encode(text: string): Int32Array
  /** Ids to text; a special token decodes to its own string. Throws for an id out of range. */
  decode(ids: ArrayLike<number>): string
  /** The id of a base character/byte value or special token; throws for an unknown one. */
  tokenId(token: string): number
}

function checkSpecials(op: string, specialTokens: readonly string[]): void {
  const seen = new Set<string>()
  specialTokens.forEach((t, i) => {
    if (t.length === 0 || seen.has(t)) {
      throw new InvalidArgumentError(
        op,
        `specialTokens[${i}]`,
        `must be a non-empty string not listed before, got '${t}'`,
      )
    }
    seen.add(t)
  })
}

function checkId(op: string, ids: ArrayLike<number>, i: number, vocabSize: number): number {
  const id = ids[i]
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new InvalidArgumentError(op, `ids[${i}]`, `must be an integer in [0, ${vocabSize}), got ${id}`)
  }
  return id
}

/**
 * A character tokenizer whose vocabulary is the distinct code points of `text`, sorted by code
 * point (so the ids do not depend on the order of the text), then `specialTokens`.
 *
 * @param text - a sample of the text to cover (a corpus, or a grammar's alphabet)
 * @param options - `specialTokens` appended after the characters (e.g. `['<mask>']`)
 * @returns the tokenizer
 * @throws InvalidArgumentError for an empty or duplicated special token
 * @example
 * ```ts
 * const tokenizer = charTokenizer('0123456789 +-=', { specialTokens: ['<mask>'] })
 * tokenizer.decode(tokenizer.encode('1 + 2 = 3')) // '1 + 2 = 3'
 * tokenizer.tokenId('<mask>') // 14
 * ```
 */
export function charTokenizer(text: string, options: { specialTokens?: readonly string[] } = {}): Tokenizer {
  const specialTokens = options.specialTokens ?? []
  checkSpecials('charTokenizer', specialTokens)
  const chars = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
  const tokens = [...chars, ...specialTokens]
  const ids = new Map<string, number>(tokens.map((t, i) => [t, i]))
  return {
    kind: 'char',
    vocabSize: tokens.length,
    tokens,
    specialTokens,
    encode(input) {
      const out: number[] = []
      let index = 0
      for (const ch of input) {
        const id = ids.get(ch)
        if (id === undefined || id >= chars.length) {
          throw new InvalidArgumentError(
            'charTokenizer.encode',
            'text',
            `must use only the vocabulary's characters, got '${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at index ${index}`,
          )
        }
        out.push(id)
        index += ch.length
      }
      return Int32Array.from(out)
    },
    decode(input) {
      let out = ''
      for (let i = 0; i < input.length; i++)
        out += tokens[checkId('charTokenizer.decode', input, i, tokens.length)]
      return out
    },
    tokenId(token) {
      const id = ids.get(token)
      if (id === undefined)
        throw new InvalidArgumentError(
          'charTokenizer.tokenId',
          'token',
          `must be in the vocabulary, got '${token}'`,
        )
      return id
    },
  }
}

/**
 * A byte tokenizer: ids 0..255 are the UTF-8 bytes of the text, then `specialTokens`. It
 * covers any text; decoding invalid UTF-8 byte runs gives U+FFFD replacement characters.
 *
 * @param options - `specialTokens` appended at ids 256, 257, ...
 * @returns the tokenizer (`tokens[b]` is `'\\xHH'` for byte b)
 * @throws InvalidArgumentError for an empty or duplicated special token
 * @example
 * ```ts
 * const tokenizer = byteTokenizer({ specialTokens: ['<mask>'] })
 * tokenizer.encode('é') // Int32Array [195, 169]
 * tokenizer.tokenId('<mask>') // 256
 * ```
 */
export function byteTokenizer(options: { specialTokens?: readonly string[] } = {}): Tokenizer {
  const specialTokens = options.specialTokens ?? []
  checkSpecials('byteTokenizer', specialTokens)
  const tokens = [
    ...Array.from({ length: 256 }, (_, b) => `\\x${b.toString(16).padStart(2, '0')}`),
    ...specialTokens,
  ]
  const encoder = new TextEncoder()
  const decoder = new TextDecoder('utf-8')
  return {
    kind: 'byte',
    vocabSize: tokens.length,
    tokens,
    specialTokens,
    encode(input) {
      return Int32Array.from(encoder.encode(input))
    },
    decode(input) {
      let out = ''
      let run: number[] = []
      for (let i = 0; i < input.length; i++) {
        const id = checkId('byteTokenizer.decode', input, i, tokens.length)
        if (id < 256) run.push(id)
        else {
          out += decoder.decode(Uint8Array.from(run)) + tokens[id]
          run = []
        }
      }
      return out + decoder.decode(Uint8Array.from(run))
    },
    tokenId(token) {
      const special = specialTokens.indexOf(token)
      if (special >= 0) return 256 + special
      const match = /^\\x([0-9a-f]{2})$/.exec(token)
      if (match !== null) return parseInt(match[1], 16)
      throw new InvalidArgumentError(
        'byteTokenizer.tokenId',
        'token',
        `must be '\\xHH' or a special token, got '${token}'`,
      )
    },
  }
}

/**
 * A text tokenised with a char or byte tokenizer: the in-memory half of a text corpus
 * (`@gen/datasets/node`'s `loadTextFile` reads the file).
 *
 * @param text - any string
 * @param options - `tokenizer`: `'char'` (vocabulary from this text, the default) or `'byte'`; `specialTokens`
 * @returns `{ text, tokenizer, ids }`
 * @throws InvalidArgumentError for bad special tokens
 * @example
 * ```ts
 * const { ids, tokenizer } = tokenizeText('hello world', { specialTokens: ['<mask>'] })
 * tokenizer.vocabSize // 9: ' ', d, e, h, l, o, r, w and <mask>
 * ```
 */
export function tokenizeText(
  text: string,
  options: { tokenizer?: 'char' | 'byte'; specialTokens?: readonly string[] } = {},
): { text: string; tokenizer: Tokenizer; ids: Int32Array } {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError('tokenizeText', 'text', `must be a string, got ${typeof text}`)
  }
  const tokenizer =
    options.tokenizer === 'byte'
      ? byteTokenizer({ specialTokens: options.specialTokens })
      : charTokenizer(text, { specialTokens: options.specialTokens })
  return { text, tokenizer, ids: tokenizer.encode(text) }
}
