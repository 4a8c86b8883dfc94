/**
 * A client's sender link, which the broker serves as an AMQP receiver: each transfer (a
 * message or a batch) is stored durably and only then settled as accepted.
 */
import type { EventContext, Message } from 'rhea';

import { BrokerError, isBrokerError, toAmqpError } from '../broker-error.js';
import type { SendTarget } from '../entities/send-target.js';
import { readTransfer } from './message-codec.js';
import { encodeAmqp, outcomes } from './rhea-internals.js';

/** Serves one sender link on one queue or topic. */
export class IncomingLink {
  constructor(
    private readonly target: SendTarget,
    private readonly maxMessageSizeBytes: number,
  ) {}

  /** Stores the transfer's messages, then settles it: accepted, or rejected with the reason. */
  receive(context: EventContext & { format?: number }): void {
    const delivery = context.delivery;
    if (!delivery) return;

    let messages: Message[];
    try {
      const payload = context.message as Message | Buffer;
      const sizeBytes = Buffer.isBuffer(payload) ? payload.length : encodeAmqp(payload).length;
      if (sizeBytes > this.maxMessageSizeBytes) {
        throw new BrokerError(
          'MESSAGE_TOO_LARGE',
          `The message is ${sizeBytes} bytes; '${this.target.path}' accepts up to ${this.maxMessageSizeBytes}.`,
        );
      }
      messages = readTransfer(payload, context.format);
    } catch (error) {
      const reason = isBrokerError(error)
        ? error
        : new BrokerError('BAD_REQUEST', (error as Error).message, { cause: error });
      delivery.update(true, outcomes.rejected(reason.toAmqpError()));
      return;
    }

    this.target.send(messages).then(
      () => delivery.update(true, outcomes.accepted()),
      (error: unknown) => delivery.update(true, outcomes.rejected(toAmqpError(error))),
    );
  }
}
