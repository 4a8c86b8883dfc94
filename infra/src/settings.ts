/**
 * A stack's settings: one typed object read once from the stack's `Pulumi.<stack>.yaml`
 * (namespace `hl7gw`), with named defaults, failing fast with a message that names the key.
 * The program reads nothing else, so a test can build a stack from a plain object.
 */

/** The three Function Apps, in deployment order. */
export const APP_NAMES = ['ingest', 'processor', 'deadletter'] as const;

/** One of `APP_NAMES`. */
export type AppName = (typeof APP_NAMES)[number];

/** How the Function Apps are hosted: Flex Consumption, or Elastic Premium with slots. */
export type Hosting = 'flex' | 'premium';

/** Per-app scale settings. */
export interface AppScale {
  /** Largest number of instances the platform may scale the app out to. */
  maximumInstanceCount: number;
  /** Instances kept warm (Flex always-ready, or Premium minimum elastic instances). */
  alwaysReadyInstances: number;
}

/** A stack as the program sees it. */
export interface StackSettings {
  /** `environment`: `dev`, `staging` or `prod`; tags and names carry it. */
  environment: 'dev' | 'staging' | 'prod';
  /** `location`: Azure region of every resource. */
  location: string;
  /** `owner`: the team answerable for the environment (tag). */
  owner: string;
  /** `costCentre`: where the bill goes (tag). */
  costCentre: string;
  /** `hosting`: `flex` or `premium`. */
  hosting: Hosting;
  /** `premiumSku`: the Elastic Premium plan size when `hosting` is `premium`. */
  premiumSku: 'EP1' | 'EP2' | 'EP3';
  /** `zoneRedundant`: spread the plan, the namespace and storage over availability zones. */
  zoneRedundant: boolean;
  /** `storageSku`: storage redundancy, e.g. `Standard_LRS`, `Standard_GZRS`. */
  storageSku:
    'Standard_LRS' | 'Standard_ZRS' | 'Standard_GRS' | 'Standard_GZRS' | 'Standard_RAGZRS';
  /** `serviceBusSku`: `Standard` or `Premium`. */
  serviceBusSku: 'Standard' | 'Premium';
  /** `serviceBusCapacity`: Premium messaging units (1, 2, 4, 8, 16). */
  serviceBusCapacity: number;
  /** `logRetentionDays`: Log Analytics and Application Insights retention. */
  logRetentionDays: number;
  /** `rawRetentionDays`: days the raw archive (`raw/`) is kept before it is purged. */
  rawRetentionDays: number;
  /** `rawCoolAfterDays`: days after which raw content moves to the cool tier. */
  rawCoolAfterDays: number;
  /** `claimRetentionDays`: days claim-check content (`claims/`) is kept; above the bus TTL. */
  claimRetentionDays: number;
  /** `parkedRetentionDays`: days parked dead-letter content (`parked/`) is kept. */
  parkedRetentionDays: number;
  /** `auditRetentionDays`: time-based immutability on the audit container. */
  auditRetentionDays: number;
  /** `blobSoftDeleteDays`: soft delete for blobs and containers (0 turns it off). */
  blobSoftDeleteDays: number;
  /** `logLevel`: `HL7GW_LOG_LEVEL` of every app. */
  logLevel: string;
  /** `scale`: per app. */
  scale: Record<AppName, AppScale>;
  /** `corsAllowedOrigins`: browser origins allowed to call the HTTP apps. */
  corsAllowedOrigins: string[];
  /** `allowedIpRanges`: CIDR ranges of trusted lab networks; empty allows any address. */
  allowedIpRanges: string[];
  /** `privateNetworking`: VNet integration and private endpoints. */
  privateNetworking: { enabled: boolean; addressSpace: string };
  /** `apiManagement`: API Management in front of ingest with a global rate limit. */
  apiManagement: {
    enabled: boolean;
    publisherEmail: string;
    publisherName: string;
    rateLimitCalls: number;
    rateLimitPeriodSeconds: number;
  };
  /** `defender`: Microsoft Defender for Cloud plans for App Service, Storage and Key Vault. */
  defender: boolean;
  /** `hipaaPolicy`: assign the built-in HIPAA/HITRUST initiative to the resource group. */
  hipaaPolicy: boolean;
  /** `budgetMonthlyAmount`: the resource group's monthly budget, in the billing currency. */
  budgetMonthlyAmount: number;
  /** `budgetStartDate`: first day of the month the budget counts from (`YYYY-MM-01`). */
  budgetStartDate: string;
  /** `alertEmails`: who the action group mails for alerts and budget thresholds. */
  alertEmails: string[];
}

/** The defaults every stack starts from; a stack file overrides what differs. */
export const SETTINGS_DEFAULTS: Omit<StackSettings, 'environment' | 'owner' | 'costCentre'> = {
  location: 'westeurope',
  hosting: 'flex',
  premiumSku: 'EP1',
  zoneRedundant: false,
  storageSku: 'Standard_LRS',
  serviceBusSku: 'Standard',
  serviceBusCapacity: 1,
  logRetentionDays: 30,
  rawRetentionDays: 30,
  rawCoolAfterDays: 7,
  // The inbound queue and the results topic keep messages 14 days (config/servicebus.json).
  claimRetentionDays: 15,
  parkedRetentionDays: 90,
  // HIPAA asks for six years of audit records.
  auditRetentionDays: 2190,
  blobSoftDeleteDays: 7,
  logLevel: 'info',
  scale: {
    ingest: { maximumInstanceCount: 40, alwaysReadyInstances: 0 },
    processor: { maximumInstanceCount: 40, alwaysReadyInstances: 0 },
    deadletter: { maximumInstanceCount: 10, alwaysReadyInstances: 0 },
  },
  corsAllowedOrigins: [],
  allowedIpRanges: [],
  privateNetworking: { enabled: false, addressSpace: '10.40.0.0/16' },
  apiManagement: {
    enabled: false,
    publisherEmail: '',
    publisherName: 'HL7 Results Gateway',
    rateLimitCalls: 6000,
    rateLimitPeriodSeconds: 60,
  },
  defender: false,
  hipaaPolicy: false,
  budgetMonthlyAmount: 500,
  budgetStartDate: '2026-01-01',
  alertEmails: [],
};

/** A stack setting that is missing or malformed; the message names the key. */
export class SettingsError extends Error {
  /** The configuration key at fault, e.g. `hl7gw:storageSku`. */
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`hl7gw:${key} ${problem}`);
    this.name = 'SettingsError';
    this.key = `hl7gw:${key}`;
  }
}

/** Reads one key of the `hl7gw` namespace: a string, or a parsed JSON object for objects. */
export type ConfigLookup = (key: string) => unknown;

/**
 * Builds the settings from a stack's configuration. Throws `SettingsError` naming the first
 * key that is missing or malformed.
 */
export function parseSettings(get: ConfigLookup): StackSettings {
  const d = SETTINGS_DEFAULTS;
  const settings: StackSettings = {
    environment: oneOf(get, 'environment', ['dev', 'staging', 'prod'] as const, undefined),
    location: text(get, 'location', d.location),
    owner: text(get, 'owner', undefined),
    costCentre: text(get, 'costCentre', undefined),
    hosting: oneOf(get, 'hosting', ['flex', 'premium'] as const, d.hosting),
    premiumSku: oneOf(get, 'premiumSku', ['EP1', 'EP2', 'EP3'] as const, d.premiumSku),
    zoneRedundant: bool(get, 'zoneRedundant', d.zoneRedundant),
    storageSku: oneOf(
      get,
      'storageSku',
      ['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGZRS'] as const,
      d.storageSku,
    ),
    serviceBusSku: oneOf(get, 'serviceBusSku', ['Standard', 'Premium'] as const, d.serviceBusSku),
    serviceBusCapacity: integer(get, 'serviceBusCapacity', d.serviceBusCapacity, 1, 16),
    logRetentionDays: integer(get, 'logRetentionDays', d.logRetentionDays, 30, 730),
    rawRetentionDays: integer(get, 'rawRetentionDays', d.rawRetentionDays, 1, 3650),
    rawCoolAfterDays: integer(get, 'rawCoolAfterDays', d.rawCoolAfterDays, 1, 3650),
    claimRetentionDays: integer(get, 'claimRetentionDays', d.claimRetentionDays, 15, 3650),
    parkedRetentionDays: integer(get, 'parkedRetentionDays', d.parkedRetentionDays, 1, 3650),
    auditRetentionDays: integer(get, 'auditRetentionDays', d.auditRetentionDays, 1, 146000),
    blobSoftDeleteDays: integer(get, 'blobSoftDeleteDays', d.blobSoftDeleteDays, 0, 365),
    logLevel: oneOf(
      get,
      'logLevel',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    scale: scale(get),
    corsAllowedOrigins: strings(get, 'corsAllowedOrigins', d.corsAllowedOrigins, /^https:\/\/\S+$/),
    allowedIpRanges: strings(get, 'allowedIpRanges', d.allowedIpRanges, CIDR),
    privateNetworking: privateNetworking(get),
    apiManagement: apiManagement(get),
    defender: bool(get, 'defender', d.defender),
    hipaaPolicy: bool(get, 'hipaaPolicy', d.hipaaPolicy),
    budgetMonthlyAmount: integer(get, 'budgetMonthlyAmount', d.budgetMonthlyAmount, 1, 10_000_000),
    budgetStartDate: text(get, 'budgetStartDate', d.budgetStartDate),
    alertEmails: strings(get, 'alertEmails', d.alertEmails, /^[^\s@]+@[^\s@]+$/),
  };

  if (!/^\d{4}-\d{2}-01$/.test(settings.budgetStartDate)) {
    throw new SettingsError('budgetStartDate', 'must be the first day of a month, YYYY-MM-01');
  }

  if (settings.rawCoolAfterDays >= settings.rawRetentionDays) {
    throw new SettingsError('rawCoolAfterDays', 'must be below rawRetentionDays');
  }
  if (settings.serviceBusSku === 'Standard' && settings.zoneRedundant) {
    throw new SettingsError('zoneRedundant', 'needs serviceBusSku Premium');
  }
  if (settings.hosting === 'flex' && settings.privateNetworking.enabled) {
    // Flex Consumption supports VNet integration, but the subnet must be delegated
    // differently; this program wires the Premium shape only.
    throw new SettingsError('privateNetworking', 'needs hosting premium');
  }
  if (settings.privateNetworking.enabled && settings.serviceBusSku !== 'Premium') {
    // Service Bus private endpoints exist on Premium only.
    throw new SettingsError('privateNetworking', 'needs serviceBusSku Premium');
  }
  return settings;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

function raw(get: ConfigLookup, key: string): unknown {
  const value = get(key);
  return value === '' ? undefined : value;
}

function text(get: ConfigLookup, key: string, fallback: string | undefined): string {
  const value = raw(get, key) ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SettingsError(key, 'is required');
  }
  return value.trim();
}

function oneOf<const T extends readonly string[]>(
  get: ConfigLookup,
  key: string,
  allowed: T,
  fallback: T[number] | undefined,
): T[number] {
  const value = text(get, key, fallback);
  if (!allowed.includes(value))
    throw new SettingsError(key, `must be one of ${allowed.join(', ')}`);
  return value as T[number];
}

function bool(get: ConfigLookup, key: string, fallback: boolean): boolean {
  const value = raw(get, key);
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingsError(key, 'must be true or false');
}

function toInteger(key: string, value: unknown, min: number, max: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(key, `must be an integer from ${min} to ${max}`);
  }
  return number;
}

function integer(get: ConfigLookup, key: string, fallback: number, min: number, max: number) {
  return toInteger(key, raw(get, key) ?? fallback, min, max);
}

function object(get: ConfigLookup, key: string): Record<string, unknown> | undefined {
  let value = raw(get, key);
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new SettingsError(key, 'must be an object');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SettingsError(key, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function strings(get: ConfigLookup, key: string, fallback: string[], pattern: RegExp): string[] {
  let value = raw(get, key) ?? fallback;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new SettingsError(key, 'must be a list');
    }
  }
  if (!Array.isArray(value)) throw new SettingsError(key, 'must be a list');
  for (const item of value) {
    if (typeof item !== 'string' || !pattern.test(item)) {
      throw new SettingsError(key, `has an entry that does not match ${String(pattern)}`);
    }
  }
  return value as string[];
}

function scale(get: ConfigLookup): Record<AppName, AppScale> {
  const given = object(get, 'scale') ?? {};
  const unknown = Object.keys(given).filter(
    (name) => !(APP_NAMES as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new SettingsError('scale', `names unknown apps: ${unknown.join(', ')}`);

  const result = {} as Record<AppName, AppScale>;
  for (const name of APP_NAMES) {
    const fallback = SETTINGS_DEFAULTS.scale[name];
    const entry = (given[name] ?? {}) as Record<string, unknown>;
    const key = `scale.${name}`;
    result[name] = {
      maximumInstanceCount: toInteger(
        `${key}.maximumInstanceCount`,
        entry.maximumInstanceCount ?? fallback.maximumInstanceCount,
        1,
        1000,
      ),
      alwaysReadyInstances: toInteger(
        `${key}.alwaysReadyInstances`,
        entry.alwaysReadyInstances ?? fallback.alwaysReadyInstances,
        0,
        20,
      ),
    };
    if (result[name].alwaysReadyInstances > result[name].maximumInstanceCount) {
      throw new SettingsError(
        `${key}.alwaysReadyInstances`,
        'must not exceed maximumInstanceCount',
      );
    }
  }
  return result;
}

function privateNetworking(get: ConfigLookup): StackSettings['privateNetworking'] {
  const fallback = SETTINGS_DEFAULTS.privateNetworking;
  const given = object(get, 'privateNetworking') ?? {};
  const addressSpace = given.addressSpace ?? fallback.addressSpace;
  if (typeof addressSpace !== 'string' || !CIDR.test(addressSpace)) {
    throw new SettingsError('privateNetworking.addressSpace', 'must be a CIDR range');
  }
  return { enabled: given.enabled === true, addressSpace };
}

function apiManagement(get: ConfigLookup): StackSettings['apiManagement'] {
  const fallback = SETTINGS_DEFAULTS.apiManagement;
  const given = object(get, 'apiManagement') ?? {};
  const enabled = given.enabled === true;
  const publisherEmail = String(given.publisherEmail ?? fallback.publisherEmail);
  if (enabled && !/^\S+@\S+$/.test(publisherEmail)) {
    throw new SettingsError('apiManagement.publisherEmail', 'is required when enabled');
  }
  return {
    enabled,
    publisherEmail,
    publisherName: String(given.publisherName ?? fallback.publisherName),
    rateLimitCalls: toInteger(
      'apiManagement.rateLimitCalls',
      given.rateLimitCalls ?? fallback.rateLimitCalls,
      1,
      1_000_000,
    ),
    rateLimitPeriodSeconds: toInteger(
      'apiManagement.rateLimitPeriodSeconds',
      given.rateLimitPeriodSeconds ?? fallback.rateLimitPeriodSeconds,
      1,
      300,
    ),
  };
}
