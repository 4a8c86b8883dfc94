/**
 * The host's log: one entry type for the host's own lines, the framework's system lines
 * and the user's `context.log` lines. The host never puts a request or message body in
 * an entry; what a user's handler logs is the app's responsibility.
 */
import type { RpcLogLevel } from './core/core-types.js';

/** Severity of a host log entry. */
export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where a line comes from: the host itself, `@azure/functions`, or the user's handler. */
export type HostLogSource = 'host' | 'system' | 'user';

/** One log line with its context. */
export interface HostLogEntry {
  level: HostLogLevel;
  source: HostLogSource;
  message: string;
  functionName?: string;
  invocationId?: string;
}

/** Receives every log line of a host. */
export type HostLog = (entry: HostLogEntry) => void;

const LEVEL_ORDER: Record<HostLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Maps an RPC log level to a host level; `none` maps to undefined (not logged). */
export function toHostLogLevel(level: RpcLogLevel): HostLogLevel | undefined {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'information':
      return 'info';
    case 'warning':
      return 'warn';
    case 'error':
    case 'critical':
      return 'error';
    case 'none':
      return undefined;
  }
}

/**
 * A log writing one line per entry to stderr, from `minLevel` up:
 * `2024-05-01T10:00:00.000Z info  [processInbound] message`.
 */
export function consoleHostLog(minLevel: HostLogLevel = 'info'): HostLog {
  return (entry) => {
    if (LEVEL_ORDER[entry.level] < LEVEL_ORDER[minLevel]) return;

    const where = entry.functionName ? ` [${entry.functionName}]` : '';
    const line = `${new Date().toISOString()} ${entry.level.padEnd(5)}${where} ${entry.message}`;
    process.stderr.write(`${line}\n`);
  };
}

/** A log that drops everything; for tests that assert on behaviour, not on lines. */
export const silentHostLog: HostLog = () => undefined;
