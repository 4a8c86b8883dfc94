/**
 * Validation profiles: how severe each finding is. `strict` follows the standard; `lenient`
 * accepts what real senders send as long as the result stays usable. A sender-specific
 * profile is a base profile with a few severities changed.
 */
import { VALIDATION_CODES, type ValidationCode } from './validation-codes.js';
import type { Severity } from './validation-issue.js';

/** How severe each code is, and which missing fields always reject the message. */
export interface ValidationProfile {
  /** A name for people and metrics, such as `lenient` or `lenient:LAB-A`. */
  readonly name: string;
  /** The severity every code is reported with. */
  readonly severities: Readonly<Record<ValidationCode, Severity>>;
  /**
   * Fields, written `SEG-F` (`MSH-10`, `PID-3`), without which a result cannot be identified,
   * routed or used: a `REQUIRED_FIELD_MISSING` on one of them is an error in any profile.
   */
  readonly essentialFields: ReadonlySet<string>;
  /**
   * The message types (`ORU^R01`) this profile accepts; others raise `UNSUPPORTED_MESSAGE_TYPE`.
   * Undefined accepts every type and leaves support to the caller.
   */
  readonly messageTypes?: readonly string[];
}

/** A built-in profile by name, or a profile object. */
export type ProfileChoice = 'strict' | 'lenient' | ValidationProfile;

/** What a sender-specific profile changes in its base. */
export interface ProfileOverrides {
  /** The new profile's name. */
  readonly name: string;
  /** Severities that differ from the base. */
  readonly severities?: Partial<Record<ValidationCode, Severity>>;
  /** Replaces the base's essential fields. */
  readonly essentialFields?: readonly string[];
  /** Replaces the base's accepted message types. */
  readonly messageTypes?: readonly string[];
}

/** Which profile each sender gets, as configuration would state it. */
export interface SenderProfiles {
  /** The profile for senders not listed. */
  readonly default: ProfileChoice;
  /** Profiles keyed by sending facility (MSH-4.1, the namespace id, as the sender writes it). */
  readonly bySendingFacility?: Readonly<Record<string, ProfileChoice>>;
}

/** The fields whose absence makes a result unusable: its type, its id, its patient, its test. */
const ESSENTIAL_FIELDS = ['MSH-9', 'MSH-10', 'PID-3', 'OBX-3'];

function allCodes(severity: Severity): Record<ValidationCode, Severity> {
  return Object.fromEntries(VALIDATION_CODES.map((code) => [code, severity])) as Record<
    ValidationCode,
    Severity
  >;
}

/**
 * The standard as written: every rule is an error, except a coding system left out, an
 * optional field routing wants, and a pre-2.5 version, which are warnings.
 */
export const STRICT_PROFILE: ValidationProfile = Object.freeze({
  name: 'strict',
  severities: Object.freeze({
    ...allCodes('error'),
    RECOMMENDED_FIELD_MISSING: 'warning',
    CODING_SYSTEM_MISSING: 'warning',
    LEGACY_VERSION: 'warning',
  }),
  essentialFields: new Set(ESSENTIAL_FIELDS),
});

/**
 * What real senders send: content defects become warnings, so the result still flows and the
 * mapper carries odd values as text. It still rejects what leaves the result unusable: a
 * missing essential field (MSH-9, MSH-10, PID-3, OBX-3), a missing PID or OBR segment, and a
 * message type or version outside what the gateway reads.
 */
export const LENIENT_PROFILE: ValidationProfile = Object.freeze({
  name: 'lenient',
  severities: Object.freeze({
    ...allCodes('warning'),
    REQUIRED_SEGMENT_MISSING: 'error',
    CODING_SYSTEM_MISSING: 'info',
    UNSUPPORTED_MESSAGE_TYPE: 'error',
    UNSUPPORTED_VERSION: 'error',
    LEGACY_VERSION: 'info',
  }),
  essentialFields: new Set(ESSENTIAL_FIELDS),
});

/** The profile a choice names; `undefined` means `strict`. */
export function resolveProfile(choice: ProfileChoice = 'strict'): ValidationProfile {
  if (choice === 'strict') return STRICT_PROFILE;
  if (choice === 'lenient') return LENIENT_PROFILE;
  return choice;
}

/**
 * A profile made from `base` with some severities, essential fields or message types changed,
 * for a sender whose known quirks should not reject its messages (or should).
 */
export function defineProfile(base: ProfileChoice, overrides: ProfileOverrides): ValidationProfile {
  const from = resolveProfile(base);
  const messageTypes = overrides.messageTypes ?? from.messageTypes;

  return Object.freeze({
    name: overrides.name,
    severities: Object.freeze({ ...from.severities, ...overrides.severities }),
    essentialFields: new Set(overrides.essentialFields ?? from.essentialFields),
    ...(messageTypes === undefined ? {} : { messageTypes }),
  });
}

/** The profile configured for a sending facility (MSH-4.1), or the configured default. */
export function profileFor(sendingFacility: string, config: SenderProfiles): ValidationProfile {
  const listed = config.bySendingFacility;
  // Own keys only, so a facility named like an Object method never picks up a prototype value.
  const choice =
    listed !== undefined && Object.hasOwn(listed, sendingFacility)
      ? listed[sendingFacility]
      : undefined;
  return resolveProfile(choice ?? config.default);
}
