// Jest projects: `unit` (unit and property tests, no services), `integration` (real PostgreSQL,
// Redis, Kafka and S3 of the local stack), `e2e` (Chromium against the running platform).
// TypeScript and the ESM-only packages (jose, node-pg-migrate, cookie, uuid, and hyparquet with its
// decompressors, the tests' second Parquet reader) are compiled by SWC.
const transform = {
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
  ],
};
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Compiled too: the ESM-only packages, wherever they sit (uuid is nested under thrift, which
  // @dsnp/parquetjs uses).
  transformIgnorePatterns: [
    '/node_modules/(?!.*/node_modules/)(?!(jose|node-pg-migrate|cookie|uuid|hyparquet|hyparquet-compressors|fzstd|hysnappy)/)',
  ],
  moduleNameMapper: { '^@platform/runtime$': '<rootDir>/subgraphs/runtime/src/index.ts' },
  rootDir: __dirname,
};
const roots = ['<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/schema', '<rootDir>/scripts'];

/** @type {import('jest').Config} */
module.exports = {
  // Integration and end-to-end tests wait on real services; unit tests finish far sooner.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: [...roots, '<rootDir>/client/src'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/', '/dist/'],
    },
    {
      ...common,
      displayName: 'integration',
      roots,
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/client/e2e'],
      testMatch: ['**/*.e2e.test.ts'],
    },
  ],
};
