// ESLint flat config: typescript-eslint's recommended rules plus the house's import walls
// (docs/architecture.md): only the app root mounts src/sandbox; common/ imports no feature;
// features reach each other only through the files their modules export for that.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FEATURES = ['links', 'connections', 'destination-calendars', 'ics', 'providers', 'sync', 'tenancy', 'database', 'sandbox'];

const sandboxWall = {
  group: ['**/sandbox', '**/sandbox/**', '!**/providers/**'],
  message: 'Product code never imports src/sandbox: drivers reach the emulators over HTTP by base URL. Only the app root mounts it.',
};

/**
 * What a feature may import from another: its Nest module, the providers port, the tenancy
 * guards, and the shared repository layer (entities and repositories in src/database).
 */
const PUBLIC_ENTRY_POINTS = [
  '[a-z-]+\\.module',
  // What modules export: their services, and the contracts other features code against.
  '[a-z-]+\\.service',
  '[a-z-]+\\.types',
  'link-policy',
  // The CRM event content as the two-way engine reads it (times in a zone, RRULE/EXDATE lines):
  // the CRM store's validation and occurrence checks read it the same way.
  'two-way-event',
  'calendar-provider',
  'provider-errors',
  'provider-registry',
  'provider-endpoints',
  'guards/[a-z.-]+',
  'principal',
  'provider-kind',
  'entities/[a-z.-]+',
  'repositories/[a-z-]+\\.repository',
  'entities',
];

function featureWall(feature) {
  const others = FEATURES.filter((name) => name !== feature && name !== 'sandbox');
  return {
    files: [`src/${feature}/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sandboxWall,
            {
              regex: `^(\\.\\./)+(${others.join('|')})/(?!(${PUBLIC_ENTRY_POINTS.join('|')})$)`,
              message: "Features reach each other only through their modules' exports: *.module, exported *.service, *.types contracts, the providers port, tenancy guards, database entities and repositories.",
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'reports/**', '.stryker-tmp/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/app.module.ts', 'src/app.factory.ts', 'src/sandbox/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sandboxWall] }] },
  },
  ...FEATURES.filter((feature) => feature !== 'sandbox').map(featureWall),
  {
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: FEATURES.map((name) => `**/${name}/**`), message: 'common/ imports no feature: the composition root wires features into it.' }] },
      ],
    },
  },
  {
    // Tests read JSON bodies loosely and assert them whole with toEqual.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
