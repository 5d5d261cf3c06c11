import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { cubicLattice, squareLattice } from '../lattice'
import { enumerateDensityOfStates, exactObservables, fixedMagnetisation, parseDensityOfStates } from './dos'
import { ellipticKE, kaufman, kaufmanLogZ, ONSAGER_TC, onsager } from './onsager'

const fixture = (name: string): string =>
  readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8')

// Oracle table §2.2: T, e, c, |m|, m², U4, χ, χ0 (L = 4 periodic).
const L4 = [
  [
    1.5, -1.950642561459, 0.200349872975, 0.986173297816, 0.975302493142, 0.663958703045, 0.029490344704,
    10.403226593515,
  ],
  [
    2.0, -1.755380288777, 0.60553265721, 0.918943267402, 0.868921681642, 0.644810791188, 0.195719623511,
    6.951373453139,
  ],
  [
    ONSAGER_TC,
    -1.565623787638,
    0.783266825929,
    0.843860444813,
    0.761358908569,
    0.617199318412,
    0.347320832297,
    5.368333058036,
  ],
  [
    3.0, -1.017069626955, 0.603134714254, 0.601291326039, 0.450988140848, 0.480540660059, 0.476996704417,
    2.405270084523,
  ],
]

describe('exact enumeration', () => {
  const g = enumerateDensityOfStates(squareLattice(4))
  test('4x4 torus: g(E) matches the oracle DOS', () => {
    const byE = new Map<number, number>()
    for (let k = 0; k < g.energies.length; k++) {
      byE.set(g.energies[k], (byE.get(g.energies[k]) ?? 0) + Math.round(Math.exp(g.logCounts[k])))
    }
    expect(byE.get(-32)).toBe(2)
    expect(byE.get(-24)).toBe(32)
    expect(byE.get(0)).toBe(20524)
    expect(byE.get(-28)).toBeUndefined()
  })
  test.each(L4)('4x4 torus at T=%d: e, c, |m|, m², U4, χ, χ0 (F10)', (T, e, c, am, m2, u4, chi, chi0) => {
    const o = exactObservables(g, T)
    expect(o.e).toBeCloseTo(e, 11)
    expect(o.c).toBeCloseTo(c, 11)
    expect(o.absM).toBeCloseTo(am, 11)
    expect(o.m2).toBeCloseTo(m2, 11)
    expect(o.u4).toBeCloseTo(u4, 11)
    expect(o.chi).toBeCloseTo(chi, 11)
    expect(o.chi0).toBeCloseTo(chi0, 10)
    expect(Math.abs(o.m)).toBeLessThan(1e-15)
  })
  test('enumeration agrees with the parsed oracle file g_L4.txt', () => {
    const file = parseDensityOfStates(fixture('g_L4.txt'), 16)
    for (const T of [1.5, 2.5, 4]) {
      const a = exactObservables(g, T, 0.3)
      const b = exactObservables(file, T, 0.3)
      expect(a.e).toBeCloseTo(b.e, 13)
      expect(a.m).toBeCloseTo(b.m, 13)
      expect(a.lnZ).toBeCloseTo(b.lnZ, 12)
    }
  })
  test('L = 6 and 8 files (counts above 2^53) give the oracle values', () => {
    const g6 = parseDensityOfStates(fixture('g_L6.txt'), 36)
    const o6 = exactObservables(g6, ONSAGER_TC)
    expect(o6.e).toBeCloseTo(-1.516873124568, 11)
    expect(o6.u4).toBeCloseTo(0.614356239125, 11)
    const g8 = parseDensityOfStates(fixture('g_L8.txt'), 64)
    const o8 = exactObservables(g8, 2.5)
    expect(o8.e).toBeCloseTo(-1.222320643251, 11)
    expect(o8.c).toBeCloseTo(1.100475889362, 10)
    expect(o8.chi).toBeCloseTo(1.749363527058, 10)
  })
  test('open 4x4 and the FYS3150 2x2 torus (F3)', () => {
    const open = exactObservables(enumerateDensityOfStates(squareLattice(4, { boundary: 'open' })), 2)
    expect(open.e).toBeCloseTo(-0.932434696005, 11)
    expect(open.absM).toBeCloseTo(0.620508911803, 11)
    expect(open.c).toBeCloseTo(0.55726960703, 11)
    const two = exactObservables(enumerateDensityOfStates(squareLattice(2)), 1)
    expect(two.e).toBeCloseTo(-1.995982085937, 11)
    expect(two.u4).toBeCloseTo(0.6661916904, 10)
  })
  test('field h = 0.5 shifts the energy by -h<M>', () => {
    const o = exactObservables(g, 2, 0.5)
    expect(o.m).toBeGreaterThan(0.9)
    expect(exactObservables(g, 2, -0.5).m).toBeCloseTo(-o.m, 14)
  })
  test('fixed magnetisation M = 0 keeps only balanced states', () => {
    const g0 = fixedMagnetisation(g, 0)
    expect(exactObservables(g0, 2).m2).toBe(0)
    expect(() => fixedMagnetisation(g, 1)).toThrow(/M must be/)
  })
  test('bad temperature is a typed error', () => {
    expect(() => exactObservables(g, -1)).toThrow('exactObservables: temperature must be > 0, got -1')
    expect(() => exactObservables(g, Number.NaN)).toThrow(/temperature/)
    expect(() => enumerateDensityOfStates(squareLattice(6))).toThrow(/at most 30 spins, got 36/)
  })
})

test('3x3x3 torus by enumeration (1.3e8 states)', { timeout: 60_000 }, () => {
  const g = enumerateDensityOfStates(cubicLattice(3))
  const rows = [
    [4.0, -1.893967790843, 0.973351809562, 0.734228929999, 0.58517480586, 16.1082799301],
    [4.5115, -1.434462277596, 0.785443250634, 0.590832064549, 0.50132718859, 11.4212413962],
    [5.0, -1.113672542712, 0.534832191458, 0.483297682277, 0.411834135416, 8.240992136],
  ]
  for (const [T, e, c, am, u4, nm2] of rows) {
    const o = exactObservables(g, T)
    expect(o.e).toBeCloseTo(e, 11)
    expect(o.c).toBeCloseTo(c, 11)
    expect(o.absM).toBeCloseTo(am, 11)
    expect(o.u4).toBeCloseTo(u4, 11)
    expect(27 * o.m2).toBeCloseTo(nm2, 9)
  }
})

describe('Onsager', () => {
  const table = [
    [1.5, -1.9511165730784, 0.197274540177, 0.9864996026215, -2.0084431854243, 0.038217741564],
    [2.0, -1.7455645753126, 0.7248714486016, 0.9113193778775, -2.0515856253898, 0.1530105250386],
    [2.2, -1.5464891440985, 1.4142776913433, 0.7847551313839, -2.0907461042133, 0.2473895273249],
    [2.269185, -1.414216075536, 7.5037388627971, 0.1697798481956, -2.1096510483114, 0.3064690506836],
    [2.3, -1.3428663876959, 1.8223686861231, 0, -2.1196288990011, 0.3377228310022],
    [2.5, -1.1060792037458, 0.8616983568308, 0, -2.1984095519374, 0.4369321392766],
    [3.0, -0.8173095925024, 0.4013795758959, 0, -2.4476481955732, 0.5434462010236],
  ]
  test.each(table)('T=%d: u, c, m, f, s to 1e-12 (stable near Tc)', (T, u, cTable, mTable, f, s) => {
    const o = onsager(T)
    // The table's c at 2.269185 is for the decimal input; the double 2.269185 lies 1.8e-16 away and
    // dc/dT ≈ 1.6e6 there, so its exact c (40-digit mpmath at the double) is 7.503738862459541.
    const c = T === 2.269185 ? 7.503738862459541 : cTable
    const m = T === 2.269185 ? 0.1697798482101117 : mTable // likewise, dm/dT ≈ 7e4
    expect(o.u).toBeCloseTo(u, 12)
    expect(o.c).toBeCloseTo(c, 11)
    expect(o.m).toBeCloseTo(m, 12)
    expect(o.f).toBeCloseTo(f, 12)
    expect(o.s).toBeCloseTo(s, 12)
  })
  test('u(Tc) = -√2 and the log divergence of c', () => {
    expect(onsager(ONSAGER_TC).u).toBeCloseTo(-Math.SQRT2, 12)
    const c1 = onsager(ONSAGER_TC * (1 + 1e-6)).c
    const c2 = onsager(ONSAGER_TC * (1 + 1e-8)).c
    expect((c2 - c1) / Math.log(100)).toBeCloseTo(0.4945386, 5)
  })
  test('elliptic integrals by the AGM', () => {
    expect(ellipticKE(0).K).toBeCloseTo(Math.PI / 2, 15)
    expect(ellipticKE(0).E).toBeCloseTo(Math.PI / 2, 15)
    // K(1/√2) = Γ(1/4)²/(4√π)
    expect(ellipticKE(Math.SQRT1_2).K).toBeCloseTo(1.854074677301372, 14)
    expect(ellipticKE(Math.SQRT1_2).E).toBeCloseTo(1.350643881047675, 14)
  })
  test('Kaufman ln Z against the oracle and the exact L = 4, 6 DOS', () => {
    expect(kaufmanLogZ(16, 2) / 256).toBeCloseTo(1.0285008220079, 13)
    expect(kaufmanLogZ(16, ONSAGER_TC) / 256).toBeCloseTo(0.93219631498099, 13)
    expect(kaufmanLogZ(64, 2.2) / 4096).toBeCloseTo(0.95050839236977, 13)
    expect(kaufmanLogZ(128, 2.3) / 16384).toBeCloseTo(0.92158279004423, 13)
    const g6 = parseDensityOfStates(fixture('g_L6.txt'), 36)
    for (const T of [1.2, 2, ONSAGER_TC, 3.5]) {
      expect(kaufmanLogZ(6, T)).toBeCloseTo(exactObservables(g6, T).lnZ, 11)
    }
    const k = kaufman(64, ONSAGER_TC)
    expect(k.e).toBeCloseTo(-1.423938389833, 8)
    expect(k.c).toBeCloseTo(2.192211393141, 5)
  })
  test('bad temperature', () => {
    expect(() => onsager(0)).toThrow('onsager: temperature must be a finite number > 0, got 0')
    expect(() => kaufmanLogZ(1, 2)).toThrow(/L must be/)
  })
})

describe('exact results far below Tc stay finite', () => {
  test('onsager and kaufman reach their T → 0 limits instead of NaN (sinh 2β overflows below T ≈ 0.006)', () => {
    for (const T of [0.1, 0.01, 0.005, 1e-3, 1e-6]) {
      expect(onsager(T)).toEqual({ u: -2, c: 0, m: 1, f: -2, s: 0 })
      // Z = 2 e^{2N/T}: two ground states of energy −2N
      expect(kaufman(4, T)).toEqual({ lnZ: 2 / T + Math.LN2 / 16, e: -2, c: 0 })
      expect(kaufmanLogZ(8, T)).toBeCloseTo(128 / T + Math.LN2, 9)
    }
  })
  test('just above the cut-off the full formulas agree with the limits, and c is never negative', () => {
    for (const T of [0.1001, 0.12, 0.15]) {
      const o = onsager(T)
      expect(o.u).toBeCloseTo(-2, 12)
      expect(o.m).toBeCloseTo(1, 12)
      expect(o.c).toBeGreaterThanOrEqual(0)
      expect(kaufman(4, T).lnZ).toBeCloseTo(2 / T + Math.LN2 / 16, 10)
    }
  })
})
