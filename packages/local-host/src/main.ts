/**
 * The host's command line:
 * `node packages/local-host/dist/main.js --app apps/ingest/dist/functions.js [--app ...]
 *   [--data .data] [--servicebus-config config/servicebus.json] [--port 7071] [--host-key KEY]`.
 * It starts the broker, Azurite and the host, prints what it serves, and stops gracefully
 * on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';

import { isHostError } from './host-error.js';
import { consoleHostLog } from './log.js';
import { runLocalHost } from './run-local-host.js';
import { stopOnSignals } from './shutdown-signals.js';

const report = (line: string) => process.stderr.write(`local-host: ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string', multiple: true, default: [] },
      data: { type: 'string', default: '.data' },
      'servicebus-config': { type: 'string', default: 'config/servicebus.json' },
      port: { type: 'string', default: '7071' },
      'host-key': { type: 'string' },
    },
  });
  if (values.app.length === 0) {
    report('give at least one --app <module>');
    process.exit(2);
  }

  const running = await runLocalHost({
    apps: values.app,
    dataDir: values.data,
    serviceBusConfigPath: values['servicebus-config'],
    host: { port: Number(values.port), hostKey: values['host-key'], log: consoleHostLog('info') },
  });
  for (const warning of running.platform.warnings) report(`servicebus config: ${warning}`);
  report(`Service Bus: ${running.platform.serviceBusConnectionString}`);
  report(
    `Storage: Azurite blob ${running.platform.azurite.blobPort}, table ${running.platform.azurite.tablePort}`,
  );
  report(`HTTP: ${running.host.baseUrl}/api`);

  stopOnSignals(running.stop, report);
}

main().catch((error: unknown) => {
  report(isHostError(error) ? `${error.code}: ${error.message}` : String(error));
  process.exit(1);
});
