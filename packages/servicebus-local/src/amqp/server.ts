/**
 * The AMQP 1.0 listener: accepts connections, and routes each link the client attaches to
 * `$cbs`, an entity's `$management` node, a queue or topic (senders) or a queue,
 * subscription or dead-letter queue (receivers). Transactions are refused.
 */
import type { AddressInfo, Server } from 'node:net';

import rhea from 'rhea';
import type { Connection, EventContext, Receiver, Sender } from 'rhea';

import { BrokerError, isBrokerError } from '../broker-error.js';
import {
  DEAD_LETTER_SUFFIX,
  MANAGEMENT_SUFFIX,
  canonicalPath,
  type EntityRegistry,
} from '../entities/entity-registry.js';
import { ConnectionLinks } from './connection-links.js';
import { IncomingLink } from './incoming-link.js';
import type { ManagementEntity } from './management-operations.js';
import type { OutgoingLink } from './outgoing-link.js';
import { attachReceiver, refuseLink } from './receiver-attach.js';
import { answerCbs, answerManagement } from './request-response.js';
import { setAttachFields } from './rhea-internals.js';

/** Where and how the listener serves. */
export interface AmqpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly registry: EntityRegistry;
  /** The largest message (or batch) a sender may send, stated on every sender link. */
  readonly maxMessageSizeBytes: number;
}

/** A running listener. */
export interface AmqpServer {
  readonly port: number;
  /** Stops accepting, closes every connection, and resolves when the socket is closed. */
  close(): Promise<void>;
}

const CBS_NODE = '$cbs';
const MANAGEMENT_NODE = '$management';

/** What serves the messages arriving on one of the broker's receiver links. */
type Inbound =
  | { kind: 'cbs' }
  | { kind: 'management'; entity: ManagementEntity }
  | { kind: 'entity'; link: IncomingLink };

/**
 * Starts listening.
 * @throws Error when the port cannot be bound.
 */
export async function startAmqpServer(options: AmqpServerOptions): Promise<AmqpServer> {
  const { registry } = options;
  const container = rhea.create_container({ id: 'servicebus-local' });
  const inbound = new WeakMap<Receiver, Inbound>();
  const outbound = new WeakMap<Sender, OutgoingLink>();
  const links = new ConnectionLinks<Connection, Sender>();

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver!;
    try {
      inbound.set(receiver, routeInbound(receiver, registry, options.maxMessageSizeBytes));
    } catch (error) {
      refuseLink(receiver, asBrokerError(error));
    }
  });

  container.on('message', (context: EventContext) => {
    const route = context.receiver && inbound.get(context.receiver);
    if (!route) return;
    if (route.kind === 'cbs') answerCbs(context);
    else if (route.kind === 'management') answerManagement(context, route.entity);
    else route.link.receive(context);
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender!;
    const address = String(sender.source?.address ?? '');
    if (address === CBS_NODE || address === MANAGEMENT_NODE || isManagement(address)) {
      sender.set_source({ address });
      return;
    }
    try {
      const queue = registry.receiveSource(address);
      attachReceiver(sender, queue, (link) => {
        outbound.set(sender, link);
        links.track(context.connection, sender, link);
        link.wake();
      });
    } catch (error) {
      refuseLink(sender, asBrokerError(error));
    }
  });

  container.on('sendable', (context: EventContext) => {
    const link = context.sender && outbound.get(context.sender);
    link?.wake();
  });
  container.on('sender_draining', (context: EventContext) => {
    const link = context.sender && outbound.get(context.sender);
    link?.drain();
  });
  for (const kind of ['accepted', 'rejected', 'released', 'modified'] as const) {
    container.on(kind, (context: EventContext) => {
      const link = context.sender && outbound.get(context.sender);
      link?.settle(context, kind);
    });
  }
  container.on('sender_close', (context: EventContext) => {
    if (context.sender) links.detach(context.connection, context.sender);
  });
  container.on('session_close', (context: EventContext) => {
    if (context.session) links.endSession(context.connection, context.session);
  });
  container.on('connection_close', (context: EventContext) =>
    links.dropConnection(context.connection),
  );
  container.on('disconnected', (context: EventContext) => links.dropConnection(context.connection));
  container.on('error', () => undefined);

  const server: Server = container.listen({
    host: options.host,
    port: options.port,
    sender_options: { treat_modified_as_released: false },
    receiver_options: { autoaccept: false, credit_window: 500 },
    // Locked deliveries stay in a session's outgoing buffer until settled; rhea's default of
    // 2048 would stall a receiver holding that many locks behind one slow message.
    session_buffer_size: { outgoing: 65_536, incoming: 2048 },
  } as Parameters<typeof container.listen>[0]);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        // Destroyed with an error, because rhea ends a connection (and clears its heartbeat
        // timers) on the socket's 'error' or 'end' only: a plain destroy leaves those timers
        // running, and they alone kept a stopped broker's process alive.
        sockets.forEach((socket) => socket.destroy(new Error('servicebus-local is closing')));
        server.close(() => resolve());
      }),
  };
}

function routeInbound(
  receiver: Receiver,
  registry: EntityRegistry,
  maxMessageSizeBytes: number,
): Inbound {
  const target = receiver.target as { address?: string; capabilities?: unknown } | undefined;
  if (!target || target.address === undefined) {
    throw new BrokerError(
      'NOT_IMPLEMENTED',
      'servicebus-local does not support transactions (AMQP coordinator links).',
    );
  }
  const address = String(target.address);
  receiver.set_target({ address });
  if (address === CBS_NODE) return { kind: 'cbs' };
  if (address === MANAGEMENT_NODE || isManagement(address)) {
    return { kind: 'management', entity: managementEntity(address, registry) };
  }

  const path = canonicalPath(address);
  if (path.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new BrokerError(
      'NOT_ALLOWED',
      `Messages cannot be sent to a dead-letter queue ('${address}').`,
    );
  }
  const sendTarget = registry.sendTarget(address);
  setAttachFields(receiver, { max_message_size: maxMessageSizeBytes });
  return { kind: 'entity', link: new IncomingLink(sendTarget, maxMessageSizeBytes) };
}

function isManagement(address: string): boolean {
  return canonicalPath(address).endsWith(MANAGEMENT_SUFFIX);
}

function managementEntity(address: string, registry: EntityRegistry): ManagementEntity {
  const path = canonicalPath(address).slice(0, -MANAGEMENT_SUFFIX.length);
  const find = <T>(lookup: () => T): T | undefined => {
    try {
      return lookup();
    } catch {
      return undefined;
    }
  };
  const queue = find(() => registry.receiveSource(path));
  const sendTarget = find(() => registry.sendTarget(path));
  if (!queue && !sendTarget) {
    throw new BrokerError('ENTITY_NOT_FOUND', `No entity '${path}' for '${address}'.`);
  }
  return { path, queue, sendTarget };
}

function asBrokerError(error: unknown): BrokerError {
  if (isBrokerError(error)) return error;
  return new BrokerError('BAD_REQUEST', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
