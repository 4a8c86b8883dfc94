/**
 * The Service Bus broker for a host test file: a fresh data directory, an ephemeral port,
 * the given `Config.json` entities, and a real `@azure/service-bus` client on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { loadConfig, startBroker } from '@hl7gw/servicebus-local';

/** A running broker and a client for sending and peeking. */
export interface TestBroker {
  connectionString: string;
  client: ServiceBusClient;
  /** Peeks up to 50 messages of a queue, or of its dead-letter queue. */
  peek(queueName: string, deadLetter?: boolean): Promise<ServiceBusReceivedMessage[]>;
  stop(): Promise<void>;
}

/** Starts a broker serving `config` (the emulator's `Config.json` shape). */
export async function startTestBroker(config: object): Promise<TestBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-host-bus-'));
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    config: loadConfig(JSON.stringify(config)),
    dataDir,
  });
  const client = new ServiceBusClient(broker.connectionString);

  return {
    connectionString: broker.connectionString,
    client,
    async peek(queueName, deadLetter = false) {
      const receiver = client.createReceiver(queueName, {
        subQueueType: deadLetter ? 'deadLetter' : undefined,
      });
      try {
        return await receiver.peekMessages(50);
      } finally {
        await receiver.close();
      }
    },
    async stop() {
      await client.close();
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
