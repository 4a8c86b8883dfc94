/**
 * The HIE simulator: an MLLP listener (plain TCP, or TLS with an optional client-certificate
 * requirement) that answers each message with an ACK whose MSA-1 is scripted: AA by
 * default, or AE/AR/CA..., after a delay. A failure (scripted rate or outage) drops the
 * message: no ACK, the connection left open, so the sender times out. Forced answers can
 * also close the connection without an ACK. Every message received is recorded with its
 * MSH-10 and the answer given.
 */
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';

import { encodeMllp, MllpDecoder, parse } from '@hl7gw/hl7-core';

import { Behaviour } from './behaviour.js';

/** What the HIE does with one message. */
export type HieAnswer =
  { ack: 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR' } | { drop: true } | { close: true };

/** One message received. */
export interface HieMessage {
  atMs: number;
  /** MSH-10, or empty when the message did not parse. */
  controlId: string;
  /** The message text as framed. */
  text: string;
  /** What was answered. */
  answer: HieAnswer;
  /** The client certificate's subject CN, under mutual TLS. */
  peer?: string;
}

/** Options of the HIE simulator. */
export interface HieOptions {
  port?: number;
  host?: string;
  /** The ACK code for messages the script does not fail; `AA` by default. */
  ackCode?: 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';
  /** TLS: the server's PEM key and certificate; with `ca`, client certificates are required. */
  tls?: { key: string; cert: string; ca?: string };
  random?: () => number;
}

/** A running HIE simulator. */
export interface HieSimulator {
  /** `mllp://127.0.0.1:<port>` (or `mllps://`). */
  url: string;
  port: number;
  behaviour: Behaviour<HieAnswer>;
  /** The ACK code given when nothing else is scripted; may be changed at any time. */
  ackCode: 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';
  received: HieMessage[];
  stop(): Promise<void>;
}

/** Starts the HIE simulator. */
export async function startHieSimulator(options: HieOptions = {}): Promise<HieSimulator> {
  const behaviour = new Behaviour<HieAnswer>(options.random);
  const received: HieMessage[] = [];
  const sockets = new Set<Socket>();

  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new MllpDecoder();
    const peer = peerName(socket);
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(chunk);
      } catch {
        return socket.destroy();
      }
      for (const frame of frames) void answer(socket, Buffer.from(frame).toString('utf8'), peer);
    });
  };

  const answer = async (socket: Socket, text: string, peer: string | undefined) => {
    await behaviour.delay();
    const decision = behaviour.decide();
    const chosen: HieAnswer =
      decision.kind === 'forced'
        ? decision.response
        : decision.kind === 'fail'
          ? { drop: true }
          : { ack: simulator.ackCode };
    const controlId = controlIdOf(text);
    received.push({
      atMs: Date.now(),
      controlId,
      text,
      answer: chosen,
      ...(peer === undefined ? {} : { peer }),
    });
    if ('drop' in chosen) return;
    if ('close' in chosen) return void socket.end();
    socket.write(encodeMllp(ackFor(text, controlId, chosen.ack)));
  };

  const server: Server = options.tls
    ? createTlsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca === undefined
            ? {}
            : { ca: options.tls.ca, requestCert: true, rejectUnauthorized: true }),
        },
        onSocket,
      )
    : createTcpServer(onSocket);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const simulator: HieSimulator = {
    url: `${options.tls ? 'mllps' : 'mllp'}://${host}:${port}`,
    port,
    behaviour,
    ackCode: options.ackCode ?? 'AA',
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return simulator;
}

function controlIdOf(text: string): string {
  try {
    return parse(text).controlId;
  } catch {
    return '';
  }
}

/** An ACK for `text`: MSH with sender and receiver swapped, MSA with the code and MSH-10. */
function ackFor(text: string, controlId: string, code: string): string {
  let sender = 'LAB';
  let receiver = 'HIE';
  try {
    const header = parse(text).header;
    sender = header.value(3) || sender;
    receiver = header.value(5) || receiver;
  } catch {
    // An unreadable message is still answered, with placeholder applications.
  }
  const time = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return [
    `MSH|^~\\&|${receiver}|HIE|${sender}|LAB|${time}||ACK|ACK-${controlId || 'X'}|P|2.5.1`,
    `MSA|${code}|${controlId}`,
  ].join('\r');
}

function peerName(socket: Socket): string | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function') return undefined;
  const subject = tls.getPeerCertificate().subject as { CN?: string } | undefined;
  return subject?.CN;
}
