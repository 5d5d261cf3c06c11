/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3" (SC 2011). A bijection of a 128-bit counter under a
 * 64-bit key: the same (key, counter) gives the same four words on every backend and platform,
 * with no state to carry, so streams can be split and drawn in parallel.
 *
 * One round: (hi0, lo0) = M0·c0, (hi1, lo1) = M1·c2 (full 32x32 -> 64-bit products), then
 * c = [hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0], and the key is bumped by the Weyl constants.
 */
const M0 = 0xd2511f53
const M1 = 0xcd9e8d57
const W0 = 0x9e3779b9
const W1 = 0xbb67ae85

/** High 32 bits of the 64-bit product of two uint32, exact in float64 arithmetic. */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff
  const ah = a >>> 16
  const bl = b & 0xffff
  const bh = b >>> 16
  const ll = al * bl
  const lh = al * bh
  const hl = ah * bl
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff)
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0
}

/**
 * Writes Philox4x32-10(counter, key) into `out[offset .. offset+4)`.
 *
 * @param counter - four uint32 words `[c0, c1, c2, c3]`
 * @param key - two uint32 words `[k0, k1]`
 */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  out: Uint32Array,
  offset = 0,
): void {
  let c0 = counter[0] >>> 0
  let c1 = counter[1] >>> 0
  let c2 = counter[2] >>> 0
  let c3 = counter[3] >>> 0
  let k0 = key[0] >>> 0
  let k1 = key[1] >>> 0
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0)
    const lo0 = Math.imul(M0, c0) >>> 0
    const hi1 = mulhi(M1, c2)
    const lo1 = Math.imul(M1, c2) >>> 0
    c0 = (hi1 ^ c1 ^ k0) >>> 0
    c1 = lo1
    c2 = (hi0 ^ c3 ^ k1) >>> 0
    c3 = lo0
    k0 = (k0 + W0) >>> 0
    k1 = (k1 + W1) >>> 0
  }
  out[offset] = c0
  out[offset + 1] = c1
  out[offset + 2] = c2
  out[offset + 3] = c3
}
