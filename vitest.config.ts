import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests (real crypto, real SQLCipher) and Chromium end-to-end tests.
// Both run in `npm test`; the e2e project needs the renderer built first (`npm run build:renderer`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/bench/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup-env.ts'],
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup-env.ts'],
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
