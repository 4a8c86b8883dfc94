/**
 * The ingest app on the local host's real HTTP path, for a test file: the built
 * `dist/functions.js` loaded into `createHost`, a real Azurite and the real broker serving
 * the gateway's `config/servicebus.json`, and helpers that call the API and read what
 * reached `hl7-inbound` through the real `@azure/service-bus` client.
 *
 * The app builds its deps from `process.env` once per process, so one host per test file.
 */
import { decodeInbound, patientSessionId, type ReceivedInbound } from '@hl7gw/platform';
import { createHost, silentHostLog, type LocalHost } from '@hl7gw/local-host';

import { applyEnv, startTestPlatform, TEST_API_KEY, type TestPlatform } from './platform.js';

/** The HL7 media type. */
export const ER7 = 'x-application/hl7-v2+er7';

const FUNCTIONS = new URL('../../dist/functions.js', import.meta.url);

/** A running ingest host and ways to talk to it. */
export interface IngestHost {
  platform: TestPlatform;
  host: LocalHost;
  /** Posts with the API key and the HL7 content type unless `headers` overrides them. */
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
  /** Gets with the API key unless `headers` overrides it. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** The session id ingest gives a fixture patient (PID-3.4 `NHS`). */
  sessionOf(patientId: string, facility?: string): string;
  /**
   * Receives and completes a patient's session messages in order: `expected` of them within
   * a deadline, then waits `extraWaitMs` more to catch any beyond it.
   */
  drainSession(
    patientId: string,
    expected: number,
    extraWaitMs?: number,
  ): Promise<ReceivedInbound[]>;
  stop(): Promise<void>;
}

/** Starts the platform with `env` added to the app's settings, then the host. */
export async function startIngestHost(env: Record<string, string> = {}): Promise<IngestHost> {
  const platform = await startTestPlatform(env);
  const restoreEnv = applyEnv(platform.env);
  const host = createHost({ port: 0, log: silentHostLog });
  await host.load(FUNCTIONS);
  await host.start();
  const base = host.baseUrl as string;

  function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': ER7, ...headers },
      body,
    });
  }

  function get(path: string, headers: Record<string, string> = {}) {
    return fetch(`${base}${path}`, { headers: { 'x-api-key': TEST_API_KEY, ...headers } });
  }

  function sessionOf(patientId: string, facility = 'RIVERSIDE'): string {
    return patientSessionId(
      { sendingFacility: facility, patientId, assigningAuthority: 'NHS' },
      { fallback: 'unused' },
    );
  }

  async function drainSession(
    patientId: string,
    expected: number,
    extraWaitMs = 300,
  ): Promise<ReceivedInbound[]> {
    const receiver = await platform.bus.acceptSession(sessionOf(patientId));
    const deadline = Date.now() + 10_000;
    try {
      const received: ReceivedInbound[] = [];
      const take = async (count: number, maxWaitTimeInMs: number) => {
        const batch = await receiver.receiveMessages(count, { maxWaitTimeInMs });
        for (const message of batch) {
          received.push(decodeInbound(message));
          await receiver.completeMessage(message);
        }
        return batch.length;
      };
      while (received.length < expected && Date.now() < deadline) {
        await take(expected - received.length, deadline - Date.now());
      }
      while ((await take(10, extraWaitMs)) > 0);
      return received;
    } finally {
      await receiver.close();
    }
  }

  return {
    platform,
    host,
    post,
    get,
    sessionOf,
    drainSession,
    async stop() {
      await host.stop();
      await platform.stop();
      restoreEnv();
    },
  };
}
