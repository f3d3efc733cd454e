// ESLint flat config: typescript-eslint's recommended + strict rules (the ones that need no type
// information, so linting stays fast), for the TypeScript sources and the .mjs build scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node.js globals used by the plain-JavaScript scripts (TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

export default [
  {
    // The project's own code is .ts and .mjs; .js files are build output (dist/, bundles, unpacked .vsix).
    ignores: ['dist/**', 'node_modules/**', '.test-tmp/**', 'coverage/**', '**/*.js'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      eqeqeq: ['error', 'smart'],
      'no-var': 'error',
      'prefer-const': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Tool configs that must be CommonJS (.dependency-cruiser.cjs): module and require.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Tests may assert on values they know are present.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
