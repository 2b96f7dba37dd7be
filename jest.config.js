/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // the crash suite runs on its own servers: npm run test:faults (jest.faults.config.js)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // Starts one Temporal dev server and one FerretDB for the whole run (free ports, throw-away data).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/results-reporter.js'],
  testTimeout: 60_000,
  // Two cores: one file per core keeps the servers responsive.
  maxWorkers: 2,
};
