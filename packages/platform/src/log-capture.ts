/**
 * An in-memory destination for the gateway logger, so tests can read exactly what would
 * have been written, lines and all, and prove what never appears in it.
 */
import type { Logger } from 'pino';

import type { LogLevel } from './config.js';
import { createLogger } from './logger.js';

/** A logger writing into memory, with its output. */
export interface CapturedLogs {
  /** A logger configured exactly as `createLogger` configures production ones. */
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Everything written so far, as the raw text a log sink would receive. */
  text(): string;
  /** Forgets what was written. */
  clear(): void;
}

/**
 * Creates a gateway logger whose output stays in memory. pino writes synchronously to a
 * plain object destination, so lines are readable as soon as the log call returns.
 */
export function captureLogs(level: LogLevel = 'trace'): CapturedLogs {
  let written: string[] = [];
  const destination = { write: (line: string) => void written.push(line) };
  const logger = createLogger({ level, service: 'test', destination });

  return {
    logger,
    lines: () => written.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map(parseLine),
    text: () => written.join(''),
    clear: () => {
      written = [];
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  return JSON.parse(line) as Record<string, unknown>;
}
