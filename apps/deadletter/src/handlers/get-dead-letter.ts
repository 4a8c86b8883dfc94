/**
 * `GET /api/v1/deadletters/{id}`: one parked dead letter. With `?include=raw` the answer
 * also carries its content (`raw`): that is PHI, so the access is written to the audit
 * log (who, which record, never the content).
 */
import { GatewayError, isPlatformError } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { operatorEndpoint } from '../http/operator-endpoint.js';
import { parkedIdParam } from '../http/parked-id.js';

/** Builds the read handler. */
export function createGetDeadLetter(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    const include = request.query.getAll('include').flatMap((value) => value.split(','));
    const withRaw = include.includes('raw');
    operator.auditAs(withRaw ? 'deadletter.raw.read' : 'deadletter.read', request.params.id);

    const id = parkedIdParam(request);
    const record = await deps.parked.get(id);
    if (record === undefined)
      throw new GatewayError('NOT_FOUND', 'No parked dead letter has this id');

    if (!withRaw) return { status: 200, jsonBody: record };

    let raw: string;
    try {
      raw = (await deps.blobs.getParked(id)).toString('utf8');
    } catch (error) {
      if (isPlatformError(error) && error.code === 'NOT_FOUND') {
        throw new GatewayError('NOT_FOUND', 'The parked content of this dead letter is gone', {
          cause: error,
        });
      }
      throw error;
    }
    // The edge writes the audit entry before this answer leaves, or withholds it.
    return { status: 200, jsonBody: { ...record, raw } };
  });
}
