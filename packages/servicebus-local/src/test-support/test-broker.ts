/**
 * Starting a broker for a test file: a fresh data directory, an ephemeral port, the test
 * entities below, and the real `@azure/service-bus` client pointed at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceBusClient } from '@azure/service-bus';

import { startBroker, type RunningBroker } from '../broker.js';
import { loadConfig } from '../config.js';

/** Entities with a 2-second lock so expiry tests stay short. */
export const TEST_CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'test',
        Queues: [
          {
            Name: 'work',
            Properties: {
              LockDuration: 'PT2S',
              MaxDeliveryCount: 3,
              DefaultMessageTimeToLive: 'PT1H',
              DeadLetteringOnMessageExpiration: true,
            },
          },
          {
            Name: 'dedup',
            Properties: {
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: 'PT10M',
            },
          },
          {
            Name: 'sessions',
            Properties: { RequiresSession: true, LockDuration: 'PT2S', MaxDeliveryCount: 5 },
          },
          {
            Name: 'expiring',
            Properties: {
              DefaultMessageTimeToLive: 'PT1S',
              DeadLetteringOnMessageExpiration: true,
            },
          },
        ],
        Topics: [
          {
            Name: 'results',
            Properties: {},
            Subscriptions: [
              { Name: 'everything', Properties: {} },
              {
                Name: 'abnormal',
                Properties: {},
                Rules: [
                  {
                    Name: 'abnormal-only',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: { SqlExpression: 'abnormal = TRUE' },
                    },
                  },
                ],
              },
              {
                Name: 'facility-a',
                Properties: {},
                Rules: [
                  {
                    Name: 'facility-a',
                    Properties: {
                      FilterType: 'Correlation',
                      CorrelationFilter: { Properties: { sendingFacility: 'A' } },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

/** A broker and a client for one test file; `stop` closes both and removes the data. */
export interface TestBroker {
  readonly broker: RunningBroker;
  readonly client: ServiceBusClient;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts a broker on a fresh data directory with `TEST_CONFIG`. */
export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'servicebus-local-'));
  const broker = await startBroker({
    config: loadConfig(JSON.stringify(TEST_CONFIG)),
    dataDir,
    housekeepingIntervalMs: 100,
  });
  const client = new ServiceBusClient(broker.connectionString, {
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, timeoutInMs: 10_000 },
  });
  return {
    broker,
    client,
    dataDir,
    stop: async () => {
      await client.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
