// Three tiers: unit specs live beside the code; integration specs (*.int-spec.ts, also beside the code) run lib
// services and repositories against a real PostgreSQL with the real migrations and a real Redis; e2e specs boot the
// real, built processes.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
const moduleNameMapper = { '^@cargohold/migrations$': '<rootDir>/migrations/src', '^@cargohold/(.*)$': '<rootDir>/libs/$1/src' };

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,migrations}/**/src/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.int-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
    },
    // Mixed load: 45 s of it in pnpm test (test:soak:short), 10 minutes in pnpm test:soak.
    {
      displayName: 'soak',
      testMatch: ['<rootDir>/test/soak/**/*.soak-spec.ts'],
      transform,
      moduleNameMapper,
      testEnvironment: 'node',
    },
  ],
};
