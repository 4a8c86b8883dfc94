/**
 * MLLP framing (HL7 Minimal Lower Layer Protocol, release 2): each message travels as a
 * block `<SB> payload <EB><CR>`, with SB = 0x0B, EB = 0x1C and CR = 0x0D. Bytes only:
 * reading and writing sockets is the caller's business.
 */
import { Hl7ParseError } from './errors.js';

/** The start block byte, vertical tab. */
export const MLLP_START_BLOCK = 0x0b;
/** The end block byte, file separator; the block ends with it and a carriage return. */
export const MLLP_END_BLOCK = 0x1c;
/** The carriage return that follows the end block byte. */
export const MLLP_CARRIAGE_RETURN = 0x0d;

const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
const utf8Encoder = new TextEncoder();

/**
 * Frames one payload as an MLLP block: `0x0B`, the payload, `0x1C 0x0D`. A string is
 * encoded as UTF-8; bytes are framed as they are, so another charset is encoded first.
 * @throws RangeError when the payload holds a 0x0B or 0x1C byte, which the protocol forbids
 *   inside a block (a receiver would cut the message there); the offset is named.
 */
export function encodeMllp(payload: string | Uint8Array): Uint8Array {
  const bytes = typeof payload === 'string' ? utf8Encoder.encode(payload) : payload;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === MLLP_START_BLOCK || bytes[i] === MLLP_END_BLOCK) {
      throw new RangeError(`An MLLP payload may not hold byte 0x0B or 0x1C (offset ${i})`);
    }
  }

  const frame = new Uint8Array(bytes.length + 3);
  frame[0] = MLLP_START_BLOCK;
  frame.set(bytes, 1);
  frame[bytes.length + 1] = MLLP_END_BLOCK;
  frame[bytes.length + 2] = MLLP_CARRIAGE_RETURN;
  return frame;
}

/** Limits of an `MllpDecoder`. */
export interface MllpDecoderOptions {
  /** The most payload bytes one frame may hold. Default 16 MiB. */
  readonly maxFrameBytes?: number;
}

/**
 * Reads MLLP frames from a byte stream fed in chunks of any size, keeping a frame that
 * spans chunks (even one cut between its 0x1C and 0x0D) until it completes.
 *
 * Decisions where a sender breaks the protocol:
 * - Bytes outside a frame (line feeds after a block, noise) are dropped and counted in
 *   `discardedBytes`.
 * - A 0x1C not followed by 0x0D does not end the block, which only the pair does: it is kept
 *   in the payload and reading goes on, so the parser, not the framing, reports the stray byte.
 * - A 0x0B inside a frame means the sender gave up on it and started again: the partial
 *   frame is dropped (and counted) and a new frame starts there.
 * - A frame longer than `maxFrameBytes` is dropped and the decoder hunts for the next 0x0B.
 */
export class MllpDecoder {
  /** Bytes dropped so far: between frames, of abandoned frames and of oversized ones. */
  discardedBytes = 0;
  private readonly maxFrameBytes: number;
  private parts: Uint8Array[] = [];
  private length = 0;
  private inFrame = false;
  private endBlockPending = false;
  private ready: Uint8Array[] = [];

  /** @throws RangeError when `maxFrameBytes` is not a positive whole number. */
  constructor(options: MllpDecoderOptions = {}) {
    const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
      throw new RangeError('maxFrameBytes must be a positive whole number');
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Payload bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.length + (this.endBlockPending ? 1 : 0);
  }

  /**
   * Reads `chunk` and returns the payloads of the frames it completes, in order; the chunk
   * may be reused by the caller afterwards. An empty chunk returns frames held back by an
   * earlier throw.
   * @throws Hl7ParseError `MLLP_FRAME_TOO_LARGE` when a frame of this chunk outgrew
   *   `maxFrameBytes`. The whole chunk has been read by then: frames it completed are
   *   returned by the next `push`, and the decoder is already hunting for the next frame.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames = this.ready;
    this.ready = [];
    let tooLarge = false;

    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        i = this.hunt(chunk, i);
        continue;
      }
      if (this.endBlockPending) {
        this.endBlockPending = false;
        if (chunk[i] === MLLP_CARRIAGE_RETURN) {
          frames.push(this.finish());
          i++;
          continue;
        }
        tooLarge = this.append(Uint8Array.of(MLLP_END_BLOCK)) || tooLarge;
        continue;
      }

      let end = i;
      while (
        end < chunk.length &&
        chunk[end] !== MLLP_END_BLOCK &&
        chunk[end] !== MLLP_START_BLOCK
      ) {
        end++;
      }
      if (end > i) tooLarge = this.append(chunk.slice(i, end)) || tooLarge;
      if (end === chunk.length || !this.inFrame) {
        i = end;
      } else if (chunk[end] === MLLP_START_BLOCK) {
        this.drop();
        this.inFrame = true;
        i = end + 1;
      } else {
        this.endBlockPending = true;
        i = end + 1;
      }
    }

    if (tooLarge) {
      this.ready = frames;
      throw new Hl7ParseError(
        'MLLP_FRAME_TOO_LARGE',
        `An MLLP frame exceeded ${this.maxFrameBytes} bytes and was dropped`,
      );
    }
    return frames;
  }

  /** Skips to the next start block; returns the index after it, or the chunk's end. */
  private hunt(chunk: Uint8Array, from: number): number {
    const start = chunk.indexOf(MLLP_START_BLOCK, from);
    if (start < 0) {
      this.discardedBytes += chunk.length - from;
      return chunk.length;
    }
    this.discardedBytes += start - from;
    this.inFrame = true;
    return start + 1;
  }

  /** Adds payload bytes; returns true when that made the frame too large, dropping it. */
  private append(bytes: Uint8Array): boolean {
    if (this.length + bytes.length > this.maxFrameBytes) {
      this.discardedBytes += bytes.length;
      this.drop();
      return true;
    }
    this.parts.push(bytes);
    this.length += bytes.length;
    return false;
  }

  private finish(): Uint8Array {
    const payload = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      payload.set(part, offset);
      offset += part.length;
    }
    this.parts = [];
    this.length = 0;
    this.inFrame = false;
    return payload;
  }

  // Counts the start block and payload read so far; the rest of the frame is counted as it
  // is skipped while hunting.
  private drop(): void {
    this.discardedBytes += 1 + this.length + (this.endBlockPending ? 1 : 0);
    this.parts = [];
    this.length = 0;
    this.inFrame = false;
    this.endBlockPending = false;
  }
}
