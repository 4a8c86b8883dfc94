/**
 * The processor's own settings, beside the shared `GatewayConfig`: which senders are
 * validated strictly, how long to wait for a status record ingest has not written yet, and
 * how large a message may be.
 * Parsed once; a bad value fails fast naming the setting, never echoing it.
 */
import {
  ConfigError,
  parseMessageLimits,
  type Environment,
  type MessageLimits,
} from '@hl7gw/platform';
import type { SenderProfiles } from '@hl7gw/hl7-core';

/** Named defaults of the processor settings. */
export const PROCESSOR_DEFAULTS = {
  // Ingest writes the status record beside the enqueue; a message can overtake it briefly.
  statusWaitMs: 2_000,
} as const;

/** The processor's settings. */
export interface ProcessorSettings {
  /**
   * Validation profile per sender: `lenient` by default, `strict` for each sending facility
   * (MSH-4.1) listed in `HL7GW_STRICT_SENDERS` (comma-separated).
   */
  senderProfiles: SenderProfiles;
  /** `HL7GW_STATUS_WAIT_MS`: how long to wait for a missing status record before going on. */
  statusWaitMs: number;
  /** `HL7GW_MAX_SEGMENTS` and `HL7GW_MAX_FIELD_LENGTH`: a message over either is refused. */
  limits: MessageLimits;
}

// MSH-4.1 is an IS value: printable, no separators that could be HL7 delimiters.
const FACILITY = /^[^\s,|^~\\&]{1,64}$/;

/** Reads the processor settings from `env`. Throws `ConfigError` naming the setting at fault. */
export function parseProcessorSettings(env: Environment): ProcessorSettings {
  const strictText = env.HL7GW_STRICT_SENDERS?.trim() ?? '';
  const strict = strictText === '' ? [] : strictText.split(',').map((name) => name.trim());
  if (strict.some((name) => !FACILITY.test(name))) {
    throw new ConfigError(
      'HL7GW_STRICT_SENDERS',
      'must be comma-separated sending facilities (MSH-4.1)',
    );
  }

  const waitText = env.HL7GW_STATUS_WAIT_MS?.trim() ?? '';
  if (waitText !== '' && !/^\d{1,6}$/.test(waitText)) {
    throw new ConfigError('HL7GW_STATUS_WAIT_MS', 'must be an integer of milliseconds');
  }

  return {
    senderProfiles: {
      default: 'lenient',
      bySendingFacility: Object.fromEntries(strict.map((name) => [name, 'strict' as const])),
    },
    statusWaitMs: waitText === '' ? PROCESSOR_DEFAULTS.statusWaitMs : Number(waitText),
    limits: parseMessageLimits(env),
  };
}
