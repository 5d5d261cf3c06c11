import { key, split } from '@gen/core-tensor'
import { afterAll, expect, test } from 'vitest'
import { randomSpins } from './energy'
import { cubicLattice, squareLattice } from './lattice'
import { multiSpinSweep, packSpins, type PackedSpins } from './multispin'
import { createReplicaPool, parallelMultiSpinSweeps, sharePackedSpins, type Replica } from './node'
import { createRng } from './rng'

const pool = createReplicaPool({ threads: 2 })
afterAll(() => pool.close())

function replicas(seed: number): Replica[] {
  const ks = split(key(seed), 6)
  const sq = squareLattice(64)
  const cu = cubicLattice(32)
  return [
    { packed: packSpins(sq, randomSpins(sq, ks[0])), beta: 0.44, rng: createRng(ks[1]) },
    { packed: packSpins(sq, randomSpins(sq, ks[2])), beta: 0.3, rng: createRng(ks[3]) },
    { packed: packSpins(cu, randomSpins(cu, ks[4])), beta: 0.22, rng: createRng(ks[5]) },
  ]
}

function copy(p: PackedSpins): PackedSpins {
  return { ...p, words: p.words.slice() }
}

test('the pool gives, bit for bit, the sequential multiSpinSweep result on each replica', async () => {
  const par = replicas(1)
  const seq = replicas(1).map((r) => ({ ...r, packed: copy(r.packed) }))
  // Overlapping calls run in call order.
  await Promise.all([pool.sweep(par, 7), pool.sweep(par, 3)])
  for (const r of seq) multiSpinSweep(r.packed, { beta: r.beta, rng: r.rng, sweeps: 10 })
  for (let i = 0; i < par.length; i++) {
    expect(par[i].packed.words).toEqual(seq[i].packed.words)
    expect(par[i].rng.state).toEqual(seq[i].rng.state)
  }
  const once = replicas(1)
  await parallelMultiSpinSweeps(once, { sweeps: 10, threads: 3 })
  expect(once[2].packed.words).toEqual(seq[2].packed.words)
})

test('shared replicas are swept in place on the workers, bit for bit as the sequential sweep', async () => {
  const shared = replicas(3).map((r) => ({ ...r, packed: sharePackedSpins(r.packed) }))
  const seq = replicas(3).map((r) => ({ ...r, packed: copy(r.packed) }))
  expect(shared[0].packed.words.buffer).toBeInstanceOf(SharedArrayBuffer)
  expect(shared[0].packed.words).toEqual(seq[0].packed.words)
  const before = shared.map((r) => r.packed.words)
  // a shared and a copied replica in one call, two calls in a row
  const mixed = [
    shared[0],
    seq.map((r) => ({ ...r, packed: copy(r.packed), rng: createRng(key(99)) }))[1],
    shared[2],
  ]
  await pool.sweep(mixed, 4)
  await pool.sweep(mixed, 5)
  for (const i of [0, 2]) multiSpinSweep(seq[i].packed, { beta: seq[i].beta, rng: seq[i].rng, sweeps: 9 })
  for (const i of [0, 2]) {
    expect(shared[i].packed.words).toBe(before[i])
    expect(shared[i].packed.words).toEqual(seq[i].packed.words)
    expect(shared[i].rng.state).toEqual(seq[i].rng.state)
  }
  expect(() => sharePackedSpins({ words: new Int32Array(3) } as unknown as PackedSpins)).toThrow(/packSpins/)
})

test('bad input is rejected with InvalidArgumentError', async () => {
  const rs = replicas(2)
  await expect(pool.sweep([rs[0], rs[0]], 1)).rejects.toThrow(/share/)
  await expect(pool.sweep([{ ...rs[0], beta: -1 }], 1)).rejects.toThrow(/beta/)
  await expect(pool.sweep(rs, -1)).rejects.toThrow(/sweeps/)
  expect(() => createReplicaPool({ threads: 0 })).toThrow(/threads/)
  const closed = createReplicaPool({ threads: 1 })
  await closed.close()
  await expect(closed.sweep(rs, 1)).rejects.toThrow(/closed/)
})
