/**
 * The `servicebus-local` command: runs the broker on one port with one config file and one
 * data directory, prints the connection string it serves, and stops on SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { startBroker } from './broker.js';
import { loadConfig } from './config.js';

const USAGE = `usage: servicebus-local --config FILE [--data DIR] [--port 5672] [--host 127.0.0.1]

  --config FILE   entities, in the format of the Service Bus emulator's Config.json
  --data DIR      where messages are kept (default: .data/servicebus)
  --port PORT     AMQP port (default: 5672; 0 picks a free one)
  --host HOST     address to listen on (default: 127.0.0.1)`;

/**
 * Runs the command with `args` (without node and the script) until a signal stops it.
 * Returns the exit code: 0 after a clean stop, 2 for bad usage, 1 when the broker fails to
 * start. Never throws.
 */
export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        data: { type: 'string', default: '.data/servicebus' },
        port: { type: 'string', default: '5672' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`servicebus-local: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(options.port);
  if (!options.config || !Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`servicebus-local: --config is required and --port must be 0-65535\n${USAGE}`);
    return 2;
  }

  let broker;
  try {
    const config = loadConfig(readFileSync(options.config, 'utf8'));
    config.warnings.forEach((warning) => console.error(`servicebus-local: warning: ${warning}`));
    broker = await startBroker({
      config,
      dataDir: options.data,
      port,
      host: options.host,
      onStoreError: (error) => console.error('servicebus-local: store write failed:', error),
    });
  } catch (error) {
    console.error(`servicebus-local: cannot start: ${(error as Error).message}`);
    return 1;
  }

  console.log(broker.connectionString);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await broker.close();
  return 0;
}
