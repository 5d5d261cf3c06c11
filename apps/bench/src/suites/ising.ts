import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import {
  createRng,
  metropolisSweep,
  multiSpinSweep,
  packSpins,
  randomSpins,
  squareLattice,
  unpackSpins,
  type PackedSpins,
  type Xoshiro128,
} from '../../../../packages/ising/src/index.ts'
import { createReplicaPool, type ReplicaPool } from '../../../../packages/ising/src/node.ts'
import { key, split } from '../../../../packages/core-tensor/src/random/index.ts'

// 2-D Ising Metropolis at Tc on the 1024 x 1024 torus: one iteration is 2 sweeps of each of 2
// independent replicas, i.e. 4 L^2 spin-flip attempts, so the throughput column reads in
// attempts/s (G attempts/s = attempts per ns). Candidates: the multi-spin-coded checkerboard
// sweep (32 spins per word) on one thread and on two worker threads (one replica each), and the
// package's plain checkerboard sweep (one byte per spin), the baseline.
const L = 1024
const replicas = 2
const sweeps = 2
const beta = 1 / (2 / Math.log(1 + Math.SQRT2))

interface Chain {
  packed: PackedSpins
  beta: number
  rng: Xoshiro128
}

/** Two replicas from random starts, 200 multi-spin sweeps at Tc each (same start for every candidate). */
function chains(): Chain[] {
  const model = squareLattice(L)
  return split(key(2026), replicas).map((k) => {
    const [k1, k2] = split(k, 2)
    const chain = { packed: packSpins(model, randomSpins(model, k1)), beta, rng: createRng(k2) }
    multiSpinSweep(chain.packed, { beta, rng: chain.rng, sweeps: 200 })
    return chain
  })
}

const multiSpin: Candidate = {
  library: 'gen multispin',
  setup: chains,
  run: (state) => {
    for (const c of state as Chain[]) multiSpinSweep(c.packed, { beta, rng: c.rng, sweeps })
  },
}

const multiSpinThreads: Candidate = {
  library: 'gen multispin 2 threads',
  setup: () => ({ chains: chains(), pool: createReplicaPool({ threads: 2 }) }),
  run: (state) => {
    const s = state as { chains: Chain[]; pool: ReplicaPool }
    return s.pool.sweep(s.chains, sweeps)
  },
  teardown: (state) => (state as { pool: ReplicaPool }).pool.close(),
}

const plain: Candidate = {
  library: 'gen plain',
  setup: () => {
    const model = squareLattice(L)
    return { model, chains: chains().map((c) => ({ spins: unpackSpins(c.packed), rng: c.rng })) }
  },
  run: (state) => {
    const s = state as {
      model: ReturnType<typeof squareLattice>
      chains: { spins: Int8Array; rng: Xoshiro128 }[]
    }
    for (const c of s.chains) {
      for (let t = 0; t < sweeps; t++) metropolisSweep(s.model, c.spins, { beta, rng: c.rng })
    }
  },
}

/** The Ising suites. */
export function isingSuites(): Suite[] {
  return [
    {
      group: 'ising',
      name: `metropolis 2d Tc L=${L}, ${replicas} replicas x ${sweeps} sweeps`,
      work: { amount: replicas * sweeps * L * L, unit: 'attempts' },
      baseline: 'gen plain',
      candidates: [multiSpin, multiSpinThreads, plain],
    },
  ]
}
