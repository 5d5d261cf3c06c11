import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Candidate, Suite } from '../harness.ts'
// Relative source imports, as in matmul.ts, until the bench depends on the package.
import {
  clusterWorkspace,
  createRng,
  metropolisSweep,
  multiSpinSweep,
  packSpins,
  randomSpins,
  squareLattice,
  unpackSpins,
  wolffStep,
  type PackedSpins,
  type Xoshiro128,
} from '../../../../packages/ising/src/index.ts'
import { createReplicaPool, sharePackedSpins, type ReplicaPool } from '../../../../packages/ising/src/node.ts'
import { key, split } from '../../../../packages/core-tensor/src/random/index.ts'

// 2-D Ising Metropolis at Tc on the 1024 x 1024 torus: one iteration is 2 sweeps of each of 2
// independent replicas, i.e. 4 L^2 spin-flip attempts, so the throughput column reads in
// attempts/s (G attempts/s = attempts per ns). Candidates: the multi-spin-coded checkerboard
// sweep (32 spins per word) on one thread and on two worker threads (one replica each), a C
// plain checkerboard sweep (reference), and the package's plain checkerboard sweep (one byte per
// spin), the baseline.
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

// The same on shared words (sharePackedSpins): the workers sweep the replicas in place, so a
// call copies nothing but the generator states.
const multiSpinThreadsShared: Candidate = {
  library: 'gen multispin 2 threads, shared words',
  setup: () => ({
    chains: chains().map((c) => ({ ...c, packed: sharePackedSpins(c.packed) })),
    pool: createReplicaPool({ threads: 2 }),
  }),
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

// The C references, compiled with gcc -O2 at setup and kept running; one iteration sends a sweep
// count on stdin and waits for "ok" (a pipe round trip, ~0.1 ms). C plain: the same plain
// checkerboard sweep (one byte per spin, xoshiro128**, table of e^{-βΔE} thresholds). C
// multispin: the same algorithm as gen's fast path with 64 lanes per word and xoshiro256**
// (lazy digit comparison, no unrolling), from its own random start.
const C_MULTISPIN_SOURCE = String.raw`// 64-bit multi-spin checkerboard Metropolis (strip layout, 64 lanes per word, xoshiro256**,
// exact per-lane acceptance by comparing random bits with the digits of e^{-4β}, e^{-8β}):
// the C multi-spin reference for the ising bench. Same stdin protocol as the plain one.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t S[4];
static inline uint64_t next(void) {
  uint64_t out = rotl(S[1] * 5, 7) * 9, t = S[1] << 17;
  S[2] ^= S[0]; S[3] ^= S[1]; S[1] ^= S[2]; S[0] ^= S[3]; S[2] ^= t; S[3] = rotl(S[3], 45);
  return out;
}
static int digits(double p, uint64_t *d, int max) {
  int n = 0, last = 0;
  for (int j = 0; j < max && p > 0; j++) { p *= 2; int b = p >= 1; p -= b; d[j] = b ? ~0ull : 0; if (b) last = j + 1; n = j + 1; }
  for (int j = n; j < max; j++) d[j] = 0;
  return last;
}
int main(int argc, char **argv) {
  int L = atoi(argv[1]), R = atoi(argv[2]);
  double beta = atof(argv[3]);
  int H = L / 64;
  uint64_t dA[1100], dB[1100];
  int nA = digits(exp(-4 * beta), dA, 1100), nB = digits(exp(-8 * beta), dB, 1100);
  int nd = nA > nB ? nA : nB;
  uint64_t **W = malloc(sizeof(uint64_t *) * R);
  S[0] = 0x9e3779b97f4a7c15ull; S[1] = 0xbf58476d1ce4e5b9ull; S[2] = 0x94d049bb133111ebull; S[3] = 1;
  for (int r = 0; r < R; r++) {
    W[r] = malloc(sizeof(uint64_t) * (size_t)H * L);
    for (int i = 0; i < H * L; i++) W[r][i] = next();
  }
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    int n = atoi(line);
    for (int r = 0; r < R; r++) {
      uint64_t *w = W[r];
      for (int t = 0; t < n; t++)
        for (int c = 0; c < 2; c++)
          for (int y = 0; y < H; y++) {
            int row = y * L, up = (y == 0 ? H - 1 : y - 1) * L, dn = (y == H - 1 ? 0 : y + 1) * L;
            for (int x = (y + c) & 1; x < L; x += 2) {
              uint64_t s = w[row + x], u = w[up + x], d = w[dn + x];
              if (y == 0) u = rotl(u, 1);
              if (y == H - 1) d = rotl(d, 63);
              uint64_t a1 = s ^ w[row + (x == 0 ? L - 1 : x - 1)], a2 = s ^ w[row + (x == L - 1 ? 0 : x + 1)];
              uint64_t a3 = s ^ u, a4 = s ^ d;
              uint64_t ge1 = a1 | a2 | a3 | a4, ge2 = (a1 & a2) | (a3 & a4) | ((a1 ^ a2) & (a3 ^ a4));
              uint64_t e0 = ~ge1, und = ~ge2, acc = 0;
              for (int j = 0; und && j < nd; j++) {
                uint64_t rnd = next(), dj = dA[j] ^ ((dA[j] ^ dB[j]) & e0), v = rnd ^ dj;
                acc |= und & v & dj;
                und &= ~v;
              }
              w[row + x] = s ^ (ge2 | acc);
            }
          }
    }
    fputs("ok\n", stdout);
    fflush(stdout);
  }
  return 0;
}
`

const C_SOURCE = String.raw`// Plain checkerboard Metropolis, one byte per spin, xoshiro128**: the reference for the ising
// bench. Reads a sweep count per line on stdin, runs it on each replica, answers "ok".
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
typedef struct { uint32_t s[4]; } rng_t;
static inline uint32_t next(rng_t *r) {
  uint32_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return out;
}
int main(int argc, char **argv) {
  int L = atoi(argv[1]), R = atoi(argv[2]);
  double beta = atof(argv[3]);
  // threshold[(s·Σ + 4)/2]: accept when next() < threshold (ΔE = 2 s Σ).
  uint64_t thr[5];
  for (int k = 0; k < 5; k++) {
    double dE = 2.0 * (2 * k - 4), p = dE <= 0 ? 1.0 : exp(-beta * dE);
    thr[k] = (uint64_t)(p * 4294967296.0);
  }
  int8_t **sp = malloc(sizeof(int8_t *) * R);
  rng_t *rg = malloc(sizeof(rng_t) * R);
  for (int r = 0; r < R; r++) {
    rg[r].s[0] = 0x9e3779b9u * (r + 1); rg[r].s[1] = 0x85ebca6bu; rg[r].s[2] = 0xc2b2ae35u; rg[r].s[3] = 1;
    sp[r] = malloc((size_t)L * L);
    for (int i = 0; i < L * L; i++) sp[r][i] = (next(&rg[r]) >> 31) ? 1 : -1;
  }
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    int n = atoi(line);
    for (int r = 0; r < R; r++) {
      int8_t *s = sp[r];
      rng_t g = rg[r];
      for (int t = 0; t < n; t++)
        for (int c = 0; c < 2; c++)
          for (int y = 0; y < L; y++) {
            int up = ((y + L - 1) % L) * L, dn = ((y + 1) % L) * L, row = y * L;
            for (int x = (y + c) & 1; x < L; x += 2) {
              int xl = x == 0 ? L - 1 : x - 1, xr = x == L - 1 ? 0 : x + 1;
              int sum = s[row + xl] + s[row + xr] + s[up + x] + s[dn + x];
              int k = (s[row + x] * sum + 4) >> 1;
              if (k <= 2 || next(&g) < thr[k]) s[row + x] = -s[row + x];
            }
          }
      rg[r] = g;
    }
    fputs("ok\n", stdout);
    fflush(stdout);
  }
  return 0;
}
`

interface CProcess {
  child: ChildProcessWithoutNullStreams
  dir: string
  pending: (() => void)[]
}

function startC(
  source: string,
  args: readonly string[] = [String(L), String(replicas), String(beta)],
): CProcess {
  const dir = mkdtempSync(join(tmpdir(), 'gen-bench-ising-'))
  writeFileSync(join(dir, 'plain.c'), source)
  const cc = spawnSync('gcc', ['-O2', '-o', join(dir, 'plain'), join(dir, 'plain.c'), '-lm'], {
    encoding: 'utf8',
  })
  if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`)
  const child = spawn(join(dir, 'plain'), args)
  const proc: CProcess = { child, dir, pending: [] }
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    for (const _ of chunk.matchAll(/ok\n/g)) proc.pending.shift()?.()
  })
  return proc
}

function sweepC(proc: CProcess, n: number): Promise<void> {
  return new Promise((resolve) => {
    proc.pending.push(resolve)
    proc.child.stdin.write(`${n}\n`)
  })
}

const gccAvailable = spawnSync('gcc', ['--version']).status === 0

function cCandidate(
  library: string,
  source: string,
  protocol: { args?: readonly string[]; warmUp: number; perRun: number } = { warmUp: 200, perRun: sweeps },
): Candidate | { library: string; unavailable: string } {
  if (!gccAvailable) return { library, unavailable: 'gcc not found' }
  return {
    library,
    setup: async () => {
      const proc = startC(source, protocol.args)
      await sweepC(proc, protocol.warmUp)
      return proc
    },
    run: (state) => sweepC(state as CProcess, protocol.perRun),
    teardown: (state) => {
      const proc = state as CProcess
      proc.child.kill()
      rmSync(proc.dir, { recursive: true, force: true })
    },
  }
}

// Wolff at Tc on the 256 x 256 torus: one iteration is 100 single-cluster updates (mean cluster
// size at Tc about 0.25 N, so about 25 sweeps' worth of sites), throughput in clusters/s.
// Candidates: the package's wolffStep (CSR neighbour lists, a reused workspace) and a C Wolff
// on the same rule (stack, xoshiro128**, add with probability 1 - e^{-2β}), from random starts
// thermalised by 1000 clusters.
const WOLFF_L = 256
const wolffClusters = 100

const wolff: Candidate = {
  library: 'gen wolff',
  setup: () => {
    const model = squareLattice(WOLFF_L)
    const [k1, k2] = split(key(7), 2)
    const state = {
      model,
      spins: randomSpins(model, k1),
      rng: createRng(k2),
      workspace: clusterWorkspace(model),
    }
    for (let t = 0; t < 1000; t++)
      wolffStep(model, state.spins, { beta, rng: state.rng, workspace: state.workspace })
    return state
  },
  run: (state) => {
    const s = state as {
      model: ReturnType<typeof squareLattice>
      spins: Int8Array
      rng: Xoshiro128
      workspace: ReturnType<typeof clusterWorkspace>
    }
    for (let t = 0; t < wolffClusters; t++)
      wolffStep(s.model, s.spins, { beta, rng: s.rng, workspace: s.workspace })
  },
}

const C_WOLFF_SOURCE = String.raw`// Wolff single-cluster updates on the L x L torus (xoshiro128**, add a parallel neighbour with
// probability 1 - e^{-2β}): the C reference for the ising bench's Wolff row. Reads a cluster
// count per line on stdin, runs that many, answers "ok".
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t S[4] = {0x9e3779b9u, 0x85ebca6bu, 0xc2b2ae35u, 1u};
static inline uint32_t next(void) {
  uint32_t out = rotl(S[1] * 5, 7) * 9, t = S[1] << 9;
  S[2] ^= S[0]; S[3] ^= S[1]; S[1] ^= S[2]; S[0] ^= S[3]; S[2] ^= t; S[3] = rotl(S[3], 11);
  return out;
}
int main(int argc, char **argv) {
  int L = atoi(argv[1]), N = L * L;
  double beta = atof(argv[2]);
  uint64_t thr = (uint64_t)((1.0 - exp(-2.0 * beta)) * 4294967296.0);
  int8_t *s = malloc(N);
  int *stack = malloc(sizeof(int) * N);
  for (int i = 0; i < N; i++) s[i] = (next() >> 31) ? 1 : -1;
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    int n = atoi(line);
    for (int c = 0; c < n; c++) {
      int seed = (int)(((uint64_t)next() * (uint64_t)N) >> 32), top = 0;
      int8_t v = s[seed];
      s[seed] = -v; // flipped on entry: a flipped site is no longer parallel, so it is visited once
      stack[top++] = seed;
      while (top > 0) {
        int i = stack[--top], x = i % L, y = i / L;
        int nb[4] = {y * L + (x + 1) % L, y * L + (x + L - 1) % L, ((y + 1) % L) * L + x, ((y + L - 1) % L) * L + x};
        for (int k = 0; k < 4; k++) {
          int j = nb[k];
          if (s[j] == v && next() < thr) { s[j] = -v; stack[top++] = j; }
        }
      }
    }
    fputs("ok\n", stdout);
    fflush(stdout);
  }
  return 0;
}
`

/** The Ising suites. */
export function isingSuites(): Suite[] {
  return [
    {
      group: 'ising',
      name: `metropolis 2d Tc L=${L}, ${replicas} replicas x ${sweeps} sweeps`,
      work: { amount: replicas * sweeps * L * L, unit: 'attempts' },
      baseline: 'gen plain',
      candidates: [
        multiSpin,
        multiSpinThreads,
        multiSpinThreadsShared,
        cCandidate('C multispin 64-bit (gcc -O2)', C_MULTISPIN_SOURCE),
        cCandidate('C plain (gcc -O2)', C_SOURCE),
        plain,
      ],
    },
    {
      group: 'ising',
      name: `wolff 2d Tc L=${WOLFF_L}, ${wolffClusters} clusters`,
      work: { amount: wolffClusters, unit: 'clusters' },
      baseline: 'gen wolff',
      candidates: [
        wolff,
        cCandidate('C wolff (gcc -O2)', C_WOLFF_SOURCE, {
          args: [String(WOLFF_L), String(beta)],
          warmUp: 1000,
          perRun: wolffClusters,
        }),
      ],
    },
  ]
}
