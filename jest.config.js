/** Unit tests sit next to the code (*.spec.ts); integration and e2e tests live in test/. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@app/(database|contracts|config|mixing|storage|media|messaging|observability|jobs|sdk|webhooks)(/.*)?$':
    '<rootDir>/libs/$1/src$2',
};
const common = {
  transform: {
    '^.+\\.ts$': swc,
    // NestJS 12 ships ES modules only: compiled to CommonJS for Jest (see the transformer).
    '/node_modules/@nestjs/.+\\.js$': '<rootDir>/test/support/esm-transformer.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/per-file-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
      // Timeouts: test/support/timeouts.ts (30 s; a project's testTimeout does not reach hooks).
    },
  ],
};
