/**
 * The trigger on a results subscription's dead-letter queue
 * (`hl7-results/subscriptions/<name>/$deadletterqueue`): a result a subscriber could not
 * take. The body is the result document; it is parked as JSON together with the filter
 * properties it was published with, so a replay can publish it again.
 */
import type { InvocationContext } from '@azure/functions';
import { isGatewayId } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { park } from '../park.js';
import { resultParkedId, resultPropertiesOf, type ParkedResult } from '../parked-result.js';
import { isObject, readDeadLetterMetadata, text } from '../trigger-metadata.js';

const REPLAY_DETAIL = /^replay (\d+) of /;

/** Builds the dead-letter handler of one results subscription. */
export function createParkResultDeadLetter(deps: Deps, subscription: string) {
  const sourceEntity = `${deps.config.entities.resultsTopic}/subscriptions/${subscription}`;

  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const meta = readDeadLetterMetadata(context);
    // A result's body is the document, so its gateway id is in the correlation id.
    const gatewayId = [meta.correlationId, meta.messageId].find(isGatewayId);
    const properties = resultPropertiesOf(meta.properties);
    const source = isObject(message) && isObject(message.source) ? message.source : {};
    const sendingApplication = isObject(source.sendingApplication)
      ? text(source.sendingApplication.namespaceId)
      : undefined;

    const parked: ParkedResult = {
      gatewayId: gatewayId ?? '',
      properties,
      ...(meta.sessionId === undefined ? {} : { sessionId: meta.sessionId }),
      ...(meta.traceparent === undefined ? {} : { traceparent: meta.traceparent }),
      document: message,
    };

    await park(
      deps,
      {
        parkedId: resultParkedId(gatewayId ?? deps.ids(), subscription),
        gatewayId,
        sourceEntity,
        reason: meta.reason,
        description: meta.description,
        messageType: properties.messageType,
        sendingApplication: sendingApplication ?? '',
        sendingFacility: properties.sendingFacility,
        controlId: text(source.controlId) ?? '',
        deliveryCount: meta.deliveryCount,
        replayCount: gatewayId === undefined ? 0 : await replayCountOf(deps, gatewayId),
        busMessageId: meta.messageId,
        traceparent: meta.traceparent,
      },
      JSON.stringify(parked),
    );
  };
}

/**
 * How often the result was replayed before. Result messages carry no replay count (their
 * properties are the subscriptions' filter contract), so it is read from the status
 * record a replay creates, whose first step says `replay <n> of <id>`.
 */
async function replayCountOf(deps: Deps, gatewayId: string): Promise<number> {
  const record = await deps.statuses.get(gatewayId);
  const match = REPLAY_DETAIL.exec(record?.history[0]?.detail ?? '');
  return match ? Number(match[1]) : 0;
}
