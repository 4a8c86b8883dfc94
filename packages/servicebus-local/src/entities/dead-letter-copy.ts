/**
 * The copy of a message that goes to a dead-letter queue: a new sequence number there, the
 * reason and description in its application properties, no expiry.
 */
import { withApplicationProperties } from '../amqp/message-codec.js';
import type { BrokerMessage } from './broker-message.js';
import type { DeadLetterDetails } from './queue-types.js';

/**
 * Builds the dead-letter copy of `message` for the queue at `deadLetterPath`. The delivery
 * count is kept, as Service Bus keeps it.
 */
export function deadLetterCopy(
  message: BrokerMessage,
  deadLetterPath: string,
  sequenceNumber: number,
  details: DeadLetterDetails,
): BrokerMessage {
  const payload = withApplicationProperties(message.payload, {
    ...details.properties,
    DeadLetterReason: details.reason,
    DeadLetterErrorDescription: details.description,
  });
  return {
    ...message,
    entity: deadLetterPath,
    sequenceNumber,
    state: 'active',
    scheduledAtMs: undefined,
    expiresAtMs: undefined,
    payload,
  };
}
