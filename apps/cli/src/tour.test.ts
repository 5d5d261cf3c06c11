import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { buildProgram } from './program.ts'

describe('gen tour', () => {
  it('writes one self-contained report with every section, and no temporary files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gen-tour-'))
    await buildProgram().parseAsync(['node', 'gen', 'tour', '--quick', '--out', out, '--quiet'])
    const report = join(out, 'report.html')
    expect(existsSync(report)).toBe(true)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('<h1>gen tour</h1>')
    for (const title of [
      'The data: MNIST',
      'The Ising model',
      'Hopfield networks',
      'Convolutional networks',
      'Boltzmann machines',
      'Generative models',
      'Flow matching on toy 2-D data (trained live)',
      'Score matching and annealed Langevin dynamics on toy 2-D data (trained live)',
      'DDPM and DDIM on toy 2-D data (trained live)',
    ])
      expect(html).toContain(title)
    // the exact 4x4 value the Monte Carlo rows are set against: e(T = 2) = −1.755380288777
    expect(html).toContain('-1.755380')
    // plots inline as SVG, pictures as PNG data URIs; nothing loads from elsewhere
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(4)
    expect(html.match(/data:image\/png;base64,/g)?.length ?? 0).toBeGreaterThanOrEqual(4)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([])
  }, 240_000)

  it("--json prints one object with every section's measured numbers", async () => {
    const out = mkdtempSync(join(tmpdir(), 'gen-tour-'))
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    try {
      await buildProgram().parseAsync(['node', 'gen', 'tour', '--quick', '--out', out, '--json'])
    } finally {
      spy.mockRestore()
    }
    expect(lines).toHaveLength(1)
    const result = JSON.parse(lines[0]) as {
      report: string
      size: string
      sections: Record<string, Record<string, number>>
    }
    expect(result.report).toBe(join(out, 'report.html'))
    expect(result.size).toBe('quick')
    const { ising, hopfield, cnn } = result.sections
    // the shipped LeNet-5 reached 99.20% on all 10k test digits; the quick tour scores 2000
    expect(cnn.test_accuracy).toBeGreaterThan(0.98)
    // one metric for every generator, at equal sample sizes; real digits set the floor
    const { generators } = result.sections
    expect(generators.fd_lenet_real_training_digits).toBeLessThan(generators.fd_lenet_vae_784_400_20)
    expect(generators.fd_lenet_real_training_digits).toBeLessThan(generators.fd_lenet_dcgan)
    expect(generators.class_entropy_real_training_digits).toBeGreaterThan(2.25)
    expect(generators.vae_test_elbo_500).toBeGreaterThan(-110)
    // the RBM and DBN samples sit in the same table, further from real digits than real digits
    expect(generators.fd_lenet_rbm_784_500).toBeGreaterThan(generators.fd_lenet_real_training_digits)
    expect(generators.fd_lenet_dbn_784_500_200).toBeGreaterThan(generators.fd_lenet_real_training_digits)
    const { boltzmann } = result.sections
    expect(boltzmann.encoder_patterns_solved).toBe(4)
    // nats per binary 784-pixel image: below 0, above the uniform model's −784 ln 2 = −543.4
    for (const nats of [boltzmann.rbm_test_log_likelihood, boltzmann.dbn_test_lower_bound]) {
      expect(nats).toBeLessThan(0)
      expect(nats).toBeGreaterThan(-784 * Math.LN2)
    }
    expect(boltzmann.rbm_ais_ess).toBeGreaterThanOrEqual(1)
    // exact enumeration of the 4x4 torus at T = 2 (Kaufman / DOS): e = −1.755380288777
    expect(ising.e_4x4_T2_exact).toBeCloseTo(-1.755380288777, 9)
    // Wolff's estimate sits within a few of its own error bars of the exact value
    expect(Math.abs(ising.e_4x4_T2_wolff - ising.e_4x4_T2_exact)).toBeLessThan(4 * ising.e_error_4x4_T2_wolff)
    // a 100-unit Hopfield net at load 0.02 recalls (overlap near 1); at 0.3, past α_c ≈ 0.138, it does not
    expect(hopfield['overlap_N100_load0.02']).toBeGreaterThan(0.95)
    expect(hopfield['overlap_N100_load0.3']).toBeLessThan(0.8)
    // the pseudo-inverse rule stores the correlated glyphs exactly; Hebb's rule does not
    expect(hopfield.glyph_recall_overlap_pseudo_inverse).toBe(1)
    expect(hopfield.glyph_recall_overlap_hebbian).toBeLessThan(0.9)
    // the diffusion sections train live on 8 Gaussians (400 steps in the quick tour): flow
    // matching and annealed Langevin already land closer to the data than the fitted Gaussian
    // (measured 0.05 and 0.03 against 0.12); every sampler's numbers are in range
    const { flow, langevin, ddpm } = result.sections
    expect(flow.energy_distance_heun).toBeLessThan(flow.gaussian_energy_distance_heun)
    expect(langevin.energy_distance_langevin).toBeLessThan(langevin.gaussian_energy_distance_langevin)
    for (const [section, sampler] of [
      [flow, 'heun'],
      [langevin, 'langevin'],
      [ddpm, 'ddpm'],
      [ddpm, 'ddim'],
    ] as const) {
      expect(Number.isFinite(section[`energy_distance_${sampler}`])).toBe(true)
      expect(Math.abs(section[`data_energy_distance_${sampler}`])).toBeLessThan(0.05)
      expect(section[`modes_hit_${sampler}`]).toBeGreaterThanOrEqual(0)
      expect(section[`modes_hit_${sampler}`]).toBeLessThanOrEqual(8)
    }
    for (const section of Object.values(result.sections)) expect(section.seconds).toBeGreaterThanOrEqual(0)
  }, 240_000)
})
