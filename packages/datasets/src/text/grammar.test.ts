import { describe, expect, test } from 'vitest'
import { agreementGrammar, arithmeticGrammar, corruptSentence } from './grammar.js'

// An oracle written independently of the checker: evaluate with BigInt, demand canonical numbers.
function arithmeticOracle(sentence: string, maxOperand: number, operators: string[]): boolean {
  const parts = sentence.split(' ')
  if (parts.length !== 5 || parts[3] !== '=' || !operators.includes(parts[1])) return false
  const canonical = (s: string): boolean =>
    s.length > 0 && [...s].every((c) => c >= '0' && c <= '9') && String(BigInt(s)) === s
  if (![parts[0], parts[2], parts[4]].every(canonical)) return false
  const [a, b, c] = [BigInt(parts[0]), BigInt(parts[2]), BigInt(parts[4])]
  if (a > BigInt(maxOperand) || b > BigInt(maxOperand)) return false
  const value = parts[1] === '+' ? a + b : parts[1] === '-' ? a - b : a * b
  return value === c
}

describe('arithmetic grammar', () => {
  const grammar = arithmeticGrammar({ operators: ['+', '-', '*'] })

  test('every generated sentence passes the checker and fits maxLength and the alphabet', () => {
    const sentences = grammar.generate(5000, { seed: 1 })
    expect(sentences.filter((s) => !grammar.check(s))).toEqual([])
    expect(Math.max(...sentences.map((s) => s.length))).toBeLessThanOrEqual(grammar.maxLength)
    expect([...new Set(sentences.join(''))].filter((ch) => !grammar.alphabet.includes(ch))).toEqual([])
    expect(new Set(sentences).size).toBeGreaterThan(3000)
    expect(grammar.generate(3, { seed: 1 })).toEqual(sentences.slice(0, 3))
  })

  test('known sentences', () => {
    expect(grammar.check('12 + 7 = 19')).toBe(true)
    expect(grammar.check('12 * 7 = 84')).toBe(true)
    expect(grammar.check('2 + 2 = 5')).toBe(false)
    expect(grammar.check('02 + 2 = 4')).toBe(false)
    expect(grammar.check('2 + 2 =  4')).toBe(false)
    expect(grammar.check('100 + 0 = 100')).toBe(false) // operand above maxOperand
    expect(grammar.check('3 - 5 = -2')).toBe(false)
    expect(arithmeticGrammar().check('3 * 2 = 6')).toBe(false) // '*' not enabled
  })

  test('wrong results always fail', () => {
    for (const s of grammar.generate(500, { seed: 2 })) {
      const [lhs, rhs] = s.split(' = ')
      expect(grammar.check(`${lhs} = ${Number(rhs) + 1}`)).toBe(false)
    }
  })

  test('random one-character edits are judged exactly as an independent oracle judges them', () => {
    let invalid = 0
    grammar.generate(2000, { seed: 3 }).forEach((s, i) => {
      const edited = corruptSentence(s, { alphabet: grammar.alphabet, seed: i })
      const expected = arithmeticOracle(edited, 99, ['+', '-', '*'])
      expect(grammar.check(edited), `${s} → ${edited}`).toBe(expected)
      if (!expected) invalid++
    })
    expect(invalid).toBeGreaterThan(1900)
  })
})

describe('agreement grammar', () => {
  const grammar = agreementGrammar()

  test('every generated sentence passes the checker', () => {
    const sentences = grammar.generate(5000, { seed: 4 })
    for (const s of sentences) {
      expect(grammar.check(s), s).toBe(true)
      expect(s.length).toBeLessThanOrEqual(grammar.maxLength)
    }
    expect(new Set(sentences).size).toBeGreaterThan(1000)
  })

  test('agreement violations fail', () => {
    expect(grammar.check('the cat sleeps')).toBe(true)
    expect(grammar.check('the cats sleep')).toBe(true)
    expect(grammar.check('these small mice chase a red fox')).toBe(true)
    expect(grammar.check('the cats sleeps')).toBe(false)
    expect(grammar.check('a cats sleep')).toBe(false)
    expect(grammar.check('these cat sleeps')).toBe(false)
    expect(grammar.check('the cat sleeps the dog')).toBe(false)
    expect(grammar.check('the cat chases')).toBe(false)
    expect(grammar.check('the cat  sleeps')).toBe(false)
    expect(grammar.check('')).toBe(false)
  })

  test('flipping the verb number of a generated sentence always breaks it', () => {
    const flip: Record<string, string> = {
      sleeps: 'sleep',
      sleep: 'sleeps',
      runs: 'run',
      run: 'runs',
      sings: 'sing',
      sing: 'sings',
      sees: 'see',
      see: 'sees',
      chases: 'chase',
      chase: 'chases',
      likes: 'like',
      like: 'likes',
    }
    for (const s of grammar.generate(1000, { seed: 5 })) {
      const words = s.split(' ')
      const at = words.findIndex((w) => w in flip)
      words[at] = flip[words[at]]
      expect(grammar.check(words.join(' ')), words.join(' ')).toBe(false)
    }
  })

  test('corruptSentence always changes the sentence and checks its arguments', () => {
    for (let seed = 0; seed < 200; seed++)
      expect(corruptSentence('aab', { alphabet: 'ab', seed })).not.toBe('aab')
    expect(() => corruptSentence('', { alphabet: 'ab', seed: 0 })).toThrow(
      'corruptSentence: sentence must be non-empty, got ""',
    )
  })
})
