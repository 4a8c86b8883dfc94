import { HttpRequest, InvocationContext } from '@azure/functions';
import { auditBlobService, newGatewayId, readAuditLine } from '@hl7gw/platform';
import {
  captureLogs,
  FAST_STORAGE_RETRY,
  startAzurite,
  type RunningAzurite,
} from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDeps } from '../deps.js';
import { oru } from '../test-support/messages.js';
import { createGetDeadLetter } from './get-dead-letter.js';
import { createParkInboundDeadLetter } from './park-inbound-dead-letter.js';

// The bus is never reached by these handlers; a connection string is still required.
const UNUSED_BUS =
  'Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';
const API_KEY = 'handler-test-key';
const RAW = oru('HT-0001', 'CARDIFF LAB', '');

function deadLetterContext(id: string): InvocationContext {
  return new InvocationContext({
    invocationId: 'test',
    triggerMetadata: {
      messageId: 'bus-1',
      correlationId: id,
      deliveryCount: 1,
      deadLetterReason: 'VALIDATION_FAILED',
      deadLetterErrorDescription: 'PID-3 is required',
      applicationProperties: {
        messageType: 'ORU^R01',
        sendingApplication: 'WINPATH',
        sendingFacility: 'CARDIFF LAB',
        controlId: 12345,
        replayCount: 0,
      },
    },
  });
}

function envelope(id: string) {
  return {
    v: 1,
    id,
    receivedAt: new Date().toISOString(),
    source: { clientId: 'test', channel: 'http' },
    raw: RAW,
  };
}

describe('the inbound dead-letter handler', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 30_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  it('parks, logs a count line and writes an audit entry, none carrying content', async () => {
    const logs = captureLogs('info');
    const deps = createDeps(
      {
        AzureWebJobsStorage: azurite.connectionString,
        ServiceBusConnection: UNUSED_BUS,
        HL7GW_DEV_API_KEY: API_KEY,
      },
      { logger: logs.logger, storageRetry: FAST_STORAGE_RETRY },
    );
    const id = newGatewayId();

    await createParkInboundDeadLetter(deps)(envelope(id), deadLetterContext(id));
    expect(await deps.parked.get(id)).toMatchObject({ category: 'validation', controlId: '12345' });

    const read = await createGetDeadLetter(deps)(
      new HttpRequest({
        method: 'GET',
        url: `http://127.0.0.1/api/v1/deadletters/${id}?include=raw`,
        headers: { 'x-api-key': API_KEY },
        params: { id },
      }),
      new InvocationContext({ invocationId: 'read' }),
    );
    expect(read.status).toBe(200);
    expect((read.jsonBody as { raw: string }).raw).toBe(RAW);

    const lines = logs.lines();
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'dead letter parked', category: 'validation' }),
    );
    const audit = auditBlobService({
      kind: 'connection-string',
      connectionString: azurite.connectionString,
    }).getContainerClient('hl7gw-audit');
    let trail = '';
    for await (const blob of audit.listBlobsFlat({ prefix: 'audit/' })) {
      trail += (await audit.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    }
    const entries = trail
      .split('\n')
      .filter(Boolean)
      .map((line) => readAuditLine(line));
    expect(entries).toContainEqual({
      entry: expect.objectContaining({
        action: 'deadletter.raw.read',
        actor: 'dev',
        resource: id,
        outcome: 'success',
      }),
    });
    for (const phi of ['Prawf', 'Angharad', '19870412', 'MSH|']) {
      expect(logs.text()).not.toContain(phi);
      expect(trail).not.toContain(phi);
    }
  });

  it('throws a retryable error when storage is down, so the bus delivers it again', async () => {
    const deps = createDeps(
      {
        AzureWebJobsStorage:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;' +
          'BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;',
        ServiceBusConnection: UNUSED_BUS,
      },
      { logger: captureLogs().logger, storageRetry: FAST_STORAGE_RETRY },
    );
    const id = newGatewayId();

    await expect(
      createParkInboundDeadLetter(deps)(envelope(id), deadLetterContext(id)),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', retryable: true });
  });
});
