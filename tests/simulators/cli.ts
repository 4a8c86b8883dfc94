/**
 * `pnpm sim <name> [options]` (from `tests/`): runs one simulator on its own until Ctrl-C,
 * and prints where it listens. Scripting from another process goes through the HTTP
 * simulators' `/_sim/` control API, and the HIE's control port (`--control-port`).
 *
 *   pnpm sim ehr     --port 8081 [--outage-mode reset]
 *   pnpm sim webhook --port 8082 --secret <32+ chars> [--tolerance-ms 300000]
 *   pnpm sim hie     --port 2575 [--ack AA|AE|AR] [--tls-key k.pem --tls-cert c.pem [--tls-ca ca.pem]] [--control-port 8083]
 *   pnpm sim audit   --port 8084
 *   pnpm sim lis     --api http://127.0.0.1:7071/api --api-key KEY [--batch 10] --rate 100 (--count N | --duration-ms MS)
 *                    [--corpus ../../shared/corpus] [--mllp host:port]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { startAuditSink } from './audit-sink.js';
import { startEhrSimulator } from './ehr-fhir.js';
import { startHieSimulator, type HieAnswer } from './hie-mllp.js';
import { runLis, type LisSource, type LisTarget } from './lis-sender.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string' },
    'tolerance-ms': { type: 'string' },
    'outage-mode': { type: 'string' },
    ack: { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-ca': { type: 'string' },
    'control-port': { type: 'string' },
    api: { type: 'string' },
    'api-key': { type: 'string' },
    mllp: { type: 'string' },
    batch: { type: 'string' },
    rate: { type: 'string', default: '60' },
    count: { type: 'string' },
    'duration-ms': { type: 'string' },
    corpus: { type: 'string' },
  },
});

const listen = { port: Number(values.port), host: values.host };

async function main(name: string | undefined): Promise<(() => Promise<void>) | undefined> {
  switch (name) {
    case 'ehr': {
      const sim = await startEhrSimulator({
        ...listen,
        outageMode: values['outage-mode'] === 'reset' ? 'reset' : 'status',
      });
      console.log(`EHR FHIR endpoint: ${sim.url} (control: ${sim.origin}/_sim/)`);
      return sim.stop;
    }
    case 'webhook': {
      if (values.secret === undefined) throw new Error('--secret is required');
      const sim = await startWebhookReceiver({
        ...listen,
        secret: values.secret,
        ...(values['tolerance-ms'] ? { toleranceMs: Number(values['tolerance-ms']) } : {}),
      });
      console.log(`webhook receiver: ${sim.url} (control: ${sim.origin}/_sim/)`);
      return sim.stop;
    }
    case 'hie': {
      const tls =
        values['tls-key'] && values['tls-cert']
          ? {
              key: readFileSync(values['tls-key'], 'utf8'),
              cert: readFileSync(values['tls-cert'], 'utf8'),
              ...(values['tls-ca'] ? { ca: readFileSync(values['tls-ca'], 'utf8') } : {}),
            }
          : undefined;
      const sim = await startHieSimulator({
        ...listen,
        ...(tls ? { tls } : {}),
        ...(values.ack ? { ackCode: values.ack as 'AA' } : {}),
      });
      console.log(`HIE MLLP listener: ${sim.url}`);
      const controlPort = values['control-port'];
      if (controlPort === undefined) return sim.stop;
      // A small control API for the MLLP listener, the same verbs as the HTTP simulators'.
      const control = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          const route = `${request.method} ${request.url}`;
          if (route === 'POST /_sim/script') {
            if (typeof input.ackCode === 'string') sim.ackCode = input.ackCode as 'AA';
            sim.behaviour.update(input);
          } else if (route === 'POST /_sim/outage') {
            sim.behaviour.outage(typeof input.forMs === 'number' ? input.forMs : undefined);
          } else if (route === 'POST /_sim/restore') sim.behaviour.restore();
          else if (route === 'POST /_sim/force') {
            sim.behaviour.force(...((input.responses as HieAnswer[] | undefined) ?? []));
          } else if (route === 'POST /_sim/reset') {
            sim.behaviour.reset();
            sim.received.length = 0;
          }
          const body = route === 'GET /_sim/traffic' ? sim.received : sim.behaviour.script;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        });
      });
      control.listen(Number(controlPort), values.host);
      console.log(`HIE control: http://${values.host}:${controlPort}/_sim/`);
      return async () => {
        control.close();
        await sim.stop();
      };
    }
    case 'audit': {
      const sim = await startAuditSink(listen);
      console.log(`audit sink: ${sim.url} (control: ${sim.origin}/_sim/)`);
      return sim.stop;
    }
    case 'lis': {
      const target: LisTarget = values.mllp
        ? {
            kind: 'mllp',
            host: values.mllp.split(':')[0] as string,
            port: Number(values.mllp.split(':')[1]),
          }
        : {
            kind: 'http',
            api: values.api ?? 'http://127.0.0.1:7071/api',
            apiKey: values['api-key'] ?? process.env.HL7GW_DEV_API_KEY ?? '',
            batchSize: Number(values.batch ?? 1),
          };
      const source: LisSource = values.corpus
        ? { kind: 'corpus', dir: values.corpus }
        : { kind: 'generated' };
      const report = await runLis({
        target,
        source,
        ratePerMinute: Number(values.rate),
        ...(values.count ? { count: Number(values.count) } : {}),
        ...(values['duration-ms'] ? { durationMs: Number(values['duration-ms']) } : {}),
      });
      const latencies = report.sends.map((s) => s.latencyMs).sort((a, b) => a - b);
      const p = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
      const byStatus = new Map<string, number>();
      for (const s of report.sends) {
        const key = s.error ?? s.ack ?? String(s.status);
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
      }
      console.log(
        JSON.stringify({
          messages: report.messages,
          sends: report.sends.length,
          seconds: (report.endedMs - report.startedMs) / 1000,
          answers: Object.fromEntries(byStatus),
          latencyMs: { p50: p(0.5), p95: p(0.95), p99: p(0.99) },
        }),
      );
      return undefined;
    }
    default:
      throw new Error('usage: pnpm sim <ehr|webhook|hie|audit|lis> [--port N] ...');
  }
}

main(positionals[0]).then(
  (stop) => {
    if (stop === undefined) return;
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  },
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
