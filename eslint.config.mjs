import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no
// I/O libraries, no clock or randomness except through Temporal's own APIs.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const ioModules = ['mongoose', 'mongodb', 'express', 'pino', 'zod', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@grpc/grpc-js'];
const workflowDeterminism = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [
        ...nodeBuiltins.flatMap((name) => [
          { name, message: 'Workflow code must not use Node built-ins (non-deterministic I/O); do it in an activity.' },
          { name: `node:${name}`, message: 'Workflow code must not use Node built-ins (non-deterministic I/O); do it in an activity.' },
        ]),
        ...ioModules.map((name) => ({ name, message: 'Workflow code must not do I/O; call an activity instead.' })),
      ],
      patterns: [
        { group: ['**/src/**', '../src/*', '../../src/*'], message: 'Workflow code must not import application (I/O) code from src/.' },
        {
          group: ['**/activities', '**/activities/**'],
          allowTypeImports: true,
          message: 'Workflows import activity types only (import type), and call them through proxyActivities.',
        },
      ],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Read the clock through workflows/clock.ts (workflowNow).' },
    { object: 'Math', property: 'random', message: "Use Temporal's uuid4() or pass randomness in as input." },
    { object: 'crypto', property: 'randomUUID', message: "Use Temporal's uuid4()." },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Workflow code must not read the process (env, argv): pass values in as input.' },
    { name: 'require', message: 'Use static imports in workflow code.' },
    { name: 'fetch', message: 'Workflow code must not do I/O; call an activity instead.' },
    { name: 'setInterval', message: 'Use sleep() or condition() with a timeout.' },
  ],
};

// Routes speak HTTP and call a service (src/<domain>/service.ts); the Temporal client,
// the workflows and the records are the services' business.
const routeLayering = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: ['@temporalio/client', '@temporalio/common', 'mongoose', 'mongodb'].map((name) => ({
        name,
        message: 'Routes call a service; only services use the Temporal client and the database.',
      })),
      patterns: [
        { group: ['**/workflows', '**/workflows/**'], message: 'Routes call a service; only services start, signal, update or query workflows.' },
        { group: ['**/model', '**/models', '**/db/*', '**/temporal/*'], message: 'Routes call a service; only services read and write records.' },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "MemberExpression[property.name='models']", message: 'Routes call a service; only services read and write records.' },
    { selector: "MemberExpression[property.name='temporal']", message: 'Routes call a service; only services use the Temporal client.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'scratch/', '.venv-fuzz/', '.fuzz-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': 'error',
    },
  },
  {
    // Type-aware (one program for tsconfig.json): a forgotten await on a workflow, activity or database call is a real bug class.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: workflowDeterminism,
  },
  {
    files: ['src/**/routes.ts'],
    rules: routeLayering,
  },
  {
    // The one place workflow code reads the clock (deterministic inside the sandbox).
    files: ['workflows/clock.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.js', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
