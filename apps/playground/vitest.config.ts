import { genVitestConfig } from '@gen-tooling/vitest-config'

export default genVitestConfig()
