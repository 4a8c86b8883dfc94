/**
 * Lock tokens on the wire. The client reads a delivery tag as a .NET GUID (its first three
 * groups byte-swapped) and sends tokens back over `$management` as plain UUIDs; the broker
 * keeps the token as the UUID string the client prints.
 */
import rhea from 'rhea';

/** Swaps the byte order of a GUID's first three groups; it is its own inverse. */
function swapGuidBytes(bytes: Buffer): Buffer {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(order.map((i) => bytes[i]!));
}

/** The delivery tag that the client reads back as `token`. */
export function lockTokenToDeliveryTag(token: string): Buffer {
  return swapGuidBytes(rhea.string_to_uuid(token));
}

/** The UUID bytes of `token`, as the client expects them in management responses. */
export function lockTokenToUuid(token: string): Buffer {
  return rhea.string_to_uuid(token);
}

/** The token string of UUID bytes received in a management request. */
export function lockTokenFromUuid(bytes: Buffer): string {
  return rhea.uuid_to_string(bytes);
}

/** .NET ticks (100 ns since 0001-01-01) of a time, as the 8-byte AMQP long the client reads. */
export function toDotNetTicks(timeMs: number): Buffer {
  const ticks = BigInt(timeMs) * 10_000n + 621_355_968_000_000_000n;
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(ticks);
  return bytes;
}
