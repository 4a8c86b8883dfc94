import { describe, expect, it } from 'vitest';

import { loadQueries, queryBody, queryById } from './queries.js';
import { emittedMetricNames } from './test-support/emitted-metrics.js';
import { analyseKql, metricNamesIn } from './test-support/kql-check.js';

const queries = loadQueries();

describe('the KQL files', () => {
  it('hold the business view BIZ-001..005 and the operational view', () => {
    const titles = Object.fromEntries(queries.map((query) => [query.id, query.title]));

    expect(titles).toMatchObject({
      'BIZ-001': 'Messages per hour',
      'BIZ-002': 'Success rate',
      'BIZ-003': 'Average processing time',
      'BIZ-004': 'Failures by category',
      'BIZ-005': 'Data-quality findings by code',
      'OPS-001': 'P95 per route',
      'OPS-002': 'Error rate',
      'OPS-003': 'Dependency failures',
      'OPS-004': 'Bus lag',
      'OPS-005': 'Dead letters by category',
    });
    for (const query of queries) {
      expect(query.path.startsWith(`queries/${query.view}/${query.id.toLowerCase()}-`)).toBe(true);
      expect(query.description.length).toBeGreaterThan(20);
    }
  });

  it.each(queries.map((query) => [query.id, query.path] as const))(
    '%s (%s) binds against the Application Insights schema with no diagnostics',
    (id) => {
      const { diagnostics, resultColumns } = analyseKql(queryById(id).text);

      expect(diagnostics).toEqual([]);
      expect(Object.keys(resultColumns).length).toBeGreaterThan(0);
    },
  );

  it.each(queries.map((query) => [query.id] as const))(
    '%s names only metrics the code emits',
    (id) => {
      const emitted = emittedMetricNames().names;

      for (const name of metricNamesIn(queryById(id).text)) expect(emitted).toContain(name);
    },
  );

  it('cover every metric the code emits but the batch size and deliveries', () => {
    const used = new Set(queries.flatMap((query) => metricNamesIn(query.text)));
    const unused = emittedMetricNames().names.filter((name) => !used.has(name));

    // Batch size and delivery counts are for capacity planning and delivery dashboards
    // still to come; everything else some view shows.
    expect(unused.sort()).toEqual(['hl7gw.batch.size', 'hl7gw.deliveries']);
  });

  it('are checked by an analyser that does report mistakes', () => {
    const misspeltColumn = analyseKql('requests | summarize percentile(durration, 95)');
    const unknownTable = analyseKql('request | take 1');
    const badSyntax = analyseKql('customMetrics | where name == ');
    const wrongType = analyseKql('requests | where success > "yes"');

    expect(misspeltColumn.diagnostics.map((d) => d.code)).toContain('KS142');
    expect(unknownTable.diagnostics.map((d) => d.code)).toContain('KS204');
    expect(badSyntax.diagnostics.length).toBeGreaterThan(0);
    expect(wrongType.diagnostics.length).toBeGreaterThan(0);
  });

  it('places a diagnostic at its line and column', () => {
    const [first] = analyseKql('requests\n| where nosuch == 1').diagnostics;

    expect(first).toMatchObject({ code: 'KS142', line: 2, column: 9 });
  });

  it('yield a body without the comment header for tiles', () => {
    const query = queryById('OPS-002');

    expect(queryBody(query).startsWith('requests\n')).toBe(true);
    expect(queryBody(query)).not.toContain('//');
  });
});

describe('metricNamesIn', () => {
  it('finds names in double and single quotes, once each', () => {
    const text = `customMetrics | where name in ("hl7gw.a.b", 'hl7gw.c') or name == "hl7gw.a.b"`;

    expect(metricNamesIn(text)).toEqual(['hl7gw.a.b', 'hl7gw.c']);
  });
});
