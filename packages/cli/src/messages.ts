/**
 * Turning CLI inputs into messages: every file is read as a batch, so a single message,
 * concatenated messages and FHS/BHS files all work the same way.
 */
import { parseBatch, type BatchMember, type Hl7Batch, type Hl7Message } from '@hl7gw/hl7-core';

import { readInputs } from './input.js';

/** A message read from an input, with where it came from. */
export interface ReadMessage {
  /** The input it came from (a file name, or `-`). */
  readonly source: string;
  /** Its 1-based position in that input. */
  readonly position: number;
  /** The parsed message. */
  readonly message: Hl7Message;
}

/** One input read as a batch, with its name. */
export interface ReadBatch {
  /** The input name. */
  readonly source: string;
  /** The batch. */
  readonly batch: Hl7Batch;
}

/**
 * Reads each input as a batch.
 * @throws Hl7ParseError when an input is not HL7 at all.
 */
export async function readBatches(names: readonly string[]): Promise<ReadBatch[]> {
  const inputs = await readInputs(names);
  return inputs.map(({ name, bytes }) => ({ source: name, batch: parseBatch(bytes) }));
}

/**
 * Reads every message of every input, in order.
 * @throws Hl7ParseError for the first member that does not parse, naming its position.
 */
export async function readMessages(names: readonly string[]): Promise<ReadMessage[]> {
  const batches = await readBatches(names);
  return batches.flatMap(({ source, batch }) =>
    batch.members.map((member) => ({
      source,
      position: member.position,
      message: messageOf(member),
    })),
  );
}

/**
 * The member's message.
 * @throws Hl7ParseError when the member did not parse.
 */
export function messageOf(member: BatchMember): Hl7Message {
  if (member.error) throw member.error;
  return member.message as Hl7Message;
}
