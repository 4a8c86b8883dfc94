/**
 * Who hears about an alert, as data: critical alerts page the on-call engineer (SMS and
 * voice, plus the paging webhook when one is configured, plus email), warnings go to the
 * team's mailbox. The Pulumi program makes one action group per route.
 */
import type { AlertRule, AlertSeverity } from './alerts.js';

/** How a route reaches people. */
export type Channel = 'email' | 'sms' | 'voice' | 'webhook';

/** One route: the severities it takes and the channels it uses. */
export interface AlertRoute {
  name: 'critical' | 'warning';
  /** Up to 12 characters: Azure's short name shown in SMS. */
  shortName: string;
  severities: readonly AlertSeverity[];
  /** True when it wakes someone up. */
  pages: boolean;
  channels: readonly Channel[];
}

/** The routes, from the most urgent. Every severity belongs to exactly one. */
export const ALERT_ROUTES: readonly AlertRoute[] = [
  {
    name: 'critical',
    shortName: 'hl7gw-page',
    severities: [0, 1],
    pages: true,
    channels: ['sms', 'voice', 'webhook', 'email'],
  },
  {
    name: 'warning',
    shortName: 'hl7gw-warn',
    severities: [2, 3, 4],
    pages: false,
    channels: ['email'],
  },
];

/**
 * The route an alert goes to.
 * @throws Error when no route takes the alert's severity.
 */
export function routeFor(alert: Pick<AlertRule, 'id' | 'severity'>): AlertRoute {
  const route = ALERT_ROUTES.find((candidate) => candidate.severities.includes(alert.severity));
  if (route === undefined) {
    throw new Error(`${alert.id}: no route takes severity ${alert.severity}`);
  }
  return route;
}
