/**
 * The padding and end-of-sequence convention of the text models: every sequence is written
 * out to a fixed length L and padded with the end-of-sequence token, which the models learn
 * and predict like any other token (LLaDA, Nie et al. 2025, §2.3: "|EOS| tokens are treated
 * as normal tokens during training and removed after sampling"). A sampled sequence ends at
 * its first end-of-sequence token.
 */
import { type BackendV1, cpu, fromArray, InvalidArgumentError, type Tensor } from '@gen/core-tensor'
import { checkInteger } from '../nets/check'

/**
 * Pads (or rejects) token sequences to one length with the end-of-sequence id, as an int32
 * batch: `[x₁ … x_n, EOS, …, EOS]`. Each sequence gets at least one EOS, so L must exceed
 * the longest sequence.
 *
 * Shapes: N sequences → int32 `[N, length]`.
 *
 * @param sequences - token ids per sequence
 * @param options - length L, eosId, backend (default cpu)
 * @returns the padded batch
 * @throws InvalidArgumentError when a sequence has L or more tokens or holds the EOS id
 * @example
 * ```ts
 * padSequences([[4, 2], [7]], { length: 4, eosId: 0 }).toArray() // [[4, 2, 0, 0], [7, 0, 0, 0]]
 * ```
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: { readonly length: number; readonly eosId: number; readonly backend?: BackendV1 },
): Tensor {
  const op = 'padSequences'
  const { length, eosId } = options
  checkInteger(op, 'length', length)
  checkInteger(op, 'eosId', eosId, 0)
  const out = new Int32Array(sequences.length * length).fill(eosId)
  sequences.forEach((s, i) => {
    if (s.length >= length) {
      throw new InvalidArgumentError(
        op,
        `sequences[${i}]`,
        `must be shorter than the length ${length} (room for one end-of-sequence token), got ${s.length} tokens`,
      )
    }
    for (let j = 0; j < s.length; j++) {
      if (s[j] === eosId) {
        throw new InvalidArgumentError(
          op,
          `sequences[${i}]`,
          `must not hold the end-of-sequence id ${eosId}, got it at ${j}`,
        )
      }
      out[i * length + j] = s[j]
    }
  })
  return fromArray(out, {
    shape: [sequences.length, length],
    dtype: 'int32',
    backend: options.backend ?? cpu,
  })
}

/**
 * The tokens of a sampled sequence before its first end-of-sequence token.
 *
 * @param tokens - one sequence
 * @param eosId - the end-of-sequence id
 * @returns the prefix (all of it when no EOS occurs)
 * @example
 * ```ts
 * trimAtEos([4, 2, 0, 5], 0) // [4, 2]
 * ```
 */
export function trimAtEos(tokens: ArrayLike<number>, eosId: number): number[] {
  const out: number[] = []
  for (let i = 0; i < tokens.length && tokens[i] !== eosId; i++) out.push(tokens[i])
  return out
}
