import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hl7ParseError } from './errors.js';
import { encodeMllp, MllpDecoder } from './mllp.js';

const SB = 0x0b;
const EB = 0x1c;
const CR = 0x0d;

const ORU =
  'MSH|^~\\&|LAB|ACME LAB^05D0000001^CLIA|GW|STATE DOH|20240315083000-0500||ORU^R01^ORU_R01|MSG-1|P|2.5.1\r' +
  'PID|1||PT-000123^^^ACME LAB&05D0000001&CLIA^MR||Doe^Jane^Q||19800101|F\r' +
  'OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99||||F\r';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (...values: Array<number | string>): Uint8Array =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'number' ? [v] : [...utf8.encode(v)])));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Cuts `data` at the given offsets (any order, repeats allowed) into chunks. */
function cut(data: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.slice(start, point));
    start = point;
  }
  return chunks;
}

function decodeAll(decoder: MllpDecoder, chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('encodeMllp', () => {
  it('frames a string as UTF-8 between 0x0B and 0x1C 0x0D', () => {
    expect(encodeMllp('MSH|^~\\&|é')).toEqual(bytes(SB, 'MSH|^~\\&|é', EB, CR));
  });

  it('frames bytes as they are', () => {
    expect(encodeMllp(Uint8Array.of(0x4d, 0xe9))).toEqual(Uint8Array.of(SB, 0x4d, 0xe9, EB, CR));
  });

  it('frames an empty payload', () => {
    expect(encodeMllp('')).toEqual(Uint8Array.of(SB, EB, CR));
  });

  it.each([
    ['a start block', SB],
    ['an end block', EB],
  ])('refuses a payload holding %s byte, naming its offset', (_, byte) => {
    expect(() => encodeMllp(Uint8Array.of(0x41, byte))).toThrow(/offset 1/);
  });
});

describe('MllpDecoder', () => {
  it('returns the payload of a frame pushed whole', () => {
    const decoder = new MllpDecoder();

    const frames = decoder.push(encodeMllp(ORU));

    expect(frames.map(text)).toEqual([ORU]);
    expect(decoder.discardedBytes).toBe(0);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('returns every frame of a chunk, in order', () => {
    const decoder = new MllpDecoder();

    const frames = decoder.push(concat([encodeMllp('A'), encodeMllp(''), encodeMllp(ORU)]));

    expect(frames.map(text)).toEqual(['A', '', ORU]);
  });

  it('keeps a frame split across chunks until it completes', () => {
    const decoder = new MllpDecoder();
    const frame = encodeMllp(ORU);

    expect(decoder.push(frame.slice(0, 1))).toEqual([]);
    expect(decoder.push(frame.slice(1, 40))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(39);
    expect(decoder.push(frame.slice(40)).map(text)).toEqual([ORU]);
  });

  it('ends a frame whose 0x1C and 0x0D arrive in different chunks', () => {
    const decoder = new MllpDecoder();

    expect(decoder.push(bytes(SB, 'MSH|1', EB))).toEqual([]);
    expect(decoder.push(bytes(CR, SB, 'MSH|2', EB, CR)).map(text)).toEqual(['MSH|1', 'MSH|2']);
  });

  it('drops and counts bytes between frames', () => {
    const decoder = new MllpDecoder();

    const frames = decoder.push(bytes('noise', SB, 'A', EB, CR, '\n', EB, CR, SB, 'B', EB, CR));

    expect(frames.map(text)).toEqual(['A', 'B']);
    expect(decoder.discardedBytes).toBe(8);
  });

  it('keeps a 0x1C not followed by 0x0D in the payload, since only the pair ends a block', () => {
    const decoder = new MllpDecoder();

    expect(decoder.push(bytes(SB, 'A', EB, 'B', EB, EB))).toEqual([]);
    const frames = decoder.push(bytes('C', EB, CR));

    expect(frames).toEqual([bytes('A', EB, 'B', EB, EB, 'C')]);
  });

  it('drops a partial frame when a new start block arrives, and reads the new frame', () => {
    const decoder = new MllpDecoder();

    const frames = decoder.push(bytes(SB, 'MSH|cut off', SB, 'MSH|whole', EB, CR));

    expect(frames.map(text)).toEqual(['MSH|whole']);
    expect(decoder.discardedBytes).toBe(12);
  });

  describe('maxFrameBytes', () => {
    it('accepts a frame of exactly the limit', () => {
      const decoder = new MllpDecoder({ maxFrameBytes: 3 });

      expect(decoder.push(bytes(SB, 'ABC', EB, CR)).map(text)).toEqual(['ABC']);
    });

    it('throws MLLP_FRAME_TOO_LARGE, then reads the next frame', () => {
      const decoder = new MllpDecoder({ maxFrameBytes: 4 });
      let thrown: unknown;

      try {
        decoder.push(bytes(SB, 'ABCDE', EB, CR));
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(Hl7ParseError);
      expect((thrown as Hl7ParseError).code).toBe('MLLP_FRAME_TOO_LARGE');
      expect(decoder.discardedBytes).toBe(8);
      expect(decoder.push(bytes(SB, 'OK', EB, CR)).map(text)).toEqual(['OK']);
    });

    it('throws as soon as a frame spread over chunks outgrows the limit', () => {
      const decoder = new MllpDecoder({ maxFrameBytes: 4 });

      expect(decoder.push(bytes(SB, 'ABC'))).toEqual([]);
      expect(() => decoder.push(bytes('DE'))).toThrow(Hl7ParseError);
      expect(decoder.bufferedBytes).toBe(0);
      expect(decoder.push(bytes('FG', EB, CR, SB, 'OK', EB, CR)).map(text)).toEqual(['OK']);
    });

    it('counts a lone 0x1C kept in the payload toward the limit', () => {
      const decoder = new MllpDecoder({ maxFrameBytes: 2 });

      expect(() => decoder.push(bytes(SB, 'AB', EB, 'C'))).toThrow(Hl7ParseError);
    });

    it('returns the frames completed in the same chunk on the next push', () => {
      const decoder = new MllpDecoder({ maxFrameBytes: 4 });
      const chunk = bytes(SB, 'ONE', EB, CR, SB, 'TOO LONG', EB, CR, SB, 'TWO', EB, CR);

      expect(() => decoder.push(chunk)).toThrow(/exceeded 4 bytes/);
      expect(decoder.push(new Uint8Array(0)).map(text)).toEqual(['ONE', 'TWO']);
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses a maxFrameBytes of %s', (maxFrameBytes) => {
      expect(() => new MllpDecoder({ maxFrameBytes })).toThrow(RangeError);
    });
  });

  it('does not keep a view of the caller chunk, which the caller may reuse', () => {
    const decoder = new MllpDecoder();
    const chunk = bytes(SB, 'ABC');

    decoder.push(chunk);
    chunk.fill(0x5a);

    expect(decoder.push(bytes(EB, CR)).map(text)).toEqual(['ABC']);
  });
});

describe('MllpDecoder properties', () => {
  const payload = fc
    .uint8Array({ maxLength: 300 })
    .map((data) => data.map((byte) => (byte === SB || byte === EB ? 0x20 : byte)));
  const offsets = fc.array(fc.nat(), { maxLength: 40 });

  it('decodes encoded payloads cut anywhere into chunks to exactly those payloads', () => {
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 12 }), offsets, (payloads, cuts) => {
        const decoder = new MllpDecoder();
        const stream = concat(payloads.map((p) => encodeMllp(p)));

        const frames = decodeAll(decoder, cut(stream, cuts));

        expect(frames).toEqual(payloads);
        expect(decoder.discardedBytes).toBe(0);
        expect(decoder.bufferedBytes).toBe(0);
      }),
    );
  });

  it('drops noise between frames and counts every byte of it', () => {
    const noise = fc
      .uint8Array({ maxLength: 20 })
      .map((data) => data.map((byte) => (byte === SB ? 0x0a : byte)));

    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, payload), { maxLength: 8 }),
        noise,
        offsets,
        (pairs, tail, cuts) => {
          const decoder = new MllpDecoder();
          const stream = concat([...pairs.flatMap(([n, p]) => [n, encodeMllp(p)]), tail]);

          const frames = decodeAll(decoder, cut(stream, cuts));

          expect(frames).toEqual(pairs.map(([, p]) => p));
          const noiseBytes = pairs.reduce((sum, [n]) => sum + n.length, tail.length);
          expect(decoder.discardedBytes).toBe(noiseBytes);
        },
      ),
    );
  });
});
