/**
 * The filter operators select dead letters by, in a query string (the list) or a JSON
 * body (bulk replay): `category`, `messageType`, `sendingFacility`, `from`, `to` (ISO 8601
 * times of dead-lettering, `from` inclusive, `to` exclusive).
 */
import { GatewayError, isDeadLetterCategory, type ParkedQuery } from '@hl7gw/platform';

import { isObject } from '../trigger-metadata.js';

/** The filter fields, each optional. */
export const FILTER_FIELDS = ['category', 'messageType', 'sendingFacility', 'from', 'to'] as const;

const MAX_TEXT_CHARS = 200;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a filter from a lookup of its fields (query parameters or JSON members). Throws
 * `GatewayError` `BAD_REQUEST` naming the field at fault, never echoing its value.
 */
export function readFilter(get: (name: string) => unknown): ParkedQuery {
  const query: ParkedQuery = {};

  const category = textField(get, 'category');
  if (category !== undefined) {
    if (!isDeadLetterCategory(category)) {
      throw new GatewayError('BAD_REQUEST', 'category is not a dead-letter category');
    }
    query.category = category;
  }

  const messageType = textField(get, 'messageType');
  if (messageType !== undefined) query.messageType = messageType;
  const sendingFacility = textField(get, 'sendingFacility');
  if (sendingFacility !== undefined) query.sendingFacility = sendingFacility;

  const from = timeField(get, 'from');
  if (from !== undefined) query.from = from;
  const to = timeField(get, 'to');
  if (to !== undefined) query.to = to;
  if (from !== undefined && to !== undefined && from >= to) {
    throw new GatewayError('BAD_REQUEST', 'from must be before to');
  }
  return query;
}

/** Reads a filter from a JSON body's `filter` member; an absent one selects everything. */
export function readFilterObject(value: unknown): ParkedQuery {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new GatewayError('BAD_REQUEST', 'filter must be an object');
  const unknownField = Object.keys(value).find(
    (key) => !(FILTER_FIELDS as readonly string[]).includes(key),
  );
  if (unknownField !== undefined) {
    throw new GatewayError(
      'BAD_REQUEST',
      `filter has an unknown field ${unknownField.slice(0, 40)}`,
    );
  }
  return readFilter((name) => value[name]);
}

/** A page size between 1 and `max`, `fallback` when absent. */
export function readLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new GatewayError('BAD_REQUEST', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

/**
 * A `next` token as this API hands them out: the storage SDK's continuation token, base64
 * of a JSON object. Anything else is refused here, since the SDK fails on it with an error
 * that looks like a storage outage. Throws `GatewayError` `BAD_REQUEST`.
 */
export function readContinuationToken(value: string | null): string | undefined {
  if (value === null || value === '') return undefined;
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) throw new SyntaxError('not base64');
    decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch (error) {
    throw new GatewayError('BAD_REQUEST', 'next is not a continuation token from this API', {
      cause: error,
    });
  }
  if (!isObject(decoded)) {
    throw new GatewayError('BAD_REQUEST', 'next is not a continuation token from this API');
  }
  return value;
}

/** An ISO 8601 time with a zone. Throws `GatewayError` `BAD_REQUEST` when it is not one. */
export function parseTime(value: unknown, name: string): Date {
  const time = typeof value === 'string' && ISO_TIME.test(value) ? new Date(value) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) {
    throw new GatewayError('BAD_REQUEST', `${name} must be an ISO 8601 time with a zone`);
  }
  return time;
}

function textField(get: (name: string) => unknown, name: string): string | undefined {
  const value = get(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT_CHARS) {
    throw new GatewayError(
      'BAD_REQUEST',
      `${name} must be text of up to ${MAX_TEXT_CHARS} characters`,
    );
  }
  return value;
}

function timeField(get: (name: string) => unknown, name: string): Date | undefined {
  const value = get(name);
  if (value === undefined || value === null || value === '') return undefined;
  return parseTime(value, name);
}
