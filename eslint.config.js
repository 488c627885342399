// One flat config for the whole monorepo. Besides the usual TypeScript rules it enforces the module
// boundaries of docs/architecture.md: core stays pure, packages never reach into apps, apps never
// import each other (only the cli composes them), SQL drivers live in packages/db, and only
// config.ts reads the environment.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const APPS = ['portal', 'insurer-api', 'eligibility-api', 'reader-emulator', 'jlis', 'cli'];
const appImport = (app) => ({
  group: [`@shikaku/${app}`, `@shikaku/${app}/*`],
  message:
    'Apps are composed only by apps/cli; talk to another app over HTTP or a durable hand-off.',
});
const NODE_IO = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'worker_threads',
  'dgram',
  'dns',
  'os',
  'cluster',
  'readline',
];
const coreIo = NODE_IO.flatMap((m) => [m, `node:${m}`]);
const DB_DRIVERS = {
  group: ['pg', 'pg-*', '@electric-sql/pglite', '@electric-sql/pglite/*'],
  message: 'Database drivers belong to packages/db; use its repositories.',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.turbo/**',
      'loadtests/results/**',
      '**/*.d.ts',
      '**/vendor/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment once in config.ts and pass the typed config in.',
        },
      ],
    },
  },
  {
    // Entry points and config parsers may read the environment.
    files: [
      '**/config.ts',
      '**/main.ts',
      '**/server.ts',
      '**/*.test.ts',
      '**/test/**',
      '**/vitest.config.ts',
      'vitest.shared.ts',
      '**/scripts/**',
      'loadtests/k6/**',
      'packages/db/src/testing/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: coreIo.map((name) => ({ name, message: 'packages/core is pure: no I/O.' })),
          patterns: [
            { group: ['@shikaku/*'], message: 'packages/core depends on no other package.' },
            DB_DRIVERS,
            { group: ['fastify', 'fastify/*', '@fastify/*'], message: 'packages/core is pure.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'packages/core takes the clock as an argument.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'packages/core takes the clock as an argument.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'packages/core takes seeds, not Math.random.',
        },
      ],
    },
  },
  {
    files: ['packages/**/*.ts', 'sims/**/*.ts', 'loadtests/**/*.ts'],
    ignores: ['packages/core/**', 'packages/db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...APPS.map(appImport), DB_DRIVERS] }],
    },
  },
  {
    files: ['packages/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...APPS.map(appImport),
            { group: ['fastify', '@fastify/*'], message: 'Repositories never import Fastify.' },
          ],
        },
      ],
    },
  },
  ...APPS.filter((a) => a !== 'cli').map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...APPS.filter((other) => other !== app).map(appImport), DB_DRIVERS] },
      ],
    },
  })),
  {
    // loadtests/k6 runs inside k6, not Node: it may import only k6 modules and local files.
    files: ['loadtests/k6/**/*.ts', 'loadtests/k6/**/*.js'],
    languageOptions: {
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!k6(/|$)|\\.{1,2}/|https://)',
              message: 'k6 scripts import only k6 modules and relative files (no node_modules).',
            },
          ],
        },
      ],
    },
  },
);
