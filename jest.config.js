/**
 * Two projects:
 * - `unit`: no servers at all, so `npm run test:unit` answers in seconds;
 * - `stack`: the rest, on one embedded Postgres, one Temporal dev server and one workflow bundle
 *   for the whole run (its global setup starts them only when one of its tests is selected).
 * `npm test` runs both.
 */
const UNIT = ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/bench/**/*.test.ts', '<rootDir>/test/fakes/**/*.test.ts', '<rootDir>/test/chaos/verify-deliveries.test.ts'];

const base = {
  testEnvironment: 'node',
  // .tsx: the console's pages, server-rendered with hono/jsx.
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic', importSource: 'hono/jsx' } } } }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: true,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...base, displayName: 'unit', testMatch: UNIT },
    {
      ...base,
      displayName: 'stack',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/workflows/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT.map((glob) => glob.replace('<rootDir>', '').replace('/**/*.test.ts', '/').replace(/\*\*|\*/g, ''))],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
