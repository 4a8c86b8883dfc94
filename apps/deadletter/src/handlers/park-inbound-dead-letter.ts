/**
 * The trigger on the inbound queue's dead-letter queue (`hl7-inbound/$deadletterqueue`).
 * The inbound queue has sessions but its dead-letter queue has none (messages keep their
 * `sessionId`, which nothing there reads), so this is a plain trigger.
 *
 * The body should be the gateway's inbound envelope, but a dead-letter queue also holds
 * what the processor could not read at all, so every field is read leniently: whatever
 * arrived is parked, and nothing but a storage failure makes the trigger throw.
 */
import type { InvocationContext } from '@azure/functions';
import { isPlatformError, type InboundEnvelope } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { park } from '../park.js';
import { gatewayIdIn, isObject, readDeadLetterMetadata, text } from '../trigger-metadata.js';

/** Builds the inbound dead-letter handler. */
export function createParkInboundDeadLetter(deps: Deps) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const meta = readDeadLetterMetadata(context);
    const gatewayId = gatewayIdIn(message, meta);
    const props = meta.properties;
    const replayCount = Number(props.replayCount);

    await park(
      deps,
      {
        // Without a gateway id there is no status record; the parked copy still needs an id.
        parkedId: gatewayId ?? deps.ids(),
        gatewayId,
        sourceEntity: deps.config.entities.inboundQueue,
        reason: meta.reason,
        description: meta.description,
        messageType: text(props.messageType) ?? '',
        sendingApplication: text(props.sendingApplication) ?? '',
        sendingFacility: text(props.sendingFacility) ?? '',
        controlId: text(props.controlId) ?? '',
        deliveryCount: meta.deliveryCount,
        replayCount: Number.isInteger(replayCount) && replayCount > 0 ? replayCount : 0,
        busMessageId: meta.messageId,
        traceparent: meta.traceparent,
      },
      await contentOf(deps, message),
    );
  };
}

/**
 * The raw HL7 of the envelope (inline or from its claim check), or, for a body that is no
 * envelope, the body itself. Undefined when the claim check is gone or unreadable.
 */
async function contentOf(deps: Deps, body: unknown): Promise<string | undefined> {
  if (isObject(body) && typeof body.raw === 'string') return body.raw;
  if (isObject(body) && isObject(body.blobRef)) {
    try {
      return await deps.bus.readRaw(body as unknown as InboundEnvelope);
    } catch (error) {
      // Only a transient failure is worth a retry; a missing or misnamed blob stays so.
      if (isPlatformError(error) && error.retryable) throw error;
      return undefined;
    }
  }
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body ?? null);
}
