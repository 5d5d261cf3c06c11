import type { ReportSection } from '@gen/viz'

/**
 * What each tour section gives back: its part of the HTML report, and the numbers it measured
 * (flat, named `<quantity>_<setting>`), which `gen tour --json` prints so a script can check
 * them without parsing HTML.
 */
export interface TourSection {
  report: ReportSection
  metrics: Record<string, number>
}
