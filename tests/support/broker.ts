/**
 * A broker for one test: `servicebus-local` on an ephemeral port, serving the gateway's
 * entities plus the test's subscriptions, with its data in the test's own folder.
 */
import { join } from 'node:path';

import {
  loadConfig,
  startBroker,
  type BrokerOptions,
  type RunningBroker,
} from '@hl7gw/servicebus-local';

import { writeBrokerConfig, type TestSubscription } from './broker-config.js';

/**
 * Writes the broker config to `dataDir` (see `writeBrokerConfig`) and starts a broker on
 * port 0 that keeps its store under `<dataDir>/servicebus`. `options` sets anything else,
 * such as a short `housekeepingIntervalMs`.
 */
export async function startTestBroker(
  dataDir: string,
  subscriptions: readonly TestSubscription[],
  options: Omit<BrokerOptions, 'port' | 'config' | 'dataDir'> = {},
): Promise<RunningBroker> {
  const config = await writeBrokerConfig(dataDir, subscriptions);
  return startBroker({
    ...options,
    port: 0,
    config: loadConfig(config.text),
    dataDir: join(dataDir, 'servicebus'),
  });
}
