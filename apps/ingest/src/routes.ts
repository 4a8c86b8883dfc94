/**
 * The ingest app's routes, declared once: what the pipeline enforces (roles, rate-limit
 * class, body schemas, audit) and what `GET /api/openapi.json` documents.
 */
import {
  healthRoutes,
  MESSAGE_STATUSES,
  type ApiInfo,
  type JsonSchema,
  type RouteDeclaration,
} from '@hl7gw/platform';

import { CONVERT_PROFILES, CONVERT_TARGETS } from './handlers/convert.js';

const HL7 = 'x-application/hl7-v2+er7';
const JSON_TYPE = 'application/json';

/** The ingest part of the API document. */
export const INGEST_API: ApiInfo = {
  title: 'HL7 Results Gateway',
  version: '1.0.0',
  description:
    'Submit HL7 v2 messages and batches, follow their status, and convert messages. ' +
    'Every route but health and documentation needs an Entra ID token or an API key.',
  tags: {
    Messages: 'Single HL7 messages: submission and status.',
    Batches: 'FHS/BHS batch files and concatenated messages.',
    Conversion: 'Synchronous conversion for integrators testing their messages.',
    Health: 'Liveness and readiness probes.',
    Documentation: 'This document and its interactive page.',
  },
};

const ID_PATTERN = '^[0-9A-HJKMNP-TV-Z]{26}$';

const idParameter = (what: string) => ({
  name: 'id',
  in: 'path' as const,
  description: `The ${what}'s gateway id (a ULID).`,
  schema: { type: 'string', pattern: ID_PATTERN },
});

/** `{ "message": "<HL7 text>" }`, the JSON form of a submission. */
export const MESSAGE_JSON_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string', minLength: 1, description: 'The HL7 message text.' } },
};

const SUBMITTED_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'status', 'statusUrl', 'controlId', 'messageType'],
  properties: {
    id: { type: 'string', description: 'The gateway id.' },
    status: { type: 'string', enum: [...MESSAGE_STATUSES] },
    statusUrl: { type: 'string' },
    controlId: { type: 'string', description: 'MSH-10.' },
    messageType: { type: 'string', description: 'MSH-9, as ORU^R01.' },
    duplicate: {
      const: true,
      description: 'Present when MSH-3, MSH-4 and MSH-10 were seen before.',
    },
  },
};

const STATUS_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'status', 'history', 'statusUrl'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: [...MESSAGE_STATUSES] },
    history: {
      type: 'array',
      items: { type: 'object', properties: { status: { type: 'string' }, at: { type: 'string' } } },
    },
    statusUrl: { type: 'string' },
  },
};

const MEMBER_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['position', 'controlId'],
  properties: {
    position: { type: 'integer', minimum: 1 },
    controlId: { type: 'string' },
    id: { type: 'string' },
    duplicate: { const: true },
    code: { type: 'string', description: 'Why a member was rejected: a gateway error code.' },
    detail: { type: 'string' },
    location: { type: 'string' },
  },
};

const BATCH_ANSWER_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['batchId', 'statusUrl', 'accepted', 'rejected'],
  properties: {
    batchId: { type: 'string' },
    statusUrl: { type: 'string' },
    accepted: { type: 'array', items: MEMBER_SCHEMA },
    rejected: { type: 'array', items: MEMBER_SCHEMA },
  },
};

const BATCH_STATUS_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['batchId', 'receivedAt', 'memberCount', 'counts', 'members', 'statusUrl'],
  properties: {
    batchId: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
    memberCount: { type: 'integer' },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
    members: { type: 'array', items: { type: 'object' } },
    statusUrl: { type: 'string' },
  },
};

const ACK = { description: 'An HL7 ACK, for clients that accept HL7.' };

/** `POST /api/v1/messages`. */
export const SUBMIT_MESSAGE: RouteDeclaration = {
  name: 'ingestSubmitMessage',
  method: 'POST',
  route: 'v1/messages',
  roles: ['Results.Submit'],
  routeClass: 'submit',
  summary: 'Submit one HL7 message',
  description:
    'Reads the MSH header only, stores the raw bytes and queues the message; the processor ' +
    'parses and validates it. A client accepting x-application/hl7-v2+er7 gets a commit ACK.',
  tags: ['Messages'],
  requestBody: {
    required: true,
    content: {
      [HL7]: { schema: { type: 'string' } },
      'text/plain': { schema: { type: 'string' } },
      [JSON_TYPE]: { schema: MESSAGE_JSON_SCHEMA },
    },
  },
  responses: {
    202: {
      description: 'Queued (or a duplicate answered with the first id).',
      headers: { Location: 'The status URL.' },
      content: {
        [JSON_TYPE]: { schema: SUBMITTED_SCHEMA },
        [HL7]: { schema: { type: 'string', ...ACK } },
      },
    },
    400: { description: 'Not HL7, or not readable (`NOT_HL7`, `PARSE_ERROR`, `BAD_REQUEST`).' },
    403: {
      description:
        'The caller lacks Results.Submit (`FORBIDDEN`) or may not submit for MSH-4 (`FACILITY_NOT_ALLOWED`).',
    },
    415: { description: 'Another content type (`UNSUPPORTED_MEDIA_TYPE`).' },
    422: { description: 'MSH-9, MSH-10 or MSH-12 missing (`VALIDATION_FAILED`).' },
  },
};

/** `GET /api/v1/messages/{id}`. */
export const GET_MESSAGE_STATUS: RouteDeclaration = {
  name: 'ingestGetMessageStatus',
  method: 'GET',
  route: 'v1/messages/{id}',
  roles: ['Results.Read'],
  routeClass: 'read',
  summary: "A message's status and history",
  description: 'Shown to the client that submitted it (or a caller covering every facility).',
  tags: ['Messages'],
  parameters: [idParameter('message')],
  auditedByHandler: ['message.status.read'],
  responses: {
    200: { description: 'The status record.', content: { [JSON_TYPE]: { schema: STATUS_SCHEMA } } },
    404: { description: 'No such message for this caller (`NOT_FOUND`).' },
  },
};

/** `POST /api/v1/batches`. */
export const SUBMIT_BATCH: RouteDeclaration = {
  name: 'ingestSubmitBatch',
  method: 'POST',
  route: 'v1/batches',
  roles: ['Results.Submit'],
  routeClass: 'submit',
  summary: 'Submit a batch of HL7 messages',
  description:
    'Each member is queued or rejected on its own (a member for a facility the caller does not ' +
    'own is rejected with `FACILITY_NOT_ALLOWED`); with `?atomic=true` one rejection rejects all.',
  tags: ['Batches'],
  parameters: [
    {
      name: 'atomic',
      in: 'query',
      description: 'true: all members or none.',
      schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
    },
  ],
  requestBody: {
    required: true,
    content: {
      [HL7]: { schema: { type: 'string' } },
      'text/plain': { schema: { type: 'string' } },
    },
  },
  responses: {
    202: {
      description: 'Members queued and rejected, by position.',
      headers: { Location: 'The batch status URL.' },
      content: { [JSON_TYPE]: { schema: BATCH_ANSWER_SCHEMA } },
    },
    400: { description: 'The batch cannot be read (`NOT_HL7`, `BATCH_INVALID`).' },
    415: { description: 'Another content type (`UNSUPPORTED_MEDIA_TYPE`).' },
    422: { description: 'An atomic batch with a rejected member (`BATCH_REJECTED`).' },
  },
};

/** `GET /api/v1/batches/{id}`. */
export const GET_BATCH_STATUS: RouteDeclaration = {
  name: 'ingestGetBatchStatus',
  method: 'GET',
  route: 'v1/batches/{id}',
  roles: ['Results.Read'],
  routeClass: 'read',
  summary: "A batch's members and their statuses",
  tags: ['Batches'],
  parameters: [idParameter('batch')],
  auditedByHandler: ['batch.status.read'],
  responses: {
    200: { description: 'The batch.', content: { [JSON_TYPE]: { schema: BATCH_STATUS_SCHEMA } } },
    404: { description: 'No such batch for this caller (`NOT_FOUND`).' },
  },
};

/** `POST /api/v1/convert`. */
export const CONVERT: RouteDeclaration = {
  name: 'ingestConvert',
  method: 'POST',
  route: 'v1/convert',
  roles: ['Results.Submit'],
  routeClass: 'read',
  summary: 'Convert HL7 to the result document or FHIR R4, or back',
  description: 'Nothing is stored or queued.',
  tags: ['Conversion'],
  parameters: [
    {
      name: 'to',
      in: 'query',
      description: 'The target form.',
      schema: { type: 'string', enum: [...CONVERT_TARGETS], default: 'json' },
    },
    {
      name: 'profile',
      in: 'query',
      description: 'The validation profile.',
      schema: { type: 'string', enum: [...CONVERT_PROFILES], default: 'strict' },
    },
  ],
  requestBody: {
    required: true,
    content: {
      [HL7]: { schema: { type: 'string' } },
      'text/plain': { schema: { type: 'string' } },
      [JSON_TYPE]: {
        schema: {
          description: '`{ "message": ... }` for HL7, or a result document with `?to=hl7`.',
          type: 'object',
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The conversion and every validation finding.',
      content: {
        [JSON_TYPE]: {
          schema: {
            type: 'object',
            required: ['issues', 'result'],
            properties: { issues: { type: 'array' }, result: {} },
          },
        },
      },
    },
    400: { description: 'Not HL7, or a bad `to` or `profile` (`NOT_HL7`, `BAD_REQUEST`).' },
    415: { description: 'Another content type (`UNSUPPORTED_MEDIA_TYPE`).' },
    422: { description: 'Validation errors, listed in `issues` (`VALIDATION_FAILED`).' },
  },
};

/** `GET /api/health` and `GET /api/health/ready`, declared alike in every app. */
export const { alive: HEALTH, ready: HEALTH_READY } = healthRoutes('ingest');
