/**
 * The `$management` operations the broker serves, one function each, in the request and
 * response shapes of Service Bus's AMQP request/response protocol.
 */
import rhea from 'rhea';

import { BrokerError } from '../broker-error.js';
import type { MessageQueue, ReceiveMode } from '../entities/message-queue.js';
import type { SendTarget } from '../entities/send-target.js';
import { lockTokenToUuid } from './lock-token.js';
import { decodeMessage, encodeForClient } from './message-codec.js';
import {
  lockTokens,
  longList,
  longValue,
  optionalMap,
  optionalString,
  stringField,
  type RequestBody,
} from './request-fields.js';

/** What an operation answers: a status code and a body map. */
export interface OperationResult {
  readonly statusCode: 200 | 204;
  readonly body: Record<string, unknown>;
}

/** The entity a management node belongs to: what a receiver and a sender of it reach. */
export interface ManagementEntity {
  readonly path: string;
  /** The queue, subscription or dead-letter queue behind the node, when it has one. */
  readonly queue: MessageQueue | undefined;
  /** The queue or topic behind the node, when messages can be sent to it. */
  readonly sendTarget: SendTarget | undefined;
}

type Operation = (entity: ManagementEntity, body: RequestBody) => Promise<OperationResult>;

const ok = (body: Record<string, unknown> = {}): OperationResult => ({ statusCode: 200, body });

function queueOf(entity: ManagementEntity): MessageQueue {
  if (!entity.queue) {
    throw new BrokerError(
      'NOT_ALLOWED',
      `'${entity.path}' is a topic: it has no messages to receive.`,
    );
  }
  return entity.queue;
}

function targetOf(entity: ManagementEntity): SendTarget {
  if (!entity.sendTarget) {
    throw new BrokerError('NOT_ALLOWED', `Messages cannot be scheduled on '${entity.path}'.`);
  }
  return entity.sendTarget;
}

/** Session operations need the session locked, as Service Bus requires of its receiver. */
function lockedSession(queue: MessageQueue, body: RequestBody): string {
  const sessionId = stringField(body, 'session-id');
  if (!queue.sessions?.holder(sessionId)) {
    throw new BrokerError(
      'SESSION_LOCK_LOST',
      `The session lock on '${sessionId}' of '${queue.path}' has expired or was never taken.`,
    );
  }
  return sessionId;
}

const renewLock: Operation = async (entity, body) => {
  const queue = queueOf(entity);
  const expirations = lockTokens(body).map((token) => new Date(queue.renewLock(token)));
  return ok({ expirations });
};

const peek: Operation = async (entity, body) => {
  const from = longValue(body['from-sequence-number'], 'from-sequence-number');
  const count = Number(body['message-count'] ?? 1);
  const sessionId = optionalString(body, 'session-id');
  const found = queueOf(entity).peek(from, count, sessionId);
  if (found.length === 0) return { statusCode: 204, body: {} };
  return ok({ messages: found.map((message) => ({ message: encodeForClient(message) })) });
};

const scheduleMessages: Operation = async (entity, body) => {
  const entries = body.messages;
  if (!Array.isArray(entries)) throw new BrokerError('BAD_REQUEST', `'messages' must be a list.`);
  const messages = entries.map((entry: Record<string, unknown>) => {
    if (!Buffer.isBuffer(entry.message)) {
      throw new BrokerError('BAD_REQUEST', `each scheduled message must be encoded bytes.`);
    }
    return decodeMessage(entry.message);
  });
  const numbers = await targetOf(entity).send(messages);
  return ok({
    'sequence-numbers': rhea.types.wrap_array(
      numbers.map((n) => n ?? 0),
      0x81,
      undefined,
    ),
  });
};

const cancelScheduled: Operation = async (entity, body) => {
  await targetOf(entity).cancelScheduled(longList(body, 'sequence-numbers'));
  return ok();
};

const receiveBySequenceNumber: Operation = async (entity, body) => {
  const mode: ReceiveMode =
    Number(body['receiver-settle-mode']) === 0 ? 'receiveAndDelete' : 'peekLock';
  const taken = queueOf(entity).receiveDeferred(longList(body, 'sequence-numbers'), mode);
  return ok({
    messages: taken.map(({ message, lock }) => ({
      ...(lock ? { 'lock-token': rhea.types.wrap_uuid(lockTokenToUuid(lock.token)) } : {}),
      message: encodeForClient(message, lock?.lockedUntilMs),
    })),
  });
};

const updateDisposition: Operation = async (entity, body) => {
  const queue = queueOf(entity);
  const status = stringField(body, 'disposition-status');
  const properties = optionalMap(body, 'properties-to-modify');
  const writes = lockTokens(body).map((token) => {
    switch (status) {
      case 'completed':
        return queue.complete(token);
      case 'abandoned':
        return queue.abandon(token, properties);
      case 'defered':
        return queue.defer(token, properties);
      case 'suspended':
        return queue.deadLetter(token, {
          reason: optionalString(body, 'deadletter-reason'),
          description: optionalString(body, 'deadletter-description'),
          properties,
        });
      default:
        throw new BrokerError('BAD_REQUEST', `Unknown disposition-status '${status}'.`);
    }
  });
  await Promise.all(writes);
  return ok();
};

const renewSessionLock: Operation = async (entity, body) => {
  const queue = queueOf(entity);
  const sessionId = stringField(body, 'session-id');
  return ok({ expiration: new Date(queue.renewSessionLock(sessionId)) });
};

const getSessionState: Operation = async (entity, body) => {
  const queue = queueOf(entity);
  const state = queue.sessionStates.get(lockedSession(queue, body));
  return ok({ 'session-state': state ?? null });
};

const setSessionState: Operation = async (entity, body) => {
  const queue = queueOf(entity);
  const sessionId = lockedSession(queue, body);
  const state = body['session-state'];
  await queue.sessionStates.set(sessionId, Buffer.isBuffer(state) ? state : undefined);
  return ok();
};

/** The operations served, by the `operation` application property that names them. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map([
  ['com.microsoft:renew-lock', renewLock],
  ['com.microsoft:peek-message', peek],
  ['com.microsoft:schedule-message', scheduleMessages],
  ['com.microsoft:cancel-scheduled-message', cancelScheduled],
  ['com.microsoft:receive-by-sequence-number', receiveBySequenceNumber],
  ['com.microsoft:update-disposition', updateDisposition],
  ['com.microsoft:renew-session-lock', renewSessionLock],
  ['com.microsoft:get-session-state', getSessionState],
  ['com.microsoft:set-session-state', setSessionState],
]);

/** Operations Service Bus has and this broker refuses, with what to say about each. */
export const REFUSED_OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['com.microsoft:add-rule', 'rule management at run time (rules come from the config file)'],
  ['com.microsoft:remove-rule', 'rule management at run time (rules come from the config file)'],
  [
    'com.microsoft:enumerate-rules',
    'rule management at run time (rules come from the config file)',
  ],
  ['com.microsoft:get-message-sessions', 'listing message sessions'],
  ['com.microsoft:batch-delete-messages', 'batch deletion of messages'],
]);
