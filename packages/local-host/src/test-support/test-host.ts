/**
 * A broker and a local host on it, for a host test file: the broker from `startTestBroker`,
 * the host on an ephemeral port with the test's functions loaded and started.
 */
import { createHost, type AppSource, type HostOptions, type LocalHost } from '../host.js';
import { startTestBroker, type TestBroker } from './test-broker.js';

/** The running pair, and how to stop both. */
export interface TestBusHost {
  bus: TestBroker;
  host: LocalHost;
  /** Stops the host (finishing messages in hand), then the broker. */
  stop(): Promise<void>;
}

/**
 * Starts a broker serving `config`, then a host with the options `optionsFor` gives for that
 * broker (how a test hands over the connection is part of what some tests check), loads
 * `functions` and starts it. What was started is stopped again when a step fails.
 */
export async function startTestBusHost(
  config: object,
  functions: AppSource,
  optionsFor: (bus: TestBroker) => HostOptions,
): Promise<TestBusHost> {
  const bus = await startTestBroker(config);
  const host = createHost({ port: 0, ...optionsFor(bus) });
  const stop = async () => {
    await host.stop();
    await bus.stop();
  };
  try {
    await host.load(functions);
    await host.start();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { bus, host, stop };
}
