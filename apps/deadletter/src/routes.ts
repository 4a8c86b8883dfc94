/**
 * The deadletter app's operator API, declared once: what the route pipeline enforces
 * (roles, rate-limit class, body schemas) and what `GET /api/openapi.json` documents.
 * The handlers write their own audit entries (they know the record and the outcome);
 * the declarations name those actions for the document.
 */
import {
  DEAD_LETTER_CATEGORIES,
  healthRoutes,
  type ApiInfo,
  type JsonSchema,
  type RouteDeclaration,
  type RouteParameter,
} from '@hl7gw/platform';

import { FILTER_FIELDS } from './http/dead-letter-filter.js';

const JSON_TYPE = 'application/json';
const HL7 = 'x-application/hl7-v2+er7';

/** The deadletter part of the API document. */
export const DEADLETTER_API: ApiInfo = {
  title: 'HL7 Results Gateway',
  version: '1.0.0',
  description:
    'Operate parked dead letters (list, read, replay, purge) and read reports. ' +
    'Every call is written to the audit log.',
  tags: {
    DeadLetters: 'Messages that failed for good, parked for operators.',
    Reports: 'Summaries over a window of time, and metrics.',
    Health: 'Liveness and readiness probes.',
    Documentation: 'This document and its interactive page.',
  },
};

const PARKED_ID: RouteParameter = {
  name: 'id',
  in: 'path',
  description: 'The parked id: the gateway id, with a subscription suffix for results.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
};

const TEXT_FILTER = { type: 'string', maxLength: 200 };
const TIME = { type: 'string', format: 'date-time' };

/** The filter of a bulk replay, the same fields as the list's query. */
const FILTER_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    category: { type: 'string', enum: [...DEAD_LETTER_CATEGORIES] },
    messageType: TEXT_FILTER,
    sendingFacility: TEXT_FILTER,
    from: TIME,
    to: TIME,
  },
};

const FILTER_PARAMETERS: RouteParameter[] = FILTER_FIELDS.map((name) => ({
  name,
  in: 'query',
  description:
    name === 'from' || name === 'to'
      ? `Dead-lettered ${name === 'from' ? 'at or after' : 'before'} this ISO 8601 time.`
      : `Only this ${name}.`,
  schema: (FILTER_SCHEMA.properties as Record<string, JsonSchema>)[name] as JsonSchema,
}));

const PARKED_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A parked dead letter: MSH facts and codes, never content (unless `raw`).',
  required: ['id', 'category', 'messageType', 'sendingFacility', 'replayCount'],
  properties: {
    id: { type: 'string' },
    category: { type: 'string', enum: [...DEAD_LETTER_CATEGORIES] },
    messageType: { type: 'string' },
    sendingFacility: { type: 'string' },
    replayCount: { type: 'integer' },
    raw: { type: 'string', description: 'The message, with `?include=raw` only.' },
  },
};

const MANAGE = ['DeadLetters.Manage'] as const;

/** `GET /api/v1/deadletters`. */
export const LIST_DEAD_LETTERS: RouteDeclaration = {
  name: 'listDeadLetters',
  method: 'GET',
  route: 'v1/deadletters',
  roles: MANAGE,
  routeClass: 'read',
  summary: 'List parked dead letters, oldest first',
  tags: ['DeadLetters'],
  auditedByHandler: ['deadletter.list'],
  parameters: [
    ...FILTER_PARAMETERS,
    {
      name: 'limit',
      in: 'query',
      description: 'Page size.',
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
    {
      name: 'next',
      in: 'query',
      description: 'The continuation token of the previous page.',
      schema: { type: 'string' },
    },
  ],
  responses: {
    200: {
      description: 'A page.',
      content: {
        [JSON_TYPE]: {
          schema: {
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', items: PARKED_SCHEMA },
              next: { type: 'string' },
            },
          },
        },
      },
    },
    400: { description: 'A bad filter, limit or token (`BAD_REQUEST`).' },
  },
};

/** `POST /api/v1/deadletters/replay`. */
export const BULK_REPLAY: RouteDeclaration = {
  name: 'bulkReplayDeadLetters',
  method: 'POST',
  route: 'v1/deadletters/replay',
  roles: MANAGE,
  routeClass: 'operator',
  summary: 'Replay every parked dead letter a filter selects',
  tags: ['DeadLetters'],
  auditedByHandler: ['deadletter.replay.bulk', 'deadletter.replay'],
  requestBody: {
    content: {
      [JSON_TYPE]: {
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filter: FILTER_SCHEMA,
            dryRun: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'What was (or would be) replayed, and what was refused, each by id.',
      content: { [JSON_TYPE]: { schema: { type: 'object' } } },
    },
  },
};

/** `GET /api/v1/deadletters/{id}`. */
export const GET_DEAD_LETTER: RouteDeclaration = {
  name: 'getDeadLetter',
  method: 'GET',
  route: 'v1/deadletters/{id}',
  roles: MANAGE,
  routeClass: 'read',
  summary: 'One parked dead letter; its raw content with ?include=raw',
  description:
    'The raw content is patient data: it is released only to DeadLetters.Manage, and only ' +
    'once the read is written to the audit log.',
  tags: ['DeadLetters'],
  auditedByHandler: ['deadletter.read', 'deadletter.raw.read'],
  parameters: [
    PARKED_ID,
    {
      name: 'include',
      in: 'query',
      description: '`raw` to include the message content.',
      schema: { type: 'string', enum: ['raw'] },
    },
  ],
  responses: {
    200: { description: 'The record.', content: { [JSON_TYPE]: { schema: PARKED_SCHEMA } } },
    404: { description: 'No such dead letter (`NOT_FOUND`).' },
  },
};

/** `DELETE /api/v1/deadletters/{id}`. */
export const PURGE_DEAD_LETTER: RouteDeclaration = {
  name: 'purgeDeadLetter',
  method: 'DELETE',
  route: 'v1/deadletters/{id}',
  roles: MANAGE,
  routeClass: 'operator',
  summary: 'Purge a parked dead letter and its content',
  tags: ['DeadLetters'],
  auditedByHandler: ['deadletter.purge'],
  parameters: [PARKED_ID],
  responses: {
    204: { description: 'Purged.', content: {} },
    404: { description: 'No such dead letter (`NOT_FOUND`).' },
  },
};

/** `POST /api/v1/deadletters/{id}/replay`. */
export const REPLAY_DEAD_LETTER: RouteDeclaration = {
  name: 'replayDeadLetter',
  method: 'POST',
  route: 'v1/deadletters/{id}/replay',
  roles: MANAGE,
  routeClass: 'operator',
  summary: 'Replay one parked dead letter, optionally corrected',
  tags: ['DeadLetters'],
  auditedByHandler: ['deadletter.replay'],
  parameters: [PARKED_ID],
  requestBody: {
    content: {
      [HL7]: { schema: { type: 'string', description: 'The corrected message.' } },
      'text/plain': { schema: { type: 'string' } },
      [JSON_TYPE]: {
        schema: {
          type: 'object',
          properties: { message: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
  responses: {
    202: {
      description: "The replay's gateway id and status URL.",
      content: { [JSON_TYPE]: { schema: { type: 'object' } } },
    },
    404: { description: 'No such dead letter (`NOT_FOUND`).' },
    409: {
      description: 'Replayed too often, or already (`REPLAY_LIMIT_REACHED`, `DUPLICATE_MESSAGE`).',
    },
    415: { description: 'Another content type (`UNSUPPORTED_MEDIA_TYPE`).' },
  },
};

/** `GET /api/v1/reports/summary`. */
export const SUMMARY_REPORT: RouteDeclaration = {
  name: 'summaryReport',
  method: 'GET',
  route: 'v1/reports/summary',
  roles: ['Reports.Read'],
  routeClass: 'read',
  summary: 'Messages, failures and dead letters over a window of up to 31 days',
  tags: ['Reports'],
  auditedByHandler: ['report.summary.read'],
  parameters: [
    { name: 'from', in: 'query', required: true, description: 'Window start.', schema: TIME },
    { name: 'to', in: 'query', required: true, description: 'Window end.', schema: TIME },
  ],
  responses: {
    200: { description: 'The report.', content: { [JSON_TYPE]: { schema: { type: 'object' } } } },
    400: { description: 'A bad or too long window (`BAD_REQUEST`).' },
  },
};

/**
 * `GET /api/metrics`, registered only while the Prometheus reader is on (`HL7GW_PROMETHEUS`,
 * on by default when no exporter is configured). Scrapes are frequent and read no message,
 * so they are not audited.
 */
export const METRICS: RouteDeclaration = {
  name: 'metrics',
  method: 'GET',
  route: 'metrics',
  roles: ['Reports.Read'],
  routeClass: 'read',
  summary: 'Metrics in the Prometheus text format',
  description:
    "The gateway's counters and histograms (`hl7gw_messages_received_total`, ...) of every " +
    'app in this process, each series labelled with its app as `service`.',
  tags: ['Reports'],
  responses: {
    200: {
      description: 'Prometheus text format 0.0.4.',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
  },
};

/** `GET /api/health` and `GET /api/health/ready`, declared alike in every app. */
export const { alive: HEALTH, ready: HEALTH_READY } = healthRoutes('deadletter');
