/**
 * A vitest reporter that writes `reports/scenarios.md`: each scenario test of
 * `tests/scenarios/` with its outcome and duration, and the totals. The JUnit XML of the
 * whole run is vitest's own `junit` reporter (root vitest.config.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Reporter, TestModule } from 'vitest/node';

/** Writes the Markdown summary of the scenario files at the end of a run. */
export default class ScenarioSummaryReporter implements Reporter {
  /** Writes the summary when the run included a scenario file. */
  onTestRunEnd(modules: readonly TestModule[]): void {
    const scenarios = modules.filter((m) => m.moduleId.includes('/tests/scenarios/'));
    if (scenarios.length === 0) return;
    const rows: string[] = [];
    const totals = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of scenarios) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        totals[state] += 1;
        const ms = test.diagnostic()?.duration ?? 0;
        const file = module.moduleId.slice(module.moduleId.indexOf('tests/scenarios/'));
        rows.push(
          `| ${file} | ${test.fullName.replace(/\|/g, '\\|')} | ${state} | ${ms.toFixed(0)} |`,
        );
      }
    }
    const text = [
      '# Scenario run',
      '',
      `${new Date().toISOString()}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped.`,
      '',
      '| file | scenario | outcome | ms |',
      '| --- | --- | --- | ---: |',
      ...rows,
      '',
    ].join('\n');
    const dir = fileURLToPath(new URL('../../reports/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'scenarios.md'), text);
  }
}
