/**
 * Answering a client's receiver attach on a queue, subscription or dead-letter queue: the
 * receive mode it asks for, and for a session entity the session it gets (the one it named,
 * or the next free one with messages, waited for up to the client's timeout).
 */
import { randomUUID } from 'node:crypto';

import rhea from 'rhea';
import type { Receiver, Sender } from 'rhea';

import { BrokerError } from '../broker-error.js';
import type { MessageQueue, ReceiveMode } from '../entities/message-queue.js';
import { toDotNetTicks } from './lock-token.js';
import { OutgoingLink } from './outgoing-link.js';
import { holdAttach, setAttachFields } from './rhea-internals.js';

const SESSION_FILTER = 'com.microsoft:session-filter';
const LOCKED_UNTIL_PROPERTY = 'com.microsoft:locked-until-utc';
const TIMEOUT_PROPERTY = 'com.microsoft:timeout';
const DEFAULT_ACCEPT_TIMEOUT_MS = 60_000;

/** Refuses a link as AMQP prescribes: an attach without terminus, then a detach with the error. */
export function refuseLink(link: Sender | Receiver, error: BrokerError): void {
  link.open();
  link.close(error.toAmqpError());
}

/**
 * Serves a receiver attach on `queue`; calls `onServing` with the link once it is attached.
 * Refuses the link (see `refuseLink`) when the entity and the request disagree on sessions,
 * when the named session is locked, or when no session frees up in time.
 */
export function attachReceiver(
  sender: Sender,
  queue: MessageQueue,
  onServing: (link: OutgoingLink) => void,
): void {
  const mode: ReceiveMode = sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
  setAttachFields(sender, {
    snd_settle_mode: sender.snd_settle_mode,
    rcv_settle_mode: sender.rcv_settle_mode,
  });

  const filter = (sender.source?.filter ?? {}) as Record<string, unknown>;
  const wantsSession = SESSION_FILTER in filter;
  if (wantsSession !== Boolean(queue.sessions)) {
    const error = queue.sessions
      ? `'${queue.path}' requires sessions: accept a session to receive from it.`
      : `'${queue.path}' does not require sessions: create a plain receiver for it.`;
    refuseLink(sender, new BrokerError('NOT_ALLOWED', error));
    return;
  }

  const address = sender.source?.address;
  if (!wantsSession) {
    sender.set_source({ address });
    onServing(new OutgoingLink(sender, queue, mode, undefined));
    return;
  }

  const ownerId = randomUUID();
  let link: OutgoingLink | undefined;
  const onLost = (): void => link?.sessionLost();
  const serveSession = (sessionId: string, lockedUntilMs: number): void => {
    sender.set_source({ address, filter: { [SESSION_FILTER]: sessionId } });
    setAttachFields(sender, {
      properties: { [LOCKED_UNTIL_PROPERTY]: rhea.types.wrap_long(toDotNetTicks(lockedUntilMs)) },
    });
    sender.open();
    link = new OutgoingLink(sender, queue, mode, { sessionId, ownerId });
    onServing(link);
  };

  const requested = filter[SESSION_FILTER];
  if (typeof requested === 'string') {
    try {
      const lock = queue.acceptSession(requested, ownerId, onLost);
      serveSession(requested, lock.lockedUntilMs);
    } catch (error) {
      refuseLink(sender, error as BrokerError);
    }
    return;
  }

  holdAttach(sender);
  const timeoutMs = Number(sender.properties?.[TIMEOUT_PROPERTY] ?? DEFAULT_ACCEPT_TIMEOUT_MS);
  void queue.acceptNextSession(ownerId, onLost, timeoutMs).then((lock) => {
    if (lock && sender.is_remote_open()) {
      serveSession(lock.sessionId, lock.lockedUntilMs);
      return;
    }
    if (lock) queue.releaseSession(lock.sessionId, ownerId);
    refuseLink(
      sender,
      new BrokerError('TIMEOUT', `No session with messages became available on '${queue.path}'.`),
    );
  });
}
