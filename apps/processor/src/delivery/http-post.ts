/**
 * One HTTP(S) POST to a destination, on `node:http`, with what delivery needs and `fetch`
 * does not give: name resolution through the allow-list (the address connected to is the
 * address checked), one deadline for the whole exchange, TLS options per destination, and a
 * cap on how much of the answer is read.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { AllowList } from './allow-list.js';
import type { DestinationTls } from './destinations.js';
import { DeliveryTimeoutError } from './outcome.js';

/** The answer: status, content type, and the body's first `MAX_ANSWER_BYTES`. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` to `url`. Resolves with any HTTP answer; rejects with
 * `DestinationNotAllowedError`, `DeliveryTimeoutError` or the socket's error.
 */
export function postHttp(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowList: AllowList; tls?: DestinationTls },
): Promise<HttpAnswer> {
  options.allowList.check(url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = Buffer.from(body, 'utf8');

  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.byteLength) },
      lookup: options.allowList.lookup(),
      // A fresh connection per attempt: a pooled one could outlive an allow-list change.
      agent: false,
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
      ...(options.tls?.cert === undefined ? {} : { cert: options.tls.cert, key: options.tls.key }),
      ...(options.tls?.serverName === undefined ? {} : { servername: options.tls.serverName }),
    });
    const timer = setTimeout(
      () => request.destroy(new DeliveryTimeoutError(options.timeoutMs)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };

    request.on('error', fail);
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        if (length < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - length));
        length += chunk.length;
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.end(payload);
  });
}
