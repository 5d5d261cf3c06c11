import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.ts'

describe('progress', () => {
  it('prints plain periodic lines with count, percentage, rate and the current numbers', () => {
    const lines: string[] = []
    const progress = createProgress({
      label: 'train',
      total: 4,
      plain: true,
      intervalSeconds: 0,
      write: (l) => lines.push(l),
    })
    progress.update(1, { loss: 0.5 })
    progress.update(4, { loss: 0.25, epoch: 'last' })
    progress.finish()
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^train: 1\/4 \(25%\), [\d.]+\/s, ETA \d+ s, loss 0\.5000$/)
    expect(lines[2]).toMatch(/^train: 4\/4 \(100%\), .*loss 0\.2500, epoch last$/)
  })

  it('prints nothing when quiet', () => {
    const lines: string[] = []
    const progress = createProgress({
      label: 'x',
      total: 2,
      quiet: true,
      plain: true,
      write: (l) => lines.push(l),
    })
    progress.update(2)
    progress.finish()
    expect(lines).toEqual([])
  })
})
