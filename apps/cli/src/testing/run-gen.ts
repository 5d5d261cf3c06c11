// Runs `gen ... --out DIR --json` in this process (tests only) and checks what every
// subcommand promises: one JSON line on stdout, every listed file on disk, PNGs that decode,
// and metrics.json matching the printed object.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodePng } from '@gen/viz'
import { expect, vi } from 'vitest'
import { buildProgram } from '../program.ts'

/** The one `--json` line that `gen ...args --out out` prints, parsed (no other checks). */
export async function genJson(out: string, ...args: string[]): Promise<Record<string, unknown>> {
  const lines: string[] = []
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
  try {
    await buildProgram().parseAsync(['node', 'gen', ...args, '--out', out, '--json'])
  } finally {
    spy.mockRestore()
  }
  expect(lines).toHaveLength(1)
  return JSON.parse(lines[0]) as Record<string, unknown>
}

/** {@link genJson}, then: every listed file exists, PNGs decode, SVGs are SVG, metrics.json matches. */
export async function runGen(out: string, ...args: string[]): Promise<Record<string, unknown>> {
  const result = await genJson(out, ...args)
  for (const file of result.files as string[]) {
    expect(existsSync(file)).toBe(true)
    if (file.endsWith('.png')) expect(decodePng(readFileSync(file)).width).toBeGreaterThan(0)
    if (file.endsWith('.svg')) expect(readFileSync(file, 'utf8')).toMatch(/^<svg/)
  }
  const onDisk = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, unknown>
  expect(onDisk.command).toBe(result.command)
  return result
}

/**
 * Runs `gen ...args` as a child process (tsx, source condition), for interrupt tests; resolves
 * with its exit code. Comparing two runs made the same way keeps both on the same sources
 * (packages edited while a test file runs would otherwise differ from its in-process imports).
 */
export function spawnGen(args: readonly string[]): {
  child: ChildProcess
  exited: Promise<number | null>
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@gen/source', '--import', 'tsx', join(import.meta.dirname, '..', 'main.ts'), ...args],
    { stdio: 'ignore' },
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited }
}

/** Waits until `path` exists (polling every 20 ms), or fails after `timeoutMs`. */
export async function waitForFile(path: string, timeoutMs = 90_000): Promise<void> {
  for (let waited = 0; !existsSync(path); waited += 20) {
    if (waited > timeoutMs) throw new Error(`${path} did not appear within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
