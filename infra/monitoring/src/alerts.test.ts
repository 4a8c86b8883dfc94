import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALERT_RULES, SERVICE_TARGETS, isoMinutes, type AlertRule } from './alerts.js';
import { queryById } from './queries.js';
import { ALERT_ROUTES, routeFor } from './routing.js';
import { REPO_ROOT } from './test-support/emitted-metrics.js';
import { analyseKql } from './test-support/kql-check.js';

const rule = (id: string): AlertRule => {
  const found = ALERT_RULES.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
};

describe('the alert rules match the specified targets', () => {
  it('targets a P95 under 2,000 ms, errors under 0.1% and 99.9% availability', () => {
    expect(SERVICE_TARGETS).toEqual({
      p95RequestMs: 2000,
      errorRatePercent: 0.1,
      availability: 0.999,
    });
  });

  it('ALERT-001 fires when the /api/health availability test fails (the app is down)', () => {
    expect(rule('ALERT-001')).toMatchObject({ kind: 'availability', severity: 0 });
    expect(rule('ALERT-001')).toMatchObject({ failedLocationCount: 2, windowMinutes: 5 });
  });

  it('ALERT-002 fires on an error rate above 1% over 15 minutes', () => {
    expect(rule('ALERT-002')).toMatchObject({
      kind: 'log',
      measureColumn: 'errorRatePercent',
      operator: 'GreaterThan',
      threshold: 1,
      unit: 'percent',
      windowMinutes: 15,
    });
  });

  it('ALERT-003 fires on a response time above 5,000 ms over 5 minutes', () => {
    expect(rule('ALERT-003')).toMatchObject({
      kind: 'log',
      operator: 'GreaterThan',
      threshold: 5000,
      unit: 'ms',
      windowMinutes: 5,
    });
  });

  it('ALERT-004 fires on dependency failures, ALERT-005 on a high hourly volume', () => {
    expect(rule('ALERT-004')).toMatchObject({ kind: 'log', measureColumn: 'failures' });
    expect(queryById('ALERT-004').text).toMatch(/^dependencies$/m);
    expect(rule('ALERT-005')).toMatchObject({ kind: 'log', windowMinutes: 60 });
    expect(queryById('ALERT-005').text).toContain('"hl7gw.messages.received"');
  });

  it('adds a dead-letter rate alert and burn-rate alerts on the 99.9% budget', () => {
    expect(rule('ALERT-006')).toMatchObject({ measureColumn: 'deadLetterRatePercent' });
    expect(rule('ALERT-007')).toMatchObject({ threshold: 14.4, windowMinutes: 60, severity: 0 });
    expect(rule('ALERT-008')).toMatchObject({ threshold: 6, windowMinutes: 360 });
    for (const id of ['ALERT-007', 'ALERT-008']) {
      const declared = /let sloTarget = ([\d.]+);/.exec(queryById(id).text)?.[1];
      expect(Number(declared)).toBe(SERVICE_TARGETS.availability);
    }
  });
});

describe.each(ALERT_RULES.map((alert) => [alert.id, alert] as const))('%s', (id, alert) => {
  it('has its KQL file and its runbook', () => {
    expect(queryById(id).view).toBe('alerts');
    expect(existsSync(join(REPO_ROOT, alert.runbook))).toBe(true);
  });

  it('evaluates at least as often as its window and within Azure limits', () => {
    expect(alert.frequencyMinutes).toBeLessThanOrEqual(alert.windowMinutes);
    expect(alert.windowMinutes).toBeLessThanOrEqual(2 * 24 * 60);
    expect(isoMinutes(alert.windowMinutes)).toMatch(/^PT\d+[MH]$/);
  });

  it('measures a numeric column its query returns, split only on returned columns', () => {
    if (alert.kind !== 'log') return;
    const { resultColumns } = analyseKql(queryById(id).text);

    expect(['real', 'long', 'int', 'decimal']).toContain(resultColumns[alert.measureColumn]);
    for (const dimension of alert.dimensions ?? []) {
      expect(resultColumns[dimension]).toBe('string');
    }
  });

  it('is routed: critical severities page, the rest email', () => {
    const route = routeFor(alert);

    expect(route.pages).toBe(alert.severity <= 1);
    expect(route.channels).toContain('email');
  });
});

describe('routing', () => {
  it('gives every severity exactly one route; only the critical one pages', () => {
    for (const severity of [0, 1, 2, 3, 4] as const) {
      const routes = ALERT_ROUTES.filter((route) => route.severities.includes(severity));
      expect(routes).toHaveLength(1);
    }
    expect(ALERT_ROUTES.filter((route) => route.pages).map((route) => route.name)).toEqual([
      'critical',
    ]);
    expect(ALERT_ROUTES.find((route) => route.name === 'warning')?.channels).toEqual(['email']);
  });

  it('keeps short names within the 12 characters Azure allows', () => {
    for (const route of ALERT_ROUTES) expect(route.shortName.length).toBeLessThanOrEqual(12);
  });
});

describe('isoMinutes', () => {
  it.each([
    [5, 'PT5M'],
    [15, 'PT15M'],
    [60, 'PT1H'],
    [360, 'PT6H'],
    [90, 'PT90M'],
  ])('%d minutes is %s', (minutes, iso) => {
    expect(isoMinutes(minutes)).toBe(iso);
  });
});
