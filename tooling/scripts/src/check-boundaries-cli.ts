import { checkBoundaries } from './check-boundaries.ts'

const violations = checkBoundaries(process.cwd())
if (violations.length > 0) {
  for (const v of violations) console.error(`boundary: ${v.message} [${v.where}]`)
  console.error(
    `check-boundaries: ${violations.length} forbidden edge(s); the allowed edges are in AGENTS.md`,
  )
  process.exit(1)
}
console.log('check-boundaries: all dependency edges are allowed')
