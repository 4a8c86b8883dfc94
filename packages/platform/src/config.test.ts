import { describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS, ConfigError, parseConfig } from './config.js';

const LOCAL_BUS =
  'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true';
const LOCAL_STORAGE = 'UseDevelopmentStorage=true';
const LOCAL = { ServiceBusConnection: LOCAL_BUS, AzureWebJobsStorage: LOCAL_STORAGE };

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('parseConfig', () => {
  it('applies the named defaults to a local environment', () => {
    const config = parseConfig(LOCAL);

    expect(config).toEqual({
      environment: 'local',
      logLevel: 'info',
      serviceBus: { kind: 'connection-string', connectionString: LOCAL_BUS },
      storage: { kind: 'connection-string', connectionString: LOCAL_STORAGE },
      entities: { inboundQueue: 'hl7-inbound', resultsTopic: 'hl7-results' },
      claimCheckThresholdBytes: 196_608,
      maxMessageBytes: CONFIG_DEFAULTS.maxMessageBytes,
    });
  });

  it('reads every optional setting', () => {
    const config = parseConfig({
      ...LOCAL,
      HL7GW_ENVIRONMENT: 'test',
      HL7GW_LOG_LEVEL: 'DEBUG',
      HL7GW_INBOUND_QUEUE: 'inbound-2',
      HL7GW_RESULTS_TOPIC: 'results-2',
      HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: '1024',
      HL7GW_MAX_MESSAGE_BYTES: ' 2048 ',
      HL7GW_SESSION_HASH_KEY: 'k'.repeat(32),
    });

    expect(config).toMatchObject({
      environment: 'test',
      logLevel: 'debug',
      entities: { inboundQueue: 'inbound-2', resultsTopic: 'results-2' },
      claimCheckThresholdBytes: 1024,
      maxMessageBytes: 2048,
      sessionHashKey: 'k'.repeat(32),
    });
  });

  it('takes identity-based connections as Azure Functions names them', () => {
    const config = parseConfig({
      ServiceBusConnection__fullyQualifiedNamespace: 'gw-prod.servicebus.windows.net',
      ServiceBusConnection__clientId: 'client-1',
      AzureWebJobsStorage__accountName: 'gwprodstore',
    });

    expect(config.serviceBus).toEqual({
      kind: 'identity',
      fullyQualifiedNamespace: 'gw-prod.servicebus.windows.net',
      clientId: 'client-1',
    });
    expect(config.storage).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://gwprodstore.blob.core.windows.net',
      tableServiceUri: 'https://gwprodstore.table.core.windows.net',
    });
  });

  it('takes explicit storage service URIs', () => {
    const config = parseConfig({
      ServiceBusConnection: LOCAL_BUS,
      AzureWebJobsStorage__blobServiceUri: 'https://s.blob.core.windows.net/',
      AzureWebJobsStorage__tableServiceUri: 'https://s.table.core.windows.net',
    });

    expect(config.storage).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://s.blob.core.windows.net',
      tableServiceUri: 'https://s.table.core.windows.net',
    });
  });

  it.each([
    [{ AzureWebJobsStorage: LOCAL_STORAGE }, 'ServiceBusConnection'],
    [{ ServiceBusConnection: LOCAL_BUS }, 'AzureWebJobsStorage'],
    [{ ...LOCAL, ServiceBusConnection: 'not a connection string' }, 'ServiceBusConnection'],
    [
      { ...LOCAL, ServiceBusConnection__fullyQualifiedNamespace: 'x.servicebus.windows.net' },
      'ServiceBusConnection',
    ],
    [{ ...LOCAL, AzureWebJobsStorage: 'nonsense' }, 'AzureWebJobsStorage'],
    [
      { ServiceBusConnection: LOCAL_BUS, AzureWebJobsStorage__accountName: 'Bad_Name' },
      'AzureWebJobsStorage__accountName',
    ],
    [
      {
        ServiceBusConnection: LOCAL_BUS,
        AzureWebJobsStorage__blobServiceUri: 'https://s.blob.core.windows.net',
      },
      'AzureWebJobsStorage__tableServiceUri',
    ],
    [{ ...LOCAL, HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: '0' }, 'HL7GW_CLAIM_CHECK_THRESHOLD_BYTES'],
    [{ ...LOCAL, HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: '12kb' }, 'HL7GW_CLAIM_CHECK_THRESHOLD_BYTES'],
    [{ ...LOCAL, HL7GW_MAX_MESSAGE_BYTES: '-5' }, 'HL7GW_MAX_MESSAGE_BYTES'],
    [{ ...LOCAL, HL7GW_LOG_LEVEL: 'verbose' }, 'HL7GW_LOG_LEVEL'],
    [{ ...LOCAL, HL7GW_INBOUND_QUEUE: 'bad name' }, 'HL7GW_INBOUND_QUEUE'],
    [{ ...LOCAL, HL7GW_SESSION_HASH_KEY: 'short' }, 'HL7GW_SESSION_HASH_KEY'],
  ])('fails fast naming the setting at fault (%#)', (env, setting) => {
    const error = configError(env);

    expect(error.setting).toBe(setting);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message.startsWith(setting)).toBe(true);
  });

  it('says what a positive integer setting must be, without echoing the value', () => {
    const error = configError({ ...LOCAL, HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: 'lots' });

    expect(error.message).toBe('HL7GW_CLAIM_CHECK_THRESHOLD_BYTES must be a positive integer');
  });

  it('never echoes a connection string, which holds a key', () => {
    const error = configError({ ...LOCAL, ServiceBusConnection: 'SharedAccessKey=s3cret' });

    expect(error.message).not.toContain('s3cret');
  });

  it('treats blank settings as unset', () => {
    const config = parseConfig({ ...LOCAL, HL7GW_LOG_LEVEL: '  ', HL7GW_ENVIRONMENT: '' });

    expect(config.logLevel).toBe('info');
    expect(config.environment).toBe('local');
  });
});
