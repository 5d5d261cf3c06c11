import { genEslintConfig } from '@gen-tooling/eslint-config'

export default genEslintConfig({ tsconfigRootDir: import.meta.dirname, packages: false })
