/**
 * The gateway's configuration: one typed object parsed once at start-up from environment
 * variables, with named defaults, that fails fast naming the setting at fault.
 *
 * Connection settings follow the Azure Functions conventions so the same names work in
 * Azure (identity-based, `<name>__fullyQualifiedNamespace`, `<name>__accountName`, ...) and
 * on one machine (a connection string to the local broker and Azurite).
 */
import { PlatformError } from './errors.js';

/** The `ServiceBusConnection` setting and its identity-based variants. */
export const SERVICE_BUS_SETTING = 'ServiceBusConnection';
/** The `AzureWebJobsStorage` setting and its identity-based variants. */
export const STORAGE_SETTING = 'AzureWebJobsStorage';

/** Named defaults for every optional setting. */
export const CONFIG_DEFAULTS = {
  environment: 'local',
  logLevel: 'info',
  inboundQueue: 'hl7-inbound',
  resultsTopic: 'hl7-results',
  // Below Service Bus Standard's 256 KB message limit, leaving room for properties.
  claimCheckThresholdBytes: 192 * 1024,
  maxMessageBytes: 10 * 1024 * 1024,
} as const;

/** The pino log levels the gateway accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How to reach Service Bus: a connection string, or a namespace and a managed identity. */
export type ServiceBusConnection =
  | { kind: 'connection-string'; connectionString: string }
  | { kind: 'identity'; fullyQualifiedNamespace: string; clientId?: string };

/** How to reach storage: a connection string, or service URLs and a managed identity. */
export type StorageConnection =
  | { kind: 'connection-string'; connectionString: string }
  | { kind: 'identity'; blobServiceUri: string; tableServiceUri: string; clientId?: string };

/** The typed configuration every app receives in its `Deps`. */
export interface GatewayConfig {
  /** `HL7GW_ENVIRONMENT`: a label such as `local`, `test`, `prod`, carried into logs. */
  environment: string;
  /** `HL7GW_LOG_LEVEL`. */
  logLevel: LogLevel;
  /** `ServiceBusConnection` or `ServiceBusConnection__fullyQualifiedNamespace`. */
  serviceBus: ServiceBusConnection;
  /** `AzureWebJobsStorage` or its `__accountName` / `__blobServiceUri` variants. */
  storage: StorageConnection;
  /** Bus entity names. */
  entities: {
    /** `HL7GW_INBOUND_QUEUE`: the session-enabled inbound queue. */
    inboundQueue: string;
    /** `HL7GW_RESULTS_TOPIC`: the topic results are published to. */
    resultsTopic: string;
  };
  /** `HL7GW_CLAIM_CHECK_THRESHOLD_BYTES`: raw messages larger than this go to blob storage. */
  claimCheckThresholdBytes: number;
  /** `HL7GW_MAX_MESSAGE_BYTES`: the largest single HL7 message the gateway accepts. */
  maxMessageBytes: number;
  /**
   * `HL7GW_SESSION_HASH_KEY`: the secret keying the patient session hash (see `hash.ts`);
   * absent locally, required in spirit wherever real patient data flows.
   */
  sessionHashKey?: string;
}

/** The environment as `process.env` presents it. */
export type Environment = Record<string, string | undefined>;

/** The configuration error: a `PlatformError` with code `CONFIG_INVALID` naming its setting. */
export class ConfigError extends PlatformError {
  /** The environment variable at fault. */
  readonly setting: string;

  constructor(setting: string, problem: string) {
    super('CONFIG_INVALID', `${setting} ${problem}`);
    this.setting = setting;
  }
}

/**
 * Reads the gateway configuration from `env`. Call once at start-up and pass the result
 * down. Throws `ConfigError` (code `CONFIG_INVALID`) naming the first setting that is
 * missing or malformed; values are never echoed, since some are secrets.
 */
export function parseConfig(env: Environment): GatewayConfig {
  const claimCheckThresholdBytes = positiveInteger(
    env,
    'HL7GW_CLAIM_CHECK_THRESHOLD_BYTES',
    CONFIG_DEFAULTS.claimCheckThresholdBytes,
  );
  const maxMessageBytes = positiveInteger(
    env,
    'HL7GW_MAX_MESSAGE_BYTES',
    CONFIG_DEFAULTS.maxMessageBytes,
  );

  const sessionHashKey = text(env, 'HL7GW_SESSION_HASH_KEY');
  if (sessionHashKey !== undefined && sessionHashKey.length < 32) {
    throw new ConfigError('HL7GW_SESSION_HASH_KEY', 'must be at least 32 characters');
  }

  return {
    environment: text(env, 'HL7GW_ENVIRONMENT') ?? CONFIG_DEFAULTS.environment,
    logLevel: logLevel(env),
    serviceBus: serviceBusConnection(env),
    storage: storageConnection(env),
    entities: {
      inboundQueue: entityName(env, 'HL7GW_INBOUND_QUEUE', CONFIG_DEFAULTS.inboundQueue),
      resultsTopic: entityName(env, 'HL7GW_RESULTS_TOPIC', CONFIG_DEFAULTS.resultsTopic),
    },
    claimCheckThresholdBytes,
    maxMessageBytes,
    ...(sessionHashKey === undefined ? {} : { sessionHashKey }),
  };
}

function serviceBusConnection(env: Environment): ServiceBusConnection {
  const connectionString = text(env, SERVICE_BUS_SETTING);
  const namespaceSetting = `${SERVICE_BUS_SETTING}__fullyQualifiedNamespace`;
  const namespace = text(env, namespaceSetting);

  if (connectionString !== undefined && namespace !== undefined) {
    throw new ConfigError(SERVICE_BUS_SETTING, `and ${namespaceSetting} are both set; set one`);
  }
  if (connectionString !== undefined) {
    if (!/(^|;)\s*Endpoint\s*=/i.test(connectionString)) {
      throw new ConfigError(SERVICE_BUS_SETTING, 'must be a connection string with an Endpoint');
    }
    return { kind: 'connection-string', connectionString };
  }
  if (namespace !== undefined) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(namespace)) {
      throw new ConfigError(
        namespaceSetting,
        'must be a host name such as ns.servicebus.windows.net',
      );
    }
    return withClientId(
      { kind: 'identity', fullyQualifiedNamespace: namespace },
      text(env, `${SERVICE_BUS_SETTING}__clientId`),
    );
  }
  throw new ConfigError(SERVICE_BUS_SETTING, `(or ${namespaceSetting}) is required`);
}

/**
 * Reads only the storage connection (`AzureWebJobsStorage` or its identity-based
 * variants), for tools such as `hl7gw audit verify` that need nothing else. Throws
 * `ConfigError` naming the setting at fault.
 */
export function parseStorageConnection(env: Environment): StorageConnection {
  return storageConnection(env);
}

function storageConnection(env: Environment): StorageConnection {
  const connectionString = text(env, STORAGE_SETTING);
  const accountName = text(env, `${STORAGE_SETTING}__accountName`);
  const blobServiceUri = url(env, `${STORAGE_SETTING}__blobServiceUri`);
  const tableServiceUri = url(env, `${STORAGE_SETTING}__tableServiceUri`);
  const clientId = text(env, `${STORAGE_SETTING}__clientId`);
  const identityBased = accountName ?? blobServiceUri ?? tableServiceUri;

  if (connectionString !== undefined && identityBased !== undefined) {
    throw new ConfigError(STORAGE_SETTING, 'and its identity-based __ settings are both set');
  }
  if (connectionString !== undefined) {
    if (!/(AccountName|BlobEndpoint|UseDevelopmentStorage)\s*=/i.test(connectionString)) {
      throw new ConfigError(STORAGE_SETTING, 'must be a storage connection string');
    }
    return { kind: 'connection-string', connectionString };
  }
  if (accountName !== undefined) {
    if (!/^[a-z0-9]{3,24}$/.test(accountName)) {
      throw new ConfigError(`${STORAGE_SETTING}__accountName`, 'must be a storage account name');
    }
    const blob = blobServiceUri ?? `https://${accountName}.blob.core.windows.net`;
    const table = tableServiceUri ?? `https://${accountName}.table.core.windows.net`;
    return withClientId(
      { kind: 'identity', blobServiceUri: blob, tableServiceUri: table },
      clientId,
    );
  }
  if (blobServiceUri !== undefined || tableServiceUri !== undefined) {
    const missing = blobServiceUri === undefined ? 'blobServiceUri' : 'tableServiceUri';
    if (blobServiceUri === undefined || tableServiceUri === undefined) {
      throw new ConfigError(`${STORAGE_SETTING}__${missing}`, 'is required with the other URI');
    }
    return withClientId({ kind: 'identity', blobServiceUri, tableServiceUri }, clientId);
  }
  throw new ConfigError(STORAGE_SETTING, `(or ${STORAGE_SETTING}__accountName) is required`);
}

function withClientId<T extends object>(connection: T, clientId: string | undefined): T {
  return clientId === undefined ? connection : { ...connection, clientId };
}

/** A trimmed value, or undefined when the variable is unset or blank. */
function text(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(name, 'must be a positive integer');
  }
  return Number(value);
}

function logLevel(env: Environment): LogLevel {
  const value = text(env, 'HL7GW_LOG_LEVEL')?.toLowerCase() ?? CONFIG_DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('HL7GW_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return value as LogLevel;
}

/** Service Bus entity names: letters, digits, `.`, `-`, `_`, up to 260 characters. */
function entityName(env: Environment, name: string, fallback: string): string {
  const value = text(env, name) ?? fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/.test(value)) {
    throw new ConfigError(name, 'must be a Service Bus entity name (letters, digits, . - _)');
  }
  return value;
}

function url(env: Environment, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(value)) throw new ConfigError(name, 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}
