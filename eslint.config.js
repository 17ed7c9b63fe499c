import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Options of type-aware rules, for the TypeScript sources and the browser modules alike. */
const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
}

/** typescript-eslint's recommended type-aware rules alone, without its settings for .ts files. */
const recommendedTypeAwareRules = tseslint.configs.recommendedTypeCheckedOnly.find(
  (c) => c.name === 'typescript-eslint/recommended-type-checked-only',
).rules

export default tseslint.config(
  { ignores: ['scratch/**', 'node_modules/**', 'test-results/**', '.state/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      ...typeAwareRules,
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // The web UI's browser modules: JavaScript with JSDoc types, type-checked by public/tsconfig.json
    // (checkJs, lib DOM), the tsconfig the project service finds for them. tsc reports unknown names
    // there, browser globals included, so no-undef (which would need a list of them) is left to it.
    files: ['public/**/*.js'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: { ...recommendedTypeAwareRules, ...typeAwareRules, 'no-undef': 'off' },
  },
  { files: ['scripts/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
)
