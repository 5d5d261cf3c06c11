import { expect, test } from 'vitest'
import { byteTokenizer, charTokenizer, tokenizeText } from './tokenizer.js'

test('char tokenizer: sorted code points, then special tokens', () => {
  const tokenizer = charTokenizer('ba ab', { specialTokens: ['<mask>', '<pad>'] })
  expect(tokenizer.tokens).toEqual([' ', 'a', 'b', '<mask>', '<pad>'])
  expect(tokenizer.vocabSize).toBe(5)
  expect(Array.from(tokenizer.encode('ab a'))).toEqual([1, 2, 0, 1])
  expect(tokenizer.decode([1, 3, 2])).toBe('a<mask>b')
  expect(tokenizer.tokenId('<pad>')).toBe(4)
})

test('char tokenizer round-trips non-BMP characters and names unknown ones', () => {
  const text = 'snow ☃ and 𝄞 clef'
  const tokenizer = charTokenizer(text)
  const ids = tokenizer.encode(text)
  expect(ids.length).toBe([...text].length)
  expect(tokenizer.decode(ids)).toBe(text)
  expect(() => tokenizer.encode('snow!')).toThrow(
    "charTokenizer.encode: text must use only the vocabulary's characters, got '!' (U+0021) at index 4",
  )
  expect(() => tokenizer.decode([99])).toThrow(
    `charTokenizer.decode: ids[0] must be an integer in [0, ${tokenizer.vocabSize}), got 99`,
  )
  expect(() => charTokenizer('a', { specialTokens: ['x', 'x'] })).toThrow(
    "charTokenizer: specialTokens[1] must be a non-empty string not listed before, got 'x'",
  )
})

test('byte tokenizer covers any UTF-8 text', () => {
  const tokenizer = byteTokenizer({ specialTokens: ['<mask>'] })
  expect(tokenizer.vocabSize).toBe(257)
  expect(Array.from(tokenizer.encode('é'))).toEqual([195, 169])
  expect(tokenizer.decode([104, 256, 195, 169])).toBe('h<mask>é')
  expect(tokenizer.decode([0xff])).toBe('\uFFFD')
  expect(tokenizer.tokenId('<mask>')).toBe(256)
  expect(tokenizer.tokenId('\\x41')).toBe(65)
  const text = 'ünïcödé 𝄞 ☃'
  expect(tokenizer.decode(tokenizer.encode(text))).toBe(text)
})

test('tokenizeText builds the vocabulary from the text', () => {
  const { ids, tokenizer } = tokenizeText('hello world', { specialTokens: ['<mask>'] })
  expect(tokenizer.vocabSize).toBe(9)
  expect(ids.length).toBe(11)
  expect(tokenizeText('hi', { tokenizer: 'byte' }).tokenizer.kind).toBe('byte')
})
