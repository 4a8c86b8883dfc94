/**
 * The two request/response nodes a client talks to: `$cbs`, where it puts tokens (any token
 * is accepted: this broker is for one machine), and each entity's `$management`.
 */
import type { Connection, EventContext, Message } from 'rhea';

import { BrokerError, isBrokerError } from '../broker-error.js';
import { OPERATIONS, REFUSED_OPERATIONS, type ManagementEntity } from './management-operations.js';
import { findSender, outcomes } from './rhea-internals.js';

/**
 * Sends a response on the link the client named in `reply_to`: the receiver link whose name
 * or target address it is. A response nobody listens for is dropped.
 */
function reply(connection: Connection, request: Message, response: Message): void {
  const replyTo = request.reply_to;
  const link = findSender(
    connection,
    (sender) => sender.name === replyTo || sender.target?.address === replyTo,
  );
  if (!link?.is_open()) return;
  link.send({ ...response, correlation_id: request.message_id, to: replyTo });
}

function accept(context: EventContext): void {
  context.delivery?.update(true, outcomes.accepted());
}

/** Answers a `$cbs` put-token request: always accepted. */
export function answerCbs(context: EventContext): void {
  accept(context);
  const request = context.message;
  if (!request) return;
  reply(context.connection, request, {
    application_properties: { 'status-code': 202, 'status-description': 'Accepted' },
    body: null,
  });
}

/** Answers a `$management` request on `entity`, with an error status when it fails. */
export function answerManagement(context: EventContext, entity: ManagementEntity): void {
  accept(context);
  const request = context.message;
  if (!request) return;
  const operationName = String(request.application_properties?.operation ?? '');

  run(operationName, entity, (request.body ?? {}) as Record<string, unknown>).then(
    (result) =>
      reply(context.connection, request, {
        application_properties: { statusCode: result.statusCode },
        body: result.body,
      }),
    (error: unknown) => {
      const failure = isBrokerError(error)
        ? error
        : new BrokerError('BAD_REQUEST', (error as Error)?.message ?? String(error));
      reply(context.connection, request, {
        application_properties: {
          statusCode: failure.statusCode,
          statusDescription: failure.message,
          errorCondition: failure.condition,
        },
        body: null,
      });
    },
  );
}

async function run(
  operationName: string,
  entity: ManagementEntity,
  body: Record<string, unknown>,
): ReturnType<NonNullable<ReturnType<typeof OPERATIONS.get>>> {
  const operation = OPERATIONS.get(operationName);
  if (operation) return operation(entity, body);

  const refused = REFUSED_OPERATIONS.get(operationName);
  throw new BrokerError(
    'NOT_IMPLEMENTED',
    refused
      ? `servicebus-local does not support ${refused} ('${operationName}').`
      : `servicebus-local does not support the management operation '${operationName}'.`,
  );
}
