import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import { importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

// Slice boundaries (docs/architecture.md): every folder of src/ but the kernel is a slice; a file may import
// another slice only through that slice's index.ts, and the kernel imports no slice. Import cycles, type-only
// ones included, are checked by dpdm in `npm run lint`.
const slices = readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'kernel')
  .map((e) => e.name)
const sliceZones = slices.map((slice) => ({
  target: ['./src/*.ts', ...slices.filter((s) => s !== slice).map((s) => `./src/${s}/**`)],
  from: `./src/${slice}`,
  except: ['./index.ts'],
  message: `import the '${slice}' slice through src/${slice}/index.ts`,
}))
const kernelZones = [['./src/*.ts'], slices.map((s) => `./src/${s}`)].map((from) => ({
  target: './src/kernel',
  from,
  message: 'the kernel imports no slice',
}))

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
  {
    ignores: [
      'scratch/**',
      'node_modules/**',
      'test-results/**',
      '.state/**',
      'dist/**',
      'src/**/*.generated.js',
    ],
  },
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
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...sliceZones, ...kernelZones] }],
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
