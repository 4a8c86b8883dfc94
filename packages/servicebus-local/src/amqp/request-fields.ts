/**
 * Reading the fields of a `$management` request body, whose numbers arrive as AMQP longs
 * (a number, or 8 bytes when large) and whose lock tokens arrive as UUID bytes.
 */
import { BrokerError } from '../broker-error.js';
import { lockTokenFromUuid } from './lock-token.js';

/** A request body as rhea decodes an AMQP map. */
export type RequestBody = Record<string, unknown>;

/** Reads an AMQP long (a number, or 8 big-endian bytes) as a number. */
export function longValue(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new BrokerError('BAD_REQUEST', `'${field}' must be a long.`);
}

/** Reads a list of longs, such as `sequence-numbers`. */
export function longList(body: RequestBody, field: string): number[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new BrokerError('BAD_REQUEST', `'${field}' must be a list.`);
  return value.map((item) => longValue(item, field));
}

/** Reads `lock-tokens`: a list of UUIDs. */
export function lockTokens(body: RequestBody): string[] {
  const value = body['lock-tokens'];
  if (!Array.isArray(value) || !value.every((item) => Buffer.isBuffer(item))) {
    throw new BrokerError('BAD_REQUEST', `'lock-tokens' must be a list of UUIDs.`);
  }
  return value.map((item: Buffer) => lockTokenFromUuid(item));
}

/** Reads a required string field, such as `session-id`. */
export function stringField(body: RequestBody, field: string): string {
  const value = body[field];
  if (typeof value !== 'string')
    throw new BrokerError('BAD_REQUEST', `'${field}' must be a string.`);
  return value;
}

/** Reads an optional string field. */
export function optionalString(body: RequestBody, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

/** Reads an optional map field, such as `properties-to-modify`. */
export function optionalMap(body: RequestBody, field: string): Record<string, unknown> | undefined {
  const value = body[field];
  return value && typeof value === 'object' && !Buffer.isBuffer(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
