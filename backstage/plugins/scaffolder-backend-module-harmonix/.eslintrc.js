module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The tests run against the library's own test servers (a GitLab and a GitHub behind Prism,
      // moto), which live in its test fixtures one level above this workspace: shared on purpose,
      // so that the CLI and the scaffolder are proven against the same servers.
      files: ['src/**/*.test.ts', 'src/testing/**'],
      rules: {
        '@backstage/no-relative-monorepo-imports': 'off',
        // Every test ends by asserting that the servers saw no request their API descriptions refuse.
        'jest/no-standalone-expect': [
          'error',
          { additionalTestBlockFunctions: ['afterEach'] },
        ],
      },
    },
  ],
});
