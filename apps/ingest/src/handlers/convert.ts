/**
 * `POST /api/v1/convert`: for integrators testing their messages. Synchronously parses,
 * validates and converts HL7 to the result document (`?to=json`, the default) or a FHIR R4
 * Bundle (`?to=fhir`), or a result document back to HL7 (`?to=hl7`), with the validation
 * profile `?profile=strict` (the default) or `lenient`. Nothing is stored, enqueued or
 * logged beyond the outcome's code: the content is the caller's.
 *
 * A result document is checked for its minimal shape only (`schemaVersion`, `source`,
 * `patient`, `orders`); full JSON Schema validation needs ajv, which is not a dependency
 * of this app.
 */
import type { HttpRequest } from '@azure/functions';
import {
  fromResult,
  parse,
  toFhirBundle,
  toResult,
  validate,
  type Hl7Message,
  type ResultDocument,
  type ValidationIssue,
} from '@hl7gw/hl7-core';
import { GatewayError, readBody } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { authenticate, handled, type RequestHandler } from '../http/edge.js';
import { JSON_MEDIA_TYPE, mediaTypeOf } from '../http/media.js';
import { readJson, readMessageBody } from '../http/message-body.js';
import { jsonResponse, problemResponse } from '../http/respond.js';

/** What `?to=` may ask for. */
export const CONVERT_TARGETS = ['json', 'fhir', 'hl7'] as const;
/** What `?profile=` may name. */
export const CONVERT_PROFILES = ['strict', 'lenient'] as const;

/** The answer to a conversion. */
export interface ConvertAnswer {
  /** Every validation finding, warnings included. */
  issues: readonly ValidationIssue[];
  /** The result document, the FHIR Bundle, or the HL7 text. */
  result: unknown;
}

type Target = (typeof CONVERT_TARGETS)[number];

/**
 * Builds the handler. Answers `200` with `ConvertAnswer`; `400` for an unknown `to` or
 * `profile` (`BAD_REQUEST`) and for input that is not HL7 (`NOT_HL7`, `PARSE_ERROR`);
 * `422` `VALIDATION_FAILED` with an `issues` list when validation finds errors, or for a
 * result document that cannot become HL7; `422` `UNSUPPORTED_MESSAGE_TYPE`; `401`, `413`,
 * `415`.
 */
export function createConvert(deps: Deps): RequestHandler {
  return handled(deps, 'convert', async (request, _context, { trace, log }) => {
    authenticate(deps, request);
    const to = choice(request, 'to', CONVERT_TARGETS, 'json');
    const profile = choice(request, 'profile', CONVERT_PROFILES, 'strict');

    const input =
      to === 'hl7'
        ? fromResult(await readDocument(deps, request)).toString()
        : await readMessageBody(request, deps.config.maxMessageBytes);
    const message = parse(input, {
      maxLength: deps.config.maxMessageBytes,
      maxSegments: deps.security.settings.limits.maxSegments,
      maxFieldLength: deps.security.settings.limits.maxFieldLength,
    });
    const { valid, issues } = validate(message, { profile });
    if (!valid) {
      const error = new GatewayError('VALIDATION_FAILED', 'The message breaks validation rules');
      log.info({ code: error.code, to, profile }, 'conversion refused');
      return problemResponse(error, {
        traceId: trace.traceId,
        retryAfterSeconds: deps.settings.retryAfterSeconds,
        extensions: { issues },
      });
    }

    const answer: ConvertAnswer = { issues, result: convert(to, message) };
    log.info({ to, profile, issueCount: issues.length }, 'converted');
    return jsonResponse(200, answer);
  });
}

function convert(to: Target, message: Hl7Message): unknown {
  if (to === 'hl7') return message.toString();
  const document = toResult(message);
  return to === 'fhir' ? toFhirBundle(document) : document;
}

/**
 * The result document a request carries.
 * @throws GatewayError `UNSUPPORTED_MEDIA_TYPE` unless JSON; `VALIDATION_FAILED` for a
 *   document of the wrong shape or one `fromResult` refuses.
 */
async function readDocument(deps: Deps, request: HttpRequest): Promise<ResultDocument> {
  if (mediaTypeOf(request) !== JSON_MEDIA_TYPE) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Send the result document as JSON');
  }
  return checkShape(readJson(await readBody(request, deps.config.maxMessageBytes)));
}

/**
 * The minimal shape `fromResult` relies on.
 * @throws GatewayError `VALIDATION_FAILED` naming the first property at fault.
 */
function checkShape(value: Record<string, unknown>): ResultDocument {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const checks: [string, boolean][] = [
    ['schemaVersion', value.schemaVersion === 1],
    ['source', isObject(value.source)],
    ['patient', isObject(value.patient)],
    ['orders', Array.isArray(value.orders) && value.orders.every(isObject)],
  ];
  for (const [location, ok] of checks) {
    if (!ok) {
      throw new GatewayError('VALIDATION_FAILED', `The result document's ${location} is invalid`, {
        location,
      });
    }
  }
  return value as unknown as ResultDocument;
}

/**
 * A query parameter from a closed list, or `fallback` when absent.
 * @throws GatewayError `BAD_REQUEST` for any other value.
 */
function choice<T extends string>(
  request: HttpRequest,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = request.query.get(name);
  if (value === null || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new GatewayError('BAD_REQUEST', `?${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
