/** How long each tour section runs: `quick` for CI, `default` for the README's demo, `full` for benchmarks. */
export type TourSize = 'quick' | 'default' | 'full'
