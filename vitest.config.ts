import { defineConfig } from 'vitest/config';

// Every package and app is a project of its own; `tests/` holds the cross-app suites.
export default defineConfig({
  test: {
    // JUnit XML of every run, and a Markdown summary of the scenarios, under reports/.
    reporters: [
      'default',
      ['junit', { outputFile: 'reports/junit.xml' }],
      './tests/scenarios/summary-reporter.ts',
    ],
    projects: ['packages/*', 'apps/*', 'tests', 'infra', 'infra/monitoring'],
  },
});
