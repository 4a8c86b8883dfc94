import { defineConfig } from 'vitest/config';

// The Pulumi program's tests (mocks, no CLI, no cloud) and the packaging test.
// infra/monitoring is a workspace package of its own with its own tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
