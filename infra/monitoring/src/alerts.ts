/**
 * The alert rules as data: what the Pulumi program creates and what the tests pin to the
 * targets the gateway was specified with. ALERT-001..005 are the specified alerts; 006
 * (dead-letter rate) and 007/008 (burn rate of the 99.9% availability budget) add to them.
 * Each rule's query is a KQL file under `queries/alerts/` with the same id.
 */

/**
 * Azure Monitor's severities: 0 critical, 1 error, 2 warning, 3 informational,
 * 4 verbose. `routing.ts` turns them into who is told and how.
 */
export type AlertSeverity = 0 | 1 | 2 | 3 | 4;

/** The service-level targets the alerts protect. */
export const SERVICE_TARGETS = {
  /** P95 request time, ms. */
  p95RequestMs: 2_000,
  /** Failed share of requests, percent. */
  errorRatePercent: 0.1,
  /** Availability over a 30-day window, as a fraction. */
  availability: 0.999,
} as const;

/** Fields every rule has. */
interface AlertBase {
  /** `ALERT-002`: the id of its KQL file and runbook. */
  id: string;
  /** Short name, used in the Azure resource name. */
  name: string;
  /** What firing means, for the notification text. */
  description: string;
  severity: AlertSeverity;
  /** The window the condition is evaluated over, minutes. */
  windowMinutes: number;
  /** How often the rule runs, minutes. */
  frequencyMinutes: number;
  /** The runbook an operator opens, from the repository root. */
  runbook: string;
}

/**
 * A log search alert (Azure `scheduledQueryRules`): the KQL file runs over the window and
 * the rule compares `measureColumn`, aggregated per row, with the threshold.
 */
export interface LogAlertRule extends AlertBase {
  kind: 'log';
  measureColumn: string;
  aggregation: 'Average' | 'Maximum' | 'Minimum' | 'Total' | 'Count';
  operator: 'GreaterThan' | 'GreaterThanOrEqual' | 'LessThan' | 'LessThanOrEqual';
  threshold: number;
  /** What the threshold counts: `percent`, `ms`, `count`, `messages`, `x budget`. */
  unit: string;
  /** Columns the rule splits on, so the alert names the failing one. */
  dimensions?: readonly string[];
}

/**
 * An availability alert: the standard web test on `/api/health` runs from several
 * locations, and the rule fires when this many fail within the window.
 */
export interface AvailabilityAlertRule extends AlertBase {
  kind: 'availability';
  failedLocationCount: number;
  /** The web test's locations (Azure's ids), and so how many can fail. */
  testLocations: readonly string[];
  /** How often each location runs the test, seconds. */
  testFrequencySeconds: number;
  testTimeoutSeconds: number;
}

/** Any alert rule. */
export type AlertRule = LogAlertRule | AvailabilityAlertRule;

const runbook = (slug: string) => `docs/runbooks/alerts/${slug}.md`;

/** Every alert rule the gateway runs with, in id order. */
export const ALERT_RULES: readonly AlertRule[] = [
  {
    id: 'ALERT-001',
    kind: 'availability',
    name: 'app-down',
    description: 'The /api/health web test fails from two or more locations: the app is down.',
    severity: 0,
    windowMinutes: 5,
    frequencyMinutes: 1,
    failedLocationCount: 2,
    // Azure's ids for East US, West US, North Europe, West Europe and Southeast Asia.
    testLocations: [
      'us-va-ash-azr',
      'us-ca-sjc-azr',
      'emea-gb-db3-azr',
      'emea-nl-ams-azr',
      'apac-sg-sin-azr',
    ],
    testFrequencySeconds: 300,
    testTimeoutSeconds: 30,
    runbook: runbook('alert-001-app-down'),
  },
  {
    id: 'ALERT-002',
    kind: 'log',
    name: 'error-rate',
    description: 'More than 1% of requests failed (4xx excepted) over 15 minutes.',
    severity: 1,
    windowMinutes: 15,
    frequencyMinutes: 5,
    measureColumn: 'errorRatePercent',
    aggregation: 'Maximum',
    operator: 'GreaterThan',
    threshold: 1,
    unit: 'percent',
    runbook: runbook('alert-002-error-rate'),
  },
  {
    id: 'ALERT-003',
    kind: 'log',
    name: 'response-time',
    description: 'P95 HTTP request time above 5,000 ms over 5 minutes.',
    severity: 2,
    windowMinutes: 5,
    frequencyMinutes: 5,
    measureColumn: 'p95Ms',
    aggregation: 'Maximum',
    operator: 'GreaterThan',
    threshold: 5_000,
    unit: 'ms',
    runbook: runbook('alert-003-response-time'),
  },
  {
    id: 'ALERT-004',
    kind: 'log',
    name: 'dependency-failures',
    description:
      'More than 10 failed calls to one dependency type (storage, Service Bus, Key Vault, ' +
      'downstream HTTP) in 5 minutes.',
    severity: 1,
    windowMinutes: 5,
    frequencyMinutes: 5,
    measureColumn: 'failures',
    aggregation: 'Total',
    operator: 'GreaterThan',
    threshold: 10,
    unit: 'count',
    dimensions: ['type'],
    runbook: runbook('alert-004-dependency-failures'),
  },
  {
    id: 'ALERT-005',
    kind: 'log',
    name: 'high-hourly-volume',
    description:
      'More than 20,000 messages received in an hour: a lab resending its backlog, a loop, ' +
      'or growth to plan capacity for.',
    severity: 2,
    windowMinutes: 60,
    frequencyMinutes: 15,
    measureColumn: 'messages',
    aggregation: 'Total',
    operator: 'GreaterThan',
    threshold: 20_000,
    unit: 'messages',
    runbook: runbook('alert-005-high-hourly-volume'),
  },
  {
    id: 'ALERT-006',
    kind: 'log',
    name: 'dead-letter-rate',
    description: 'More than 5% of the messages received in an hour were dead-lettered.',
    severity: 2,
    windowMinutes: 60,
    frequencyMinutes: 15,
    measureColumn: 'deadLetterRatePercent',
    aggregation: 'Maximum',
    operator: 'GreaterThan',
    threshold: 5,
    unit: 'percent',
    runbook: runbook('alert-006-dead-letter-rate'),
  },
  {
    id: 'ALERT-007',
    kind: 'log',
    name: 'slo-fast-burn',
    description:
      'The 99.9% availability budget burns 14.4 times too fast over 1 hour and its last ' +
      '5 minutes: at this pace 2% of the monthly budget is gone within the hour.',
    severity: 0,
    windowMinutes: 60,
    frequencyMinutes: 5,
    measureColumn: 'burnRate',
    aggregation: 'Maximum',
    operator: 'GreaterThan',
    threshold: 14.4,
    unit: 'x budget',
    runbook: runbook('alert-007-slo-burn'),
  },
  {
    id: 'ALERT-008',
    kind: 'log',
    name: 'slo-slow-burn',
    description:
      'The 99.9% availability budget burns 6 times too fast over 6 hours and its last ' +
      '30 minutes: 5% of the monthly budget spent in the window.',
    severity: 2,
    windowMinutes: 360,
    frequencyMinutes: 30,
    measureColumn: 'burnRate',
    aggregation: 'Maximum',
    operator: 'GreaterThan',
    threshold: 6,
    unit: 'x budget',
    runbook: runbook('alert-007-slo-burn'),
  },
];

/** ISO 8601 duration of a number of minutes, as Azure's alert APIs take it. */
export function isoMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}
