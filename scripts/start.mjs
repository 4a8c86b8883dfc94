// `npm start`: the whole gateway on one machine. The local host starts Azurite and the
// Service Bus-compatible broker (data under .data/), loads the three apps' real function
// registrations, and serves HTTP on 127.0.0.1. Ctrl-C stops it gracefully.
import { randomBytes } from 'node:crypto';
import { clearInterval, setInterval } from 'node:timers';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps = ['ingest', 'processor', 'deadletter'].map((name) =>
  join(root, 'apps', name, 'dist', 'functions.js'),
);
const missing = apps.filter((path) => !existsSync(path));
if (missing.length > 0) {
  console.error(`npm start: not built: ${missing.join(', ')}; run npm run build`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 7071);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('npm start: PORT must be a port number');
  process.exit(2);
}
// A development key that holds every role; generated per run unless one is given.
process.env.HL7GW_DEV_API_KEY ??= randomBytes(24).toString('base64url');
process.env.HL7GW_ENVIRONMENT ??= 'local';

const localHost = await import(
  pathToFileURL(join(root, 'packages', 'local-host', 'dist', 'index.js')).href
);
const running = await localHost.runLocalHost({
  apps,
  dataDir: join(root, '.data'),
  serviceBusConfigPath: join(root, 'config', 'servicebus.json'),
  host: { port, log: localHost.consoleHostLog('warn') },
});
// One line every 10 s while messages flow, from the apps' own metrics in this process.
const platform = await import(
  pathToFileURL(join(root, 'packages', 'platform', 'dist', 'index.js')).href
);
let last = '';
const summary = setInterval(async () => {
  const now = await platform.metricsSummary();
  const key = `${now.received}/${now.processed}/${now.deadLettered}/${now.rejected}`;
  if (key === last) return;
  last = key;
  const p95 = now.p95ProcessingMs === undefined ? '-' : `${now.p95ProcessingMs} ms`;
  console.log(
    `${new Date().toISOString()}  received ${now.received}  processed ${now.processed}  ` +
      `dead-lettered ${now.deadLettered}  rejected ${now.rejected}  p95 processing <= ${p95}`,
  );
}, 10_000);
summary.unref();
localHost.stopOnSignals(
  async () => {
    clearInterval(summary);
    await running.stop();
  },
  (line) => console.error(`npm start: ${line}`),
);

const api = `${running.host.baseUrl}/api`;
console.log(`
HL7 Results Gateway is running on one machine.

  HTTP API        ${api}        (health: ${api}/health)
  Service Bus     ${running.platform.serviceBusConnectionString}
  Storage         Azurite, data under .data/
  Dev API key     ${process.env.HL7GW_DEV_API_KEY}

Submit the sample ORU^R01:

  curl -sS -X POST ${api}/v1/messages \\
    -H 'x-api-key: ${process.env.HL7GW_DEV_API_KEY}' \\
    -H 'content-type: x-application/hl7-v2+er7' -H 'accept: application/json' \\
    --data-binary @samples/oru-r01.hl7

then follow its statusUrl with the same x-api-key. Ctrl-C stops the gateway.
`);
