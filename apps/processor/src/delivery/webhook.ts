/**
 * The webhook connector: POSTs the result document as JSON, signed (`X-HL7GW-Signature`,
 * see `signature.ts`) and keyed for idempotency with the gateway id, so a receiver that gets
 * the same result twice (a retry after a lost answer) can tell.
 */
import type { Connector } from './connector.js';
import { postHttp } from './http-post.js';
import { classifyError, classifyHttpStatus } from './outcome.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.js';

/** Delivers one result to a webhook. */
export const deliverWebhook: Connector = async (result, context) => {
  const { destination } = context;
  const body = JSON.stringify(result.document);
  const secret = destination.secret as string;

  try {
    const answer = await postHttp(
      destination.url,
      body,
      {
        'content-type': 'application/json',
        [IDEMPOTENCY_HEADER]: result.gatewayId,
        [SIGNATURE_HEADER]: signWebhook(secret, body, context.nowMs()),
        'x-hl7gw-message-type': result.properties.messageType,
      },
      {
        timeoutMs: destination.timeoutMs,
        allowList: context.allowList,
        ...(destination.tls === undefined ? {} : { tls: destination.tls }),
      },
    );
    return classifyHttpStatus(answer.status);
  } catch (error) {
    return classifyError(error);
  }
};
