import { describe, expect, it } from 'vitest'
import { formatTable, runSuites, withRatios, type Suite } from './harness.ts'

describe('bench harness', () => {
  it('computes throughput and ratios against the baseline candidate', () => {
    const suite: Suite = {
      group: 'g',
      name: 'matmul 2',
      work: { amount: 2e9, unit: 'FLOP' },
      baseline: 'ref',
      candidates: [
        { library: 'ours', run: () => 0 },
        { library: 'ref', run: () => 0 },
      ],
    }
    const rows = withRatios(suite, [
      { group: 'g', name: 'matmul 2', library: 'ours', medianMs: 50, baseline: '' },
      { group: 'g', name: 'matmul 2', library: 'ref', medianMs: 100, baseline: '' },
    ])
    expect(rows[0].ratio).toBe(2)
    expect(rows[0].throughput).toBe(40e9)
    expect(rows[1].ratio).toBe(1)
    const table = formatTable(rows)
    expect(table).toContain('2.00x')
    expect(table).toContain('40.00 GFLOP/s')
  })

  it('runs candidates, reports unavailable ones and failed set-ups as skipped with the reason', async () => {
    let calls = 0
    let failedSetupRuns = 0
    const results = await runSuites(
      [
        {
          group: 'g',
          name: 'n',
          candidates: [
            { library: 'missing', unavailable: 'not installed' },
            {
              library: 'no-adapter',
              setup: () => {
                throw new Error('no GPU adapter')
              },
              run: () => (failedSetupRuns += 1),
            },
            { library: 'loop', run: () => (calls += 1) },
          ],
        },
      ],
      { timeMs: 10, iterations: 3, warmupMs: 0 },
    )
    // the loop runs at least its 3 iterations (more when the machine is fast: no upper bound);
    // the candidate whose setup threw never runs
    expect(calls).toBeGreaterThanOrEqual(3)
    expect(failedSetupRuns).toBe(0)
    expect(results[0].skipped).toBe('not installed')
    expect(results[1].skipped).toBe('unavailable: no GPU adapter')
    expect(results[2].medianMs).toBeGreaterThanOrEqual(0)
    expect(results[2].ratio).toBe(1)
  })
})
