// The local host with the given apps in a process of its own, so that a test can kill it
// (SIGKILL) and start another on the same broker and storage. App settings come from the
// environment. Prints `listening <baseUrl>` once it serves; SIGTERM stops it gracefully.
import { consoleHostLog, createHost, silentHostLog } from '@hl7gw/local-host';

const apps = process.argv.slice(2);
const host = createHost({
  port: 0,
  serviceBusConnectionString: process.env.ServiceBusConnection,
  // As TEST_HOST_OPTIONS in gateway.ts: a short session idle keeps a thousand messages quick.
  receiveWaitMs: 200,
  sessionIdleTimeoutMs: 250,
  log: process.env.HL7GW_TEST_HOST_LOG ? consoleHostLog('warn') : silentHostLog,
});
for (const app of apps) await host.load(app);
await host.start();
process.stdout.write(`listening ${host.baseUrl}\n`);

process.once('SIGTERM', () => {
  host.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
