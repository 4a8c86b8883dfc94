/**
 * The few places the broker reaches past rhea's public API, kept in one file: rhea opens a
 * link as soon as its attach arrives and offers no way to hold that answer, to state
 * `max_message_size` and link properties, or to send a drained flow at once.
 */
import rhea from 'rhea';
import type { Connection, Delivery, link as Link, Message, Sender } from 'rhea';

interface LinkInternals {
  local: { attach: Record<string, unknown> };
  state: { local_open: boolean; open_requests: number };
  connection: { _register(): void };
}

const internals = (link: Link): LinkInternals => link as unknown as LinkInternals;

/** Sets fields of the attach frame the broker answers with; call before the attach goes out. */
export function setAttachFields(
  link: Link,
  fields: {
    max_message_size?: number;
    snd_settle_mode?: number;
    rcv_settle_mode?: number;
    properties?: Record<string, unknown>;
  },
): void {
  Object.assign(internals(link).local.attach, fields);
}

/**
 * Withholds the attach rhea would send for a link the peer just attached, so the broker can
 * answer later (a session receiver waiting for the next free session). `link.open()` sends it.
 */
export function holdAttach(link: Link): void {
  const state = internals(link).state;
  state.local_open = false;
  state.open_requests = 0;
}

interface SenderInternals {
  _draining: boolean;
  credit: number;
  delivery_count: number;
  issue_flow: boolean;
  _get_drain(): boolean;
  connection: { _register(): void };
}

/** Whether the client's last flow on `sender` asked for a drain. */
export function isDraining(sender: Sender): boolean {
  return (sender as unknown as SenderInternals)._draining === true;
}

/**
 * Ends a drain at once: the sender's remaining credit is spent and a flow with `drain` set
 * reports it. rhea sets `drain` on a flow only while credit is left to spend, so a drain
 * whose credit the deliveries in flight already used would go unanswered; the client waits
 * for that flow (the Service Bus client closes its link after 200 ms without one). Returns
 * the credit spent.
 */
export function completeDrain(sender: Sender): number {
  const link = sender as unknown as SenderInternals;
  const spent = Math.max(0, link.credit);
  link.delivery_count += spent;
  link.credit = 0;
  // The next flow written for this link says the drain is over; later flows are rhea's own.
  link._get_drain = () => {
    delete (link as Partial<SenderInternals>)._get_drain;
    return true;
  };
  link.issue_flow = true;
  link.connection._register();
  return spent;
}

interface Described {
  described(): unknown;
}
interface OutcomeFactory {
  accepted(): Described;
  released(): Described;
  modified(fields: Record<string, unknown>): Described;
  rejected(fields: { error: { condition: string; description: string } }): Described;
}

/** Delivery states to settle with, which rhea builds but its typings do not declare. */
export const outcomes = {
  accepted: (): unknown => (rhea.message as unknown as OutcomeFactory).accepted().described(),
  released: (): unknown => (rhea.message as unknown as OutcomeFactory).released().described(),
  modified: (fields: Record<string, unknown>): unknown =>
    (rhea.message as unknown as OutcomeFactory).modified(fields).described(),
  rejected: (error: { condition: string; description: string }): unknown =>
    (rhea.message as unknown as OutcomeFactory).rejected({ error }).described(),
};

/** Decodes an encoded AMQP message. */
export function decodeAmqp(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

/** Encodes an AMQP message. */
export function encodeAmqp(message: Message): Buffer {
  return rhea.message.encode(message as never);
}

/**
 * How many more deliveries `sender` may queue, given that `queuedTotal` were queued on it so
 * far. rhea takes credit only when it writes a transfer (on the next tick), so its `credit`
 * alone overstates what is left while deliveries wait to be written; its credit plus its
 * delivery count is the limit the peer set, which the count queued is measured against.
 */
export function remainingCredit(sender: Sender, queuedTotal: number): number {
  const link = sender as unknown as { credit: number; delivery_count: number };
  return link.credit + link.delivery_count - queuedTotal;
}

/** Whether every delivery queued on `sender` has been written. */
export function allWritten(sender: Sender, queuedTotal: number): boolean {
  return (sender as unknown as { delivery_count: number }).delivery_count >= queuedTotal;
}

/** The sender link of `connection` that `predicate` picks. */
export function findSender(
  connection: Connection,
  predicate: (sender: Sender) => boolean,
): Sender | undefined {
  const finder = connection as unknown as {
    find_sender(f: (s: Sender) => boolean): Sender | undefined;
  };
  return finder.find_sender(predicate);
}

/**
 * Settles a delivery the client disposed of without settling (peek-lock uses the second
 * settle mode: the client waits for the broker). rhea keeps an outgoing delivery until both
 * ends settled it, and the client never sends its own settlement afterwards, so the broker
 * marks it, or the session's delivery buffer would fill and the link stall.
 */
export function settleFinally(delivery: Delivery, state: unknown): void {
  delivery.update(true, state);
  (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
}
