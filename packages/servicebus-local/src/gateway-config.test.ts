import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBroker, type RunningBroker } from './broker.js';
import { loadConfig } from './config.js';

const configFile = join(dirname(fileURLToPath(import.meta.url)), '../../../config/servicebus.json');

describe("the gateway's own entity file", () => {
  let broker: RunningBroker;
  let client: ServiceBusClient;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'servicebus-local-gateway-'));
    broker = await startBroker({ config: loadConfig(readFileSync(configFile, 'utf8')), dataDir });
    client = new ServiceBusClient(broker.connectionString);
  });
  afterAll(async () => {
    await client.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves hl7-inbound with sessions and duplicate detection', async () => {
    const sender = client.createSender('hl7-inbound');
    await sender.sendMessages({ body: 'ORU', messageId: 'dup', sessionId: 'facility|patient' });
    await sender.sendMessages({
      body: 'ORU again',
      messageId: 'dup',
      sessionId: 'facility|patient',
    });
    const receiver = await client.acceptNextSession('hl7-inbound', {
      receiveMode: 'receiveAndDelete',
    });
    expect(receiver.sessionId).toBe('facility|patient');
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 });
    expect(messages.map((m) => m.body)).toEqual(['ORU']);
    await receiver.close();
    await sender.close();
  });

  it('fans hl7-results out to integrators (everything) and abnormal (abnormal = true)', async () => {
    const sender = client.createSender('hl7-results');
    await sender.sendMessages([
      { body: 'normal', applicationProperties: { abnormal: false } },
      { body: 'abnormal', applicationProperties: { abnormal: true } },
    ]);
    const read = async (subscription: string): Promise<unknown[]> => {
      const receiver = client.createReceiver('hl7-results', subscription, {
        receiveMode: 'receiveAndDelete',
      });
      const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 });
      await receiver.close();
      return messages.map((m) => m.body);
    };
    expect(await read('integrators')).toEqual(['normal', 'abnormal']);
    expect(await read('abnormal')).toEqual(['abnormal']);
    await sender.close();
  });
});
