// Shared ESLint flat config for every workspace package (see docs/decisions/0001-lint-eslint.md).
// Type-aware rules (no-floating-promises above all: GPU reads are async) need the TS project
// service, so every package lints with its own tsconfig.json.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** @param {{ tsconfigRootDir: string, packages?: boolean }} options */
export function genEslintConfig({ tsconfigRootDir, packages = true }) {
  return tseslint.config(
    {
      ignores: [
        'dist/**',
        'coverage/**',
        'test-results/**',
        '**/*.js',
        '**/*.mjs',
        '**/*.cjs',
        '**/__fixtures__/**',
      ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    ...tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        // Numeric kernels index typed arrays in loops; `for (let i...)` is the clear form there.
        '@typescript-eslint/prefer-for-of': 'off',
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/restrict-template-expressions': [
          'error',
          { allowNumber: true, allowBoolean: true },
        ],
        'max-params': ['error', 4],
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: ['@gen/*/src/*', '@gen/*/src'], message: 'Import the package entry, not its src.' },
              { group: ['@gen/*/internal/*'], message: 'internal/ is not public.' },
            ],
          },
        ],
      },
    },
    packages
      ? {
          files: ['src/**/*.ts'],
          ignores: ['src/**/*.test.ts'],
          rules: {
            // Randomness comes from a key (core-tensor/random), so runs reproduce.
            'no-restricted-properties': [
              'error',
              { object: 'Math', property: 'random', message: 'Use a key from @gen/core-tensor random.' },
            ],
          },
        }
      : {},
    {
      files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
      rules: {
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        'max-params': 'off',
      },
    },
  )
}
