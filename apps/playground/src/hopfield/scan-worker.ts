/**
 * The Hopfield page's capacity scan, in a Web Worker (a few hundred Hebbian networks of 400
 * units take seconds): for each load α = P/N, store P random patterns, start from the first
 * one with a fraction of its bits flipped, run asynchronous recall to a fixed point, and
 * average the final overlap m = ξ·s/N over a few trials. The curve drops near
 * α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky 1985).
 */
import { fold, key } from '@gen/core-tensor'
import { createNetwork, flipBits, overlap, randomPatterns, recall, storeHebbian } from '@gen/hopfield'
import type { ScanPoint, ScanRequest } from './scan-protocol.ts'

self.addEventListener('message', (event: MessageEvent<ScanRequest>) => {
  const { size, alphas, noise, trials, seed } = event.data
  const root = key(seed)
  alphas.forEach((alpha, a) => {
    const count = Math.max(1, Math.round(alpha * size))
    let sum = 0
    for (let t = 0; t < trials; t++) {
      const k = fold(fold(root, a), t)
      const patterns = randomPatterns(fold(k, 0), count, size)
      const network = storeHebbian(createNetwork(size), patterns)
      const probe = flipBits(patterns[0], noise, fold(k, 1))
      sum += overlap(recall(network, probe, { key: fold(k, 2), maxSweeps: 30 }).state, patterns[0])
    }
    const point: ScanPoint = { alpha: count / size, overlap: sum / trials, done: a === alphas.length - 1 }
    ;(self as unknown as Worker).postMessage(point)
  })
})
