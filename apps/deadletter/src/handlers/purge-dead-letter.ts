/**
 * `DELETE /api/v1/deadletters/{id}`: purges a parked dead letter, content first, so no
 * content is ever left without a record that finds it. Answers 204, or 404 when there is
 * no such record.
 */
import { GatewayError } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { operatorEndpoint } from '../http/operator-endpoint.js';
import { parkedIdParam } from '../http/parked-id.js';

/** Builds the purge handler. */
export function createPurgeDeadLetter(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    operator.auditAs('deadletter.purge', request.params.id);
    const id = parkedIdParam(request);
    const record = await deps.parked.get(id);
    if (record === undefined)
      throw new GatewayError('NOT_FOUND', 'No parked dead letter has this id');

    await deps.blobs.deleteParked(id);
    await deps.parked.remove(id);

    operator.log.info(
      {
        audit: 'deadletter.purge',
        clientId: operator.clientId,
        parkedId: id,
        category: record.category,
      },
      'dead letter purged',
    );
    return { status: 204 };
  });
}
