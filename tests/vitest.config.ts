import { defineConfig } from 'vitest/config';

// Each file starts a whole gateway (Azurite, broker, host with three apps): slower than a
// unit test, so hooks and tests get room, and the files run one after another so that
// the crash and restart suites do not compete with each other for the two CI cores.
export default defineConfig({
  test: {
    name: 'tests',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'measure/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
