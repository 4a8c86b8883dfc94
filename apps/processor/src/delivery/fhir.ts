/**
 * The FHIR R4 connector: POSTs the result as a transaction Bundle (`toFhirBundle`) to the
 * server's base URL. On failure it reads the `OperationOutcome` the server answers with and
 * keeps its issue codes (`invalid`, `required`, ...) in the reason; diagnostics are free
 * text that may quote the resource, so they are never kept.
 */
import { toFhirBundle } from '@hl7gw/hl7-core';

import type { Connector } from './connector.js';
import { postHttp } from './http-post.js';
import { classifyError, classifyHttpStatus, permanent } from './outcome.js';
import { IDEMPOTENCY_HEADER } from './signature.js';

/** Delivers one result to a FHIR server as a transaction. */
export const deliverFhir: Connector = async (result, context) => {
  const { destination } = context;
  let body: string;
  try {
    const bundle = toFhirBundle(result.document, {
      ...(destination.timeZone === undefined ? {} : { timeZone: destination.timeZone }),
    });
    body = JSON.stringify(bundle);
  } catch {
    // A document the mapping refuses fails the same way on every attempt.
    return permanent('FHIR_MAPPING_FAILED');
  }

  try {
    const answer = await postHttp(
      destination.url,
      body,
      {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        [IDEMPOTENCY_HEADER]: result.gatewayId,
      },
      {
        timeoutMs: destination.timeoutMs,
        allowList: context.allowList,
        ...(destination.tls === undefined ? {} : { tls: destination.tls }),
      },
    );
    const ok = answer.status >= 200 && answer.status < 300;
    return classifyHttpStatus(answer.status, ok ? '' : operationOutcomeCodes(answer.body));
  } catch (error) {
    return classifyError(error);
  }
};

/**
 * The issue codes of an `OperationOutcome` body, `OperationOutcome:invalid,required`, or empty
 * when the body is not one. Codes come from the FHIR `issue-type` value set only.
 */
export function operationOutcomeCodes(body: string): string {
  let outcome: unknown;
  try {
    outcome = JSON.parse(body);
  } catch {
    return '';
  }
  const value = outcome as { resourceType?: unknown; issue?: unknown };
  if (value?.resourceType !== 'OperationOutcome' || !Array.isArray(value.issue)) return '';
  const codes = value.issue
    .map((issue: { code?: unknown }) => issue?.code)
    .filter((code): code is string => typeof code === 'string' && /^[a-z-]{1,40}$/.test(code));
  return `OperationOutcome:${[...new Set(codes)].slice(0, 5).join(',')}`;
}
