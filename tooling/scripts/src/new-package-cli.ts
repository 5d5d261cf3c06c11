// `pnpm new-package <short-name> "<description>"`: writes a new published package from the
// template (package-template.ts). Existing files are never overwritten.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { packageFiles } from './package-template.ts'

const [shortName, description] = process.argv.slice(2)
if (!shortName || !/^[a-z][a-z0-9-]*$/.test(shortName) || !description) {
  console.error('usage: pnpm new-package <short-name: lower-case, e.g. ising> "<one-line description>"')
  process.exit(2)
}
const dir = join(process.cwd(), 'packages', shortName)
const files = packageFiles({
  shortName,
  description,
  dependencies: { '@gen/core-tensor': 'workspace:^' },
  readme: `${description}\n\n## Example\n\n\`\`\`ts\nimport { packageName } from '@gen/${shortName}'\nconsole.log(packageName)\n\`\`\`\n`,
  index: `/** The npm name of this package. */\nexport const packageName = '@gen/${shortName}'\n`,
})
for (const [path, content] of files) {
  const target = join(dir, path)
  if (existsSync(target)) {
    console.log(`kept    packages/${shortName}/${path}`)
    continue
  }
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, content)
  console.log(`created packages/${shortName}/${path}`)
}
console.log('next: pnpm install, add it to the README table and AGENTS.md, and add a changeset')
