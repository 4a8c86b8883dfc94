/**
 * `POST /api/v1/deadletters/{id}/replay`: replays one parked dead letter, optionally with a
 * corrected message in the body. Answers 202 with the replay's new gateway id and its
 * status URL; 409 `REPLAY_LIMIT_REACHED` once the message has been replayed the most
 * allowed times (`HL7GW_MAX_REPLAYS`), 409 `DUPLICATE_MESSAGE` when it was replayed already.
 */
import { GatewayError } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { readCorrection } from '../http/correction.js';
import { operatorEndpoint } from '../http/operator-endpoint.js';
import { parkedIdParam } from '../http/parked-id.js';
import { replay } from '../replay.js';

/** Builds the single replay handler. */
export function createReplayDeadLetter(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    operator.auditAs('deadletter.replay', request.params.id);
    const id = parkedIdParam(request);
    const corrected = await readCorrection(request, deps.config.maxMessageBytes);
    const record = await deps.parked.get(id);
    if (record === undefined)
      throw new GatewayError('NOT_FOUND', 'No parked dead letter has this id');

    const outcome = await replay(deps, {
      record,
      ...(corrected === undefined ? {} : { corrected }),
      clientId: operator.clientId,
      traceparent: operator.traceparent,
    });

    operator.log.info(
      {
        audit: 'deadletter.replay',
        metric: 'hl7gw.replays',
        count: 1,
        clientId: operator.clientId,
        parkedId: id,
        gatewayId: outcome.id,
        replayCount: outcome.replayCount,
        corrected: corrected !== undefined,
        category: record.category,
      },
      'dead letter replayed',
    );
    return {
      status: 202,
      jsonBody: { ...outcome, statusUrl: `/api/v1/messages/${outcome.id}` },
    };
  });
}
