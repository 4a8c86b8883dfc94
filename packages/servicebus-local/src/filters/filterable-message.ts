/**
 * What a subscription filter sees of a message: its application properties and the system
 * properties a filter may name.
 */

/** The system properties a filter may test, as the `@azure/service-bus` client names them. */
export interface FilterableSystemProperties {
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly sessionId?: string;
  /** Service Bus's `Label`, renamed `subject` by the client; filters may say either. */
  readonly subject?: string;
  readonly to?: string;
  readonly replyTo?: string;
  readonly replyToSessionId?: string;
  readonly contentType?: string;
}

/**
 * A message as filters evaluate it. Application property values of other types than string,
 * number, bigint and boolean are kept but match no comparison.
 */
export interface FilterableMessage {
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly system: FilterableSystemProperties;
}

/**
 * The `sys.` names a SQL filter may use, lower-cased, with the field each one reads. Service
 * Bus matches system property names without regard to case (`sys.messageid` works).
 */
export const SYSTEM_PROPERTY_FIELDS: ReadonlyMap<string, keyof FilterableSystemProperties> =
  new Map([
    ['messageid', 'messageId'],
    ['correlationid', 'correlationId'],
    ['sessionid', 'sessionId'],
    ['label', 'subject'],
    ['subject', 'subject'],
    ['to', 'to'],
    ['replyto', 'replyTo'],
    ['replytosessionid', 'replyToSessionId'],
    ['contenttype', 'contentType'],
  ]);
