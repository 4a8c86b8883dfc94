import { defineConfig } from 'vitest/config';

// The load runs: one long test, run by `npm run load` (scripts/load.mjs), never by npm test.
export default defineConfig({
  test: {
    name: 'load',
    root: new URL('.', import.meta.url).pathname,
    include: ['*.load.ts'],
    testTimeout: 4 * 3_600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
