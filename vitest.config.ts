import { defineConfig } from 'vitest/config';

// Every package and app is a project of its own; `tests/` holds the cross-app suites.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests', 'infra', 'infra/monitoring'],
  },
});
