/**
 * The MLLP connector: sends one HL7 message over TCP (or TLS, optionally mutual) in an MLLP
 * block and waits for the ACK on the same connection. The message is the original as the
 * lab sent it (from the raw archive) or, when configured or when the archive lacks it, one
 * rebuilt from the result document (`fromResult`). AA/CA are delivered, AE/AR/CE/CR are
 * permanent refusals, and silence, a closed connection or an unreadable answer are transient.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

import { encodeMllp, fromResult, MllpDecoder, parse } from '@hl7gw/hl7-core';

import type { Connector, DeliveryContext } from './connector.js';
import {
  classifyAck,
  classifyError,
  permanent,
  transient,
  type DeliveryOutcome,
} from './outcome.js';
import { DeliveryTimeoutError } from './outcome.js';

/** Delivers one result over MLLP. */
export const deliverMllp: Connector = async (result, context) => {
  let message: string;
  try {
    const original =
      context.destination.message === 'original' ? await context.loadRaw() : undefined;
    message = original ?? fromResult(result.document).toString();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // The archive being unreachable passes; a document that cannot be rebuilt never will.
    if (code === 'STORAGE_UNAVAILABLE' || code === 'TIMEOUT') return transient(String(code));
    return permanent('MESSAGE_BUILD_FAILED');
  }

  let frame: Uint8Array;
  try {
    frame = encodeMllp(message);
  } catch {
    return permanent('MLLP_FORBIDDEN_BYTE');
  }

  try {
    const ack = await exchange(frame, context);
    return readAck(ack);
  } catch (error) {
    return classifyError(error);
  }
};

/** MSA-1 of an ACK, classified; an answer that is not an ACK is transient. */
function readAck(text: string): DeliveryOutcome {
  try {
    const ack = parse(text);
    return classifyAck(ack.segment('MSA')?.value(1));
  } catch {
    return transient('ACK_UNREADABLE');
  }
}

/** Connects, writes the frame, resolves with the first frame answered, and hangs up. */
function exchange(frame: Uint8Array, context: DeliveryContext): Promise<string> {
  const { destination, allowList } = context;
  allowList.check(destination.url);
  const host = destination.url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(destination.url.port);
  const tls = destination.tls;

  return new Promise<string>((resolve, reject) => {
    const socket: Socket =
      destination.url.protocol === 'mllps:'
        ? tlsConnect({
            host,
            port,
            lookup: allowList.lookup(),
            servername: tls?.serverName ?? host,
            ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls?.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
          })
        : netConnect({ host, port, lookup: allowList.lookup() });
    const decoder = new MllpDecoder({ maxFrameBytes: 1024 * 1024 });
    let settled = false;
    const finish = (error: Error | undefined, ack?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(ack as string);
    };
    const timer = setTimeout(
      () => finish(new DeliveryTimeoutError(destination.timeoutMs)),
      destination.timeoutMs,
    );

    const connectEvent = destination.url.protocol === 'mllps:' ? 'secureConnect' : 'connect';
    socket.once(connectEvent, () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [first] = decoder.push(chunk);
        if (first !== undefined) finish(undefined, Buffer.from(first).toString('utf8'));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () =>
      finish(Object.assign(new Error('closed without an ACK'), { code: 'NO_ACK' })),
    );
  });
}
