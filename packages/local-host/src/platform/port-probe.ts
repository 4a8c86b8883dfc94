/**
 * Waits until a TCP port on the loopback interface accepts connections.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True once `host:port` accepts a connection, false if it does not within `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tryConnect(host, port)) return true;
    await sleep(50);
  }
  return false;
}
