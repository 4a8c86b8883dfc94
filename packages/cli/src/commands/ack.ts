/**
 * `hl7gw ack [--code CODE] [--strict] FILE`: the acknowledgement the gateway would send.
 */
import { randomUUID } from 'node:crypto';

import {
  buildAck,
  buildRejectAck,
  isHl7ParseError,
  parseBatch,
  validate,
  type AckCode,
} from '@hl7gw/hl7-core';

import type { Command } from '../command.js';
import { readInputs } from '../input.js';
import { messageOf } from '../messages.js';
import { parseOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

const CODES: readonly AckCode[] = ['AA', 'AE', 'AR', 'CA', 'CE', 'CR'];

/** Builds an ACK per message: AA when valid, AE with ERR segments when not, AR when unreadable. */
export const ackCommand: Command = {
  summary: 'build the ACK for each message (AA/AE/AR, or CA/CE/CR)',
  help: `Usage: hl7gw ack [--code AA|AE|AR|CA|CE|CR] [--strict] FILE...

Builds an acknowledgement per message: MSH with sender and receiver swapped, MSH-9
ACK^<trigger>^ACK, MSA-2 the message's MSH-10, one ERR per error or warning found. Without
--code the code follows validation (lenient, or strict with --strict): AA when valid, AE
when not; input that is not readable HL7 gets AR. --code forces the code.`,
  async run(args, output) {
    const options = parseOptions(args, {
      code: { type: 'string' },
      strict: { type: 'boolean' },
    });
    const forced = options.text('code')?.toUpperCase() as AckCode | undefined;
    if (forced !== undefined && !CODES.includes(forced)) {
      throw new UsageError(`--code must be one of ${CODES.join(', ')}`);
    }
    const profile = options.flag('strict') ? 'strict' : 'lenient';
    const stamp = () => ({
      controlId: randomUUID().replaceAll('-', '').slice(0, 20),
      timestamp: new Date(),
    });

    for (const { bytes } of await readInputs(options.positionals)) {
      let batch;
      try {
        batch = parseBatch(bytes);
      } catch (error) {
        if (!isHl7ParseError(error)) throw error;
        const code = forced === 'CR' ? 'CR' : 'AR';
        output.out(buildRejectAck(bytes, error, { ...stamp(), code }).toString() + '\n');
        continue;
      }
      const lines = new TextDecoder().decode(bytes).split(/\r\n|\r|\n/);
      for (const member of batch.members) {
        if (member.error) {
          // Answer the member from its own lines, so its MSH-10 is the one acknowledged.
          const text = lines.slice(member.startLine - 1, member.startLine - 1 + member.lineCount);
          const code = forced === 'CR' ? 'CR' : 'AR';
          const ack = buildRejectAck(text.join('\r'), member.error, { ...stamp(), code });
          output.out(ack.toString() + '\n');
          continue;
        }
        const message = messageOf(member);
        const { valid, issues } = validate(message, { profile });
        // Informational findings would bury the ones a sender must act on.
        const reported = issues.filter((issue) => issue.severity !== 'info');
        const code = forced ?? (valid ? 'AA' : 'AE');
        output.out(buildAck(message, { ...stamp(), code, issues: reported }).toString() + '\n');
      }
    }
    return 0;
  },
};
