/**
 * The deadletter app's own settings, beside the shared `GatewayConfig`: how often one
 * message may be replayed, which `hl7-results` subscriptions have dead-letter queues to
 * watch, and the development API key. Parsed once, failing fast naming the setting.
 */
import { ConfigError, type Environment } from '@hl7gw/platform';

/** Named defaults of the deadletter settings. */
export const DEADLETTER_DEFAULTS = {
  maxReplays: 3,
  resultSubscriptions: ['integrators', 'abnormal'],
} as const;

/** The deadletter app's settings. */
export interface DeadletterSettings {
  /** `HL7GW_MAX_REPLAYS`: how many times one message may be replayed (0 forbids replays). */
  maxReplays: number;
  /** `HL7GW_RESULT_SUBSCRIPTIONS`: comma-separated subscriptions of the results topic. */
  resultSubscriptions: string[];
  /** `HL7GW_DEV_API_KEY`: the development key, bound to client `dev`; absent, every call is 401. */
  devApiKey?: string;
}

const MAX_REPLAYS_LIMIT = 100;
const SUBSCRIPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

/**
 * Reads the deadletter settings from `env`. Throws `ConfigError` naming the setting at
 * fault; values are never echoed.
 */
export function parseDeadletterSettings(env: Environment): DeadletterSettings {
  const maxReplaysText = env.HL7GW_MAX_REPLAYS?.trim();
  let maxReplays: number = DEADLETTER_DEFAULTS.maxReplays;
  if (maxReplaysText !== undefined && maxReplaysText !== '') {
    maxReplays = Number(maxReplaysText);
    if (!/^\d+$/.test(maxReplaysText) || maxReplays > MAX_REPLAYS_LIMIT) {
      throw new ConfigError(
        'HL7GW_MAX_REPLAYS',
        `must be an integer from 0 to ${MAX_REPLAYS_LIMIT}`,
      );
    }
  }

  const subscriptionsText = env.HL7GW_RESULT_SUBSCRIPTIONS?.trim();
  const resultSubscriptions =
    subscriptionsText === undefined || subscriptionsText === ''
      ? [...DEADLETTER_DEFAULTS.resultSubscriptions]
      : subscriptionsText.split(',').map((name) => name.trim());
  if (resultSubscriptions.some((name) => !SUBSCRIPTION_NAME.test(name))) {
    throw new ConfigError(
      'HL7GW_RESULT_SUBSCRIPTIONS',
      'must be comma-separated subscription names (letters, digits, . - _)',
    );
  }

  const devApiKey = env.HL7GW_DEV_API_KEY?.trim();
  return {
    maxReplays,
    resultSubscriptions,
    ...(devApiKey === undefined || devApiKey === '' ? {} : { devApiKey }),
  };
}
