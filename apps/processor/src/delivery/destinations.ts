/**
 * Delivery destinations, read once from `HL7GW_DESTINATIONS` (a JSON array): where results
 * go beyond the integrators who subscribe to `hl7-results` themselves. Each destination has
 * its own subscription of `hl7-results` (with its SQL filter) and its own trigger. Secrets and
 * TLS material are never in this JSON: it names the settings that hold them (Key Vault
 * references in Azure, environment variables locally), and they are read here, at start-up.
 */
import { ConfigError, type Environment } from '@hl7gw/platform';

/** The kinds of downstream system the processor can deliver to. */
export const DESTINATION_KINDS = ['webhook', 'fhir', 'mllp'] as const;

/** One of `DESTINATION_KINDS`. */
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Named defaults of a destination's options. */
export const DESTINATION_DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 8,
  backoffBaseMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  breakerFailureThreshold: 5,
  breakerCoolDownMs: 30_000,
} as const;

/** TLS material for a destination, already read from its settings. */
export interface DestinationTls {
  /** PEM of the CA(s) to trust instead of the system's, when set. */
  ca?: string;
  /** PEM client certificate, for mutual TLS. */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** The name to check the server certificate against, when not the URL's host. */
  serverName?: string;
}

/** A destination as the connectors use it. */
export interface Destination {
  /** A short name (`ehr`, `hie-north`): in logs, status steps and dead-letter descriptions. */
  name: string;
  /** Which connector delivers to it. */
  kind: DestinationKind;
  /** `https:`/`http:` for webhook and FHIR (the FHIR base URL), `mllp:`/`mllps:` for MLLP. */
  url: URL;
  /** Its `hl7-results` subscription; the name by default. */
  subscription: string;
  /** The SQL filter its subscription is created with (infrastructure's input); none = all. */
  filter?: string;
  /** The deadline of one attempt, connection included. */
  timeoutMs: number;
  /** Attempts before a transient failure is dead-lettered. */
  maxAttempts: number;
  /** The first retry delay; each later one doubles, up to `backoffMaxMs`, with jitter. */
  backoffBaseMs: number;
  /** The longest retry delay. */
  backoffMaxMs: number;
  /** Consecutive failures that open the destination's circuit. */
  breakerFailureThreshold: number;
  /** How long an open circuit waits before letting one trial through. */
  breakerCoolDownMs: number;
  /** The webhook signing secret (read from the setting named `secretSetting`). */
  secret?: string;
  /** TLS options (MLLP over TLS, or HTTPS with a private CA or a client certificate). */
  tls?: DestinationTls;
  /** MLLP: send the message as received (`original`, the default) or rebuilt from the result. */
  message: 'original' | 'rebuilt';
  /** FHIR: the sender's IANA time zone, for times sent without an offset. */
  timeZone?: string;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,49}$/;
// Service Bus subscription names: letters, digits, `.`, `-`, `_`; up to 50.
const SUBSCRIPTION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SETTING = 'HL7GW_DESTINATIONS';

const SCHEMES: Record<DestinationKind, readonly string[]> = {
  webhook: ['https:', 'http:'],
  fhir: ['https:', 'http:'],
  mllp: ['mllp:', 'mllps:'],
};

/**
 * Reads `HL7GW_DESTINATIONS` and the secrets and TLS settings it names. An absent or empty
 * setting means no destinations. Throws `ConfigError` naming the setting and the entry at
 * fault (by index and field, never echoing a value). Plain `http:` needs `"insecure": true`.
 */
export function parseDestinations(env: Environment): Destination[] {
  const text = env[SETTING]?.trim() ?? '';
  if (text === '') return [];

  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw new ConfigError(SETTING, 'must be a JSON array of destinations');
  }
  if (!Array.isArray(entries)) throw new ConfigError(SETTING, 'must be a JSON array');

  const destinations = entries.map((entry, index) => parseEntry(env, entry, index));
  for (const key of ['name', 'subscription'] as const) {
    const seen = new Set<string>();
    for (const destination of destinations) {
      if (seen.has(destination[key])) {
        throw new ConfigError(SETTING, `has two destinations with the same ${key}`);
      }
      seen.add(destination[key]);
    }
  }
  return destinations;
}

function parseEntry(env: Environment, entry: unknown, index: number): Destination {
  const at = `[${index}]`;
  const fail = (field: string, problem: string) =>
    new ConfigError(SETTING, `${at}.${field} ${problem}`);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(SETTING, `${at} must be an object`);
  }
  const value = entry as Record<string, unknown>;

  const name = value.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw fail('name', 'must be 1-50 lower-case letters, digits or -');
  }
  const kind = value.kind;
  if (!(DESTINATION_KINDS as readonly unknown[]).includes(kind)) {
    throw fail('kind', `must be one of ${DESTINATION_KINDS.join(', ')}`);
  }
  const destinationKind = kind as DestinationKind;

  let url: URL;
  try {
    url = new URL(String(value.url));
  } catch {
    throw fail('url', 'must be an absolute URL');
  }
  if (!SCHEMES[destinationKind].includes(url.protocol)) {
    throw fail('url', `must use ${SCHEMES[destinationKind].join(' or ')}`);
  }
  if (url.protocol === 'http:' && value.insecure !== true) {
    throw fail('url', 'uses plain http: set "insecure": true to allow it');
  }
  if (url.username !== '' || url.password !== '') {
    throw fail('url', 'must not carry credentials');
  }
  if (destinationKind === 'mllp' && (url.port === '' || url.pathname.replace('/', '') !== '')) {
    throw fail('url', 'must be mllp://host:port (or mllps://)');
  }

  const subscription = value.subscription ?? name;
  if (typeof subscription !== 'string' || !SUBSCRIPTION.test(subscription)) {
    throw fail('subscription', 'must be a Service Bus subscription name');
  }
  if (value.filter !== undefined && (typeof value.filter !== 'string' || value.filter === '')) {
    throw fail('filter', 'must be a non-empty SQL filter expression');
  }

  const number = (field: string, fallback: number, min: number, max: number): number => {
    const raw = value[field];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
      throw fail(field, `must be an integer from ${min} to ${max}`);
    }
    return raw;
  };
  const timeoutMs = number('timeoutMs', DESTINATION_DEFAULTS.timeoutMs, 100, 120_000);
  const backoffBaseMs = number('backoffBaseMs', DESTINATION_DEFAULTS.backoffBaseMs, 10, 3_600_000);
  const backoffMaxMs = number('backoffMaxMs', DESTINATION_DEFAULTS.backoffMaxMs, 10, 86_400_000);
  if (backoffMaxMs < backoffBaseMs) throw fail('backoffMaxMs', 'must be at least backoffBaseMs');

  const setting = (field: string): string | undefined => {
    const settingName = value[field];
    if (settingName === undefined) return undefined;
    if (typeof settingName !== 'string' || !SETTING_NAME.test(settingName)) {
      throw fail(field, 'must name a setting');
    }
    const settingValue = env[settingName];
    if (settingValue === undefined || settingValue.trim() === '') {
      throw new ConfigError(settingName, `is required by ${SETTING}${at}.${field}`);
    }
    return settingValue;
  };

  const secret = setting('secretSetting');
  if (destinationKind === 'webhook') {
    if (secret === undefined) throw fail('secretSetting', 'is required for a webhook');
    if (secret.length < 32) {
      throw new ConfigError(String(value.secretSetting), 'must be at least 32 characters');
    }
  }

  const tls = definedOnly({
    ca: setting('tlsCaSetting'),
    cert: setting('tlsCertSetting'),
    key: setting('tlsKeySetting'),
    serverName: typeof value.tlsServerName === 'string' ? value.tlsServerName : undefined,
  });
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw fail('tlsCertSetting', 'and tlsKeySetting must be set together');
  }

  const message = value.message ?? 'original';
  if (message !== 'original' && message !== 'rebuilt') {
    throw fail('message', 'must be original or rebuilt');
  }
  if (value.timeZone !== undefined && typeof value.timeZone !== 'string') {
    throw fail('timeZone', 'must be an IANA time zone name');
  }

  return {
    name,
    kind: destinationKind,
    url,
    subscription,
    ...(typeof value.filter === 'string' ? { filter: value.filter } : {}),
    timeoutMs,
    maxAttempts: number('maxAttempts', DESTINATION_DEFAULTS.maxAttempts, 1, 100),
    backoffBaseMs,
    backoffMaxMs,
    breakerFailureThreshold: number(
      'breakerFailureThreshold',
      DESTINATION_DEFAULTS.breakerFailureThreshold,
      1,
      1_000,
    ),
    breakerCoolDownMs: number(
      'breakerCoolDownMs',
      DESTINATION_DEFAULTS.breakerCoolDownMs,
      10,
      3_600_000,
    ),
    ...(secret === undefined ? {} : { secret }),
    ...(Object.keys(tls).length === 0 ? {} : { tls }),
    message,
    ...(typeof value.timeZone === 'string' ? { timeZone: value.timeZone } : {}),
  };
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

/** The application property that addresses a scheduled retry copy to one subscription. */
export const RETRY_FOR_PROPERTY = 'deliveryRetryFor';
/** The application property counting a result's delivery attempts to one destination. */
export const ATTEMPT_PROPERTY = 'deliveryAttempt';

/**
 * The SQL rule a destination's subscription needs: its own filter for results as published,
 * plus the retry copies addressed to it (and only to it). Every other `hl7-results`
 * subscription must exclude retry copies with `deliveryRetryFor IS NULL` (see
 * `config/servicebus.json`), since a copy is published to the topic again.
 */
export function subscriptionRule(destination: Pick<Destination, 'subscription' | 'filter'>) {
  const own = destination.filter === undefined ? '' : ` AND (${destination.filter})`;
  const name = destination.subscription.replaceAll("'", "''");
  return `(${RETRY_FOR_PROPERTY} IS NULL${own}) OR ${RETRY_FOR_PROPERTY} = '${name}'`;
}

/**
 * The destination's subscription as an entry of the emulator's `Config.json` (the format
 * `config/servicebus.json` and the local broker use), for tests and tools that build a broker
 * configuration with delivery subscriptions.
 */
export function subscriptionConfig(
  destination: Pick<Destination, 'subscription' | 'filter' | 'maxAttempts'>,
) {
  return {
    Name: destination.subscription,
    Properties: {
      DeadLetteringOnMessageExpiration: true,
      DefaultMessageTimeToLive: 'P14D',
      LockDuration: 'PT1M',
      // Transient failures are retried by scheduled copies, not redelivery; a few
      // redeliveries cover a processor that crashed mid-delivery.
      MaxDeliveryCount: 5,
      RequiresSession: false,
    },
    Rules: [
      {
        Name: 'delivery',
        Properties: {
          FilterType: 'Sql',
          SqlFilter: { SqlExpression: subscriptionRule(destination) },
        },
      },
    ],
  };
}
