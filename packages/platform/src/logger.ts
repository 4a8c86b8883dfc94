/**
 * The gateway's one logger: pino writing structured JSON, with PHI redacted at the logger
 * so a careless call cannot leak it. Three layers, because each misses something:
 *
 * 1. pino `redact` paths censor known PHI keys at the top level and one level down;
 * 2. a walker over every logged object censors those keys at any depth, and any key
 *    whose name suggests PHI (`patientDob`, `nhsNumber`, `homeAddress`);
 * 3. the same walker, and a hook on the message text, blank any string that looks like
 *    HL7 (`MSH|`, `PID|`, `OBX|`, ...), any NHS number (10 digits, spaced or not), and
 *    dates under free-text keys (`detail`, `reason`, ...), where a birth date may hide.
 *
 * Ids are allowed: the gateway id, MSH-10, the bus message id and the trace id identify a
 * message, not a person, and are what operators search logs by.
 */
import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

import type { LogLevel } from './config.js';

/** What replaces redacted content. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are PHI wherever they appear (compared case-insensitively). */
export const PHI_KEYS: readonly string[] = [
  'patient', 'patients', 'name', 'names', 'given', 'family', 'maidenName',
  'birthDate', 'dob', 'dateOfBirth', 'deathDate', 'gender', 'sex',
  'address', 'addresses', 'postcode', 'postalCode', 'phone', 'telecom', 'email',
  'identifier', 'identifiers', 'patientId', 'mrn', 'nhsNumber', 'ssn',
  'value', 'values', 'observation', 'observations', 'note', 'notes', 'comment', 'comments',
  'text', 'raw', 'body', 'content', 'hl7', 'payload', 'segments', 'nextOfKin', 'visit',
]; // prettier-ignore

/** Substrings of a key that mark its value as PHI, such as `patientDob` or `homeAddress`. */
const PHI_KEY_PARTS = ['patient', 'birth', 'dob', 'address', 'phone', 'nhs', 'surname'];

/** Keys holding free text, where dates are scrubbed in case one is a birth date. */
const FREE_TEXT_KEYS = new Set(
  ['detail', 'details', 'description', 'reason', 'info', 'data', 'context', 'extra', 'input'].map(
    (key) => key.toLowerCase(),
  ),
);

/** Identifier keys exempt from pattern scrubbing: a 10-digit MSH-10 is not an NHS number. */
const ID_KEYS = new Set(
  [
    'gatewayId',
    'controlId',
    'busMessageId',
    'messageId',
    'traceId',
    'spanId',
    'sessionId',
    'batchId',
  ].map((key) => key.toLowerCase()),
);

const PHI_KEY_SET = new Set(PHI_KEYS.map((key) => key.toLowerCase()));
const HL7_SEGMENT = /(^|[\r\n\s"'`:])(MSH|BHS|FHS|PID|PD1|NK1|PV1|OBR|OBX|NTE|ORC|SPM|MRG)\|/;
const NHS_NUMBER = /(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])/g;
const DATE_LIKE =
  /(?<!\d)(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(19|20)\d{2}(0[1-9]|1[0-2])\d{2})(?!\d)/g;
const MAX_DEPTH = 8;

/** Options for `createLogger`. */
export interface LoggerOptions {
  /** The lowest level written. */
  level: LogLevel;
  /** Which app is logging: `ingest`, `processor`, `deadletter`, `local-host`. */
  service?: string;
  /** The configured environment name, carried on every line. */
  environment?: string;
  /** Where lines go; standard output when absent. */
  destination?: DestinationStream;
}

/** The context a per-message child logger carries. All are ids, never patient data. */
export interface MessageLogContext {
  /** The gateway id (a ULID). */
  gatewayId?: string;
  /** MSH-10, the message control id. */
  controlId?: string;
  /** The Service Bus `messageId`. */
  busMessageId?: string;
  /** The W3C trace id. */
  traceId?: string;
}

/** Creates the gateway logger with PHI redaction. Never throws for valid options. */
export function createLogger(options: LoggerOptions): Logger {
  const base: Record<string, string> = {};
  if (options.service !== undefined) base.service = options.service;
  if (options.environment !== undefined) base.environment = options.environment;

  const logger = pino(
    {
      level: options.level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written inside a span names it, so logs join their trace.
      mixin: activeSpanIds,
      redact: {
        paths: PHI_KEYS.flatMap((key) => [key, `*.${key}`]),
        censor: REDACTED,
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactPhi(object) as Record<string, unknown>,
      },
      // The walker has already reduced errors to scrubbed plain objects.
      serializers: { err: (error: unknown) => error },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, scrubArguments(args) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
  return logger;
}

/**
 * The active span's trace and span ids, or nothing outside a span. A per-message child
 * already binds `traceId`; pino writes bindings and mixin keys side by side, so repeating
 * it here would put the key on the line twice.
 */
function activeSpanIds(_object: object, _level: number, logger: Logger): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return Object.hasOwn(logger.bindings(), 'traceId') ? { spanId } : { traceId, spanId };
}

/**
 * A child logger for one message, carrying its ids on every line. Absent ids are left
 * out rather than logged as undefined.
 */
export function childFor(logger: Logger, context: MessageLogContext): Logger {
  const bindings: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'string' && value !== '') bindings[key] = value;
  }
  return logger.child(bindings);
}

/**
 * A copy of `value` with PHI removed: PHI keys censored at any depth, errors reduced to
 * type, code and scrubbed message and stack, and strings scrubbed of HL7, NHS numbers and
 * (under free-text keys) dates. Cycles and depth beyond 8 are cut. Never throws.
 */
export function redactPhi(value: unknown): unknown {
  return walk(value, undefined, 0, new WeakSet());
}

function walk(
  value: unknown,
  key: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  const lowerKey = key?.toLowerCase();
  if (lowerKey !== undefined && isPhiKey(lowerKey)) return REDACTED;

  if (typeof value === 'string') {
    if (lowerKey !== undefined && ID_KEYS.has(lowerKey)) return value;
    const text = scrubText(value);
    return lowerKey !== undefined && FREE_TEXT_KEYS.has(lowerKey)
      ? text.replace(DATE_LIKE, REDACTED)
      : text;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);

  if (value instanceof Error) return walkError(value, depth, seen);
  if (Array.isArray(value)) return value.map((item) => walk(item, key, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;

  const copy: Record<string, unknown> = {};
  for (const [entryKey, entry] of Object.entries(value)) {
    copy[entryKey] = walk(entry, entryKey, depth + 1, seen);
  }
  return copy;
}

function walkError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const result: Record<string, unknown> = {
    type: error.name,
    message: scrubText(error.message),
  };
  if (error.stack !== undefined) result.stack = scrubText(error.stack);
  for (const [key, entry] of Object.entries(error)) {
    if (key !== 'name') result[key] = walk(entry, key, depth + 1, seen);
  }
  if (error.cause !== undefined) result.cause = walk(error.cause, 'cause', depth + 1, seen);
  return result;
}

function isPhiKey(lowerKey: string): boolean {
  return PHI_KEY_SET.has(lowerKey) || PHI_KEY_PARTS.some((part) => lowerKey.includes(part));
}

/**
 * Scrubs the message text and its format arguments. An error logged on its own would
 * have pino copy its raw message into the line, so it is moved under `err` with the
 * scrubbed message as the text.
 */
function scrubArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (first instanceof Error) {
    const [message, ...more] = rest;
    const text = typeof message === 'string' ? message : first.message;
    return [{ err: first }, scrubText(text), ...more.map(scrubArgument)];
  }
  // The merging object is walked by the `log` formatter; only what follows it is done here.
  const merged = typeof first === 'object' && first !== null;
  return [merged ? first : scrubArgument(first), ...rest.map(scrubArgument)];
}

function scrubArgument(arg: unknown): unknown {
  if (typeof arg === 'string') return scrubText(arg);
  return typeof arg === 'object' && arg !== null ? redactPhi(arg) : arg;
}

/** Blanks a string that carries HL7, and NHS-number-shaped digit runs within any string. */
function scrubText(text: string): string {
  if (HL7_SEGMENT.test(text)) return REDACTED;
  return text.replace(NHS_NUMBER, REDACTED);
}
